"""The hot line: a parent's private question to the class teacher or the school office, the
staff member's answer, reminders, escalation, the report's line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts.roster import plural

if TYPE_CHECKING:
    from bot.services.hotline_results import (Addressee, Answered, AnswerRefused, Asked, CancelResult, Figures,
                                              Target, Waiting)

BUTTON_CLASS = "Классный руководитель {cls}"
BUTTON_OFFICE = "Администрация школы"
BUTTON_OFFICE_OF = "Администрация: {school}"
BUTTON_ANSWER = "Ответить"
BUTTON_CANCEL = "Отмена"

NOT_A_PARENT = ("Горячая линия — для родителей учеников. Ваш аккаунт не привязан к ребёнку: привяжите его "
                "кодом, который выдала школа: /код XXXX-XXXX")
PICK_TARGET = ("Кому задать вопрос? Ваш вопрос увидит только тот, кому вы его адресуете; ответ придёт сюда, "
               "в личные сообщения.")
ASK_TEXT = "Вопрос: {target}.\n\nНапишите вопрос одним сообщением."
TARGET_CLASS = "классному руководителю {cls}"
TARGET_OFFICE = "администрации школы"
WHAT_ASK = "вопрос на горячую линию"
TOO_MANY_OPEN = ("У вас уже {count} вопросов без ответа. Дождитесь ответов на них — новые вопросы можно будет "
                 "задать после.")
DIALOG_GONE = "Этот вопрос уже не ждёт ответа: начните заново командой /вопрос."
TOO_LONG = "Вопрос слишком длинный ({length} знаков, можно до {limit}). Сократите его и пришлите ещё раз."
NO_TEXT = "Напишите вопрос текстом одним сообщением."
NO_CLASS_TEACHER = "У класса {cls} сейчас нет классного руководителя в боте, поэтому вопрос получит администрация школы."
NO_OFFICE = ("В школе «{school}» пока некому принимать вопросы: нет администратора школы в боте. "
             "Напишите в школу другим способом.")
ASKED = ("Вопрос №{id} отправлен {target}. Ответ придёт сюда, в личные сообщения. Ваш вопрос видят только "
         "сотрудники школы, которые на него отвечают.")
ASKED_ESCALATED = ("Вопрос №{id} отправлен администрации школы: классный руководитель {cls} сейчас не может "
                   "получать сообщения бота. Ответ придёт сюда, в личные сообщения.")
PARENT_ESCALATED = ("Ваш вопрос №{id} передан администрации школы: классный руководитель пока не может "
                    "на него ответить. Ответ придёт сюда, в личные сообщения.")

# to the staff member
NEW_QUESTION = "❓ Вопрос на горячую линию №{id} ({target})\nОт: {who}\n\n{text}"
WHO_PARENT = "{parent}, родитель ученика {student} ({cls})"
WHO_PARENT_F = "{parent}, родитель ученицы {student} ({cls})"
WHO_PARENT_NO_CHILD = "{parent}, родитель"
ESCALATED_NOTE = ("\n\nВопрос передан администрации: классный руководитель {cls} не может получать сообщения бота "
                  "или не отвечает.")
REMINDER = "⏰ Напоминание: вопрос №{id} ждёт ответа {waiting}.\nОт: {who}\n\n{text}"
ANSWER_PROMPT = ("Напишите ответ на вопрос №{id} одним сообщением — он уйдёт родителю от имени бота. "
                 "Команды со «/» по-прежнему работают как команды.")
WHAT_ANSWER = "ответ на вопрос №{id}"
NOT_YOURS = "Этот вопрос адресован не вам."
ALREADY_ANSWERED = "На вопрос №{id} уже ответили."
QUESTION_GONE = "Этого вопроса больше нет."
ANSWER_SENT = "Ответ на вопрос №{id} отправлен родителю."
ANSWER_EMPTY = "Ответ пустой: напишите его текстом одним сообщением."
ANSWER_TOO_LONG = "Ответ слишком длинный ({length} знаков, можно до {limit}). Сократите его."

# to the parent
ANSWER_TO_PARENT = "💬 Ответ на ваш вопрос №{id} ({target}):\n\n{answer}\n\nВаш вопрос: «{question}»"
ANSWER_FROM_CLASS = "от классного руководителя {cls}"
ANSWER_FROM_OFFICE = "от администрации школы"

BUTTON_ANSWER_N = "Ответить на №{id}"
NONE_WAITING = "Вопросов на горячую линию, которые ждут вашего ответа, нет."
WAITING = "Ждут ответа: {count}.\n\n{lines}"
WAITING_LINE = "№{id} ({target}, ждёт {waiting}): «{text}»"
SNACK_WRITE = "Напишите ответ сообщением"
SNACK_PICKED = "Напишите вопрос"

# the school's report
REPORT_LINE = ("Вопросы на горячую линию: задано {asked}, отвечено {answered}, среднее время ответа — {mean}"
               "{open}.")
REPORT_OPEN = ", ждут ответа — {count}"
REPORT_NONE = "Вопросов на горячую линию за этот месяц не было."


def who_parent(parent: str, student: str, cls: str) -> str:
    """«…, родитель ученика Петрова Ивана (5А)» / «ученицы» by the child's name."""
    from bot.texts import gendered

    return gendered(student, WHO_PARENT, WHO_PARENT_F).format(parent=parent, student=student, cls=cls)


