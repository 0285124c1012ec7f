"""Answers of the admission loop's commands (codes, links, approving everyone waiting), rendered
from the typed results of bot/services/linking.py and admission.py."""

from __future__ import annotations

from bot import texts
from bot.services.admission_results import AdmitAllAsked, AdmittedAll, AlreadyDecided, Decided, NobodyWaits, NoneLeft
from bot.services.linking import (
    CodeConflict, CodeExpired, CodeTakenByOther, Linked, LinkedAs, Links, NotLinked, Printout, Redeemed,
    ReissueAsked, Throttled, WrongCode,
)
from bot.services.roster_results import Gone
from bot.texts import admission as t
from bot.vk.keyboards import Button, inline
from handlers.replies import Reply, cancel_button


def links(r: Links, *, announce_empty: bool) -> str:
    return t.links([(c.title, c.invite_link) for c in r.to_join], [c.title for c in r.already_in],
                   announce_empty=announce_empty)


def my_links(r: Links | NotLinked) -> str:
    """/ссылки."""
    return t.LINKS_NOT_LINKED if isinstance(r, NotLinked) else links(r, announce_empty=True)


def _who(who: LinkedAs) -> str:
    if who.kind == "parent":
        return texts.CODE_LINKED_PARENT.format(
            children=", ".join(f"{name}, {cls or '—'}" for name, cls in who.children) or "—")
    if who.kind == "student":
        return texts.linked_student(who.name, who.class_name or "—")
    return texts.CODE_LINKED_STAFF


def redeemed(r: Redeemed) -> str:
    """The answer to a code: linked (as whom, where the wait ended, the links), or why not."""
    match r:
        case Linked():
            parts = [texts.CODE_LINKED.format(who=_who(r.who), org=r.who.org_name)]
            if r.admitted:
                parts.append(t.wait_ended(list(r.admitted)))
            parts.append(links(r.links, announce_empty=False))
            return "\n\n".join(p for p in parts if p)
        case Throttled():
            return texts.CODE_THROTTLED
        case WrongCode():
            return texts.CODE_WRONG.format(left=r.left)
        case CodeExpired():
            return texts.CODE_EXPIRED
        case CodeTakenByOther():
            return texts.CODE_ALREADY_OTHER
        case CodeConflict():
            return texts.CODE_CONFLICT
    raise TypeError(r)


def group(printout: Printout) -> str:
    """«5А» or «сотрудников»: whose codes (after «Коды для …»)."""
    return str(printout.cls) if printout.cls is not None else t.STAFF_GROUP


def nothing_printed(printout: Printout, *, arg: str) -> str:
    """No new codes: everyone unlinked holds a working one, or nobody is unlinked."""
    if printout.kept:
        return t.CODES_ALL_HOLD.format(count=len(printout.kept), names=t.names_list(printout.kept), arg=arg)
    if printout.cls is None:
        return t.CODES_STAFF_NONE.format(org=printout.org_name)
    return texts.CODES_NONE.format(cls=printout.cls)


def printed(printout: Printout, *, arg: str) -> str:
    """The new sheet went out (its files attached)."""
    text = t.CODES_READY.format(group=group(printout), count=len(printout.entries),
                                until=printout.entries[0].valid_until.strftime("%d.%m.%Y"))
    if printout.kept:
        text += "\n" + t.CODES_KEPT.format(count=len(printout.kept), names=t.names_list(printout.kept), arg=arg)
    return text


def reissue_question(r: ReissueAsked) -> str:
    """«Выдать новые коды для 5А? Перестанут работать уже выданные коды (3): …»."""
    group = str(r.cls) if r.cls is not None else t.STAFF_GROUP
    return t.REISSUE_ASK.format(group=group, count=len(r.holders), names=t.names_list(list(r.holders)))


def admitted_all(r: AdmittedAll | NoneLeft) -> str:
    if isinstance(r, NoneLeft):
        return t.ADMIT_ALL_GONE
    return t.admit_all_done(r.title, list(r.names))


def admit_all_question(r: AdmitAllAsked | NobodyWaits) -> Reply:
    """/допустить всех: everyone waiting named, «Допустить всех (N)» / «Только из списков школы»."""
    if isinstance(r, NobodyWaits):
        return Reply(t.ADMIT_ALL_NONE.format(title=r.title))
    return Reply(t.admit_all_ask(r.title, [(w.name, w.person_name) for w in r.waiting]), admit_all_keyboard(r))


def admit_all_keyboard(asked: AdmitAllAsked) -> str:
    """The buttons of the question: all, those on the school's lists alone (when only some are),
    «Отменить». Used by /допустить всех and by the quarantine alert's button (handlers/console.py)."""
    waiting = len(asked.waiting)
    rows = [[Button(t.BUTTON_ADMIT_ALL_N.format(count=waiting), {"a": "pa", "id": asked.action_id, "do": "apply"},
                    "positive")]]
    if asked.known and asked.known < waiting:  # some are on the school's lists: they alone, if preferred
        rows.append([Button(t.BUTTON_ADMIT_KNOWN.format(count=asked.known),
                            {"a": "pa", "id": asked.action_id, "do": "known"}, "primary")])
    rows.append([cancel_button(asked.action_id, color="negative")])
    return inline(rows)


def decision_snack(r: Decided | AlreadyDecided | AdmitAllAsked | NobodyWaits | Gone) -> str:
    """The snackbar of a press on a quarantine alert (at most 90 characters)."""
    if isinstance(r, Decided):
        return texts.admitted(r.is_female) if r.admitted else texts.excluded(r.is_female)
    if isinstance(r, AlreadyDecided):
        return texts.ALERT_ALREADY.format(action=r.action or "")
    if isinstance(r, AdmitAllAsked):
        return t.ADMIT_ALL_ASKED
    if isinstance(r, NobodyWaits):
        return t.ADMIT_ALL_NONE.format(title=r.title)[:90]
    return texts.PENDING_GONE
