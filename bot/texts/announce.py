"""Announcements across chats: the audience dialog, the confirmation, the delivery report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.texts.roster import plural

if TYPE_CHECKING:
    from bot.services.announce_results import Confirm, Pick, Scope

NOT_ALLOWED = ("Объявления в беседы школы отправляют администратор школы и ответственный за чаты "
               "(координаторы — в беседы школ своей территории). У вас такой роли нет.")
PICK_SCOPE = "Объявление: в беседы какой школы (или территории)?"
SCOPE_TERRITORY = "{name}: все школы"
PICK_TYPES = "Объявление ({scope}): в какие беседы?"
TYPE_LABELS: dict[str, str] = {
    "p": "Родители классов",
    "s": "Ученики и предметные",
    "c": "Все беседы классов",
    "staff": "Беседы сотрудников",
    "all": "Все беседы",
}
TYPE_NAMES: dict[str, str] = {
    "p": "беседы родителей классов",
    "s": "беседы учеников и предметные беседы",
    "c": "все беседы классов",
    "staff": "беседы сотрудников",
    "all": "все беседы",
}
PICK_GRADES = ("Объявление: {types}. Каких классов? Нажмите параллель или напишите классы через запятую "
               "(например: 5А, 5Б, 7).")
ALL_GRADES = "Все классы"
ALL_OF_GRADE = "Все {grade}-е классы"
PICK_CLASS = ("Все {grade}-е классы или один класс? Несколько классов можно написать через запятую "
              "(например: 5А, 5Б).")
GRADE_LABEL = "{grade}-е классы"
ASK_TEXT = ("Объявление: {audience}. Напишите текст объявления одним сообщением; можно приложить документы "
            "и фотографии.")
NO_CHATS = "В выбранных беседах нет ни одной привязанной к школе: {audience}. Выберите других адресатов: /объявление"
BAD_CLASSES = ("Не понял классы: «{text}». Напишите классы или параллели через запятую, например: 5А, 5Б, 7 "
               "— или нажмите кнопку.")
NO_TEXT = "Напишите текст объявления: сообщение без текста отправить нельзя."
TOO_LONG = "Объявление слишком длинное ({length} знаков, можно до {limit}). Сократите его и пришлите ещё раз."
UNSUPPORTED = "Это вложение нельзя переслать в беседы: {kinds}. Отправьте объявление без него или файлом."
DIALOG_GONE = "Этот черновик объявления уже закрыт: начните заново командой /объявление."
AUDIENCE_GRADES = "{types}, {grades}"
GRADES_ALL = "все классы"
GRADES_SOME = "классы: {names}"
CONFIRM = ("Отправить объявление в {count} {chats} ({audience})?\n{list}{more}\n\nЭто действие для всей "
           "школы: отменить отправку после подтверждения нельзя.{skipped}\n\nТекст:\n{text}")
CONFIRM_MORE = "\n… и ещё {count}"
CONFIRM_SKIPPED = ("\n\nНе получат ({count}): {list} — бот не администратор этих бесед. Что сделать: "
                   "назначьте сообщество администратором беседы (настройки беседы → участники → Завуч → "
                   "назначить администратором).")
BUTTON_SEND = "Отправить в {count} {chats}"
WHAT = "объявление в {count} {chats}"
SENDING = "Объявление отправляется в {count} {chats}. Когда отправка закончится, придёт отчёт о доставке."
HEADER = "Объявление ({school})"


def chats(n: int) -> str:
    return plural(n, "беседу", "беседы", "бесед")


def chats_of(n: int) -> str:
    """After «из N»: из 1 беседы, из 3 бесед."""
    return plural(n, "беседы", "бесед", "бесед")


REPORT_ALL = "Объявление доставлено во все {total} {chats}."
REPORT_ONE_ALL = "Объявление доставлено в беседу «{title}»."
REPORT = "Объявление доставлено в {delivered} из {total} {chats}. Не доставлено:\n{failed}"
REPORT_LINE = "«{title}» — {reason}, что сделать: {fix}"
REASONS: dict[str, tuple[str, str]] = {
    "no_rights": ("бот не администратор",
                  "назначьте сообщество администратором беседы (настройки беседы → участники → Завуч → "
                  "назначить администратором) и отправьте объявление туда снова"),
    "gone": ("бота нет в беседе",
             "добавьте сообщество в беседу снова и назначьте его администратором"),
    "disabled": ("беседа отключена ВКонтакте", "создайте беседу заново: /создать"),
    "refused": ("ВКонтакте не принял сообщение (код {code})",
                "отправьте объявление в эту беседу ещё раз позже; если повторится — сообщите оператору бота"),
    "unknown": ("нет сведений о доставке", "проверьте беседу и при необходимости отправьте объявление снова"),
}

SHOWN_IN_CONFIRM = 15  # chats named in the confirmation


def scope_name(scope: Scope) -> str:
    return SCOPE_TERRITORY.format(name=scope.name) if scope.territory else scope.name


def audience(pick: Pick) -> str:
    """«беседы родителей классов, классы: 5А, 7»."""
    types = TYPE_NAMES[pick.types]
    if not pick.by_class:
        return types
    if not pick.grades and not pick.classes:
        return AUDIENCE_GRADES.format(types=types, grades=GRADES_ALL)
    names = [str(g) for g in pick.grades] + list(pick.classes)
    return AUDIENCE_GRADES.format(types=types, grades=GRADES_SOME.format(names=", ".join(names)))


def confirm(c: Confirm) -> str:
    count = c.count
    shown = "\n".join(f"• {title}" for title in c.chats[:SHOWN_IN_CONFIRM])
    more = CONFIRM_MORE.format(count=count - SHOWN_IN_CONFIRM) if count > SHOWN_IN_CONFIRM else ""
    skipped = CONFIRM_SKIPPED.format(count=len(c.skipped), list=", ".join(f"«{x}»" for x in c.skipped)) \
        if c.skipped else ""
    return CONFIRM.format(count=count, chats=chats(count), audience=audience(c.audience), list=shown, more=more,
                          skipped=skipped, text=c.text[:500])


def send_button(count: int) -> str:
    return BUTTON_SEND.format(count=count, chats=chats(count))


def sending(count: int) -> str:
    return SENDING.format(count=count, chats=chats(count))
