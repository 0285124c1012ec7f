"""Every Russian string of the roster domain: errors, problem descriptions, previews, headers.

Messages used after «строка N: » start with a lower-case letter; stand-alone ones are sentences.
"""

from __future__ import annotations

from collections.abc import Iterable


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian noun form for a count: 1 ученик, 2 ученика, 5 учеников, 21 ученик, 11 учеников."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def _join_quoted(items: Iterable[str]) -> str:
    return ", ".join(f"«{i}»" for i in items)


# -- class names ---------------------------------------------------------------------------

CLASS_HINT = "Пишите номер и букву: 5А, 10Б."
CLASS_EMPTY = f"Не указан класс. {CLASS_HINT}"


def class_not_understood(raw: str) -> str:
    return f"Не понял класс «{raw}». {CLASS_HINT}"


def class_bad_grade(raw: str, max_grade: int) -> str:
    return f"Класса «{raw}» не бывает: номер класса от 1 до {max_grade}. {CLASS_HINT}"


def class_bad_letter(raw: str, letter: str) -> str:
    return (f"В классе «{raw}» буква «{letter}» не подходит: нужна русская буква, кроме Ё, Ь, Ъ, Ы, Й. "
            f"{CLASS_HINT}")


# -- roles -----------------------------------------------------------------------------------

ROLE_NAMES = {
    "operator": "оператор",
    "regional_coordinator": "региональный координатор",
    "municipal_coordinator": "муниципальный координатор",
    "school_admin": "администратор",
    "chat_responsible": "ответственный за чаты",
    "moderator": "модератор",
    "class_teacher": "классный руководитель",
    "subject_teacher": "учитель-предметник",
    "teacher": "учитель",
    "psychologist": "психолог",
    "social_pedagogue": "социальный педагог",
    "advisor": "советник",
    "admin_team": "администрация",
    "parent": "родитель",
    "student": "ученик",
}
ROLE_WORDS_HINT = (
    "учитель, классный руководитель 5А, учитель-предметник математика, администратор, "
    "ответственный за чаты, модератор, психолог, социальный педагог, советник, администрация"
)
ROLE_CLASS_TEACHER_NEEDS_CLASS = "у классного руководителя нужен класс: «классный руководитель 5А»"
ROLE_SUBJECT_TEACHER_NEEDS_SUBJECT = "у учителя-предметника нужен предмет: «учитель-предметник математика»"


def role_unknown(word: str) -> str:
    return f"неизвестная роль «{word}». Можно: {ROLE_WORDS_HINT}"


def role_forbidden(role_id: str) -> str:
    return f"роль «{ROLE_NAMES.get(role_id, role_id)}» нельзя выдать через список сотрудников школы"


# -- reading the file ------------------------------------------------------------------------

FILE_EMPTY = "Файл пустой."
FILE_NO_PEOPLE = "В файле есть заголовок, но нет ни одной строки с людьми."
FILE_UNDECODABLE = (
    "Не удалось прочитать файл как текст. Сохраните таблицу как CSV (UTF-8 или Windows-1251) "
    "или как книгу Excel (.xlsx)."
)
FILE_NOT_XLSX = (
    "Файл назван .xlsx, но это не книга Excel (или она повреждена). Откройте его в Excel и "
    "сохраните как «Книга Excel (.xlsx)» или как CSV."
)
FILE_OLD_XLS = "Это старый формат Excel (.xls). Сохраните файл как «Книга Excel (.xlsx)» или как CSV."


def size_words(n_bytes: int) -> str:
    """«2 МБ», «1,5 МБ», «500 КБ»: a size limit as a person reads it."""
    if n_bytes >= 1024 * 1024:
        mb = round(n_bytes / (1024 * 1024), 1)
        return f"{mb:g} МБ".replace(".", ",")
    return f"{max(1, round(n_bytes / 1024))} КБ"


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# Splitting students by class is a last resort: with «Только классы из файла» nobody outside a
# file's classes is expelled, but a student who moved between two files' classes would be expelled
# by one and enrolled anew by the other. Students, parents and staff in separate files are safe,
# and .xlsx is several times smaller than the same table in CSV.
_SPLIT_HINT = (
    "Сохраните таблицу как «Книга Excel (.xlsx)» — так она в несколько раз меньше — или отправьте "
    "учеников, родителей и сотрудников отдельными файлами. Учеников лучше не делить по классам: "
    "ученика, перешедшего из класса одного файла в класс другого, бот отчислит и зачислит заново."
)


def file_too_big(limit_bytes: int) -> str:
    return f"Файл больше {size_words(limit_bytes)} — это предел для одной загрузки. {_SPLIT_HINT}"


def file_too_many_rows(limit: int) -> str:
    return (f"В файле больше {_number(limit)} строк — это предел для одной загрузки. Отправьте учеников, "
            "родителей и сотрудников отдельными файлами (учеников лучше не делить по классам: ученика, "
            "перешедшего из класса одного файла в класс другого, бот отчислит и зачислит заново).")


