"""Russian strings of the moderation engine (sanctions, alerts, chat commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.moderation_results import (
        CommandResult, OpenAlerts, PickAsked, PolicySet, PressResult, QuietOff, QuietSet)

# Public notices in the chat: short and neutral, never quoting the message (no shaming)
WARN_PUBLIC = "{name}, сообщение удалено: {reason}. Это предупреждение, подробности — в личных сообщениях."
WARN_PUBLIC_MANUAL = "{name}, предупреждение от модератора{reason}. Подробности — в личных сообщениях."
MUTE_PUBLIC = "{name}, вам временно запрещено писать в беседе: на {duration}."
UNMUTE_PUBLIC = "{name}, вы снова можете писать в беседе."
KICK_PUBLIC = "{name}: исключение из беседы по правилам беседы."

# Private details for the author
WARN_PRIVATE = ("Предупреждение в беседе «{title}»: {reason}.\n{details}"
                "Активных предупреждений: {count}. Каждое сгорает через {ttl}. {next}")
NEXT_STEP = {
    "warn": "Следующее нарушение — ещё одно предупреждение.",
    "mute": "Следующее нарушение — запрет писать на {duration}.",
    "kick": "Следующее нарушение — исключение из беседы.",
}
MUTE_PRIVATE = ("В беседе «{title}» вам запрещено писать на {duration} ({reason}). "
                "Сообщения, отправленные до окончания срока, будут удаляться.")
MANUAL_REASON = "решение модератора"

# Moderator alerts
ALERT_VIOLATION = ("⚠ Нарушение в «{title}»\nАвтор: {name}{klass} (vk.com/id{vk_id})\n"
                   "Правило: {policy} — {reason}\nФрагмент: {fragment}\n{message}{history}Сделано: {done}")
ALERT_CLASS = ", {klass}"
# the offending message itself: in private copies of the alert only (never the moderators' chat)
ALERT_MESSAGE = "Сообщение: «{text}»\n"
ALERT_HISTORY = "За 30 дней: предупреждений — {strikes}, мутов всего — {mutes}\n"
ALERT_COMPLAINT = ("📣 Жалоба в «{title}» от {by}\nНа: {name}{klass} (vk.com/id{vk_id})\n"
                   "Сообщение: «{excerpt}»\n{history}")
ALERT_COMPLAINT_ROOM = ("📣 Жалоба в «{title}»\nНа: {name} (vk.com/id{vk_id})\n"
                        "Кто пожаловался и на какое сообщение — в личных сообщениях модераторам.")
DONE = {
    "delete": "сообщение удалено",
    "warn": "сообщение удалено, предупреждение",
    "mute": "сообщение удалено, мут на {duration}",
    "kick": "сообщение удалено, участник исключён",
    "alert": "ничего, решение за модератором",
    "shadow": "ничего (правило в тихом режиме)",
    "failed": "не удалось: у бота нет прав в беседе",
    # VK refused the deletion itself (the bot may have every right: a message older than a day)
    "refused": "не удалось: VK не дал удалить сообщение (например, оно старше суток)",
}
# an alert whose decision VK made impossible: the «не удалось» alert raised after it replaces it
SUPERSEDED = "отменено — VK не дал удалить сообщение, решение в новом оповещении"
WELLBEING_ALERT = ("🔒 Конфиденциально. {reason}.\nБеседа: «{title}»\nУченик: {name} (vk.com/id{vk_id})\n"
                   "Фраза: «{fragment}»\n{done}")
# what happened to the message, told truthfully (the signal itself is never public)
WELLBEING_DONE = {
    "nothing": "В беседе ничего не сделано и никто не уведомлён; решение за вами.",
    "muted": "Сообщение удалено из беседы: у автора сейчас запрет писать. О сигнале знаете только вы; "
             "решение за вами.",
    "deleted": "Сообщение удалено из беседы по правилу «{policy}». О сигнале знаете только вы; решение за вами.",
    "command": "Фраза была в команде боту. О сигнале знаете только вы; решение за вами.",
}

SIGNAL_REROUTED = ("Этот сигнал не дошёл до {name}: VK не доставляет сообщения от сообщества, пока человек сам "
                   "их не разрешит. Поэтому он передан вам. Чтобы сигналы доходили, {name} достаточно один раз "
                   "написать боту любое сообщение.")

BUTTON_DELETE = "Удалить"
BUTTON_WARN = "Предупредить"
BUTTON_MUTE = "Замьютить"
BUTTON_KICK = "Исключить"
BUTTON_FALSE = "Ложное срабатывание"
BUTTON_OK = "Ок"
BUTTON_UNDO = "Отменить решение"
BUTTON_UNMUTE = "Снять мут"
BUTTON_SCOPE = {"m": "Только это сообщение", "c": "В этой беседе", "s": "Во всей школе"}
BUTTON_ALLOW = "Да, разрешить"
BUTTON_RESTORE = "Да, снять"
BUTTON_CANCEL = "Отмена"
BUTTON_KICK_CONFIRM = "Да, исключить"
KICK_CONFIRM = ("Исключить из «{title}»: {name}? Кнопкой это не отменить — вернуть в беседу можно только "
                "пригласив по ссылке.")
KICK_CANCELLED = "Отменено: исключение из беседы."

# The alert after a decision: edited in place, with who decided what
DECIDED = "\n\n✔ Решение: {action} — {who}"
UNDONE = "\n\n↩ Решение «{action}» отменено — {who}"
UNMUTED_NOTE = "\n\n🔈 Мут снят — {who}"
UNDONE_SNACK = "Решение отменено: {action}"
NOTHING_TO_UNDO = "Отменять нечего: решение уже отменено."
ALREADY_WARNED = "За это сообщение предупреждение уже есть."
ALREADY_MUTED = "Участник уже в муте."
ALREADY_DELETED = "Сообщение уже удалено."
UNMUTE_SNACK = "Мут снят."

# «Ложное срабатывание»: the scope is asked, then confirmed
FP_SCOPE_ASK = ("Ложное срабатывание в «{title}», слово «{word}». Где его больше не удалять?\n"
                "• Только это сообщение — предупреждение снимается, слово проверяется как раньше.\n"
                "• В этой беседе — только в «{title}».\n"
                "• Во всей школе — во всех беседах школы.")
FP_SCOPE_ASK_NO_WORD = "Ложное срабатывание в «{title}»: снять всё, что бот сделал за это сообщение?"
FP_CONFIRM = {
    "m": "Снять предупреждение (и мут за него) за это сообщение в «{title}»? Слово «{word}» будет проверяться как раньше.",
    "c": "Разрешить слово «{word}» в беседе «{title}»? Предупреждение за это сообщение будет снято; "
         "в других беседах школы слово будет удаляться как раньше.",
    "s": "Разрешить слово «{word}» во всех беседах школы? Предупреждение за это сообщение будет снято.",
}
FP_CANCELLED = "Отменено: {what}."
FP_WHAT = {"m": "снятие предупреждения за сообщение", "c": "разрешение слова «{word}» в беседе",
           "s": "разрешение слова «{word}» во всей школе"}
FP_SCHOOL_NOT_ALLOWED = ("Разрешить слово во всей школе могут модераторы и администрация школы; "
                         "вы можете разрешить его в этой беседе.")
FP_SCOPE_CHOSEN = "Выбрано: {scope}."
FP_ASKED_SNACK = "Выберите, где разрешить слово."
FP_CONFIRM_SNACK = "Подтвердите решение."
FP_ACTED = {
    "m": "ложное срабатывание: предупреждение за сообщение снято",
    "c": "ложное срабатывание: слово разрешено в этой беседе",
    "s": "ложное срабатывание: слово разрешено во всей школе",
}

# What a moderator's press did (shown in the snackbar and appended to every copy of the alert)
ACTED = {
    "del": "сообщение удалено",
    "warn": "предупреждение выдано",
    "mute": "запрет писать на {duration}",
    "kick": "исключение из беседы",
    "fp": "ложное срабатывание",
    "ok": "принято к сведению",
}
ACT_FAILED = "не удалось: у бота нет прав в беседе"
DELETE_REFUSED = ("VK не дал удалить сообщение в беседе «{title}» — оно осталось (например, сообщения старше "
                  "суток VK удалять не даёт). Оповещение снова открыто: выберите другое решение.")
FP_NOTHING = "ложное срабатывание отмечено"

# «/нарушения»: what still waits for a decision
WHAT_OPEN_ALERTS = "просмотр нерешённых нарушений"
WHAT_ALERT_DECISIONS = "решения по уведомлениям"
ALERT_REPEATED = "\n\n↓ Это уведомление повторено ниже — решайте там."
NO_OPEN_ALERTS = "Нерешённых нарушений и жалоб нет."
OPEN_ALERTS = "Ждут решения: {count}. Уведомления выше, с кнопками."
OPEN_ALERTS_MORE = " Показаны последние 5; ещё {count} — решите эти, и команда покажет следующие."

# Chat commands
NEED_REPLY = "Ответьте этой командой на сообщение участника."
NOT_A_MEMBER = "Это сообщение бота или сообщества, команда к нему не применяется."
STAFF_PROTECTED = "Сотрудников беседы нельзя наказывать командами модерации."
NOT_BOUND = "Беседа ещё не привязана к школе: /привязать <тип> [класс]."
BAD_TERM = "Неверный срок «{value}»: нужно число и единица — м (минуты), ч (часы) или д (дни), до 30 дней."
NO_TERM = "Укажите срок."
WARNED = "Предупреждение выдано. Активных предупреждений: {count}."
MUTED = "Готово: запрет писать на {duration}."
UNMUTED = "Запрет писать снят."
NOT_MUTED = "У участника нет запрета писать."
KICKED = "Участник исключён из беседы."
KICK_FAILED = "Не удалось исключить: у бота нет прав администратора в беседе."
UNWARNED = "Последнее предупреждение снято. Активных предупреждений: {count}."
NO_WARNINGS = "У участника нет активных предупреждений."
COMPLAINT_COMMENT = "\nКомментарий: {comment}"
COMPLAINT_SENT = "Жалоба передана модераторам школы. Спасибо!"
POLICY_SET = "Правило «{name}»: {mode}."
POLICY_MODES = {
    "on": "включено",
    "off": "выключено",
    "shadow": "тихий режим (модераторы получают уведомления, в беседе ничего не происходит)",
}
WELLBEING_ALWAYS_ON = ("Сигналы о безопасности детей (самоповреждение, травля) в детских беседах не выключаются: "
                       "они приходят только классному руководителю и психологу, в беседе ничего не происходит.")
# Actions by name or @mention («/размут Петров», «/пред @id123 причина»), also privately
NEED_TARGET = ("Укажите, к кому применить: ответьте командой на сообщение участника или напишите его фамилию "
               "или @id, например: /размут Петров или /размут @id123.")
TARGET_NOT_FOUND = ("Не нашёл «{who}» среди участников {where}. Проверьте фамилию или укажите @id "
                    "(например, @id123: он есть в адресе страницы ВКонтакте).")
WHERE_THIS_CHAT = "этой беседы"
WHERE_MY_CHATS = "бесед, где вы модератор"
TARGET_NOT_YOURS = "«{who}» есть только в беседах, где у вас нет прав модератора."
PICK_TARGET = "Под «{who}» подходят несколько человек. Выберите, к кому применить: {what}."
KICK_BY_NAME_CONFIRM = ("Исключить из «{title}»: {name}? Кнопкой это не отменить — вернуть в беседу можно только "
                        "пригласив по ссылке. Нажмите на имя, чтобы подтвердить.")
PICK_WHAT = {"warn": "предупреждение", "unwarn": "снятие предупреждения", "mute": "запрет писать",
             "unmute": "снятие мута", "kick": "исключение из беседы"}
PICK_PENDING_WHAT = "{what} для «{who}»"
ON_TARGET = "{name}, «{title}»: {answer}"
MUTE_BY_NAME_USAGE = "Срок пишется после имени: /мут Петров 2ч."
QUIET_SET = "Время тишины в беседе: {start}–{end}."
QUIET_OFF = "Время тишины в беседе выключено."


def duration(seconds: int) -> str:
    """«30 минут», «2 часа», «1 день»: the largest whole unit, in words (no trailing dot)."""
    def word(n: int, one: str, few: str, many: str) -> str:
        if n % 10 == 1 and n % 100 != 11:
            return f"{n} {one}"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return f"{n} {few}"
        return f"{n} {many}"

    if seconds % 86400 == 0:
        return word(seconds // 86400, "день", "дня", "дней")
    if seconds % 3600 == 0:
        return word(seconds // 3600, "час", "часа", "часов")
    return word(max(seconds // 60, 1), "минуту", "минуты", "минут")


# -- rendering the typed results of moderation by people (bot/services/moderation_results.py) --


def bad_term(value: str) -> str:
    """A mute's term that is none (``value`` as typed, empty when missing)."""
    return BAD_TERM.format(value=value) if value else NO_TERM