def duration(seconds: float) -> str:
    """«2 ч 15 мин», «40 мин», «3 дн 2 ч»."""
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{max(minutes, 1)} мин"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"
    days, hours = divmod(hours, 24)
    return f"{days} дн {hours} ч" if hours else f"{days} дн"


def waiting(seconds: float) -> str:
    return duration(seconds)


def questions(count: int) -> str:
    return f"{count} {plural(count, 'вопрос', 'вопроса', 'вопросов')}"


LABEL_LIMIT = 40


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def short(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def target_label(target: Target) -> str:
    """The button of /вопрос: «Классный руководитель 5А», «Администрация школы»."""
    if target.kind == "c":
        return _label(BUTTON_CLASS.format(cls=target.class_name))
    return _label(BUTTON_OFFICE_OF.format(school=target.school or "")) if target.several_schools else BUTTON_OFFICE


def target(addressee: Addressee) -> str:
    """«классному руководителю 5А» / «администрации школы»."""
    if addressee.class_name is not None:
        return TARGET_CLASS.format(cls=addressee.class_name)
    return TARGET_OFFICE


def asked(r: Asked) -> str:
    from bot.services.hotline_results import Route

    if r.route is Route.CLASS_TEACHER:
        return ASKED.format(id=r.question_id, target=TARGET_CLASS.format(cls=r.class_name))
    if r.route is Route.NO_CLASS_TEACHER:
        return NO_CLASS_TEACHER.format(cls=r.class_name) + "\n\n" + ASKED.format(id=r.question_id,
                                                                                 target=TARGET_OFFICE)
    if r.route is Route.ESCALATED:
        return ASKED_ESCALATED.format(id=r.question_id, cls=r.class_name)
    return ASKED.format(id=r.question_id, target=TARGET_OFFICE)


def refused(r: AnswerRefused) -> str:
    from bot.services.hotline_results import Refusal

    if r.reason is Refusal.NOT_YOURS:
        return NOT_YOURS
    if r.reason is Refusal.ANSWERED:
        return ALREADY_ANSWERED.format(id=r.question_id)
    return QUESTION_GONE


def answered(r: Answered) -> str:
    from bot.services.hotline_results import AnswerSent

    return ANSWER_SENT.format(id=r.question_id) if isinstance(r, AnswerSent) else refused(r)


def cancelled(r: CancelResult) -> str:
    from bot import texts
    from bot.services.hotline_results import Cancelled

    if isinstance(r, Cancelled):
        return texts.PENDING_CANCELLED.format(what=r.what or WHAT_ASK)
    return DIALOG_GONE


def waiting_list(w: Waiting) -> str:
    """/вопросы: each open question with its number, addressee, how long it waits, its start."""
    if not w.questions:
        return NONE_WAITING
    lines = [WAITING_LINE.format(id=q.id, target=target(q.addressee), waiting=waiting(q.waiting_seconds),
                                 text=short(q.text, 100)) for q in w.questions]
    return WAITING.format(count=questions(len(w.questions)), lines="\n".join(lines))


def report_line(f: Figures) -> str:
    """The school report's line: asked, answered, the mean time to answer, waiting."""
    if not f.asked:
        return REPORT_NONE
    mean = duration(f.mean_seconds) if f.mean_seconds is not None else "—"
    return REPORT_LINE.format(asked=f.asked, answered=f.answered, mean=mean,
                              open=REPORT_OPEN.format(count=f.waiting) if f.waiting else "")