def xlsx_too_big_unpacked(limit_bytes: int) -> str:
    return (f"Книга Excel в распакованном виде больше {size_words(limit_bytes)} — это предел для одной "
            "загрузки. Удалите лишние листы, картинки и пустые отформатированные строки или сохраните "
            "таблицу как CSV.")


def cell_too_long(limit: int) -> str:
    return (f"в ячейке больше {_number(limit)} знаков — столько не бывает ни в ФИО, ни в ролях. "
            "Проверьте, не склеились ли строки, и сохраните таблицу заново.")


def control_characters(column: str) -> str:
    return (f"в столбце «{column}» есть невидимые служебные символы (например, нулевой байт) — "
            "перепечатайте значение вручную или сохраните таблицу заново")


def file_bad_csv(line: int) -> str:
    return f"Файл CSV повреждён около строки {line}. Сохраните таблицу заново как CSV или .xlsx."


EXPECTED_COLUMNS = (
    "для учеников — «ФИО» (или «Фамилия», «Имя», «Отчество»), «Класс», «Режим»; "
    "для родителей — «ФИО», «Ребёнок», «Класс ребёнка»; "
    "для сотрудников — «ФИО», «Должность», «Роли». "
    "Если всё в одном файле, добавьте столбец «Тип» (ученик, родитель, сотрудник) "
    "или разложите людей по листам «Ученики», «Родители», «Сотрудники»"
)


def bad_header(cells: Iterable[str]) -> str:
    seen = _join_quoted(c for c in cells if c) or "пусто"
    return f"не понял заголовок таблицы ({seen}). Нужны столбцы: {EXPECTED_COLUMNS}"


TYPE_MISSING = "не указан тип: напишите в столбце «Тип» ученик, родитель или сотрудник"


def unknown_type(value: str) -> str:
    return f"неизвестный тип «{value}»: пишите ученик, родитель или сотрудник"


NAME_EMPTY = "не указано ФИО"
STUDENT_NO_CLASS = f"у ученика не указан класс. {CLASS_HINT}"
PARENT_WITHOUT_CHILD = "у родителя не указан ребёнок: заполните столбец «Ребёнок» (ФИО ребёнка)"


def unknown_mode(value: str) -> str:
    return f"неизвестный режим «{value}»: пишите очное, надомное или длительно отсутствует (или оставьте пустым)"


def place(line: int | None, sheet: str | None) -> str:
    """«строка 7», «лист «Ученики», строка 7», «лист «Ученики»» or «файл»."""
    parts = []
    if sheet is not None:
        parts.append(f"лист «{sheet}»")
    if line is not None:
        parts.append(f"строка {line}")
    return ", ".join(parts) or "файл"


def _seen_at(line: int, sheet: str | None) -> str:
    return f"на листе «{sheet}» в строке {line}" if sheet is not None else f"в строке {line}"


def duplicate_student(name: str, class_name: str, line: int, sheet: str | None) -> str:
    return f"повтор: ученик «{name}», {class_name} уже есть {_seen_at(line, sheet)}"


def duplicate_parent(name: str, child: str, line: int, sheet: str | None) -> str:
    return f"повтор: родитель «{name}» ребёнка «{child}» уже есть {_seen_at(line, sheet)}"


def duplicate_staff(name: str, line: int, sheet: str | None) -> str:
    return (f"повтор: сотрудник «{name}» уже есть {_seen_at(line, sheet)}; "
            "если это один человек, перечислите все роли в одной строке")


NAME_CONTROL_CHARACTERS = (
    "В ФИО есть невидимые служебные символы (например, нулевой байт). Напечатайте ФИО заново вручную."
)
IMPORT_CHANGING = (
    "Списки школы сейчас меняются (кто-то зачисляет или переводит учеников). Нажмите «Применить» "
    "ещё раз через минуту."
)


# -- matching the file against the school ----------------------------------------------------

def child_not_found(child: str, class_name: str | None) -> str:
    where = f" в {class_name}" if class_name else ""
    return f"ребёнок «{child}»{where} не найден ни в файле, ни среди учеников школы"


def child_in_other_class(child: str, class_name: str, found_in: Iterable[str]) -> str:
    return (f"ребёнок «{child}» не найден в {class_name}, но есть в {', '.join(found_in)}: "
            "проверьте «Класс ребёнка»")


def ambiguous_child(child: str, classes: Iterable[str]) -> str:
    return (f"неоднозначно: учеников «{child}» несколько ({', '.join(classes)}) — "
            "укажите класс в столбце «Класс ребёнка»")


def ambiguous_student(name: str, classes: Iterable[str]) -> str:
    return (f"неоднозначно: в школе несколько учеников «{name}» ({', '.join(classes)}) и нельзя "
            "понять, кто из них переведён, а кто новый — исправьте это вручную командой /перевести")