def acted(do: str, seconds: int) -> str:
    """What a moderator's decision on an alert did («запрет писать на 1 час»); ``seconds`` is the
    mute step's length."""
    return UNMUTE_SNACK if do == "unmute" else ACTED[do].format(duration=duration(seconds))


def command_answer(r: CommandResult) -> str:
    """The answer to /пред, /снять пред, /мут, /размут, /кик on one member."""
    from bot.services import moderation_results as m

    if isinstance(r, m.Warned):
        return WARNED.format(count=r.count)
    if isinstance(r, m.AlreadyWarned):
        return ALREADY_WARNED
    if isinstance(r, m.Unwarned):
        return UNWARNED.format(count=r.count)
    if isinstance(r, m.NoWarnings):
        return NO_WARNINGS
    if isinstance(r, m.Muted):
        return MUTED.format(duration=duration(r.seconds))
    if isinstance(r, m.Unmuted):
        return UNMUTED
    if isinstance(r, m.NotMuted):
        return NOT_MUTED
    if isinstance(r, m.Kicked):
        return KICKED
    return KICK_FAILED


def on_target(name: str, title: str, answer: str) -> str:
    """A command by name answered privately: whom and in which chat it concerned."""
    return ON_TARGET.format(name=name, title=title, answer=answer)


