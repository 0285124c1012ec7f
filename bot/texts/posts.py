"""Scheduled posts and material before a lesson: the dialog, the «Прочитано» button, /посты,
the not-read report, late and stale posts after downtime."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.schedule_results import (AskContent, AskTime, CancelAsked, Edited, EditedLesson, Listed,
                                               Preview, ReadMark, Scheduled)

WHAT_POST = "запланированный пост в беседе «{title}»"
WHAT_MATERIAL = "материал к уроку в беседе «{title}»"
NOT_BOUND = "Эта беседа не привязана к школе: планировать в неё посты нельзя."
NOT_CHAT_STAFF = ("Планировать посты и материалы в беседе могут её руководитель, учителя беседы и администрация "
                  "школы.")
NO_CHATS = "Вы не ведёте ни одной привязанной беседы, куда можно запланировать пост."
CONTINUE_PRIVATE = "Продолжим в личных сообщениях."
PICK_CHAT = "В какую беседу?"
STEP_CONTENT_POST = ("Пост для беседы «{title}». Пришлите его одним сообщением: текст и, если нужно, "
                     "вложения (фото, документы) — я опубликую его в назначенное время.")
STEP_CONTENT_MATERIAL = ("Материал к уроку для беседы «{title}». Пришлите его одним сообщением: текст и "
                         "вложения (фото, документы). Под ним будет кнопка «{button}», перед уроком я пришлю "
                         "вам, кто ещё не прочитал.")
CONTENT_EMPTY = "Сообщение пустое: пришлите текст или вложение."
CONTENT_LONG = "Текст слишком длинный ({length} знаков, можно до 3500). Сократите или разделите на два поста."
CONTENT_UNSUPPORTED = ("Эти вложения я переслать не могу: {kinds}. Пришлите фото, документ, видео или ссылку "
                       "текстом.")
STEP_DAY_DUE = "Когда опубликовать? Выберите день или напишите дату и время, например «завтра 08:00»."
STEP_DAY_LESSON = "Когда урок? Выберите день или напишите дату и время, например «27.11 09:30»."
STEP_TIME = "{day}: во сколько? Выберите кнопкой или напишите время, например 08:15."
LESSON_BEFORE_POST = "Урок должен быть позже публикации ({due}). Укажите другое время урока."
BUTTON_NOW = "Сейчас"
PREVIEW_POST = "Проверьте пост для беседы «{title}»:\n\n{text}{files}\n\nПубликация: {due}."
PREVIEW_MATERIAL = ("Проверьте материал для беседы «{title}»:\n\n{text}{files}\n\nПубликация: {due}. Урок: {lesson}.\n"
                    "Кто не прочитал, пришлю вам {report}.")
PREVIEW_FILES = "\n📎 Вложений: {count}"
PREVIEW_QUIET = ("\n\nЭто время попадает в часы тишины беседы ({start}–{end}): пост подождёт до {end}. "
                 "Если это срочно — «{force}».")
BUTTON_SCHEDULE = "Запланировать"
BUTTON_FORCE = "Несмотря на тишину"
BUTTON_CANCEL = "Отмена"
DRAFT_GONE = "Этот шаг уже неактуален: начните заново (/пост, /материал или /посты)."
NOT_YOURS = "Это не ваш пост."
SCHEDULED = "Запланировано: {what}, публикация {due}. Изменить или отменить — /посты."
SCHEDULED_NOW = "Опубликовано: {what}."

READ_BUTTON = "Прочитано ✓"  # gender-neutral: one label is read by boys and girls alike
MATERIAL_HEAD = "📚 Материал к уроку ({lesson}). Прочитайте до урока и нажмите «{button}».\n\n"
SNACK_READ = "Отмечено: материал прочитан. Спасибо!"
SNACK_READ_AGAIN = "Отметка уже стоит."
SNACK_GONE = "Этот материал больше не действует."

LATE_NOTE = "\n\n⏱ Запланировано на {due}; опубликовано позже: бот был недоступен."
EXPIRED = ("Пост в беседу «{title}», запланированный на {due}, не опубликован: бот был недоступен, а с тех пор "
           "прошло больше {limit}. Если он ещё нужен — запланируйте заново (/пост).\nТекст: {text}")
CHAT_GONE = "Пост в беседу «{title}» не опубликован: беседа больше не привязана к школе."

NOT_READ = "Материал к уроку ({lesson}) в беседе «{title}»: прочитали {read} из {total}.\n\n{lines}"
NOT_READ_LIST = "Ещё не прочитали:\n{names}"
NOT_READ_FAMILIES = "Ещё не прочитали (по семьям):\n{names}"
ALL_READ = "Прочитали все. 👍"
FAMILY = "семья ученика {child}"
FAMILY_F = "семья ученицы {child}"

LIST_EMPTY = "У вас нет запланированных постов. Запланировать: /пост или /материал."
LIST_HEAD = "Запланированные посты:"
LIST_LINE = "{number}. {when} → «{title}»{kind}: {preview}"
LIST_KIND_MATERIAL = " (материал к уроку {lesson})"
LIST_QUIET = " — ждёт окончания тишины"
BUTTON_EDIT = "Изменить {number}"
BUTTON_DROP = "Отменить {number}"
EDIT_WHAT = "Что изменить в посте «{preview}»?"
BUTTON_EDIT_TEXT = "Текст"
BUTTON_EDIT_TIME = "Время публикации"
BUTTON_EDIT_LESSON = "Время урока"
EDIT_TEXT = "Пришлите новый текст поста (и вложения) одним сообщением."
EDITED = "Готово: пост изменён, публикация {due}."
EDITED_LESSON = "Готово: урок — {lesson}; кто не прочитал, пришлю вам {report}."
DROP_ASK = "Отменить пост в беседу «{title}» ({due}): «{preview}»?"
BUTTON_DROP_YES = "Да, отменить"
DROPPED = "Пост отменён: он не будет опубликован."
POST_GONE = "Этот пост уже опубликован или отменён."

TIME_PASSED = "Это время уже прошло. Укажите время в будущем."
WHAT_DROP = "отмена поста в беседу «{title}» ({due})"
# attachments a post cannot carry, named in the refusal
ATTACHMENT_KINDS = {"sticker": "стикер", "audio_message": "голосовое сообщение", "graffiti": "граффити",
                    "gift": "подарок", "poll": "опрос VK"}


# -- answers to the author, rendered from the use cases' results ----------------------------

def short(text: str, limit: int = 60) -> str:
    """The post's text on one line, cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def what(kind: str, title: str) -> str:
    return (WHAT_MATERIAL if kind == "material" else WHAT_POST).format(title=title)


