"""Texts of the start menu, the guided dialogs (a command without its argument asks with buttons)
and the chat settings menu."""

from __future__ import annotations

# -- the start keyboard (persistent, under the input field of a private dialog) -----------------
BUTTON_LISTS = "Списки"
BUTTON_CHATS = "Беседы"
BUTTON_CODES = "Коды"
BUTTON_REPORTS = "Отчёты"
BUTTON_STAFF = "Сотрудники"
BUTTON_ALERTS = "Нарушения"
BUTTON_SCHOOLS = "Школы"
BUTTON_MY_CHATS = "Мои беседы"
BUTTON_ENTER_CODE = "Ввести код"
BUTTON_RULES = "Правила"
BUTTON_COMPLAINT = "Жалоба"
BUTTON_HOTLINE = "Вопрос школе"  # the hot line (bot/texts/hotline.py)
BUTTON_HELP = "Помощь"
BUTTON_WORK = "Опросы и собрания"  # polls, quizzes, meetings, material, scheduled posts

# -- «Опросы и собрания»: each button starts the dialog of its typed command ----------------------
WORK = ("Что подготовить для беседы? Дальше бот спросит, в какую беседу, и проведёт по шагам.\n"
        "То же самое — командами: /опрос, /викторина, /собрание, /материал, /пост, /посты.")
BUTTON_WORK_POLL = "Опрос"
BUTTON_WORK_QUIZ = "Викторина"
BUTTON_WORK_MEETING = "Собрание"
BUTTON_WORK_MATERIAL = "Материал к уроку"
BUTTON_WORK_POST = "Отложенный пост"
BUTTON_WORK_POSTS = "Мои посты"
BUTTON_WORK_QUESTIONS = "Вопросы родителей"

MENU_INTRO = "Выберите раздел кнопкой внизу — или напишите команду, если так привычнее."

# -- navigation ---------------------------------------------------------------------------------
BUTTON_BACK = "Назад"
BUTTON_MORE = "Ещё"
SNACK_GONE = "Эта кнопка устарела. Напишите /помощь, чтобы открыть меню заново."
SNACK_NOT_YOURS = "Эта кнопка не для вас."
NOT_ALLOWED = "Этот раздел вам недоступен: нужной роли у вас нет."  # a snackbar: at most 90 characters

PICK_SCHOOL = "Выберите школу:"
PICK_SCHOOL_MORE = "Показаны первые {shown} из {total}. Другую школу назовите кодом: {form}"

# -- lists ---------------------------------------------------------------------------------------
LISTS = (
    "Списки школы «{school}»: учеников {students}, родителей {parents}, сотрудников {staff}.\n"
    "Загрузить или обновить списки — отправьте файл (CSV или XLSX) сюда, в личные сообщения.\n"
    "По одному ученику: /зачислить, /перевести, /отчислить (например: /перевести Иванова Мария 5Б)."
)
BUTTON_IMPORT = "Как загрузить список"
BUTTON_NEW_YEAR = "Новый учебный год"

# -- chats ---------------------------------------------------------------------------------------
BUTTON_CREATE = "Создать беседу"
BUTTON_CHAT_SETTINGS = "Настройки беседы"
PICK_TYPE = "Какую беседу создать в школе «{school}»?"
PICK_TYPE_TYPED = ("Беседы по предмету, методических объединений и советника создаются командой, "
                   "потому что им нужно название: например, /создать предмет математика 5А.")
NO_TYPES = "Вы не можете создавать беседы в школе «{school}»."
PICK_CLASS = "Беседа «{type}»: выберите класс из списков школы «{school}»."
PICK_CLASS_MORE = "Показаны классы {first}–{last} из {total}."
NO_CLASSES = ("В списках школы «{school}» пока нет классов. Сначала загрузите списки учеников "
              "(отправьте файл сюда) — классы появятся из них.")
CONFIRM_CREATE = "Создать беседу «{title}» в школе «{school}»?"
CONFIRM_CREATE_SCHOOL = ("Создать общешкольную беседу «{title}»? В неё смогут войти родители всех "
                         "классов школы «{school}».")
BUTTON_DO_CREATE = "Создать"
BIND_PICK_TYPE = "Чем будет эта беседа в школе «{school}»?"
BIND_PICK_TYPE_TYPED = ("Беседу по предмету, методического объединения или советника привяжите командой с "
                        "названием: например, /привязать предмет математика 5А.")
