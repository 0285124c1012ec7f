"""The roster use cases' results as answers: Russian from bot/texts, buttons built here."""

from __future__ import annotations

from bot import texts
from bot.services.access import ROLE_NAMES_RU
from bot.services.roster_effects import Affected
from bot.services.roster_results import (
    AlreadyEnrolled, ChangedSince, Enrolled, ExpelAsked, Expelled, ForbiddenRole, Gone, ImportApplied, ImportAsked,
    ImportChanging, ImportForbidden, ImportRefused, ImportStale, ImportUnchanged, ModeSame, ModeSet, NeedsPick,
    NewYearApplied, NewYearAsked, NewYearNothing, SameClass, TransferAsked, Transferred,
)
from bot.texts import confirm as ct
from bot.texts import roster as roster_texts
from bot.vk.keyboards import Button, inline
from handlers.confirm import gone
from handlers.replies import Reply, cancel_button, confirm_keyboard, question_keyboard

RosterResult = (Gone | ChangedSince | NeedsPick | Enrolled | AlreadyEnrolled | ExpelAsked | Expelled | TransferAsked
                | SameClass | Transferred | ModeSet | ModeSame | NewYearNothing | NewYearAsked | NewYearApplied
                | ImportRefused | ImportUnchanged | ImportAsked | ImportApplied | ImportForbidden | ImportChanging
                | ImportStale)


def _affected(people: tuple[Affected, ...]) -> list[str]:
    return [ct.affected_line(a.person.full_name, is_student=a.is_student, linked=a.person.vk_id is not None,
                             leaves=[c.title for c in a.leaves], joins=[c.title for c in a.joins]) for a in people]


def _forbidden(roles: tuple[ForbiddenRole, ...]) -> str:
    return roster_texts.role_import_forbidden([(ROLE_NAMES_RU[r.role], list(r.names)) for r in roles])


def _pick(r: NeedsPick) -> Reply:
    rows = [[Button(roster_texts.pick_label(c.name, c.class_name),
                    {"a": "pa", "id": r.action_id, "do": "pick", "p": c.person_id})] for c in r.candidates]
    rows.append([cancel_button(r.action_id, color="negative")])
    return Reply(texts.ROSTER_PICK.format(org=r.org_name, name=r.name), inline(rows))


def _transfer(r: TransferAsked) -> Reply:
    text = ct.transfer_question(r.name, r.from_class, r.to_class, _affected(r.affected))
    if r.new_class:
        text = ct.transfer_new_class(r.to_class, r.org_name, list(r.existing)) + text
    label = ct.button_transfer(r.to_class, new_class=r.new_class)
    return Reply(text, question_keyboard(r.action_id, label, "negative" if r.new_class else "primary"))


def _import_asked(r: ImportAsked) -> Reply:
    """What the file changes, by name whom it expels; when applying only the file's classes is
    offered it comes first and the whole file is a red button saying what it does."""
    prefix = ct.IMPORT_STALE_PREFIX if r.stale else ""
    files: tuple[tuple[str, bytes], ...] = ((ct.EXPELLED_FILE_NAME, r.expelled_csv),) if r.expelled_csv else ()
    note = f"{ct.EXPELLED_FILE_NOTE}\n" if files else ""
    full = Button(ct.button_full(r.expelled) if r.expelled else texts.BUTTON_APPLY,
                  {"a": "pa", "id": r.action_id, "do": "apply"}, "negative" if r.expelled else "positive")
    cancel = cancel_button(r.action_id)
    if r.scoped is None:
        return Reply(f"{prefix}{r.preview}\n\n{note}{texts.IMPORT_CONFIRM}", inline([[full, cancel]]), files=files)
    rows = [[full], [cancel]]
    if r.scoped.has_changes:
        rows.insert(0, [Button(ct.BUTTON_SCOPED, {"a": "pa", "id": r.action_id, "do": "scoped"}, "positive")])
    text = (f"{prefix}{ct.import_outside_classes(list(r.scoped.classes), r.scoped.outside)}\n\n"
            f"{ct.SCOPED_TITLE}\n{r.scoped.preview}\n\n{ct.FULL_TITLE}\n{r.preview}\n\n{note}{ct.IMPORT_CONFIRM_SCOPED}")
    return Reply(text, inline(rows), files=files)


def render(r: RosterResult) -> Reply:
    """The answer to a roster command or to a press of its buttons."""
    match r:
        case Gone():
            return gone()
        case ChangedSince():
            return Reply(ct.CHANGED_SINCE, snack=ct.CHANGED_SNACK)
        case NeedsPick():
            return _pick(r)
        case Enrolled():
            note = texts.ENROL_NEW_CLASS.format(cls=r.cls) if r.new_class else ""
            return Reply(texts.enrolled(r.name, str(r.cls)) + note)
        case AlreadyEnrolled():
            return Reply(texts.ROSTER_ALREADY_ENROLLED.format(name=r.name, cls=r.cls))
        case ExpelAsked():
            return Reply(ct.expel_question(r.name, r.class_name, _affected(r.affected)),
                         question_keyboard(r.action_id, ct.BUTTON_EXPEL))
        case Expelled():
            return Reply(ct.expelled(r.name, r.class_name))
        case TransferAsked():
            return _transfer(r)
        case SameClass():
            return Reply(texts.ROSTER_SAME_CLASS.format(name=r.name, cls=r.cls))
        case Transferred():
            return Reply(ct.transferred(r.name, r.from_class, r.to_class))
        case ModeSet():
            return Reply(texts.ROSTER_MODE_SET.format(name=r.name, mode=texts.MODE_NAMES[r.mode]))
        case ModeSame():
            return Reply(texts.ROSTER_MODE_SAME.format(name=r.name, mode=texts.MODE_NAMES[r.mode]))
        case NewYearNothing():
            return Reply(texts.NEWYEAR_NOTHING.format(org=r.org_name))
        case NewYearAsked():
            text = roster_texts.new_year_preview(r.org_name, [(m.old, m.new, m.students) for m in r.moves],
                                                 list(r.graduates))
            return Reply(f"{text}\n\n{texts.IMPORT_CONFIRM}", confirm_keyboard(r.action_id))
        case NewYearApplied():
            return Reply(texts.NEWYEAR_APPLIED.format(graduates=", ".join(r.graduates) or "—"))
        case ImportRefused():
            forbidden = f"{_forbidden(r.forbidden)}\n" if r.forbidden else ""
            return Reply(f"{r.preview}\n\n{forbidden}{texts.IMPORT_HAS_PROBLEMS}")
        case ImportUnchanged():
            return Reply(r.preview)
        case ImportAsked():
            return _import_asked(r)
        case ImportApplied():
            summary = roster_texts.import_summary(list(r.summary))
            if r.classes is not None:
                return Reply(ct.IMPORT_SCOPED_APPLIED.format(classes=", ".join(r.classes), summary=summary))
            return Reply(texts.IMPORT_APPLIED.format(summary=summary))
        case ImportForbidden():
            return Reply(f"{_forbidden(r.forbidden)}\n{texts.IMPORT_HAS_PROBLEMS}")
        case ImportChanging():
            return Reply(roster_texts.IMPORT_CHANGING)
        case ImportStale():
            return Reply(texts.IMPORT_STALE.format(preview=r.preview))
    raise TypeError(r)