def ask_content(s: AskContent) -> str:
    if s.kind == "material":
        return STEP_CONTENT_MATERIAL.format(title=s.title, button=READ_BUTTON)
    return STEP_CONTENT_POST.format(title=s.title)


def ask_time(s: AskTime) -> str:
    return STEP_TIME.format(day=s.day.shown.split(" в ")[0].capitalize())


def preview(p: Preview) -> str:
    files = PREVIEW_FILES.format(count=p.files) if p.files else ""
    if p.lesson is not None and p.report is not None:
        text = PREVIEW_MATERIAL.format(title=p.title, text=p.text or "—", files=files, due=p.due.shown,
                                       lesson=p.lesson.shown, report=p.report.shown)
    else:
        text = PREVIEW_POST.format(title=p.title, text=p.text or "—", files=files, due=p.due.shown)
    if p.quiet is not None:
        text += PREVIEW_QUIET.format(start=p.quiet.start, end=p.quiet.end, force=BUTTON_FORCE)
    return text


def edited(e: Edited) -> str:
    return EDITED.format(due=e.due.shown)


def edited_lesson(e: EditedLesson) -> str:
    return EDITED_LESSON.format(lesson=e.lesson.shown, report=e.report.shown)


def scheduled(s: Scheduled) -> str:
    return SCHEDULED.format(what=what(s.kind, s.title), due=s.due.shown)


def listing(posts: tuple[Listed, ...]) -> str:
    """/посты: one numbered line per post («Изменить N» / «Отменить N» refer to the numbers)."""
    if not posts:
        return LIST_EMPTY
    lines = [LIST_HEAD]
    for number, post in enumerate(posts, start=1):
        kind = LIST_KIND_MATERIAL.format(lesson=post.lesson.shown) if post.lesson is not None else ""
        lines.append(LIST_LINE.format(number=number, when=post.due.shown, title=post.title, kind=kind,
                                      preview=short(post.text) or "📎") + (LIST_QUIET if post.held else ""))
    return "\n".join(lines)


def edit_what(text: str) -> str:
    return EDIT_WHAT.format(preview=short(text, 40))


def cancel_asked(a: CancelAsked) -> str:
    return DROP_ASK.format(title=a.title, due=a.due.shown, preview=short(a.text))


_READ = {"read": SNACK_READ, "again": SNACK_READ_AGAIN, "gone": SNACK_GONE}


def read_snack(mark: ReadMark) -> str:
    return _READ[mark.value]