CONFIRM_BIND = ("Привязать эту беседу к школе «{school}» как «{title}»? Беседа будет переименована. "
                "Тех, кого нет в списках школы, бот уберёт из беседы или попросит модераторов решить.")
BUTTON_DO_BIND = "Привязать"
WHAT_BIND = "привязку бесед"
CHAT_TYPE_LABELS = {
    "parents_class": "Родители класса",
    "parents_school": "Родители всей школы",
    "students_class": "Ученики класса",
    "admin_closed": "Администрация",
    "admin_open": "Коллектив",
    "homeschool": "Надомное обучение",
}
HOMESCHOOL_WHOLE = "Вся школа"

PICK_SETTINGS_CHAT = "Настройки какой беседы открыть?"
NO_CHATS_TO_SET = "В школе «{school}» нет бесед, которые вы можете настраивать."

# -- codes ---------------------------------------------------------------------------------------
PICK_CODES = ("Коды привязки школы «{school}»: выберите класс (листки для учеников и родителей) "
              "или «Сотрудники».")
BUTTON_STAFF_CODES = "Сотрудники"

# -- reports, schools, staff ---------------------------------------------------------------------
PICK_REPORT = "Отчёт за прошлый месяц: выберите организацию."
PICK_SCHOOL_CARD = "О какой школе рассказать?"
STAFF = ("{card}\n\nВыдать или снять роль: /роль выдать модератор vk.com/id12345 приказ 15-к от 01.09.2026.\n"
         "Сотрудники привязываются по своим кодам — кнопка «Коды сотрудникам».")
BUTTON_STAFF_CODES_LONG = "Коды сотрудникам"
BUTTON_REPORT = "Отчёт"

# -- parents and students ------------------------------------------------------------------------
ENTER_CODE = ("Напишите сюда код с листка, который вам дала школа, например: K7QM-4RTD. "
              "Можно маленькими буквами и без дефиса.")
COMPLAINT = ("Чтобы пожаловаться на сообщение в беседе, ответьте на него словом /жалоба — "
             "модераторы школы получат это сообщение и решат, что делать.")
RULES_NONE = "Вы пока не участник бесед школы. Правила беседы бот публикует и закрепляет в ней самой."

# -- commands without their argument -------------------------------------------------------------
ASK_HINT = "Или напишите команду целиком: {example}"

# -- chat settings -------------------------------------------------------------------------------
SETTINGS_TITLE = "Настройки беседы «{title}»"
SETTINGS_POLICIES = "Правила модерации (нажмите, чтобы переключить: вкл → тихо → выкл):"
SETTINGS_MODES = {"on": "вкл", "shadow": "тихо", "off": "выкл"}
SETTINGS_MODE_HINT = "«тихо» — бот ничего не удаляет, только сообщает модераторам."
SETTINGS_QUIET = "Часы тишины: {value}"
SETTINGS_QUIET_OFF = "выключены"
SETTINGS_ALERTS = "Уведомления модераторам школы: {value}"
SETTINGS_ALERTS_HERE = "в эту беседу"
SETTINGS_ALERTS_PRIVATE = "лично каждому"
BUTTON_POLICIES = "Правила модерации"
BUTTON_QUIET = "Часы тишины"
BUTTON_ALERTS_HERE = "Уведомления сюда"
BUTTON_ALERTS_PRIVATE = "Уведомления лично"
BUTTON_QUIET_OFF = "Выключить"
QUIET_PICK = "Часы тишины в беседе «{title}» сейчас: {value}. Выберите время:"
QUIET_PRESETS = ("19:00-08:00", "20:00-08:00", "21:00-07:00", "22:00-07:00")
SETTINGS_SENT_PRIVATELY = "Настройки беседы отправлены вам в личные сообщения."
SETTINGS_CANNOT_SEND = ("Не получается отправить вам настройки в личные сообщения: напишите боту "
                        "в личку любое слово и повторите /настройки.")
SETTINGS_WELLBEING_LOCKED = "Сигналы о травле в детской беседе не выключаются."
SNACK_SAVED = "Сохранено"


def policy_label(title: str, mode: str) -> str:
    return f"{title.capitalize()}: {SETTINGS_MODES.get(mode, mode)}"


def quiet_label(start: str, end: str) -> str:
    return f"{start}–{end}"
