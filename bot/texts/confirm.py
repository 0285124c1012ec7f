"""Texts of questions before what cannot be undone (transfers, expulsions, school-wide chats,
imports that expel) and of the notices the people affected get afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.gender import female, pick
from bot.texts.roster import plural

def quoted(titles: Iterable[str]) -> str:
    return ", ".join(f"«{t}»" for t in titles)


# -- "what" of a pending action: «Отменено: {what}. Ничего не изменилось.» --------------------

def what_transfer(name: str, old: str | None, new: str) -> str:
    from bot.texts import gendered

    return f"перевод {gendered(name, 'ученика', 'ученицы')} {name} ({old or '—'} → {new})"


def what_expel(name: str, cls: str | None) -> str:
    from bot.texts import gendered

    return f"отчисление {gendered(name, 'ученика', 'ученицы')} {name} ({cls or '—'})"


def what_import(filename: str) -> str:
    return f"импорт файла «{filename}»"


def what_pick(op: str, name: str) -> str:
    action = {"expel": "отчисления", "transfer": "перевода", "mode": "смены режима"}.get(op, "действия")
    return f"выбор ученика «{name}» для {action}"


WHAT_NEW_YEAR = "переход на новый учебный год"
WHAT_CREATE_CHAT = "создание беседы"


# -- who is affected ------------------------------------------------------------------------

def role_student(full_name: str) -> str:
    return pick(female(full_name), "ученик", "ученица", "ученик")


ROLE_PARENT = "родитель"
NOT_LINKED = "VK не привязан — в беседах не состоит"
CHATS_UNCHANGED = "беседы не меняются"


def person_line(name: str, role: str, *, linked: bool, leaves: list[str], joins: list[str],
                expel: bool = False) -> str:
    if not linked:
        return f"• {name} ({role}, {NOT_LINKED})"
    parts = []
    if leaves:
        parts.append(f"удалю из {quoted(leaves)}")
    if joins:
        parts.append(f"пришлю ссылку в {quoted(joins)}")
    return f"• {name} ({role}): {'; '.join(parts) or CHATS_UNCHANGED}"


AFFECTED_HEADER = "Кого это касается:"


# -- transfer -----------------------------------------------------------------------------

def transfer_question(name: str, old: str | None, new: str, lines: list[str]) -> str:
    return (f"Перевести: {name}, {old or '—'} → {new}?\n{AFFECTED_HEADER}\n" + "\n".join(lines) +
            "\nПосле подтверждения беседы изменятся сразу; ученику и родителям я напишу, что изменилось.")


def transfer_new_class(cls: str, school: str, existing: list[str]) -> str:
    have = ", ".join(existing) if existing else "ни одного класса"
    return (f"В «{school}» нет класса {cls} (есть: {have}). Если это опечатка — нажмите «Отменить» и "
            f"повторите команду с верным классом. Если класс {cls} действительно нужен, он будет создан.\n\n")


def button_transfer(cls: str, *, new_class: bool) -> str:
    return f"Создать {cls} и перевести" if new_class else f"Перевести в {cls}"


def transferred(name: str, old: str | None, new: str) -> str:
    done = pick(female(name), "переведён", "переведена", "")
    if not done:
        return f"Готово: перевод {name}, {old or '—'} → {new}. Беседы обновятся, ученику и родителям я написал."
    return f"Готово: {name} {done}, {old or '—'} → {new}. Беседы обновятся, ученику и родителям я написал."


# -- expulsion -----------------------------------------------------------------------------

def expel_question(name: str, cls: str | None, lines: list[str]) -> str:
    return (f"Отчислить: {name} ({cls or '—'})?\n{AFFECTED_HEADER}\n" + "\n".join(lines) +
            "\nОтменить отчисление кнопкой потом нельзя — вернуть ученика можно только через /зачислить.")


BUTTON_EXPEL = "Отчислить"


def expelled(name: str, cls: str | None) -> str:
    return f"Готово: отчисление {name} ({cls or '—'}). Из бесед ученик и родители будут удалены, я им написал."


PICKED_SNACK = "Выбрано — подтвердите"
CHANGED_SNACK = "Не сделано: данные изменились"
CHANGED_SINCE = "Пока вы решали, данные ученика изменились — ничего не сделал. Повторите команду."


# -- notices to the people affected ---------------------------------------------------------

def notice_transfer_self(old: str | None, new: str) -> str:
    return f"Вас перевели в {new}" + (f" (из {old})." if old else ".")


def notice_transfer_parent(child: str, old: str | None, new: str) -> str:
    return f"{child} теперь учится в {new}" + (f" (раньше — {old})." if old else ".")


def notice_expel_self(school: str) -> str:
    return f"Вы больше не числитесь в списках «{school}»."


def notice_expel_parent(child: str, school: str) -> str:
    return f"{child} больше не числится в списках «{school}»."


def notice_mode(child: str, mode: str) -> str:
    return f"{child}: теперь {mode}."


def notice_graduate(child: str, school: str) -> str:
    done = pick(female(child), "окончил", "окончила", "")
    return f"{child} {done} «{school}»." if done else f"{child}: выпуск из «{school}»."


def notice_left(titles: list[str]) -> str:
    if len(titles) == 1:
        return f"Я удалил вас из беседы {quoted(titles)}."
    return f"Я удалил вас из бесед: {quoted(titles)}."


NOTICE_JOIN = "Новые беседы — вступите по ссылкам:\n{lines}"
NOTICE_FALLBACK = "Изменились списки школы."


# -- import --------------------------------------------------------------------------------

EXPELLED_FILE_NOTE = "Полный список тех, кого отчислит весь файл, — в приложенной таблице."


def import_outside_classes(file_classes: list[str], others: int) -> str:
    return (f"В файле только классы {', '.join(file_classes)}. Учеников других классов ({others}) файл не касается, "
            "если применить только классы из файла; полное применение отчислит всех, кого нет в файле.")


IMPORT_STALE_PREFIX = "Списки изменились после предпросмотра — пересчитал заново.\n\n"
SCOPED_TITLE = "Если применить только классы из файла:"
FULL_TITLE = "Если применить весь файл:"
IMPORT_CONFIRM_SCOPED = "Что применить? Всё применяется целиком или не применяется совсем."
BUTTON_SCOPED = "Только классы из файла"


def button_full(expelled_count: int) -> str:
    return f"Применить всё, отчислить {expelled_count}"


EXPELLED_FILE_HEADERS = ("ФИО", "Класс")
EXPELLED_FILE_NAME = "otchislenie.csv"
IMPORT_SCOPED_APPLIED = "Готово, применены только классы из файла ({classes}): {summary}."


# -- a spreadsheet sent alone, templates ---------------------------------------------------

FILE_NOT_FOR_YOU = (
    "Получил файл, но загружать списки школы может только администратор школы или ответственный "
    "за чаты. Если вы хотели привязаться к беседам — напишите код с листка, например: /код K7QM-4RTD."
)
FILE_NOT_SPREADSHEET = "Получил файл «{name}». Списки школы я принимаю только таблицей CSV или XLSX."
IMPORT_TEMPLATES = (
    "Пришлите файл со списками вместе с командой /импорт (или просто отправьте таблицу сюда). "
    "Вот шаблоны — XLSX и CSV: заполните строки под заголовком (строки-примеры замените своими). "
    "Тип — ученик, родитель или сотрудник; учеников перечисляйте всех классов: кого нет в файле, "
    "я предложу отчислить."
)
TEMPLATE_XLSX = "shablon-spiskov.xlsx"
TEMPLATE_CSV = "shablon-spiskov.csv"


# -- chats ----------------------------------------------------------------------------------

def ask_class(word: str, school: str, *, more: bool) -> str:
    if word == "родители":
        text = (f"Для какого класса беседа родителей в «{school}»? Выберите класс — или «Для всей школы», "
                "если нужна одна общешкольная беседа всех родителей.")
    else:
        text = f"Для какого класса беседа учеников в «{school}»?"
    if more:
        text += f" Нужного класса нет в кнопках — напишите: /создать {word} 5А"
    return text


def no_classes(school: str) -> str:
    return f"В «{school}» пока нет классов: сначала загрузите списки (/импорт)."


BUTTON_WHOLE_SCHOOL = "Для всей школы"


def button_class_chat(word: str, cls: str) -> str:
    return f"{word.capitalize()} {cls}"


def bind_duplicate(existing: str) -> str:
    return (f"У школы уже есть беседа «{existing}» — вторую такую же привязать нельзя: людям пришли бы две "
            "ссылки, а в списках беседа значилась бы дважды. Пользуйтесь той беседой (ссылка — в /чаты у "
            "администратора школы) или привяжите эту к другому типу или классу.")


def bound_unknown(count: int) -> str:
    return (f"Не нашёл в списках школы: {count} {plural(count, 'участника', 'участников', 'участников')} — "
            "список отправил лично.")


def bound_unknown_unreachable(count: int) -> str:
    return (f"Не нашёл в списках школы: {count} {plural(count, 'участника', 'участников', 'участников')} — "
            "список лично отправить не могу: разрешите сообщения сообщества или напишите мне в личные.")


def bound_unknown_private(title: str, lines: list[str]) -> str:
    return f"В беседе «{title}» есть люди не из списков школы:\n" + "\n".join(lines)


BOUND_RENAMED = "Название беседы я сменил на «{title}» — по нему её узнают в списках школы и в отчётах."


def unknown_line(vk_id: int, outcome: str) -> str:
    return f"• vk.com/id{vk_id} — {outcome}"


OUTCOME_REMOVED = "удаление из беседы (в беседах учеников и закрытых — только люди из списков)"
OUTCOME_QUARANTINE = "ждёт решения модератора (оповещение отправлено)"
OUTCOME_KEPT = "остаётся: администратор беседы в VK"


def territory_header(name: str) -> str:
    return f"Школы «{name}» и их беседы:"


def territory_line(school: str, code: str, chats: int) -> str:
    return f"• {school} ({code}) — {chats} {plural(chats, 'беседа', 'беседы', 'бесед')}"


TERRITORY_HINT = "Беседы одной школы: /чаты <код школы>"
TERRITORY_NONE = "В «{name}» пока нет школ."


def affected_line(name: str, *, is_student: bool, linked: bool, leaves: list[str], joins: list[str]) -> str:
    """One person a transfer or an expulsion touches, with the chats they leave and join."""
    role = role_student(name) if is_student else ROLE_PARENT
    return person_line(name, role, linked=linked, leaves=leaves, joins=joins)
