"""Role ids and reading the Russian role words of a staff roster («классный руководитель 5А»)."""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.texts import roster as texts
from bot.domain.classes import ClassName, ClassNameError, parse_class

OPERATOR = "operator"
REGIONAL_COORDINATOR = "regional_coordinator"
MUNICIPAL_COORDINATOR = "municipal_coordinator"
SCHOOL_ADMIN = "school_admin"
CHAT_RESPONSIBLE = "chat_responsible"
MODERATOR = "moderator"
CLASS_TEACHER = "class_teacher"
SUBJECT_TEACHER = "subject_teacher"
TEACHER = "teacher"
PSYCHOLOGIST = "psychologist"
SOCIAL_PEDAGOGUE = "social_pedagogue"
ADVISOR = "advisor"
ADMIN_TEAM = "admin_team"
PARENT = "parent"
STUDENT = "student"

ROLE_IDS = (
    OPERATOR, REGIONAL_COORDINATOR, MUNICIPAL_COORDINATOR, SCHOOL_ADMIN, CHAT_RESPONSIBLE, MODERATOR,
    CLASS_TEACHER, SUBJECT_TEACHER, TEACHER, PSYCHOLOGIST, SOCIAL_PEDAGOGUE, ADVISOR, ADMIN_TEAM,
    PARENT, STUDENT,
)

# Roles a school may hand out through its own staff list. Coordinators and operators are granted
# from above, and parent/student come from the other parts of the roster.
STAFF_FILE_ROLES = frozenset({
    SCHOOL_ADMIN, CHAT_RESPONSIBLE, MODERATOR, CLASS_TEACHER, SUBJECT_TEACHER, TEACHER,
    PSYCHOLOGIST, SOCIAL_PEDAGOGUE, ADVISOR, ADMIN_TEAM,
})


class RoleSpec(NamedTuple):
    """One role of a person: (role id, class or None, subject or None)."""

    role: str
    class_name: ClassName | None = None
    subject: str | None = None


# Normalised role word → role id, for words that take no argument.
_PLAIN_WORDS = {
    "учитель": TEACHER, "педагог": TEACHER, "преподаватель": TEACHER,
    "администратор": SCHOOL_ADMIN, "админ": SCHOOL_ADMIN, "администратор платформы": SCHOOL_ADMIN,
    "администратор школы": SCHOOL_ADMIN,
    "ответственный за чаты": CHAT_RESPONSIBLE, "ответственный": CHAT_RESPONSIBLE,
    "ответственный за ведение чатов": CHAT_RESPONSIBLE,
    "модератор": MODERATOR,
    "психолог": PSYCHOLOGIST, "педагог-психолог": PSYCHOLOGIST,
    "социальный педагог": SOCIAL_PEDAGOGUE, "соцпедагог": SOCIAL_PEDAGOGUE, "социальный": SOCIAL_PEDAGOGUE,
    "советник": ADVISOR, "советник директора": ADVISOR, "советник по вр": ADVISOR,
    "советник по воспитанию": ADVISOR, "советник директора по воспитанию": ADVISOR,
    "советник директора по воспитательной работе": ADVISOR,
    "администрация": ADMIN_TEAM, "член администрации": ADMIN_TEAM, "директор": ADMIN_TEAM,
    "завуч": ADMIN_TEAM, "заместитель директора": ADMIN_TEAM, "зам директора": ADMIN_TEAM,
    "замдиректора": ADMIN_TEAM,
    "оператор": OPERATOR,
    "региональный координатор": REGIONAL_COORDINATOR,
    "муниципальный координатор": MUNICIPAL_COORDINATOR,
    "родитель": PARENT, "ученик": STUDENT,
}

_CLASS_TEACHER_PREFIXES = (
    "классный руководитель", "классный рук", "кл руководитель", "кл рук", "классрук", "кл рук-ль",
)
_SUBJECT_PREFIXES = ("учитель-предметник", "учитель предметник", "предметник", "учитель", "преподаватель")

_PUNCT = re.compile(r"[.:()\"«»]")
_CLASS_TOKEN = re.compile(r"(?<!\w)(\d{1,2}\s*-?\s*[^\W\d_])(?!\w)")


def _norm(item: str) -> str:
    text = item.casefold().replace("ё", "е").replace("–", "-").replace("—", "-")
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"\s*-\s*", "-", " ".join(text.split()))
    return text.strip(" -")


def _split_classes(rest: str) -> tuple[list[ClassName], str, list[str]]:
    """Class tokens out of ``rest``; returns (classes, the text left over, errors)."""
    classes: list[ClassName] = []
    errors: list[str] = []
    for token in _CLASS_TOKEN.findall(rest):
        try:
            classes.append(parse_class(token))
        except ClassNameError as exc:
            errors.append(texts.lower_first(exc.message))
    left = " ".join(_CLASS_TOKEN.sub(" ", rest).replace(",", " ").split()).strip(" -")
    return classes, left, errors


def _after_prefix(text: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if text == prefix or text.startswith(prefix + " ") or text.startswith(prefix + "-"):
            return text[len(prefix):].strip(" -")
    return None


def _parse_item(item: str, original: str) -> tuple[list[RoleSpec], list[str]]:
    if item in _PLAIN_WORDS:
        return [RoleSpec(_PLAIN_WORDS[item])], []
    rest = _after_prefix(item, _CLASS_TEACHER_PREFIXES)
    if rest is not None:
        classes, left, errors = _split_classes(rest)
        if left:
            errors.append(texts.role_unknown(original))
        elif not classes and not errors:
            errors.append(texts.ROLE_CLASS_TEACHER_NEEDS_CLASS)
        return [RoleSpec(CLASS_TEACHER, c) for c in classes], errors
    rest = _after_prefix(item, _SUBJECT_PREFIXES)
    if rest is not None:
        classes, subject, errors = _split_classes(rest)
        if not subject:
            return [], errors or [texts.ROLE_SUBJECT_TEACHER_NEEDS_SUBJECT]
        if not classes:
            return [RoleSpec(SUBJECT_TEACHER, None, subject)], errors
        return [RoleSpec(SUBJECT_TEACHER, c, subject) for c in classes], errors
    return [], [texts.role_unknown(original)]


def parse_roles(cell: str | None) -> tuple[list[RoleSpec], list[str]]:
    """Read «учитель, классный руководитель 5А, 6Б; учитель-предметник математика».

    Items are separated by commas, semicolons or line breaks. A bare class after a class-teacher
    item continues it («классный руководитель 5А, 6Б»). Returns the roles in order without repeats
    and the Russian error messages (lower-case first, to follow «строка N: »).
    """
    roles: list[RoleSpec] = []
    errors: list[str] = []
    previous: RoleSpec | None = None
    for original in re.split(r"[,;\n]", cell or ""):
        item = _norm(original)
        if not item:
            continue
        classes, left, class_errors = _split_classes(item)
        if previous is not None and previous.role in (CLASS_TEACHER, SUBJECT_TEACHER) and not left:
            # A bare «6Б» continues the previous class or subject teacher item.
            found = [RoleSpec(previous.role, c, previous.subject) for c in classes]
            errors.extend(class_errors)
        else:
            found, item_errors = _parse_item(item, original.strip())
            errors.extend(item_errors)
        for spec in found:
            if spec not in roles:
                roles.append(spec)
        if found:
            previous = found[-1]
    return roles, errors
