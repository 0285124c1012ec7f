"""Resources and documents of a chat: the pinned list, the staff's menu, refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.resources_results import Added, Removed, Screen

PIN_HEADER = "Полезные ссылки и документы беседы"
PIN_EMPTY = "Пока пусто."
PIN_LINE_URL = "{n}. {title} — {url}"
PIN_LINE_DOC = "{n}. {title} (документ во вложении)"
PIN_FOOTER = "Список ведут сотрудники школы: /ресурсы. Правила беседы: /правила"

NOT_ALLOWED = ("Список полезных ссылок и документов беседы ведут её сотрудники: классный руководитель, "
               "учителя, администрация. У вас нет такой роли в школе этой беседы.")
NOT_BOUND = "Эта беседа не привязана к школе: сначала привяжите её командой /привязать."
NO_CHATS = "У вас нет бесед, в которых вы ведёте список ресурсов: их ведут сотрудники привязанных бесед школы."
PICK_CHAT = "Ресурсы какой беседы?"
IN_CHAT = "Список ресурсов беседы — в личных сообщениях с ботом."
SCREEN = "Ресурсы беседы «{title}» (закреплены в беседе):\n{list}\n\nДобавить — кнопкой «Добавить», убрать — кнопкой с названием."
SCREEN_EMPTY = "пока ничего нет"
BUTTON_ADD = "Добавить"
BUTTON_REMOVE = "Убрать: {title}"
ASK_ENTRY = ("Беседа «{title}». Пришлите одним сообщением: «название — ссылка», например:\n"
             "Расписание уроков — https://school.edu.ru/raspisanie\n"
             "Или приложите документ и напишите его название.")
BAD_ENTRY = ("Не понял: «{text}». Нужно «название — ссылка» (например: «Расписание — https://school.edu.ru/r») "
             "или документ с названием.")
NO_TITLE = "Напишите название ресурса перед ссылкой: «Расписание — https://school.edu.ru/r»."
TITLE_TOO_LONG = "Название слишком длинное ({length} знаков, можно до {limit}). Сократите его."
ONE_DOC = "Приложите один документ: каждый документ — отдельная строка списка."
ONLY_DOCS = "В список можно добавить только документ (файл) или ссылку; {kinds} — нельзя."
LINK_REFUSED = ("Эту ссылку нельзя добавить: {reason}. В беседе действует правило о ссылках — "
                "добавьте ссылку на школьный или образовательный ресурс.")
TOO_MANY = "В списке уже {count} записей — больше не поместится. Уберите ненужные и добавьте снова."
TOO_MANY_DOCS = "К закреплённому сообщению можно приложить не больше {limit} документов. Уберите ненужный документ."
ADDED = "Добавлено: «{title}». Закреплённый список в беседе обновлён."
REMOVED = "Убрано: «{title}». Закреплённый список в беседе обновлён."
GONE = "Этой записи уже нет в списке."
DIALOG_GONE = "Этот диалог уже закрыт: начните заново командой /ресурсы."
SNACK_DONE = "Готово"

SCREEN_DOC = " (документ)"
OTHER_ATTACHMENTS = "фотографии и другие вложения"


def screen(s: Screen) -> str:
    listing = "\n".join(f"{n}. {e.title}" + (f" — {e.url}" if e.url else SCREEN_DOC)
                         for n, e in enumerate(s.entries, 1)) or SCREEN_EMPTY
    return SCREEN.format(title=s.title, list=listing)


def added(r: Added) -> str:
    return ADDED.format(title=r.title) + "\n\n" + screen(r.screen)


def removed(r: Removed) -> str:
    return REMOVED.format(title=r.title) + "\n\n" + screen(r.screen)
