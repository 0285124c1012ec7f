"""Command catalogue and parser (pure). Commands are Russian words after «/» or «!».

A leading mention of the bot (``[club123|@zavuch]``, ``@zavuch``, ``@club123``) is ignored.
In a private chat the prefix is optional: «помощь» works like «/помощь».
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.capabilities import Capability


class Where(StrEnum):
    PRIVATE = "private"
    CHAT = "chat"
    ANY = "any"


@dataclass(frozen=True)
class CommandSpec:
    key: str  # stable id used by handlers
    names: tuple[str, ...]  # first is canonical; all lower-case, «е» for «ё»
    where: Where
    capability: Capability  # the roles holding it: bot.services.access.CAPABILITIES
    usage: str
    example: str
    summary: str


CATALOG: tuple[CommandSpec, ...] = (
    CommandSpec("help", ("помощь", "help", "команды", "start", "начать"), Where.ANY, Capability.EVERYONE,
                "/помощь", "/помощь", "список доступных вам команд"),
    CommandSpec("code", ("код",), Where.PRIVATE, Capability.EVERYONE,
                "/код XXXX-XXXX", "/код K7QM-4RTD", "привязать аккаунт по коду от школы"),
    CommandSpec("org", ("организация", "орг"), Where.PRIVATE, Capability.ORG_MANAGE,
                "/организация <тип> <код> <часовой пояс> [родитель] <название>",
                "/организация школа sch12 Europe/Moscow mo-kazan Школа № 12",
                "создать регион, муниципалитет, школу или организацию"),
    CommandSpec("school", ("школа",), Where.PRIVATE, Capability.SCHOOL_VIEW,
                "/школа [код]", "/школа sch12", "сведения о школе: ответственные, приказы, численность"),
    CommandSpec("role", ("роль",), Where.PRIVATE, Capability.ROLE_MANAGE,
                "/роль <выдать|снять> <роль> <кому: id или ссылка VK> [класс] [приказ № от ДД.ММ.ГГГГ]",
                "/роль выдать модератор vk.com/id12345 приказ 15-к от 01.09.2026",
                "выдать или снять роль по приказу"),
    CommandSpec("import", ("импорт",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/импорт (с прикреплённым файлом CSV или XLSX)", "/импорт + файл spisok.xlsx",
                "загрузить списки учеников, родителей и сотрудников"),
    CommandSpec("enrol", ("зачислить",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/зачислить <ФИО> <класс>", "/зачислить Иванова Мария Петровна 5А", "зачислить ученика"),
    CommandSpec("expel", ("отчислить",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/отчислить <ФИО> [класс]", "/отчислить Иванова Мария 5А", "отчислить ученика"),
    CommandSpec("transfer", ("перевести",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/перевести <ФИО> <новый класс>", "/перевести Иванова Мария 5Б", "перевести ученика в другой класс"),
    CommandSpec("homeschool", ("надомное",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/надомное <ФИО> вкл|выкл", "/надомное Петров Илья вкл", "перевести на надомное обучение и обратно"),
    CommandSpec("new_year", ("новый год",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/новый год", "/новый год", "перевод всех классов в следующий (с подтверждением)"),
    CommandSpec("codes", ("коды",), Where.PRIVATE, Capability.ROSTER_MANAGE,
                "/коды <класс | сотрудники> [заново]", "/коды 5А",
                "коды привязки: листки для класса (ученики, родители) или для сотрудников"),
    CommandSpec("links", ("ссылки", "мои беседы"), Where.PRIVATE, Capability.EVERYONE,
                "/ссылки", "/ссылки", "ссылки на ваши беседы (в которых вас ещё нет)"),
    CommandSpec("create", ("создать",), Where.PRIVATE, Capability.CHAT_CREATE,
                "/создать <тип> [класс | предмет класс | название]", "/создать родители 5А",
                "создать беседу"),
    CommandSpec("chats", ("чаты", "беседы"), Where.PRIVATE, Capability.SCHOOL_VIEW,
                "/чаты", "/чаты", "беседы школы и их заполненность"),
    CommandSpec("report", ("отчет", "отчёт"), Where.PRIVATE, Capability.REPORT_VIEW,
                "/отчёт [месяц] [код организации]", "/отчёт за октябрь",
                "отчёт об активности за месяц («за октябрь», «прошлый месяц», 2026-10); /отчёт помощь — что значат цифры"),
    CommandSpec("cabinet", ("кабинет",), Where.PRIVATE, Capability.REPORT_VIEW,
                "/кабинет", "/кабинет", "ссылка для входа в веб-кабинет с отчётами"),
    CommandSpec("bind", ("привязать",), Where.CHAT, Capability.CHAT_BIND,
                "/привязать <тип> [класс | предмет класс | название]", "/привязать ученики 5А",
                "привязать эту беседу к школе"),
    CommandSpec("rules", ("правила",), Where.CHAT, Capability.EVERYONE,
                "/правила", "/правила", "правила беседы"),
    CommandSpec("complain", ("жалоба",), Where.CHAT, Capability.EVERYONE,
                "/жалоба (ответом на сообщение)", "/жалоба", "пожаловаться модераторам на сообщение"),
    CommandSpec("warn", ("пред",), Where.ANY, Capability.CHAT_MODERATE,
                "/пред [причина] (ответом на сообщение) или /пред <фамилия или @id> [причина]",
                "/пред Петров оскорбление", "предупредить участника"),
    CommandSpec("unwarn", ("снять пред",), Where.ANY, Capability.CHAT_MODERATE,
                "/снять пред (ответом на сообщение) или /снять пред <фамилия или @id>", "/снять пред Петров",
                "снять последнее предупреждение"),
    CommandSpec("mute", ("мут",), Where.ANY, Capability.CHAT_MODERATE,
                "/мут <срок> (ответом на сообщение) или /мут <фамилия или @id> <срок>", "/мут Петров 1ч",
                "запретить писать на срок (30м, 2ч, 1д)"),
    CommandSpec("unmute", ("размут",), Where.ANY, Capability.CHAT_MODERATE,
                "/размут (ответом на сообщение) или /размут <фамилия или @id>", "/размут Петров",
                "снять запрет писать"),
    CommandSpec("admit_all", ("допустить всех",), Where.CHAT, Capability.CHAT_MODERATE,
                "/допустить всех", "/допустить всех", "допустить всех, кто ждёт решения модератора"),
    CommandSpec("kick", ("кик",), Where.ANY, Capability.CHAT_MODERATE,
                "/кик (ответом на сообщение) или /кик <фамилия или @id>", "/кик Петров",
                "исключить участника из беседы"),
    CommandSpec("open_alerts", ("нарушения", "открытые нарушения"), Where.PRIVATE, Capability.ALERTS_RECEIVE,
                "/нарушения", "/нарушения", "нерешённые нарушения и жалобы ваших школ — с кнопками решений"),
    CommandSpec("policy", ("политика",), Where.CHAT, Capability.CHAT_MODERATE,
                "/политика <имя> вкл|выкл|тихо", "/политика капс выкл", "настроить правило модерации"),
    CommandSpec("quiet", ("тишина",), Where.CHAT, Capability.CHAT_MODERATE,
                "/тишина ЧЧ:ММ-ЧЧ:ММ | выкл", "/тишина 22:00-07:00", "часы тишины в беседе"),
    CommandSpec("settings", ("настройки",), Where.ANY, Capability.CHAT_MODERATE,
                "/настройки", "/настройки",
                "настройки беседы кнопками: правила модерации, часы тишины, уведомления"),
    CommandSpec("alerts_here", ("уведомления",), Where.CHAT, Capability.ROLE_MANAGE,
                "/уведомления сюда | лично", "/уведомления сюда",
                "присылать уведомления модераторам школы в эту беседу (или только лично)"),
    CommandSpec("reset_link", ("сбросить ссылку", "новая ссылка"), Where.CHAT, Capability.CHAT_MODERATE,
                "/сбросить ссылку", "/сбросить ссылку", "выдать новую ссылку-приглашение, старая перестанет работать"),
    CommandSpec("poll", ("опрос", "голосование"), Where.ANY, Capability.CHAT_BIND,
                "/опрос (в беседе или лично)", "/опрос",
                "опрос или голосование в беседе: вопрос и варианты — в личных сообщениях, с кнопками"),
    CommandSpec("quiz", ("викторина",), Where.ANY, Capability.CHAT_BIND,
                "/викторина (в предметной беседе или беседе учеников)", "/викторина",
                "викторина: вопросы с правильным ответом, ученики узнают результат лично, учитель — таблицу"),
    CommandSpec("meeting", ("собрание", "встреча"), Where.ANY, Capability.CHAT_BIND,
                "/собрание (в беседе или лично)", "/собрание",
                "собрание или мини-совещание: приглашение с кнопками «Приду / Не смогу», напоминания, звонок VK"),
    CommandSpec("material", ("материал",), Where.ANY, Capability.CHAT_BIND,
                "/материал (в беседе или лично)", "/материал",
                "материал к уроку в назначенное время с кнопкой «Прочитано ✓»; перед уроком — кто не прочитал"),
    CommandSpec("post", ("пост", "отложить"), Where.ANY, Capability.CHAT_BIND,
                "/пост (в беседе или лично)", "/пост", "запланировать сообщение в беседу на нужное время"),
    CommandSpec("posts", ("посты",), Where.PRIVATE, Capability.CHAT_BIND,
                "/посты", "/посты", "ваши запланированные посты: изменить или отменить"),
    CommandSpec("hotline", ("вопрос", "горячая линия"), Where.PRIVATE, Capability.EVERYONE,
                "/вопрос [текст вопроса]", "/вопрос Когда будет родительское собрание?",
                "горячая линия: вопрос классному руководителю или администрации школы, ответ придёт лично"),
    CommandSpec("hotline_open", ("вопросы",), Where.PRIVATE, Capability.SCHOOL_VIEW,
                "/вопросы", "/вопросы", "вопросы родителей на горячую линию, которые ждут вашего ответа"),
    CommandSpec("progress", ("успеваемость",), Where.PRIVATE, Capability.CHAT_BIND,
                "/успеваемость (с прикреплённым файлом CSV или XLSX)", "/успеваемость + файл 5А.xlsx",
                "разослать родителям лично строки таблицы: каждому — только строку его ребёнка"),
    CommandSpec("announce", ("объявление",), Where.PRIVATE, Capability.ROLE_MANAGE,
                "/объявление", "/объявление",
                "объявление в беседы школы: выбрать беседы (типы, параллели, классы), текст, отчёт о доставке"),
    CommandSpec("resources", ("ресурсы", "документы"), Where.ANY, Capability.CHAT_BIND,
                "/ресурсы (в беседе или лично)", "/ресурсы",
                "закреплённый список полезных ссылок и документов беседы: добавить, убрать"),
)

BY_KEY = {spec.key: spec for spec in CATALOG}


@dataclass(frozen=True)
class Command:
    spec: CommandSpec | None  # None: looks like a command but is unknown
    word: str  # the command word as typed (for error messages)
    args: str  # the rest of the text, stripped
    explicit: bool  # had a «/» or «!» prefix or a bot mention

    @property
    def key(self) -> str | None:
        return self.spec.key if self.spec else None


_MENTION = re.compile(r"^\s*(\[(?:club|public)\d+\|[^\]]*\]|@[\w.]+)[\s,:]*", re.IGNORECASE)
_NAMES = sorted(
    ((name, spec) for spec in CATALOG for name in spec.names),
    key=lambda pair: -len(pair[0]),
)


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def strip_mention(text: str, group_id: int, screen_name: str | None = None) -> tuple[str, bool]:
    """Remove a leading mention of *this* bot; returns (text, mentioned)."""
    match = _MENTION.match(text)
    if not match:
        return text, False
    token = match.group(1).casefold()
    ours = {f"club{group_id}", f"public{group_id}"}
    if screen_name:
        ours.add(screen_name.casefold())
    inner = token.strip("[]@").split("|")[0]
    if inner in ours or (token.startswith("@") and token[1:] in ours):
        return text[match.end():], True
    return text, False


def parse(text: str, *, group_id: int, screen_name: str | None = None, private: bool) -> Command | None:
    """Parse a message into a command, or None when it is not addressed to the bot."""
    body, mentioned = strip_mention(text or "", group_id, screen_name)
    body = body.strip()
    explicit = mentioned
    if body[:1] in ("/", "!"):
        body = body[1:].lstrip()
        explicit = True
        if not body:  # a bare «/»: still answered, with the list of commands
            return Command(None, "", "", True)
    if not body or not (explicit or private):
        return None
    folded = _fold(body)
    for name, spec in _NAMES:
        if folded == name or folded.startswith(name + " ") or folded.startswith(name + "\n"):
            return Command(spec, body[: len(name)], body[len(name):].strip(), explicit)
    word = body.split(maxsplit=1)[0]
    if not explicit and private and not _looks_like_command_word(word):
        return Command(None, word, body, explicit=False)
    return Command(None, word, body[len(word):].strip(), explicit)


def _looks_like_command_word(word: str) -> bool:
    return bool(suggest(word))


def suggest(word: str) -> str | None:
    """The closest known command name for a typo, if any."""
    names = [name for name, _ in _NAMES]
    close = difflib.get_close_matches(_fold(word), names, n=1, cutoff=0.75)
    return close[0] if close else None
