"""Organisations: /организация's answer and the school card (/школа, the menu's «Сотрудники» and
«Школы»), rendered from the typed results of ``bot.services.orgs``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot import texts
from bot.domain import gender
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.texts import admission

if TYPE_CHECKING:
    from bot.services.orgs import SchoolCard


def created(kind: str, name: str, code: str, tz: str, parent_code: str | None) -> str:
    """``tz``: the time zone as people read it (bot.domain.timezones.describe)."""
    parent = texts.ORG_PARENT_NOTE.format(parent=parent_code) if parent_code else ""
    return texts.ORG_CREATED.format(kind=texts.ORG_KIND_NAMES[kind], name=name, code=code, tz=tz, parent=parent)


# -- choosing the organisation a command is about (Orgs.resolve) ------------------------------
# what a refusal is about, in the accusative after «У вас нет прав на …»
WHAT: dict[OrgPurpose, str] = {
    OrgPurpose.SCHOOL_VIEW: "просмотр сведений о школе",
    OrgPurpose.CHATS_CREATE: "создание бесед",
    OrgPurpose.CHATS_VIEW: "просмотр бесед",
    OrgPurpose.ROLES: "выдачу ролей",
    OrgPurpose.ROSTER: "изменение списков",
    OrgPurpose.REPORTS: "просмотр отчётов",
}
# how the command takes the code, after «Укажите, в какой: …»
FORMS: dict[CodeForm, str] = {
    CodeForm.TRAILING: "добавьте в конце команды «школа <код>»",
    CodeForm.ROLE: "добавьте в конце команды «школа <код>» (роли координаторов — «орг <код>» муниципалитета или региона)",
    CodeForm.SCHOOL: "/школа <код>",
    CodeForm.CHATS: "/чаты <код>",
    CodeForm.REPORT: "/отчёт <код>",
}
ORG_WHICH = "У вас роли в нескольких организациях ({codes}). Укажите, в какой: {form}."
ORG_OPERATOR_WHICH = (
    "Вы оператор платформы и не привязаны ни к одной организации — укажите, о какой речь: {form}. "
    "Школы: {codes}."
)
ORG_OPERATOR_NONE = (
    "Организаций пока нет. Создайте регион, муниципалитет и школу командой /организация, например: "
    "/организация регион r16 Казань Республика Татарстан"
)
ORG_CODES_MORE = " и ещё {count}"


def not_allowed(purpose: OrgPurpose) -> str:
    """The refusal to someone without the capability there («У вас нет прав на выдачу ролей. …»)."""
    return texts.NOT_ALLOWED.format(what=WHAT[purpose], hint=texts.NOT_ALLOWED_HINT)


def which(codes: Sequence[str], form: CodeForm) -> str:
    """The caller holds the capability in several organisations: name them, say how to choose."""
    return ORG_WHICH.format(codes=", ".join(codes), form=FORMS[form])


def operator_which(schools: Sequence[tuple[str, str]], more: int, form: CodeForm) -> str:
    """An operator holds no role anywhere: ask for the code, naming some schools ((code, name)),
    ``more`` not shown; no schools at all: how to create the first organisations."""
    if not schools:
        return ORG_OPERATOR_NONE
    shown = ", ".join(f"{code} ({name})" for code, name in schools)
    return ORG_OPERATOR_WHICH.format(
        form=FORMS[form], codes=shown + (ORG_CODES_MORE.format(count=more) if more > 0 else ""))


def what_create_in(parent: str) -> str:
    """What is refused to someone without the right in the parent organisation."""
    return f"создание организаций в «{parent}»"


def unreachable(names: Sequence[str], *, reminder: bool) -> str:
    """Staff the bot cannot write to, with the one step that fixes it ("" if none)."""
    if not names:
        return ""
    return admission.unreachable([(name, gender.female(name)) for name in names], reminder=reminder)


def school_card(card: SchoolCard, role_names: Mapping[str, str]) -> str:
    """``role_names``: role id → its Russian name (bot.services.access.ROLE_NAMES_RU)."""
    lines = []
    for entry in card.staff:
        order = (texts.SCHOOL_STAFF_ORDER.format(no=entry.order_no, date=entry.order_date or "—")
                 if entry.order_no else "")
        lines.append(texts.SCHOOL_STAFF_LINE.format(role=role_names.get(entry.role, entry.role),
                                                    name=entry.name or "?", order=order))
    text = texts.SCHOOL_CARD.format(
        name=card.name, code=card.code, tz=card.timezone, staff="\n".join(lines) or texts.SCHOOL_NO_STAFF,
        classes=card.classes, student=card.students, parent=card.parents, staff_count=card.staff_count,
        linked=card.linked,
    )
    return text + "\n" + (unreachable(card.unreachable, reminder=False) or admission.SCHOOL_ALL_REACHABLE)
