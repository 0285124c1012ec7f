"""Deterministic, realistic sample rosters for the demo, benchmarks and tests.

Names are drawn from common Russian surnames, first names and patronymics with the right gender
forms; a father's first name is the child's patronymic. Classes spread over 1А..11В.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.domain.classes import ClassName
from bot.domain.tables import to_csv, to_xlsx

_SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв "
    "Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов "
    "Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов "
    "Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов "
    "Ефимов Федотов Щербаков Назаров Калинин Исаев Быков Маслов Родионов Коновалов Лазарев Воронин "
    "Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Трофимов Леонов "
    "Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов "
    "Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов "
    "Покровский Вишневский Успенский Никольский Троицкий Шевченко Кравченко Бондаренко Черных Седых Ким"
).split()
_BOYS = (
    "Александр Максим Иван Артём Дмитрий Никита Михаил Даниил Егор Андрей Илья Алексей Кирилл Матвей "
    "Роман Сергей Владимир Тимофей Ярослав Фёдор Марк Лев Глеб Степан Павел Николай Денис Арсений "
    "Богдан Макар Тимур Виктор Константин Антон"
).split()
_GIRLS = (
    "Анна Мария Дарья Алиса Полина Анастасия Екатерина Виктория Софья Варвара Ксения Вероника "
    "Александра Арина Василиса Ева Милана Ульяна Таисия Елизавета Злата Валерия Диана Кира Алёна"
).split()
_WOMEN = (
    "Елена Ольга Наталья Татьяна Ирина Светлана Юлия Марина Екатерина Анна Мария Людмила Галина "
    "Надежда Евгения Кристина Алёна Вера Оксана Анастасия Виктория Ксения"
).split()
# Father's first name → (son's patronymic, daughter's patronymic).
_FATHERS = (
    ("Александр", "Александрович", "Александровна"), ("Сергей", "Сергеевич", "Сергеевна"),
    ("Андрей", "Андреевич", "Андреевна"), ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Алексей", "Алексеевич", "Алексеевна"), ("Михаил", "Михайлович", "Михайловна"),
    ("Игорь", "Игоревич", "Игоревна"), ("Владимир", "Владимирович", "Владимировна"),
    ("Николай", "Николаевич", "Николаевна"), ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Олег", "Олегович", "Олеговна"), ("Виктор", "Викторович", "Викторовна"),
    ("Иван", "Иванович", "Ивановна"), ("Павел", "Павлович", "Павловна"),
    ("Юрий", "Юрьевич", "Юрьевна"), ("Роман", "Романович", "Романовна"),
    ("Денис", "Денисович", "Денисовна"), ("Максим", "Максимович", "Максимовна"),
    ("Константин", "Константинович", "Константиновна"), ("Вадим", "Вадимович", "Вадимовна"),
    ("Антон", "Антонович", "Антоновна"), ("Илья", "Ильич", "Ильинична"),
    ("Пётр", "Петрович", "Петровна"), ("Фёдор", "Фёдорович", "Фёдоровна"),
    ("Григорий", "Григорьевич", "Григорьевна"), ("Кирилл", "Кириллович", "Кирилловна"),
    ("Станислав", "Станиславович", "Станиславовна"), ("Василий", "Васильевич", "Васильевна"),
)
SAMPLE_CLASSES = tuple(ClassName(g, letter) for g in range(1, 12) for letter in "АБВ")
_MODES = (("", 0.95), ("надомное", 0.03), ("длительно отсутствует", 0.02))
_STAFF_ROLES = (
    "учитель", "учитель-предметник математика", "учитель-предметник русский язык",
    "учитель-предметник история", "психолог", "социальный педагог", "советник", "модератор",
)
HEADERS = ("Тип", "ФИО", "Класс", "Режим", "Ребёнок", "Класс ребёнка", "Должность", "Роли")


def feminine_surname(surname: str) -> str:
    """Иванов → Иванова, Соловьёв → Соловьёва, Ильин → Ильина, Троицкий → Троицкая, Черных → Черных."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    return surname


