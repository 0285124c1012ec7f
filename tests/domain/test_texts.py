import pytest

from bot.texts.roster import lower_first, place, plural


@pytest.mark.parametrize(
    ("n", "form"),
    [(0, "учеников"), (1, "ученик"), (2, "ученика"), (4, "ученика"), (5, "учеников"), (11, "учеников"),
     (12, "учеников"), (14, "учеников"), (21, "ученик"), (22, "ученика"), (101, "ученик"), (111, "учеников")],
)
def test_plural(n, form):
    assert plural(n, "ученик", "ученика", "учеников") == form


@pytest.mark.parametrize(
    ("line", "sheet", "text"),
    [(7, None, "строка 7"), (7, "Ученики", "лист «Ученики», строка 7"), (None, "Ученики", "лист «Ученики»"), (None, None, "файл")],
)
def test_place(line, sheet, text):
    assert place(line, sheet) == text


def test_lower_first():
    assert lower_first("Не понял") == "не понял"
    assert lower_first("") == ""


# -- grammar by gender ------------------------------------------------------------------------------

from bot import texts  # noqa: E402
from bot.domain.names import gender_of  # noqa: E402


@pytest.mark.parametrize(
    ("name", "gender"),
    [("Иванова Мария Петровна", "f"), ("Иванов Пётр Сергеевич", "m"), ("Кузьмина Анна Ильинична", "f"),
     ("Алиева Лейла Рашид кызы", "f"), ("Мамедов Эльчин Рашид оглы", "m"),
     # no patronymic (VK names, short roster rows): first names and surname endings
     ("Вера Петрова", "f"), ("Петрова Вера", "f"), ("Шевчук Мария", "f"), ("Шевчук Иван", "m"),
     ("Никита Ким", "m"), ("Толстая Ольга", "f"), ("Троицкий Лев", "m"), ("Данелия Георгий", "m"),
     ("Незнакомый Человек", "m"),
     # unsure: nothing is guessed
     ("Саша Ким", None), ("Женя Черных", None), ("Черных Седых", None), ("Ким", None), ("", None), (None, None)],
)
def test_gender_of(name, gender):
    assert gender_of(name) == gender


def test_gendered_helper():
    assert texts.gendered("Вера Петрова", "допущен", "допущена") == "допущена"
    assert texts.gendered("Пётр Родителев", "допущен", "допущена") == "допущен"
    assert texts.gendered(True, "он", "она") == "она" and texts.gendered(False, "он", "она") == "он"
    assert texts.gendered("Саша Ким", "допущен", "допущена", "допуск") == "допуск"
    assert texts.gendered(None, "допущен", "допущена") == "допущен"  # the generic form


def test_person_texts_agree_with_the_person():
    assert texts.admitted("Вера Петрова") == "допущена" and texts.admitted("Пётр Родителев") == "допущен"
    assert texts.excluded("Вера Петрова") == "исключена" and texts.admitted(None) == "допуск"
    woman = texts.leader_not_linked("Сидорова Анна Павловна")
    assert woman.startswith("Ведущая беседы") and "не привязала" in woman and "Попросите её" in woman
    assert "его" not in woman
    man = texts.leader_not_linked("Сидоров Павел Иванович")
    assert man.startswith("Ведущий беседы") and "не привязал VK" in man and "Попросите его" in man
    assert "Попросите её" in texts.leader_cannot_be_added("\ue000name:5\ue001", "Сидорова Анна Павловна")
    unknown = texts.leader_cannot_be_added("\ue000name:5\ue001")
    assert "человек не разрешил сообществу писать ему. Попросите его" in unknown  # agrees with «человек»
    assert texts.enrolled("Иванова Мария", "5А").startswith("Зачислена: Иванова Мария, 5А")
    assert texts.enrolled("Иванов Пётр", "5А").startswith("Зачислен: Иванов Пётр, 5А")
    assert texts.role_linked("Иванова Мария Петровна", "Школа", 5).startswith("Готово: Иванова Мария Петровна из")
    assert "привязана к vk.com/id5" in texts.role_linked("Иванова Мария Петровна", "Школа", 5)
    assert texts.role_linked("Ким Саша", "Школа", 5).startswith("Готово: запись «Ким Саша»")
    assert texts.quarantine_expired("Вера Петрова").startswith("Вера Петрова удалена:")
    assert texts.quarantine_expired("\ue000name:5\ue001").startswith("Участник \ue000name:5\ue001 удалён:")


def test_a_girl_links_as_a_schoolgirl():
    assert texts.linked_student("Иванова Мария Петровна", "5А") == "ученица 5А"
    assert texts.linked_student("Иванов Пётр Сергеевич", "5А") == "ученик 5А"
    assert texts.linked_student("Ким Саша", "5А") == "ученик 5А"  # unsure: the generic word


def test_texts_about_a_child_agree_with_the_childs_gender():
    """The hot line's «от кого» and the progress note name a girl as «ученицы», a boy as «ученика»."""
    from bot.texts import hotline as ht
    from bot.texts import progress as pt

    assert "родитель ученицы Петрова Мария Ивановна (5А)" in ht.who_parent("Иванова Анна", "Петрова Мария Ивановна", "5А")
    assert "родитель ученика Петров Иван Сергеевич (5А)" in ht.who_parent("Петров Сергей", "Петров Иван Сергеевич", "5А")
    assert "родитель ученицы Петрова Мария" in pt.example("Петрова Мария", "Математика: 5")
    assert pt.to_parent("Петрова Мария", "5А", "Математика: 5").endswith("родители ученицы.")
    assert pt.to_parent("Петров Иван", "5А", "Математика: 5").endswith("родители ученика.")
    assert ht.REPORT_NONE == "Вопросов на горячую линию за этот месяц не было."


def test_poll_and_quiz_continue_private_agree():
    """«каким будет викторина» was wrong: the text now reads right for «опрос» and «викторина»."""
    from bot.texts import polls as pt

    quiz = pt.CONTINUE_PRIVATE.format(what=pt.WHAT_QUIZ, command="/викторина")
    poll = pt.CONTINUE_PRIVATE.format(what=pt.WHAT_POLL, command="/опрос")
    assert "каким будет викторина" not in quiz
    assert "потом викторина появится в этой беседе" in quiz
    assert "потом опрос появится в этой беседе" in poll


def test_pending_what_of_a_transfer_or_expulsion_agrees_with_the_student():
    from bot.texts import confirm as ct

    assert ct.what_transfer("Петрова Мария Ивановна", "5А", "5Б") == "перевод ученицы Петрова Мария Ивановна (5А → 5Б)"
    assert ct.what_expel("Петрова Мария", "5А") == "отчисление ученицы Петрова Мария (5А)"
    assert ct.what_expel("Петров Иван", None) == "отчисление ученика Петров Иван (—)"


def test_quiz_over_agrees_with_the_number_of_students() -> None:
    from bot.texts import polls

    assert polls.answered(1) == "ответил 1 ученик"
    assert polls.answered(3) == "ответили 3 ученика"
    assert polls.answered(11) == "ответили 11 учеников"
    assert polls.answered(21) == "ответил 21 ученик"
    assert polls.answered(0) == "никто не ответил"
