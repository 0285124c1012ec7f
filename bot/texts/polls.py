"""Polls and quizzes: the dialog that creates them, the posted message, snackbars, results."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.texts.roster import plural

if TYPE_CHECKING:
    from bot.domain.when import Moment
    from bot.services.polls_results import AskText, CloseAsked, PickChat, Preview, Published, VoteRefused

# -- the dialog ---------------------------------------------------------------------------
NOT_BOUND = "Эта беседа не привязана к школе: опросы и викторины работают только в беседах школы."
NOT_CHAT_STAFF = ("Создавать опросы и викторины в этой беседе могут её руководитель, учителя этой беседы "
                  "и ответственные за беседы школы.")
QUIZ_WRONG_CHAT = "Викторины проводятся в предметных беседах и в беседах учеников. Здесь можно провести опрос: /опрос"
CONTINUE_PRIVATE = ("Продолжим в личных сообщениях с ботом: там несколько вопросов о настройках, потом {what} "
                    "появится в этой беседе. Если сообщение не пришло, напишите боту {command}.")
WHAT_POLL = "опрос"
WHAT_QUIZ = "викторина"
PICK_CHAT = "Для какой беседы {what}?"
PICK_CHAT_MORE = "\n\nЗдесь первые {shown} из {total}; для другой беседы напишите {command} прямо в ней."
NO_CHATS = ("Нет бесед, где вы можете проводить опросы: это беседы, которые вы ведёте или которые ведёт "
            "ваша школа. Можно написать /опрос прямо в нужной беседе.")
NO_QUIZ_CHATS = "Нет предметных бесед и бесед учеников, где вы можете провести викторину."
STEP_MULTIPLE = "Опрос для беседы «{title}».\n\nСколько вариантов сможет выбрать каждый?"
BUTTON_SINGLE = "Один вариант"
BUTTON_MULTIPLE = "Несколько вариантов"
STEP_NAMED = ("Голосование анонимное или именное? В именном после итогов вы получите, кто как проголосовал "
              "и кто не голосовал.")
BUTTON_ANONYMOUS = "Анонимное"
BUTTON_NAMED = "Именное"
STEP_DEADLINE = "Сколько длится голосование?"
DEADLINE_LABELS = {"1h": "1 час", "3h": "3 часа", "1d": "Сутки", "3d": "3 дня", "7d": "Неделя"}
STEP_TEXT = ("Напишите одним сообщением вопрос и варианты ответа: в первой строке — вопрос, дальше по одному "
             "варианту в строке (от 2 до 10).\n\nНапример:\nКогда провести собрание?\nВо вторник в 18:00\n"
             "В четверг в 19:00")
QUIZ_STEP_LIMIT = "Викторина для беседы «{title}».\n\nСколько времени дать на ответы?"
LIMIT_LABELS = {"5m": "5 минут", "15m": "15 минут", "45m": "45 минут", "1d": "Сутки",
                "7d": "Без ограничения (до 7 дней)"}
QUIZ_STEP_TEXT = ("Напишите вопросы одним сообщением. Каждый вопрос — отдельный блок, блоки разделяйте пустой "
                  "строкой: первая строка — вопрос, дальше варианты по одному в строке, правильный отметьте «+» "
                  "в начале.\n\nНапример:\n2 + 2 = ?\n3\n+4\n5\n\nСтолица России?\n+Москва\nКазань")
PREVIEW = "Проверьте опрос для беседы «{title}»:\n\n{body}\n\n{settings}. Итоги — {deadline}."
QUIZ_PREVIEW = "Проверьте викторину для беседы «{title}»:\n\n{body}\n\nОтветы принимаются до {deadline}."
SETTINGS_SINGLE = "Один вариант"
SETTINGS_MULTIPLE = "Можно выбрать несколько вариантов"
SETTINGS_ANONYMOUS = "анонимно"
SETTINGS_NAMED = "именное голосование"
BUTTON_PUBLISH = "Опубликовать"
BUTTON_CANCEL = "Отменить"
BUTTON_CLOSE_NOW = "Подвести итоги сейчас"
WHAT_DRAFT = "составление опроса для беседы «{title}»"
WHAT_QUIZ_DRAFT = "составление викторины для беседы «{title}»"
PUBLISHED = ("Опрос опубликован в беседе «{title}». Итоги подведу {deadline}{named}. "
             "Подвести итоги раньше можно кнопкой ниже.")
PUBLISHED_NAMED = " и пришлю вам, кто как проголосовал и кто не голосовал"
QUIZ_PUBLISHED = ("Викторина опубликована в беседе «{title}»: {questions}. Ответы принимаются до {deadline}, "
                  "потом пришлю таблицу результатов. Завершить раньше можно кнопкой ниже.")
DRAFT_GONE = "Этот опрос уже опубликован или его составление отменено."
CLOSED_ON_DEMAND = "Итоги подведены."
ASK_CLOSE = ("Подвести итоги опроса «{question}» сейчас? Голосование закроется, итоги появятся в беседе "
             "«{title}».")
ASK_CLOSE_QUIZ = ("Завершить викторину в беседе «{title}» сейчас? Ответы больше не будут приниматься, "
                  "вы получите таблицу результатов.")
BUTTON_CLOSE_CONFIRM = "Подвести итоги"
WHAT_CLOSE = "досрочное подведение итогов опроса «{question}»"
WHAT_CLOSE_QUIZ = "досрочное завершение викторины в беседе «{title}»"
SNACK_CONFIRM = "Подтвердите в сообщении ниже"
ALREADY_CLOSED = "Голосование уже завершено."
NOT_YOURS = "Это не ваш опрос."

# -- the posted message -------------------------------------------------------------------
POLL_HEAD = "📊 Опрос: {question}"
POLL_HEAD_CLOSED = "📊 Опрос завершён: {question}"
POLL_LINE = "{number}. {option} — {count} ({percent}%) {bar}"
POLL_NOTE_SINGLE = "Выберите один вариант"
POLL_NOTE_MULTIPLE = "Можно выбрать несколько вариантов"
POLL_NOTE_ANONYMOUS = "голосование анонимное"
POLL_NOTE_NAMED = "голосование именное: автор опроса увидит, кто как проголосовал"
POLL_FOOT = "{note}; {privacy}. Проголосовали: {voters}. Итоги — {deadline}."
POLL_FOOT_CLOSED = "Всего проголосовали: {voters}."
RESULTS = "Итоги опроса «{question}»:\n\n{lines}\n\nВсего проголосовали: {voters}."
QUIZ_HEAD = "❓ Вопрос {number} из {total}: {question}"
QUIZ_FOOT = "Ответили: {answered}. Ответ можно дать один раз, до {deadline}."
QUIZ_HEAD_CLOSED = "❓ Вопрос {number} из {total}: {question} — ответы больше не принимаются"
QUIZ_FOOT_CLOSED = "Правильный ответ: {option}. Ответили: {answered}, верно: {right}."
QUIZ_OVER = "Викторина завершена: {answered}. Правильные ответы — в вопросах выше."

# -- snackbars (at most 90 characters) ----------------------------------------------------
SNACK_VOTED = "Голос учтён: {option}"
SNACK_CHANGED = "Голос изменён: {option}"
SNACK_SAME = "Ваш голос уже учтён: {option}"
SNACK_MULTI = "Ваш выбор: {options}"
SNACK_WITHDRAWN = "Выбор снят: вы не голосуете"
SNACK_CLOSED = "Голосование уже завершено"
SNACK_RIGHT = "Верно! ✅"
SNACK_WRONG = "Неверно ❌"
SNACK_ANSWERED = "Ответ уже принят, изменить его нельзя"
SNACK_QUIZ_CLOSED = "Время на ответ вышло"
SNACK_QUIZ_STUDENTS = "На вопросы викторины отвечают ученики"
SNACK_GONE = "Этого опроса больше нет"

# -- the author's report ------------------------------------------------------------------
NAMED_REPORT = "Именной опрос «{question}» в беседе «{title}» завершён. Кто как проголосовал:\n\n{lines}"
NAMED_OPTION = "{option} — {count}:\n{names}"
NAMED_NOBODY = "{option} — никто"
NON_VOTERS_FAMILIES = "Не проголосовали {count} из {total} (по семьям):\n{lines}"
NON_VOTERS_FAMILY_LINE = "— семья ученика {child}: {parents}"
NON_VOTERS_FAMILY_LINE_F = "— семья ученицы {child}: {parents}"
NON_VOTERS = "Не проголосовали {count} из {total}:\n{lines}"
ALL_VOTED = "Проголосовали все: {total}."
FAMILIES_VOTED = "Семей, где проголосовал хотя бы один родитель: {voted} из {total}."
QUIZ_REPORT = ("Итоги викторины в беседе «{title}»: ответили {answered} из {total}, средний результат — "
               "{average} из {questions}. Таблица — во вложении.")
QUIZ_SHEET = "Результаты"
QUIZ_COL_NAME = "Ученик"
QUIZ_COL_SCORE = "Верно"
QUIZ_COL_OF = "Из"
QUIZ_RIGHT_MARK = "верно"
QUIZ_WRONG_MARK = "неверно"
QUIZ_NO_ANSWER = "нет ответа"
QUIZ_FILE = "викторина"

# -- wrong input ----------------------------------------------------------------------------
NO_QUESTION = "Не вижу вопроса. Первая строка — вопрос, дальше по одному варианту ответа в строке."
QUESTION_TOO_LONG = "Вопрос длиннее {limit} символов: сократите его."
TOO_FEW_OPTIONS = ("Вариантов ответа {count}, а нужно хотя бы 2: напишите их после вопроса, каждый с новой "
                   "строки.")
TOO_MANY_OPTIONS = "Вариантов ответа {count}, а можно не больше 10: объедините или уберите лишние."
OPTION_TOO_LONG = "Вариант «{option}…» длиннее {limit} символов: сократите его."
OPTION_TWICE = "Вариант «{option}» написан дважды: оставьте один."
TOO_MANY_QUESTIONS = "Вопросов {count}, а в одной викторине можно не больше {limit}."
IN_QUESTION = "Вопрос {number}: {error}"
MARK_ONE_CORRECT = ("правильных вариантов отмечено {count}, а нужен ровно один: поставьте «+» в начале строки "
                    "с правильным ответом.")
TRY_AGAIN = "\n\nНапишите вопрос и варианты ещё раз одним сообщением."


def people(count: int) -> str:
    return f"{count} " + plural(count, "человек", "человека", "человек")


def students(count: int) -> str:
    return f"{count} " + plural(count, "ученик", "ученика", "учеников")


def answered(count: int) -> str:
    """«ответил 1 ученик», «ответили 3 ученика», «ответил 21 ученик», «никто не ответил»."""
    if count == 0:
        return "никто не ответил"
    verb = "ответил" if count % 10 == 1 and count % 100 != 11 else "ответили"
    return f"{verb} {students(count)}"


def of_students(count: int) -> str:
    """After «из»: «из 1 ученика», «из 3 учеников»."""
    return f"{count} " + plural(count, "ученика", "учеников", "учеников")


def questions(count: int) -> str:
    return f"{count} " + plural(count, "вопрос", "вопроса", "вопросов")


# -- answers to the author, rendered from the use cases' results ----------------------------

def deadline(moment: Moment) -> str:
    """«сегодня в 18:00», «24.09 в 18:00» (the deadline of a poll or a quiz)."""
    local = datetime.fromtimestamp(moment.at, moment.tz)
    if local.date() == datetime.fromtimestamp(moment.now, moment.tz).date():
        return f"сегодня в {local:%H:%M}"
    return f"{local:%d.%m} в {local:%H:%M}"


def _command(kind: str) -> str:
    return "/викторина" if kind == "quiz" else "/опрос"


def _what(kind: str) -> str:
    return WHAT_QUIZ if kind == "quiz" else WHAT_POLL


def continue_private(kind: str) -> str:
    return CONTINUE_PRIVATE.format(what=_what(kind), command=_command(kind))


def pick_chat(s: PickChat) -> str:
    text = PICK_CHAT.format(what=_what(s.kind))
    if s.total > len(s.chats):
        text += PICK_CHAT_MORE.format(shown=len(s.chats), total=s.total, command=_command(s.kind))
    return text


def ask_text(s: AskText) -> str:
    return QUIZ_STEP_TEXT if s.kind == "quiz" else STEP_TEXT


def preview(p: Preview) -> str:
    when = deadline(p.deadline)
    if p.kind == "quiz":
        body = "\n\n".join(
            QUIZ_HEAD.format(number=i, total=len(p.questions), question=q.text) + "\n" + "\n".join(
                ("✅ " if n == q.correct else "▫️ ") + option for n, option in enumerate(q.options))
            for i, q in enumerate(p.questions, start=1))
        return QUIZ_PREVIEW.format(title=p.title, body=body, deadline=when)
    q = p.questions[0]
    body = POLL_HEAD.format(question=q.text) + "\n" + "\n".join(
        f"{n}. {option}" for n, option in enumerate(q.options, start=1))
    settings = (SETTINGS_MULTIPLE if p.multiple else SETTINGS_SINGLE) + ", " + (
        SETTINGS_ANONYMOUS if p.anonymous else SETTINGS_NAMED)
    return PREVIEW.format(title=p.title, body=body, settings=settings, deadline=when)


def published(p: Published) -> str:
    when = deadline(p.deadline)
    if p.kind == "quiz":
        return QUIZ_PUBLISHED.format(title=p.title, questions=questions(p.questions), deadline=when)
    return PUBLISHED.format(title=p.title, deadline=when, named=PUBLISHED_NAMED if p.named else "")


def close_asked(a: CloseAsked) -> str:
    if a.kind == "quiz":
        return ASK_CLOSE_QUIZ.format(title=a.title)
    return ASK_CLOSE.format(question=a.question, title=a.title)


_REFUSALS = {"gone": SNACK_GONE, "closed": SNACK_CLOSED, "quiz_closed": SNACK_QUIZ_CLOSED,
             "quiz_students": SNACK_QUIZ_STUDENTS, "answered": SNACK_ANSWERED}


def _short(option: str, limit: int = 60) -> str:
    return option if len(option) <= limit else option[:limit - 1] + "…"


def snack(text: str) -> str:
    return text[:90]


def refused(v: VoteRefused) -> str:
    return _REFUSALS[v.reason.value]


def voted(option: str, changed: bool) -> str:
    return (SNACK_CHANGED if changed else SNACK_VOTED).format(option=_short(option))


def same_vote(option: str) -> str:
    return SNACK_SAME.format(option=_short(option))


def chosen(numbers: tuple[int, ...]) -> str:
    return SNACK_MULTI.format(options=", ".join(str(n) for n in numbers))