@dataclass(frozen=True)
class _Student:
    surname: str  # masculine form
    father: str
    name: str
    class_name: ClassName


def _students(rng: random.Random, n: int) -> tuple[list[_Student], list[str]]:
    students: list[_Student] = []
    modes: list[str] = []
    seen: set[tuple[str, ClassName]] = set()
    while len(students) < n:
        surname, (father, son, daughter) = rng.choice(_SURNAMES), rng.choice(_FATHERS)
        class_name = SAMPLE_CLASSES[rng.randrange(len(SAMPLE_CLASSES))]
        if rng.random() < 0.5:
            name = f"{surname} {rng.choice(_BOYS)} {son}"
        else:
            name = f"{feminine_surname(surname)} {rng.choice(_GIRLS)} {daughter}"
        if (name, class_name) in seen:
            continue  # namesakes in one class would be a duplicate row
        seen.add((name, class_name))
        students.append(_Student(surname, father, name, class_name))
        modes.append(rng.choices([m for m, _ in _MODES], [w for _, w in _MODES])[0])
    return students, modes


def make_sample_rows(n_students: int, n_parents: int, seed: int, *, n_staff: int = 0) -> list[list[str]]:
    """Rows under ``HEADERS``: students, then parents (mother or father of a random student, at
    most one of each per child), then staff."""
    if n_parents > 2 * n_students:
        raise ValueError("at most two parents per student")
    rng = random.Random(seed)
    students, modes = _students(rng, n_students)
    rows = [["ученик", s.name, str(s.class_name), mode, "", "", "", ""] for s, mode in zip(students, modes)]
    taken: set[tuple[int, str]] = set()
    while len(taken) < n_parents:
        index, who = rng.randrange(len(students)), rng.choice(("мать", "отец"))
        if (index, who) in taken:
            continue
        taken.add((index, who))
        child = students[index]
        if who == "отец":
            name = f"{child.surname} {child.father} {rng.choice(_FATHERS)[1]}"
        else:
            name = f"{feminine_surname(child.surname)} {rng.choice(_WOMEN)} {rng.choice(_FATHERS)[2]}"
        rows.append(["родитель", name, "", "", child.name, str(child.class_name), "", ""])
    for i in range(n_staff):
        surname, (_, _, middle) = rng.choice(_SURNAMES), rng.choice(_FATHERS)
        name = f"{feminine_surname(surname)} {rng.choice(_WOMEN)} {middle}"
        roles = [rng.choice(_STAFF_ROLES)]
        if i < len(SAMPLE_CLASSES):
            roles.append(f"классный руководитель {SAMPLE_CLASSES[i]}")
        rows.append(["сотрудник", name, "", "", "", "", "учитель", ", ".join(roles)])
    return rows


def make_sample_csv(n_students: int, n_parents: int, seed: int, *, n_staff: int = 0) -> bytes:
    """A one-file roster with a «Тип» column, as a school would export it (UTF-8 BOM, «;»)."""
    return to_csv(HEADERS, make_sample_rows(n_students, n_parents, seed, n_staff=n_staff))


def make_sample_xlsx(n_students: int, n_parents: int, seed: int, *, n_staff: int = 0) -> bytes:
    """The same people on three sheets «Ученики», «Родители», «Сотрудники»."""
    rows = make_sample_rows(n_students, n_parents, seed, n_staff=n_staff)
    by_type = {t: [r for r in rows if r[0] == t] for t in ("ученик", "родитель", "сотрудник")}
    return to_xlsx({
        "Ученики": (("ФИО", "Класс", "Режим"), [[r[1], r[2], r[3]] for r in by_type["ученик"]]),
        "Родители": (("ФИО", "Ребёнок", "Класс ребёнка"), [[r[1], r[4], r[5]] for r in by_type["родитель"]]),
        "Сотрудники": (("ФИО", "Должность", "Роли"), [[r[1], r[6], r[7]] for r in by_type["сотрудник"]]),
    })
