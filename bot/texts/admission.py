"""Texts of the admission loop: codes (printed slips, reprints), links, quarantine ended by a
code, approving everyone waiting, codes posted in chats, and people the bot cannot reach."""

from __future__ import annotations

from bot.domain.gender import pick

# -- redeeming ----------------------------------------------------------------------------------
LINKS_HEADER = "Ссылки на ваши беседы — перейдите по ним:\n{lines}"
LINK_LINE = "• {title}: {link}"
LINKS_ALREADY_IN = "Вы уже в беседах: {titles}."
LINKS_NOTHING_NEW = "Новых бесед для вас пока нет."
LINKS_LATER = "Бесед для вас пока нет. Когда школа их создаст, напишите /ссылки — пришлю ссылки."
LINKS_NOT_LINKED = (
    "Вы ещё не привязаны к спискам школы. Напишите сюда код с листка, который выдала школа "
    "(например, K7QM-4RTD), — и я пришлю ссылки на ваши беседы."
)
CHAT_QUARANTINE = (
    "{name}, здравствуйте! Я не нашёл вас в списках школы. Если школа выдала вам листок с кодом, "
    "напишите этот код боту в личные сообщения ({community}) — я сразу допущу вас. "
    "Если кода нет, дождитесь решения модератора."
)
WAIT_ENDED = "Ожидание в беседах снято, вы допущены: {titles}."


def wait_ended(titles: list[str]) -> str:
    return WAIT_ENDED.format(titles=", ".join(f"«{title}»" for title in titles))


def links(to_join: list[tuple[str, str | None]], already_in: list[str], *, announce_empty: bool) -> str:
    """The links of the chats to join ((title, link)), the chats one is in already; when there is
    nothing to join: «nothing new» (``announce_empty``, for /ссылки) or how to get them later."""
    parts = []
    if to_join:
        lines = "\n".join(LINK_LINE.format(title=title, link=link) for title, link in to_join)
        parts.append(LINKS_HEADER.format(lines=lines))
    if already_in:
        parts.append(LINKS_ALREADY_IN.format(titles=", ".join(f"«{title}»" for title in already_in)))
    if not to_join and announce_empty:
        parts.append(LINKS_NOTHING_NEW)
    elif not to_join and not already_in:
        parts.append(LINKS_LATER)
    return "\n".join(parts)
CODE_POSTED_PRIVATE = (
    "Вы написали код привязки в беседе «{title}». Я удалил то сообщение, чтобы код не увидели другие. "
    "Код по-прежнему действует: отправьте его сюда, в личные сообщения, — я привяжу вас и пришлю ссылки."
)
CODE_POSTED_PUBLIC = (
    "{name}, коды привязки пишите боту в личные сообщения, не в беседу. Сообщение с кодом удалено."
)


def alert_outcome(is_female: bool | None, by: str = "code") -> tuple[str, str]:
    """(action, how) for the moderators' quarantine alert closed because the person now belongs:
    «✔ Допущена — привязалась по коду» (``by`` = "code"), linked by the school's staff ("staff"),
    or put on the roster of this chat by a roster change ("roster")."""
    how = {
        "staff": pick(is_female, "привязан сотрудником школы", "привязана сотрудником школы",
                      "привязка сотрудником школы"),
        "roster": "теперь есть в списках школы для этой беседы",
    }.get(by) or pick(is_female, "привязался по коду", "привязалась по коду", "привязка по коду от школы")
    return pick(is_female, "допущен", "допущена", "допуск"), how


def wait_over(is_female: bool | None, *, left: bool) -> tuple[str, str]:
    """(action, how) for a quarantine alert whose person is gone: left, or removed by a chat admin."""
    if left:
        return (pick(is_female, "вышел", "вышла", "ожидание окончено"),
                pick(is_female, "сам покинул беседу", "сама покинула беседу", "участник покинул беседу"))
    return (pick(is_female, "удалён", "удалена", "удаление"), "администратор беседы в VK")


ALERT_CLOSED = "\n\n✔ {action} — {how}"

# -- printing codes -----------------------------------------------------------------------------
MAX_NAMES_SHOWN = 30


def names_list(names: list[str]) -> str:
    """«Иванов Пётр, Петрова Анна и ещё 3» — up to a limit, then a count."""
    shown = ", ".join(names[:MAX_NAMES_SHOWN])
    rest = len(names) - MAX_NAMES_SHOWN
    return shown + (f" и ещё {rest}" if rest > 0 else "")


