"""The nine chat types of the guidelines as data: titles, leaders, audience, admission, rules.

Everything a chat type decides lives here, in one table; services read it, nothing else
hard-codes a type.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.classes import ClassName


class Needs(StrEnum):
    NOTHING = "nothing"  # the whole school
    CLASS = "class"  # «5А»
    SUBJECT_CLASS = "subject_class"  # «математика 5А»
    NAME = "name"  # free name: «МО учителей математики»
    OPTIONAL_CLASS = "optional_class"  # homeschool: for a class or the whole school


class Audience(StrEnum):
    PARENTS_OF_CLASS = "parents_of_class"
    PARENTS_OF_SCHOOL = "parents_of_school"
    STUDENTS_OF_CLASS = "students_of_class"
    ALL_STAFF = "all_staff"
    ADMIN_TEAM = "admin_team"
    HOMESCHOOL = "homeschool"
    STAFF_AND_GUESTS = "staff_and_guests"
    STUDENTS_AND_PARENTS = "students_and_parents"


class OnUnknown(StrEnum):
    REMOVE = "remove"
    QUARANTINE = "quarantine"


ADMIN_ROLES = ("school_admin", "admin_team")
PERSONAL_DATA_NOTE = (
    "Не публикуйте в беседе персональные данные: фамилии и оценки детей, адреса, телефоны, "
    "фотографии документов. Для личных вопросов пишите учителю в личные сообщения."
)


@dataclass(frozen=True)
class ChatPreset:
    type: str
    name_ru: str  # «родители класса»
    title: str  # str.format pattern: {cls}, {subject}, {name}, {school}
    needs: Needs
    audience: Audience
    leader_roles: tuple[str, ...]  # who leads it (and may create it, with school managers)
    staff_roles: tuple[str, ...]  # roles of the school admitted besides the audience; "*" = any staff
    guests: bool  # staff of other organisations may join (credited to their home org)
    link_shareable: bool  # may members pass the invite link on
    on_unknown: OnUnknown
    parents_follow: bool  # a student's parents follow the student's moves (parents' chats)
    moderation: str  # chat type whose moderation defaults apply (policies.settings.default_settings)
    purpose: str  # first line of the rules

    def title_for(self, *, cls: ClassName | None = None, subject: str | None = None, name: str | None = None,
                  school: str = "") -> str:
        return self.title.format(cls=cls or "", subject=subject or "", name=name or "", school=school).strip()

    def rules_text(self) -> str:
        return "\n\n".join([f"Правила беседы. {self.purpose}", RULES_COMMON, PERSONAL_DATA_NOTE, RULES_FOOTER])


RULES_COMMON = (
    "1. Общаемся вежливо, без оскорблений, мата и травли.\n"
    "2. Пишем по делу: без рекламы, ссылок на сторонние беседы и мессенджеры, флуда и стикер-атак.\n"
    "3. Учителя отвечают в рабочее время; вечером и ночью действуют часы тишины."
)
RULES_FOOTER = (
    "Бот Завуч следит за порядком: нарушения удаляются, за повторные — предупреждение, запрет писать "
    "или исключение. Пожаловаться на сообщение: ответьте на него командой /жалоба."
)

PRESETS: dict[str, ChatPreset] = {
    p.type: p
    for p in (
        ChatPreset("parents_school", "родители школы", "{school} — родители", Needs.NOTHING,
                   Audience.PARENTS_OF_SCHOOL, ("school_admin", "chat_responsible"), ("*",), False, True,
                   OnUnknown.QUARANTINE, False, "parents_school",
                   "Общешкольная беседа родителей: объявления, горячая линия, ссылки и документы."),
        ChatPreset("parents_class", "родители класса", "{cls} — родители", Needs.CLASS,
                   Audience.PARENTS_OF_CLASS, ("class_teacher",),
                   ("class_teacher", "school_admin", "chat_responsible", "psychologist", "social_pedagogue",
                    "admin_team", "moderator"), False, True, OnUnknown.QUARANTINE, True, "parents_class",
                   "Беседа родителей класса: вопросы класса, собрания, опросы, приглашения."),
        ChatPreset("students_class", "ученики класса", "{cls} — ученики", Needs.CLASS,
                   Audience.STUDENTS_OF_CLASS, ("class_teacher",),
                   ("class_teacher", "psychologist", "social_pedagogue", "school_admin", "admin_team",
                    "chat_responsible", "moderator"), False, False, OnUnknown.REMOVE, False, "students_class",
                   "Беседа учеников класса: объявления, вопросы, опросы, полезные ссылки."),
        ChatPreset("subject", "предмет", "{cls} — {subject}", Needs.SUBJECT_CLASS,
                   Audience.STUDENTS_OF_CLASS, ("subject_teacher",),
                   ("subject_teacher", "class_teacher", "school_admin", "chat_responsible", "moderator",
                    "psychologist"), False, False,
                   OnUnknown.REMOVE, False, "subject",
                   "Беседа по предмету: материалы к урокам (в том числе заранее), тесты, критерии оценивания."),
        ChatPreset("admin_closed", "администрация", "{school} — администрация", Needs.NOTHING,
                   Audience.ADMIN_TEAM, ADMIN_ROLES, ADMIN_ROLES, False, False, OnUnknown.REMOVE, False,
                   "admin_closed", "Закрытая беседа администрации: рабочие вопросы, мини-совещания, документы."),
        ChatPreset("admin_open", "коллектив", "{school} — коллектив", Needs.NOTHING,
                   Audience.ALL_STAFF, ADMIN_ROLES + ("chat_responsible",), ("*",), False, False,
                   OnUnknown.REMOVE, False, "admin_open",
                   "Беседа коллектива: объявления для сотрудников, педсоветы, рабочее общение."),
        ChatPreset("homeschool", "надомное обучение", "{school} — надомное обучение {cls}", Needs.OPTIONAL_CLASS,
                   Audience.HOMESCHOOL, ("class_teacher", "admin_team"), ("*",), False, False,
                   OnUnknown.REMOVE, False, "homeschool",
                   "Беседа для учеников на надомном обучении: уроки и материалы дистанционно."),
        ChatPreset("methodical", "методическое объединение", "МО: {name}", Needs.NAME,
                   Audience.STAFF_AND_GUESTS, ("teacher", "subject_teacher", "admin_team"), ("*",), True, True,
                   OnUnknown.REMOVE, False, "methodical", "Беседа методического объединения учителей."),
        ChatPreset("advisor", "советник по воспитанию", "{school} — {name}", Needs.NAME,
                   Audience.STUDENTS_AND_PARENTS, ("advisor",), ("*",), True, True, OnUnknown.QUARANTINE, False,
                   "advisor", "Беседа советника по воспитанию: мероприятия, подготовка, трансляции, опросы."),
    )
}

# Words of /создать and /привязать. «родители» means the class chat with a class, else the school's.
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "родители": ("parents_class", "parents_school"),
    "ученики": ("students_class",),
    "класс": ("students_class",),
    "предмет": ("subject",),
    "администрация": ("admin_closed",),
    "коллектив": ("admin_open",),
    "сотрудники": ("admin_open",),
    "надомное": ("homeschool",),
    "мо": ("methodical",),
    "советник": ("advisor",),
}


@dataclass(frozen=True)
class ChatRequest:
    preset: ChatPreset
    cls: ClassName | None = None
    subject: str | None = None
    name: str | None = None


class ChatRequestError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message




def parse_chat_request(args: str) -> ChatRequest:
    """«родители 5А», «родители», «предмет математика 5А», «мо учителей истории», ..."""
    from bot import texts
    from bot.domain.classes import ClassNameError, looks_like_class, parse_class

    words = args.split()
    if not words:
        raise ChatRequestError(texts.CHAT_TYPE_MISSING)
    word = words[0].casefold().replace("ё", "е")
    types = TYPE_WORDS.get(word)
    if types is None:
        raise ChatRequestError(texts.CHAT_TYPE_UNKNOWN.format(word=words[0]))
    rest = words[1:]
    cls = None
    if rest and (looks_like_class(rest[-1]) or any(ch.isdigit() for ch in rest[-1])):
        try:
            cls = parse_class(rest.pop())
        except ClassNameError as exc:
            raise ChatRequestError(exc.message) from None
    elif len(rest) >= 2 and looks_like_class(" ".join(rest[-2:])):
        cls = parse_class(" ".join(rest[-2:]))
        rest = rest[:-2]
    text = " ".join(rest).strip()
    if word == "родители":
        preset = PRESETS["parents_class" if cls else "parents_school"]
    else:
        preset = PRESETS[types[0]]
    if preset.needs is Needs.CLASS and cls is None:
        raise ChatRequestError(texts.CHAT_TYPE_NEEDS_CLASS.format(name=preset.name_ru, word=word))
    if preset.needs is Needs.SUBJECT_CLASS and (cls is None or not text):
        raise ChatRequestError(texts.CHAT_TYPE_NEEDS_SUBJECT)
    if preset.needs is Needs.NAME and not text:
        example = texts.CHAT_NAME_EXAMPLES.get(word, texts.CHAT_NAME_EXAMPLES["мо"])
        raise ChatRequestError(texts.CHAT_TYPE_NEEDS_NAME.format(name=preset.name_ru, word=word, example=example))
    if preset.needs in (Needs.NOTHING, Needs.CLASS) and text:
        raise ChatRequestError(texts.CHAT_TYPE_EXTRA_WORDS.format(text=text))
    if preset.needs is Needs.NOTHING and cls is not None:
        raise ChatRequestError(texts.CHAT_TYPE_NO_CLASS.format(name=preset.name_ru))
    return ChatRequest(preset, cls, text if preset.needs is Needs.SUBJECT_CLASS else None,
                       text if preset.needs is Needs.NAME else None)