def ambiguous_parent(name: str) -> str:
    return (f"неоднозначно: в школе несколько родителей «{name}», и по детям не понять, о ком "
            "строка — добавьте ребёнка или исправьте вручную")


def ambiguous_staff(name: str) -> str:
    return f"неоднозначно: в школе несколько сотрудников «{name}» — исправьте вручную"


def warn_mass_expel(expelled: int, total: int) -> str:
    return (f"Будут отчислены {expelled} из {total} {plural(total, 'ученика', 'учеников', 'учеников')} — "
            "проверьте, что в файле все классы школы, а не один класс или параллель.")


def warn_orphaned_parents(names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (f" и ещё {len(names) - 5}" if len(names) > 5 else "")
    return (f"У {len(names)} {plural(len(names), 'родителя', 'родителей', 'родителей')} не останется детей "
            f"в школе: {shown}. Они не удаляются сами — уберите их вручную, если нужно.")


# -- import preview --------------------------------------------------------------------------

PREVIEW_KIND_TITLES = {"students": "Ученики", "parents": "Родители", "staff": "Сотрудники"}
PREVIEW_COUNT_LABELS = (
    ("added", "новых"),
    ("moved", "переведено"),
    ("mode_changed", "сменили режим"),
    ("expelled", "отчислено"),
    ("links_added", "новых связей с детьми"),
    ("roles_changed", "изменились роли"),
    ("unchanged", "без изменений"),
)
PREVIEW_NO_CHANGES = "Изменений нет: список совпадает с тем, что уже есть."
PREVIEW_OK = "Ошибок нет, можно применять."
PREVIEW_OK_WITH_WARNINGS = "Ошибок в файле нет, но сначала прочитайте предупреждения выше."
PREVIEW_NAMES_SHOWN = 20


def preview_moved(names: list[str]) -> str:
    """«Будут переведены (2): Иванов Пётр (5А → 6Б), …» — up to a limit, then a count."""
    shown = ", ".join(names[:PREVIEW_NAMES_SHOWN])
    rest = len(names) - PREVIEW_NAMES_SHOWN
    return f"Будут переведены ({len(names)}): {shown}" + (f" и ещё {rest}" if rest > 0 else "") + "."


def preview_expelled(names: list[str]) -> str:
    """«Будут отчислены (3): Иванов Пётр (5А), …» — every name up to a limit, then a count."""
    shown = ", ".join(names[:PREVIEW_NAMES_SHOWN])
    rest = len(names) - PREVIEW_NAMES_SHOWN
    return f"Будут отчислены ({len(names)}): {shown}" + (f" и ещё {rest}" if rest > 0 else "") + "."


def preview_problems_title(n: int) -> str:
    return (f"Найдено {n} {plural(n, 'проблема', 'проблемы', 'проблем')} — пока ничего не изменено. "
            "Исправьте файл и пришлите его снова:")


def preview_more(n: int) -> str:
    return f"и ещё {n}"


def warning_line(text: str) -> str:
    return f"Внимание: {text}"


# -- promotion -------------------------------------------------------------------------------

def promotion_collision(old: str, new: str) -> str:
    return f"Нельзя перевести {old} в {new}: класс {new} уже есть и остаётся."


def promotion_duplicate(name: str) -> str:
    return f"Класс {name} указан дважды."


# -- exported tables -------------------------------------------------------------------------

CODES_HEADERS = ("ФИО", "Класс", "Кто", "Код", "Действует до")
WHO_STUDENT = "ученик"
WHO_STAFF = "сотрудник"


def who_parent(child: str | None) -> str:
    return f"родитель ({child})" if child else "родитель"


# -- answers of the roster commands (rendered by handlers/roster_views.py) ----------------------

def role_import_forbidden(lines: list[tuple[str, list[str]]]) -> str:
    """«Вы не можете выдавать или снимать роль «модератор» (Иванов, Петров) — …», one line a role."""
    from bot import texts as common

    return "\n".join(common.ROLE_IMPORT_FORBIDDEN.format(role=role, names=", ".join(names)) for role, names in lines)


def import_summary(lines: list[str]) -> str:
    """«Ученики: новых 4; Родители: новых 2» — what was applied, from the plan's count lines."""
    return "; ".join(line.rstrip(".") for line in lines) or "—"


def new_year_preview(org: str, moves: list[tuple[str, str, int]], graduates: list[str]) -> str:
    from bot import texts as common

    lines = "\n".join(common.NEWYEAR_LINE.format(old=old, new=new, count=count) for old, new, count in moves)
    return common.NEWYEAR_PREVIEW.format(org=org, lines=lines or "—", graduates=", ".join(graduates) or "—")


def pick_label(name: str, class_name: str | None) -> str:
    return f"{name}, {class_name or '—'}"