STAFF_WORDS = ("сотрудники", "сотрудникам", "сотрудников", "персонал", "учителя")
REISSUE_WORDS = ("заново", "снова", "перевыпуск", "перевыпустить")
STAFF_GROUP = "сотрудников"
CODES_STAFF_NONE = "Все сотрудники «{org}» уже привязали VK — коды не нужны."
CODES_SHEET_STAFF = "Коды сотрудников"
CODES_READY = (
    "Коды для {group}: {count} (каждый одноразовый, действует до {until}). В XLSX — листки с короткой "
    "инструкцией: распечатайте, разрежьте по линиям и раздайте лично. В CSV — тот же список."
)
CODES_KEPT = (
    "У {count} чел. уже есть действующие коды, новые им не печатались: {names}. "
    "Если их листки потеряны: /коды {arg} заново (их старые коды перестанут работать)."
)
CODES_ALL_HOLD = (
    "Новые коды не нужны: у всех непривязанных ({count}) уже есть действующие коды: {names}. "
    "Если листки потеряны: /коды {arg} заново (старые коды перестанут работать)."
)
REISSUE_ASK = (
    "Выдать новые коды для {group}? Перестанут работать уже выданные коды ({count}): {names}. "
    "Новые листки нужно будет раздать этим людям заново."
)
REISSUE_WHAT = "новые коды для {group} (старые перестали бы работать у: {names})"
SLIP_TITLE = "{school} — код для бесед в VK"
SLIP_FOR = "Для: {name}"
SLIP_FOR_PARENT = "Для: {name} (родитель: {child}, {cls})"
SLIP_FOR_STUDENT = "Для: {name}, {cls}"
SLIP_CODE = "Код: {code}"
SLIP_STEP_1 = "1. Напишите этот код сообществу {community} в личные сообщения VK (можно просто код)."
SLIP_STEP_2 = "2. Бот пришлёт ссылки на ваши беседы — перейдите по ним."
SLIP_UNTIL = "Код одноразовый, действует до {until}. Не публикуйте его в беседах."
SLIP_CUT = "✂ · · · · · · · · · · · · · · · · · · · · · · · · · · · · · · · · · · · ·"
SLIPS_SHEET = "Листки"

# -- approving everyone waiting -----------------------------------------------------------------
WHAT_ADMIT_ALL = "допуск участников беседы"
ADMIT_ALL_NONE = "В беседе «{title}» никто не ждёт решения модератора."
ADMIT_ALL_ASK = "Допустить всех, кто ждёт решения в беседе «{title}» ({count})?\n{names}"
ADMIT_ALL_WHAT = "допуск всех ожидающих в «{title}» ({count})"
ADMIT_ALL_DONE = "Допущены в «{title}» ({count}):\n{names}"
ADMIT_ALL_GONE = "Никто из списка уже не ждёт решения — всё решено раньше."
ADMIT_ALL_ACTION = "допуск всех ожидающих"
WAITING_LINE = "• {name}{known}"
WAITING_KNOWN = " — в списках школы: {person}"


def waiting_lines(people: list[tuple[str, str | None]]) -> str:
    """One line per waiting person (VK name, who they are on the roster if known)."""
    return "\n".join(WAITING_LINE.format(name=name, known=WAITING_KNOWN.format(person=person) if person else "")
                     for name, person in people)


def admit_all_ask(title: str, people: list[tuple[str, str | None]]) -> str:
    return ADMIT_ALL_ASK.format(title=title, count=len(people), names=waiting_lines(people))


def admit_all_done(title: str, names: list[str]) -> str:
    return ADMIT_ALL_DONE.format(title=title, count=len(names),
                                 names=waiting_lines([(name, None) for name in names]))
BUTTON_ADMIT_ALL = "Допустить всех ожидающих"
BUTTON_ADMIT_ALL_N = "Допустить всех ({count})"
BUTTON_ADMIT_KNOWN = "Только из списков школы ({count})"
ADMIT_ALL_ASKED = "Список ожидающих — в личных сообщениях: подтвердите там."

# -- reachability -------------------------------------------------------------------------------


def role_unreachable(name: str, is_female: bool | None, community: str) -> str:
    """Told to the admin who gave a role to someone the bot cannot write to; the one step."""
    whom = pick(is_female, "его", "её", "сотрудника")
    return (f"⚠ {name} пока не получает сообщения от бота — уведомления и тревоги не дойдут. "
            f"Попросите {whom} открыть сообщения сообщества: зайти в сообщество {community} и нажать "
            "«Разрешить сообщения» (или просто написать боту любое сообщение).")


SCHOOL_ALL_REACHABLE = "Бот может писать всем сотрудникам с привязанным VK."


def unreachable(people: list[tuple[str, bool | None]], *, reminder: bool) -> str:
    """Staff the bot cannot write to (name, is female), for /школа or the monthly reminder (a
    bullet line), with the one step; the request agrees with one person or several."""
    names = ", ".join(name for name, _ in people)
    whom = pick(people[0][1], "его", "её", "сотрудника") if len(people) == 1 else "их"
    step = (f"Попросите {whom} нажать «Разрешить сообщения» в сообществе (или написать боту любое "
            "сообщение), иначе уведомления и тревоги не дойдут.")
    if reminder:
        return f"• Бот не может писать сотрудникам ({len(people)}): {names}. {step}"
    return f"Не получают сообщения бота ({len(people)}): {names}. {step}"


# -- told to the person whose roles /роль changed (their start keyboard comes with it) -----------

ROLE_NOTICE_GRANTED = "Вам выдана роль «{role}»{extra} в «{org}». Кнопки внизу обновлены: нужные разделы уже там."
ROLE_NOTICE_REVOKED = "Роль «{role}» в «{org}» снята. Кнопки внизу обновлены."
ROLE_NOTICE_LINKED = "Школа «{org}» привязала ваш VK к спискам: {name}. Кнопки внизу обновлены."

# the community in «Разрешите сообщения …» when its name is unknown
COMMUNITY_DEFAULT = "сообщества"
# who settled a quarantine alert when nobody answered in time
SETTLED_BY_EXPIRY = "истёк срок"