def mute_by_name_bad_term(value: str) -> str:
    return f"{bad_term(value)}\n{MUTE_BY_NAME_USAGE}"


def pick_question(r: PickAsked) -> str:
    """Several people fit the name: whom to apply it to; a kick by name: the confirmation."""
    if len(r.targets) == 1:
        return KICK_BY_NAME_CONFIRM.format(name=r.targets[0].name, title=r.targets[0].chat.title)
    return PICK_TARGET.format(who=r.who, what=PICK_WHAT[r.command])


def pick_label(name: str, title: str) -> str:
    return f"{name} — {title}"


def open_alerts(r: OpenAlerts) -> str:
    """/нарушения's summary line."""
    if not r.total:
        return NO_OPEN_ALERTS
    more = OPEN_ALERTS_MORE.format(count=r.total - r.shown) if r.total > r.shown else ""
    return OPEN_ALERTS.format(count=r.total) + more


def policy_set(r: PolicySet) -> str:
    from bot.texts.policies import POLICY_TITLES

    return POLICY_SET.format(name=POLICY_TITLES.get(r.policy, r.policy), mode=POLICY_MODES[str(r.mode)])


def quiet_set(r: QuietSet | QuietOff) -> str:
    from bot.services.moderation_results import QuietSet

    if isinstance(r, QuietSet):
        return QUIET_SET.format(start=r.start.strftime("%H:%M"), end=r.end.strftime("%H:%M"))
    return QUIET_OFF


