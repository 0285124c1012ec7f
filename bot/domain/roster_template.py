"""The roster template (XLSX and CSV) offered by /импорт without a file and kept in templates/.

Generated from this code so it cannot drift from what the importer reads: the header uses the
importer's column names, and the example rows say «пример: …» in «Тип», so a template sent back
unchanged is refused with the line of every example instead of enrolling them."""

from __future__ import annotations

from bot.domain.tables import to_csv, to_xlsx

HEADERS = ("Тип", "ФИО", "Класс", "Режим", "Ребёнок", "Класс ребёнка", "Должность", "Роли")
EXAMPLES = (
    ("пример: ученик", "Иванов Пётр Сергеевич", "5А", "очное", "", "", "", ""),
    ("пример: ученик", "Петрова Анна Игоревна", "5А", "надомное", "", "", "", ""),
    ("пример: родитель", "Иванова Елена Петровна", "", "", "Иванов Пётр Сергеевич", "5А", "", ""),
    ("пример: сотрудник", "Смирнова Ольга Викторовна", "", "", "", "", "учитель математики",
     "классный руководитель 5А, учитель-предметник математика"),
)
SHEET = "Списки"
HELP_SHEET = "Как заполнять"
HELP_LINES = (
    "Одна строка — один человек. Строки «пример: …» удалите и впишите своих людей.",
    "Тип: ученик, родитель или сотрудник.",
    "Класс ученика: номер и буква (5А, 10Б). Режим: очное, надомное или длительно отсутствует (можно пусто).",
    "Родитель: в «Ребёнок» — ФИО ребёнка, в «Класс ребёнка» — его класс. Двое детей — две строки.",
    "Сотрудник: «Должность» — как в приказе; «Роли» — через запятую: учитель, классный руководитель 5А, "
    "учитель-предметник математика, администратор, ответственный за чаты, модератор, психолог, "
    "социальный педагог, советник, администрация.",
    "Учеников перечисляйте всех классов школы: кого нет в файле, бот предложит отчислить "
    "(или применить только классы из файла).",
)


def template_xlsx() -> bytes:
    return to_xlsx({SHEET: (HEADERS, EXAMPLES), HELP_SHEET: (HELP_LINES[:1], [[line] for line in HELP_LINES[1:]])})


def template_csv() -> bytes:
    return to_csv(HEADERS, EXAMPLES)
