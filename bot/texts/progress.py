"""Private progress notes: a teacher's spreadsheet, one row per student, each row sent privately
to that student's parents; who could not be reached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts.roster import plural

if TYPE_CHECKING:
    from bot.services.progress_results import Applied, Preview, SheetRow

HOW = ("Пришлите таблицу командой /успеваемость с прикреплённым файлом XLSX или CSV: одна строка на ученика, "
       "столбец «ФИО» (или «Фамилия» и «Имя»), при желании «Класс», остальные столбцы — любые (оценки, "
       "пропуски, комментарий). Каждый родитель получит лично только строку своего ребёнка, в беседы ничего "
       "не попадёт; после рассылки таблица не хранится.")
NO_CLASSES = ("Рассылать успеваемость родителям может учитель класса: классный руководитель или учитель, "
              "которому выдана роль в классе. У вас нет такого класса.")
BAD_EXT = "Файл «{name}» — не таблица. Пришлите XLSX или CSV (в Excel: «Сохранить как» → «Книга Excel»)."
DOWNLOAD_FAILED = "Не удалось скачать файл из VK. Пришлите его ещё раз."
NO_NAME_COLUMN = ("В таблице не нашлось столбца с именами учеников. Первой строкой должны идти названия "
                  "столбцов: «ФИО» (или «Фамилия» и «Имя»), при желании «Класс», дальше — любые.")
NO_DATA_COLUMNS = ("В таблице кроме имени и класса нет ни одного столбца: отправлять родителям нечего. "
                   "Добавьте столбцы с оценками или комментариями.")
NO_ROWS = "В таблице нет ни одной строки с учеником под строкой заголовков."
TOO_MANY_ROWS = "В таблице {rows} строк: за один раз можно разослать не больше {limit}. Разделите её по классам."

PREVIEW = "Проверьте рассылку успеваемости ({classes}).\n\nСтрок в таблице: {rows}. {will}"
WILL_SEND = "Получат лично: {parents} — по строке своего ребёнка ({students})."
WILL_SEND_NONE = "Отправлять некому: ни одна строка не подошла."
EXAMPLE = "Так увидит сообщение родитель ученика {student}:\n\n{text}"
EXAMPLE_F = "Так увидит сообщение родитель ученицы {student}:\n\n{text}"
UNMATCHED = "Не найдены среди учеников ваших классов (им ничего не уйдёт):\n{lines}"
AMBIGUOUS = "Подходят несколько учеников — уточните класс в столбце «Класс» (им ничего не уйдёт):\n{lines}"
FOREIGN_CLASS = "Не ваш класс (им ничего не уйдёт):\n{lines}"
DUPLICATE = "Ученик встречается в таблице несколько раз (ничего не уйдёт):\n{lines}"
NO_PARENT = "Нет привязанного к боту родителя (им ничего не уйдёт):\n{lines}"
ROW_LINE = "— строка {line}: {name}"
ROW_LINE_CLASS = "— строка {line}: {name} ({cls})"
STUDENT_LINE = "— {name} ({cls})"
MORE = "… и ещё {count}"
BUTTON_SEND = "Отправить ({parents})"
BUTTON_CANCEL = "Отменить"
WHAT = "рассылка успеваемости родителям ({classes})"
NOTHING_TO_SEND = "Рассылка не начата: ни одной строки, которую можно отправить родителям."

TO_PARENT = "📒 Успеваемость: {student} ({cls})\n\n{lines}\n\nЭто сообщение получили только вы — родители ученика."
TO_PARENT_F = "📒 Успеваемость: {student} ({cls})\n\n{lines}\n\nЭто сообщение получили только вы — родители ученицы."
CELL = "{header}: {value}"

STARTED = ("Рассылка началась: {parents}. Когда все сообщения уйдут, я напишу, кому доставить не удалось. "
           "Таблица не сохранена.")
GONE = "Эта рассылка уже не ждёт подтверждения: пришлите таблицу заново."
CLASS_LOST = "Класс {cls} больше не ваш: рассылка не начата. Пришлите таблицу заново."

DONE_ALL = "✅ Успеваемость доставлена всем: {parents}."
DONE_SOME = "Успеваемость доставлена: {sent} из {total}."
NOT_DELIVERED = "Не доставлено родителям:\n{lines}"
NOT_DELIVERED_LINE = "— {student} — {reason}; что сделать: {fix}"
REASON_BLOCKED = "родитель не разрешил сообщения сообщества"
FIX_BLOCKED = ("попросите родителя написать сообществу {community} любое сообщение (или разрешить сообщения), "
               "затем пришлите таблицу только с этой строкой")
REASON_NO_PARENT = "не привязан ни один родитель"
FIX_NO_PARENT = "выдайте родителю код привязки (/коды {cls}) и после привязки пришлите строку снова"
REASON_VK = "VK не принял сообщение (код {code})"
FIX_VK = "пришлите таблицу с этой строкой ещё раз позже"


def example(student: str, text: str) -> str:
    from bot.texts import gendered

    return gendered(student, EXAMPLE, EXAMPLE_F).format(student=student, text=text)


def to_parent(student: str, cls: str, lines: str) -> str:
    from bot.texts import gendered

    return gendered(student, TO_PARENT, TO_PARENT_F).format(student=student, cls=cls, lines=lines)


def parents(count: int) -> str:
    return f"{count} {plural(count, 'родитель', 'родителя', 'родителей')}"


def parents_dative(count: int) -> str:
    return f"{count} {plural(count, 'родителю', 'родителям', 'родителям')}"


def students(count: int) -> str:
    return f"{count} {plural(count, 'ученик', 'ученика', 'учеников')}"

WHAT_WAIT = "ожидание файла успеваемости"

MAX_LISTED = 20  # rows listed under each heading of the preview


def _rows_block(template: str, rows: tuple[SheetRow, ...]) -> str:
    lines = [ROW_LINE_CLASS.format(line=r.line, name=r.name, cls=r.cls) if r.cls
             else ROW_LINE.format(line=r.line, name=r.name) for r in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        lines.append(MORE.format(count=len(rows) - MAX_LISTED))
    return template.format(lines="\n".join(lines))


def preview(p: Preview) -> str:
    """The teacher's preview: who gets their child's row, what does not go out, and (when
    something goes out) how the first parent sees the message."""
    blocks = [WILL_SEND.format(parents=parents_dative(p.parents), students=students(p.students))
              if p.students else WILL_SEND_NONE]
    for template, listed in ((UNMATCHED, p.unmatched), (AMBIGUOUS, p.ambiguous), (FOREIGN_CLASS, p.foreign),
                             (DUPLICATE, p.duplicate)):
        if listed:
            blocks.append(_rows_block(template, listed))
    if p.no_parent:
        blocks.append(NO_PARENT.format(lines="\n".join(
            STUDENT_LINE.format(name=s.name, cls=s.cls) for s in p.no_parent[:MAX_LISTED])))
    text = PREVIEW.format(classes=", ".join(p.classes), rows=p.rows, will="\n\n".join(blocks))
    if p.action_id is None:
        return text
    return (text + "\n\n" + example(p.example_student, p.example_text))[:4000]


def applied(result: Applied) -> str:
    from bot.services.progress_results import NothingToSend, Started

    if isinstance(result, Started):
        return STARTED.format(parents=parents_dative(result.parents))
    if isinstance(result, NothingToSend):
        return NOTHING_TO_SEND
    return GONE