def press_snackbar(r: PressResult) -> str:
    """The snackbar after a press on an alert's button (at most 90 characters are shown)."""
    from bot import texts
    from bot.services import moderation_results as m

    if isinstance(r, m.AlreadyDecided):
        return texts.ALERT_ALREADY.format(action=r.action)
    if isinstance(r, m.StaffProtected):
        return STAFF_PROTECTED
    if isinstance(r, m.KickCancelled):
        return KICK_CANCELLED
    if isinstance(r, (m.KickAsked, m.FpConfirmAsked)):
        return FP_CONFIRM_SNACK
    if isinstance(r, m.AlreadyWarned):
        return ALREADY_WARNED
    if isinstance(r, m.AlreadyMuted):
        return ALREADY_MUTED
    if isinstance(r, m.AlreadyDeleted):
        return ALREADY_DELETED
    if isinstance(r, m.Acted):
        return acted(r.do, r.seconds) if r.ok else ACT_FAILED
    if isinstance(r, m.NotMuted):
        return NOT_MUTED
    if isinstance(r, m.Lifted):
        return UNMUTE_SNACK
    if isinstance(r, m.Undone):
        return UNDONE_SNACK.format(action=r.action)
    if isinstance(r, m.NothingToUndo):
        return NOTHING_TO_UNDO
    if isinstance(r, m.FpSchoolNotAllowed):
        return FP_SCHOOL_NOT_ALLOWED[:90]
    if isinstance(r, m.FpScopeAsked):
        return FP_ASKED_SNACK
    if isinstance(r, m.FpCancelled):
        return fp_cancelled(r.scope, r.word)[:90]
    if isinstance(r, m.FpActed):
        return FP_ACTED[r.scope]
    return texts.PENDING_GONE


def fp_cancelled(scope: str, word: str) -> str:
    return FP_CANCELLED.format(what=FP_WHAT[scope].format(word=word))


def press_message(r: PressResult) -> str | None:
    """The message a press sends to where the button was (a dialog's next step), if any."""
    from bot.services import moderation_results as m

    if isinstance(r, m.KickCancelled):
        return KICK_CANCELLED
    if isinstance(r, m.KickAsked):
        return KICK_CONFIRM.format(name=r.name, title=r.title)
    if isinstance(r, m.FpSchoolNotAllowed):
        return FP_SCHOOL_NOT_ALLOWED
    if isinstance(r, m.FpScopeAsked):
        return (FP_SCOPE_ASK.format(title=r.title, word=r.word) if r.word
                else FP_SCOPE_ASK_NO_WORD.format(title=r.title))
    if isinstance(r, m.FpCancelled):
        return fp_cancelled(r.scope, r.word)
    if isinstance(r, m.FpConfirmAsked):
        return FP_CONFIRM[r.scope].format(word=r.word, title=r.title)
    return None


def press_closes(r: PressResult) -> str:
    """What the dialog message pressed now says instead (its buttons are used up)."""
    from bot.services.moderation_results import FpConfirmAsked

    if isinstance(r, FpConfirmAsked):
        return FP_SCOPE_CHOSEN.format(scope=BUTTON_SCOPE[r.scope])
    return press_snackbar(r)
