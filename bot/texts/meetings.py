"""Meetings: the creation dialog, the invitation with «Приду / Не смогу», reminders, the call link
and who is coming (by family in parents' chats)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts import gendered

if TYPE_CHECKING:
    from bot.services.meetings_results import (Answer, AskDay, AskTime, AskTopic, Attendance, CancelAsked,
                                               Family, Preview, Published)

WHAT_DRAFT = "собрание в беседе «{title}»"
NOT_BOUND = "Эта беседа не привязана к школе: собрание здесь назначить нельзя."
NOT_CHAT_STAFF = ("Назначать собрания в беседе могут её руководитель, учителя беседы и администрация школы. "
                  "Если это ваша беседа, попросите администратора школы выдать вам роль.")
NO_CHATS = "Вы не ведёте ни одной привязанной беседы, где можно назначить собрание."
CONTINUE_PRIVATE = "Продолжим в личных сообщениях: там выберем дату и время собрания."
PICK_CHAT = "В какой беседе назначить собрание?"
STEP_DAY = ("Собрание в беседе «{title}». В какой день?\n"
            "Выберите кнопкой или напишите дату и время, например «27.11 18:30».")
STEP_TIME = "{day}: во сколько начало? Выберите кнопкой или напишите время, например 18:30."
STEP_TOPIC = "Начало — {when}. Напишите тему собрания одним сообщением (например: «Итоги четверти»)."
TOPIC_EMPTY = "Тема пустая. Напишите, о чём собрание, одним сообщением."
TOPIC_LONG = "Тема слишком длинная ({length} знаков, можно до 300). Напишите короче."
PREVIEW = ("Проверьте собрание:\n\nБеседа: «{title}»\nТема: {topic}\nНачало: {when}\n\n"
           "Напоминания в беседе: {reminders}.\nСсылка на звонок VK появится в беседе за {lead} мин. до начала.")
REMINDER_DAY = "за день — {when}"
REMINDER_HOUR = "за час — {when}"
REMINDER_MOVED = " (перенесено: часы тишины)"
REMINDERS_NONE = "не будет (собрание слишком скоро)"
PAST = "Это время уже прошло. Выберите время в будущем."
BUTTON_PUBLISH = "Назначить"
BUTTON_CANCEL = "Отмена"
BUTTON_WHO = "Кто придёт"
DRAFT_GONE = "Этот шаг уже неактуален: начните заново командой /собрание."
NOT_YOURS = "Это не ваш черновик."
PUBLISHED = ("Собрание назначено: приглашение в беседе «{title}». Начало — {when}.\n"
             "Кто придёт, а кто нет, пришлю вам перед собранием; узнать сейчас — кнопка ниже.")

INVITATION = ("📅 Собрание: {topic}\nНачало: {when}.\n\n"
              "Придёте? Ответьте кнопкой. Ссылка на видеозвонок появится здесь незадолго до начала.")
INVITATION_COUNTS = "\n\nОтветили: придут — {yes}, не смогут — {no}."
BUTTON_YES = "Приду"
BUTTON_NO = "Не смогу"
SNACK_YES = "Записали: вы придёте. Спасибо!"
SNACK_NO = "Записали: вы не сможете прийти."
SNACK_SAME = "Ваш ответ уже учтён."
SNACK_GONE = "Это собрание уже прошло или отменено."

# a reminder moved out of quiet hours may come the same morning or the evening before: the text
# names the start relative to when it is sent
REMIND_AHEAD = "🔔 Напоминание: собрание «{topic}» — {when}. Если ещё не ответили — нажмите кнопку."
REMIND_HOUR = "🔔 Через час собрание «{topic}» (начало в {time}). Ссылка на звонок появится здесь перед началом."
REMIND_SOON = "🔔 Скоро собрание «{topic}» (начало в {time}). Ссылка на звонок появится здесь перед началом."
CALL = "📞 Собрание «{topic}» начинается {when}. Ссылка на видеозвонок VK:\n{link}"
CALL_FAILED = ("Не удалось создать звонок VK для собрания «{topic}» в беседе «{title}» (VK отказал). "
               "Создайте звонок сами и пришлите ссылку в беседу.")

REPORT = "Собрание «{topic}» ({when}) в беседе «{title}».\n\n"
REPORT_FAMILIES = "Семьи: придут {yes}, не смогут {no}, не ответили {silent} (всего {total})."
REPORT_YES = "Придут:\n{lines}"
REPORT_NO = "Не смогут:\n{lines}"
REPORT_SILENT = "Не ответили:\n{lines}"
REPORT_NONE = "Пока никто не ответил."
REPORT_PEOPLE = "Придут {yes}, не смогут {no}, не ответили {silent} из {total}."
FAMILY_LINE = "— семья ученика {child}: {parents}"
FAMILY_LINE_F = "— семья ученицы {child}: {parents}"
PARENT_YES = "{name} — придёт"
PARENT_NO = "{name} — не сможет"

BUTTON_CANCEL_MEETING = "Отменить собрание"
CANCEL_ASK = "Отменить собрание «{topic}» ({when}) в беседе «{title}»? В беседе об этом появится сообщение."
CANCEL_WHAT = "отмена собрания «{topic}»"
BUTTON_CANCEL_YES = "Да, отменить"
CANCELLED = "Собрание отменено: в беседе «{title}» об этом сообщено, напоминаний и звонка не будет."
CANCELLED_IN_CHAT = "❌ Собрание «{topic}» ({when}) отменено."
INVITATION_CANCELLED = "❌ Собрание «{topic}» ({when}) отменено."
ALREADY_OVER = "Собрание уже началось или отменено."


# -- answers to the author, rendered from the use cases' results ----------------------------

def step_day(s: AskDay) -> str:
    return STEP_DAY.format(title=s.title)


def step_time(s: AskTime) -> str:
    return STEP_TIME.format(day=s.day.shown.split(" в ")[0].capitalize())


def step_topic(s: AskTopic) -> str:
    return STEP_TOPIC.format(when=s.starts.shown)


def preview(p: Preview) -> str:
    parts = [(REMINDER_DAY if rm.kind == "day" else REMINDER_HOUR).format(when=rm.at.shown)
             + (REMINDER_MOVED if rm.moved else "") for rm in p.reminders]
    return PREVIEW.format(title=p.title, topic=p.topic, when=p.starts.shown,
                          reminders="; ".join(parts) or REMINDERS_NONE, lead=p.lead_minutes)


def published(p: Published) -> str:
    return PUBLISHED.format(title=p.title, when=p.starts.shown)


def cancel_asked(a: CancelAsked) -> str:
    return CANCEL_ASK.format(topic=a.topic, when=a.starts.shown, title=a.title)


_SNACKS = {"coming": SNACK_YES, "not_coming": SNACK_NO, "same": SNACK_SAME, "gone": SNACK_GONE}


def answer_snack(a: Answer) -> str:
    """The snackbar answering «Приду» / «Не смогу»."""
    return _SNACKS[a.value]


def _line(who: Family | str) -> str:
    if isinstance(who, str):
        return f"— {who}"
    parts = [(PARENT_YES if coming else PARENT_NO).format(name=name) for name, coming in who.answers]
    return gendered(who.child, FAMILY_LINE, FAMILY_LINE_F).format(
        child=who.child, parents="; ".join(parts) if parts else ", ".join(who.parents))


def attendance(a: Attendance) -> str:
    """«Кто придёт» (and the author's list before the meeting): by family in parents' chats."""
    head = REPORT.format(topic=a.topic, when=a.starts.shown, title=a.title)
    counts = REPORT_FAMILIES if a.by_family else REPORT_PEOPLE
    blocks = [counts.format(yes=len(a.yes), no=len(a.no), silent=len(a.silent), total=a.total)]
    for lines, template in ((a.yes, REPORT_YES), (a.no, REPORT_NO), (a.silent, REPORT_SILENT)):
        if lines:
            blocks.append(template.format(lines="\n".join(_line(who) for who in lines)))
    if not a.answered:
        blocks.append(REPORT_NONE)
    return head + "\n\n".join(blocks)
