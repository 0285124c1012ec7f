"""Every Russian string the bot shows to people lives in this package, so wording can be
reviewed and changed in one place:

- this module: configuration, CLI, commands, organisations, roles, roster moves, chats;
- ``roster``: roster files, import previews, classes, codes (the pure domain in ``bot/domain``);
- ``policies``: moderation reasons and private explanations (the pure ``policies`` package);
- ``moderation``: the moderation engine's notices, alerts and command answers;
- ``reports``: participation reports.

Code and identifiers are English; only these strings are Russian.

A text about a person agrees with their gender: ``gendered`` picks the form, and the functions
below (``enrolled``, ``role_linked`` ...) build such texts. Never «(а)» forms.
"""

from __future__ import annotations

from bot.domain.names import Gender, gender_of


def gendered(who: str | bool | None, masc: str, fem: str, neutral: str | None = None) -> str:
    """The form that agrees with the person. ``who`` is a full name («Иванова Мария Петровна»,
    «Вера Петрова»), or whether the person is female (True / False / None = unknown). When the
    gender is unknown: ``neutral`` if given, else ``masc`` (the generic form)."""
    found: Gender | None
    if isinstance(who, bool):
        found = "f" if who else "m"
    else:
        found = gender_of(who)
    if found is None:
        return masc if neutral is None else neutral
    return fem if found == "f" else masc


# -- configuration and CLI -------------------------------------------------------------
CONFIG_NOT_FOUND = "Ошибка конфигурации: файл {path} не найден. Укажите путь в --config или ZAVUCH_CONFIG."
CONFIG_BAD_TOML = "Ошибка конфигурации: файл {path} не разобран как TOML: {error}"
CONFIG_UNKNOWN_KEY = "Ошибка конфигурации: неизвестный ключ «{key}». Сверьтесь с config.example.toml."
CONFIG_BAD_VALUE = "Ошибка конфигурации: ключ «{key}» задан неверно ({error}). Сверьтесь с config.example.toml."
CONFIG_NEED_TOKEN = (
    "Ошибка конфигурации: не задан ключ «vk.token» (или переменная ZAVUCH_VK__TOKEN). "
    "Без токена запускается только демо: python -m bot demo."
)
CONFIG_NEED_GROUP = "Ошибка конфигурации: не задан ключ «vk.group_id» — числовой id сообщества."
CONFIG_CALLBACK_SECRET = (
    "Ошибка конфигурации: для vk.mode = \"callback\" нужен ключ «callback.secret» не короче {length} символов "
    "— тот же, что в Управление → Работа с API → Callback API → Секретный ключ. "
    "Без него кто угодно сможет слать боту события от имени любого пользователя."
)
CONFIG_CALLBACK_CONFIRMATION = (
    "Ошибка конфигурации: для vk.mode = \"callback\" нужен ключ «callback.confirmation» — строка, "
    "которую должен вернуть сервер, из Управление → Работа с API → Callback API."
)
CONFIG_CALLBACK_HEALTH_PATH = (
    "Ошибка конфигурации: ключ «callback.health_path» совпадает с callback.path; задайте другой путь."
)
CONFIG_BAD_TZ = "неизвестный часовой пояс «{tz}»; пишите имя IANA (Europe/Moscow), город (Екатеринбург) или смещение (МСК+2, UTC+5)"
DB_MIGRATION_FAILED = "Ошибка базы данных: миграция {name} не применилась ({error}). База оставлена как была."
MIGRATE_DONE = "Миграции применены: {count}. База: {path}"
MIGRATE_NOTHING = "База {path} уже в актуальном состоянии."
RUN_STARTED = "Завуч запущен: сообщество {group_id}, режим {mode}, база {db}."
RUN_STOPPED = "Завуч остановлен."
VK_UNREACHABLE = "Не удалось связаться с VK по адресу {url}: {error}"

# -- preflight check ----------------------------------------------------------------------
CHECK_OK = "✔ {what}"
CHECK_FAIL = "✘ {what}: {why}"
CHECK_TOKEN = "Токен сообщества действует"
CHECK_TOKEN_FIX = (
    "VK отклонил токен ({error}). Создайте ключ доступа: Управление сообществом → Работа с API → "
    "Ключи доступа, с правами «Сообщения сообщества», «Управление сообществом» и «Документы»."
)
CHECK_GROUP = "Сообщество найдено"
CHECK_GROUP_FIX = "Токен выдан не сообществу {group_id} (VK вернул {found}). Проверьте vk.group_id."
CHECK_BOTS = "Возможности ботов включены"
CHECK_BOTS_FIX = (
    "Включите: Управление сообществом → Сообщения → Настройки для бота → «Возможности ботов» "
    "и «Разрешать добавлять сообщество в беседы»."
)
CHECK_LP = "Long Poll API включён, версия {version}, события message_new и message_event"
CHECK_LP_OFF = "Long Poll API выключен. Включите: Управление сообществом → Работа с API → Long Poll API → «Включён»."
CHECK_LP_VERSION = "версия Long Poll API {found}, нужна {version}. Выберите {version} в Работа с API → Long Poll API."
CHECK_LP_EVENTS = (
    "не включены события: {events}. Отметьте их в Работа с API → Long Poll API → Типы событий."
)
CHECK_CB_CONFIRMATION = "Строка подтверждения совпадает с callback.confirmation"
CHECK_CB_CONFIRMATION_FIX = (
    "VK ждёт от сервера строку «{code}», а в callback.confirmation указана другая. "
    "Впишите callback.confirmation = \"{code}\" (её же видно в Работа с API → Callback API)."
)
CHECK_CB_SERVER_UNKNOWN = "Сервер Callback API добавлен в сообщество"
CHECK_CB_SERVER = "Сервер Callback API {url} добавлен в сообщество"
CHECK_CB_NO_URL = (
    "не задан callback.public_url. Впишите полный адрес, по которому VK будет слать события "
    "(например https://bot.example.ru{path}), — тот же, что в Работа с API → Callback API → «Адрес»."
)
CHECK_CB_NOT_FOUND = (
    "в сообществе нет сервера с адресом {url}{known}. Добавьте его: Управление → Работа с API → "
    "Callback API → «Добавить сервер», адрес {url} (или исправьте callback.public_url)."
)
CHECK_CB_KNOWN = " (там указаны: {urls})"
CHECK_CB_SECRET = "Секретный ключ сервера совпадает с callback.secret"
CHECK_CB_SECRET_FIX = (
    "ключ в VK не задан или не совпадает с callback.secret, и бот отклонит все события. Впишите тот же "
    "ключ в Работа с API → Callback API → «Настройки сервера» (сервер «{title}») → «Секретный ключ» и сохраните."
)
CHECK_CB_CONFIRMED = "VK подтвердил адрес сервера"
CHECK_CB_STATUS = {
    "unconfigured": (
        "адрес ещё не подтверждён. Запустите бота (python -m bot run) и нажмите «Подтвердить» "
        "в Работа с API → Callback API → сервер «{title}»."
    ),
    "wait": "VK ещё проверяет адрес (статус wait). Запустите check ещё раз через минуту.",
    "failed": (
        "VK не смог подтвердить адрес (статус {status}). Проверьте, что бот запущен, адрес открывается "
        "из интернета по HTTPS и callback.confirmation совпадает со строкой из Callback API; затем "
        "нажмите «Подтвердить» в Работа с API → Callback API → сервер «{title}»."
    ),
}
CHECK_CB = "Callback API: версия {version}, события message_new и message_event"
CHECK_CB_VERSION = (
    "версия API сервера {found}, нужна {version}. Выберите {version} в Работа с API → Callback API → "
    "«Настройки сервера» (сервер «{title}») → «Версия API»."
)
CHECK_CB_EVENTS = (
    "не включены события: {events}. Отметьте их в Работа с API → Callback API → "
    "«Типы событий» (сервер «{title}»)."
)
CHECK_SUMMARY_OK = "Все проверки пройдены."
CHECK_SUMMARY_FAIL = "Проверок не пройдено: {count}. Исправьте и запустите check ещё раз."

# -- chats: the bot added, admin rights -------------------------------------------------
BOT_ADDED = (
    "Здравствуйте! Я Завуч — помогаю школе вести беседы: проверяю участников по спискам, "
    "слежу за порядком и считаю активность.\n\n"
    "Чтобы я мог работать, назначьте меня администратором беседы: "
    "Настройки беседы → Участники → … у сообщества → «Назначить администратором»."
)
BOT_ADMIN_GRANTED = (
    "Спасибо, права администратора получены. "
    "Ответственный сотрудник школы может привязать беседу командой:\n"
    "/привязать <тип> [класс], например: /привязать ученики 5А"
)
BOT_ADMIN_STILL_MISSING = "Я пока не администратор этой беседы. {how}"
BOT_ADMIN_HOW = "Настройки беседы → Участники → … у сообщества → «Назначить администратором»."

# -- help ---------------------------------------------------------------------------------
HELP_HEADER_PRIVATE = "Команды, доступные вам:"
HELP_HEADER_CHAT = "Команды в этой беседе:"
HELP_FOOTER = "Команды можно писать с «/» или «!». Ошиблись — я подскажу правильную форму."
HELP_NOTHING = "Пока вам доступна только команда /код — для привязки аккаунта по коду от школы."

UNKNOWN_COMMAND = "Не знаю команды «{command}». {suggestion}Список команд: /помощь"
UNKNOWN_SUGGEST = "Возможно, вы имели в виду {suggestion}. "
NOT_A_COMMAND_PRIVATE = "Я понимаю команды. Напишите /помощь, чтобы увидеть доступные вам."
COMMAND_ONLY_PRIVATE = "Команда {command} работает только в личных сообщениях с ботом."
COMMAND_ONLY_CHAT = "Команда {command} работает только в беседе."
USAGE = "Правильно: {usage}\nНапример: {example}"
NOT_ALLOWED = "У вас нет прав на {what}. {hint}"
NOT_ALLOWED_HINT = "Если это ошибка, обратитесь к администратору школы — он выдаёт роли командой /роль."
INTERNAL_ERROR = "Что-то пошло не так, команда не выполнена. Попробуйте ещё раз; если повторится — сообщите администратору (код {ref})."
POISON_EVENT = (
    "Одно событие ({kind}) не удалось обработать после нескольких попыток, бот его пропустил и работает дальше. "
    "Подробности в журнале бота по коду {ref}."
)
UNREADABLE_BATCH = (
    "VK прислал пакет событий ({size} байт), который бот не смог прочитать: вложенность слишком глубокая. "
    "Бот его пропустил и работает дальше; сообщения и вступления из этого пакета не обработаны — "
    "проверьте беседы, где в эту минуту что-то происходило."
)
VK_TEMPORARY = "VK сейчас не отвечает, команда не выполнена. Попробуйте через минуту."
BOT_ADMIN_RESTORED = "Права администратора снова есть — беседа работает как прежде."

# -- organisations ---------------------------------------------------------------------------
ORG_KINDS_RU = {"регион": "region", "муниципалитет": "municipality", "мо": "municipality",
                "округ": "municipality", "школа": "school", "оо": "school", "организация": "other"}
ORG_KIND_NAMES = {"region": "регион", "municipality": "муниципалитет", "school": "школа", "other": "организация"}
ORG_BAD_KIND = "Не знаю типа организации «{kind}». Типы: регион, муниципалитет, школа, организация."
ORG_BAD_CODE = "Код «{code}» не подходит: латинские буквы, цифры и дефис, от 2 до 32 знаков, например sch12."
ORG_CODE_TAKEN = "Код «{code}» уже занят организацией «{name}». Выберите другой."
ORG_BAD_TZ = (
    "Не знаю часового пояса «{tz}». Часовой пояс — третье слово команды, после типа и кода. Напишите город "
    "(Москва, Казань, Екатеринбург, Новосибирск, Владивосток), смещение от Москвы (МСК+2) или от UTC "
    "(UTC+5), например: /организация школа sch12 Екатеринбург mo-ekb Школа № 12"
)
ORG_NEED_PARENT = "Для типа «{kind}» укажите код вышестоящей организации после часового пояса."
ORG_PARENT_NOT_FOUND = "Не нашёл вышестоящую организацию с кодом «{code}»."
ORG_BAD_PARENT = "«{kind}» не может входить в «{parent}»: школа входит в муниципалитет, муниципалитет — в регион."
ORG_NEED_NAME = "Не указано название организации."
ORG_ONLY_OPERATORS = "Регионы и муниципалитеты создают операторы платформы."
ORG_CREATED = "Создано: {kind} «{name}», код {code}{parent}. Часовой пояс: {tz}."
ORG_NOT_FOUND = "Не нашёл организацию с кодом «{code}». Проверьте код (его показывает /школа)."

SCHOOL_CARD = (
    "{name} (код {code}, {tz})\n"
    "Ответственные:\n{staff}\n"
    "Списки: классов {classes}, учеников {student}, родителей {parent}, сотрудников {staff_count}; "
    "привязали VK: {linked}."
)
SCHOOL_STAFF_LINE = "• {role}: {name}{order}"
SCHOOL_STAFF_ORDER = " (приказ № {no} от {date})"
SCHOOL_NO_STAFF = "• пока никто не назначен — выдайте роли командой /роль"

# -- roles -------------------------------------------------------------------------------------
ROLE_BAD_ACTION = "Первое слово — «выдать», «снять» или «связать»."
ROLE_NEED_TARGET = "Не указано, кому: нужна ссылка на страницу VK (vk.com/id123 или vk.com/имя) или id."
ROLE_USER_NOT_FOUND = "VK не нашёл пользователя «{ref}». Проверьте ссылку."
ROLE_UNKNOWN = "Не знаю роли «{role}». Роли: {roles}."
ROLE_NOT_GRANTABLE = "Вы не можете выдавать роль «{role}» в «{org}»."
ROLE_GRANTED = "Роль «{role}»{extra} выдана: {name} (vk.com/id{vk_id}) в «{org}»{order}."
ROLE_ALREADY = "У {name} уже есть роль «{role}»{extra} в «{org}» — ничего не изменил."
ROLE_REVOKED = "Роль «{role}» снята: {name} в «{org}»{order}. История сохранена."
ROLE_NOT_HELD = "У {name} нет роли «{role}» в «{org}»."
ROLE_BAD_ORDER = "Приказ пишите так: приказ 15-к от 01.09.2026."
ROLE_LINK_TAKEN = (
    "Запись «{name}» уже привязана к другому аккаунту VK. Перепривязать чужую запись нельзя: "
    "если аккаунт сменился, пусть человек получит новый код (/коды) или обратитесь к оператору платформы."
)
ROLE_IMPORT_FORBIDDEN = "Вы не можете выдавать или снимать роль «{role}» ({names}) — это делает администратор школы."
ROLE_LINKED = "Готово: {name} из списков «{org}» {linked} к vk.com/id{vk_id}."


ROLE_LINKED_NEUTRAL = "Готово: запись «{name}» из списков «{org}» привязана к vk.com/id{vk_id}."


def role_linked(name: str, org: str, vk_id: int) -> str:
    linked = gendered(name, "привязан", "привязана", "")
    if not linked:
        return ROLE_LINKED_NEUTRAL.format(name=name, org=org, vk_id=vk_id)
    return ROLE_LINKED.format(name=name, org=org, vk_id=vk_id, linked=linked)
ROLE_LINK_NOT_FOUND = "В списках «{org}» нет «{name}». Проверьте ФИО или загрузите списки (/импорт)."
ROLE_LINK_AMBIGUOUS = "В списках «{org}» несколько человек с именем «{name}»: {options}. Добавьте класс."

# -- roster ----------------------------------------------------------------------------------
IMPORT_BAD_EXT = "Файл «{name}» не подходит: нужен CSV или XLSX."
IMPORT_DOWNLOAD_FAILED = "Не удалось скачать файл из VK. Отправьте его ещё раз."
IMPORT_HAS_PROBLEMS = "Импорт невозможен, пока в файле есть ошибки. Исправьте их и отправьте файл снова."
IMPORT_NO_CHANGES = "Списки уже совпадают с файлом — ничего менять не нужно."
IMPORT_CONFIRM = "Применить эти изменения? Всё применяется целиком или не применяется совсем."
IMPORT_APPLIED = "Готово, списки обновлены: {summary}."
IMPORT_CANCELLED = "Импорт отменён, списки не менялись."
IMPORT_STALE = "Списки изменились после предпросмотра — пересчитал: {preview}"
BUTTON_APPLY = "Применить"
BUTTON_CANCEL = "Отменить"
PENDING_CANCELLED = "Отменено: {what}. Ничего не изменилось."
PENDING_CANCELLED_GENERIC = "Отменено, ничего не изменилось."
PENDING_GONE = "Это действие уже выполнено или устарело."
PENDING_NOT_YOURS = "Подтвердить может только тот, кто начал это действие."
PENDING_DONE_SNACK = "Готово"
PENDING_RECHECK_SNACK = "Данные изменились — проверьте и подтвердите заново"

ROSTER_NEED_NAME_CLASS = "Укажите ФИО и класс."
ROSTER_STUDENT_NOT_FOUND = "В «{org}» нет ученика «{name}»{cls}. Проверьте ФИО (как в списках) и класс."
ROSTER_PICK = "В «{org}» несколько учеников «{name}». Кого вы имели в виду?"
ROSTER_ENROLLED = "Зачисление: {name}, {cls}. Коды привязки для класса: /коды {cls}"
ROSTER_ENROLLED_AS = "{done}: {name}, {cls}. Коды привязки для класса: /коды {cls}"
ROSTER_ALREADY_ENROLLED = "{name} уже учится в {cls}."


def enrolled(name: str, cls: str) -> str:
    done = gendered(name, "Зачислен", "Зачислена", "")
    return (ROSTER_ENROLLED_AS if done else ROSTER_ENROLLED).format(done=done, name=name, cls=cls)


ROSTER_SAME_CLASS = "{name} уже в {cls} — переводить некуда."
ROSTER_MODE_SET = "{name}: {mode}."
ROSTER_MODE_SAME = "{name}: уже {mode}."
ROSTER_MODE_WORD = "Последнее слово — «вкл» или «выкл», например: /надомное Петров Илья вкл"
MODE_NAMES = {"regular": "обычное обучение", "homeschool": "надомное обучение", "long_absent": "длительное отсутствие"}

NEWYEAR_PREVIEW = "Перевод в следующий класс, «{org}»:\n{lines}\nВыпускаются: {graduates}."
NEWYEAR_LINE = "• {old} → {new} ({count})"
NEWYEAR_NOTHING = "В «{org}» нет классов — переводить некого."
NEWYEAR_APPLIED = "Готово: классы переведены, выпускники отмечены ({graduates}). Названия бесед обновятся."

CODES_NONE = "В {cls} нет учеников без привязки — коды не нужны."
CODES_CLASS_NOT_FOUND = "В «{org}» нет класса {cls}."

CODE_BAD_FORMAT = (
    "Код выглядит так: XXXX-XXXX — 8 латинских букв и цифр (в кодах не бывает 0, 1, O, I и L). "
    "Например: /код K7QM-4RTD"
)
CODE_WRONG = "Такого кода нет или он уже использован. Осталось попыток: {left}. Проверьте код на листке."
CODE_EXPIRED = "Срок действия кода истёк. Попросите у классного руководителя новый."
CODE_THROTTLED = "Слишком много неверных кодов. Попробуйте снова через час."
CODE_LINKED = "Готово! Вы привязаны: {who}, {org}."
CODE_LINKED_PARENT = "родитель ({children})"
CODE_LINKED_STUDENT = "{student} {cls}"


def linked_student(full_name: str, cls: str) -> str:
    """«ученица 5А» for a girl: the roster's full name has the patronymic."""
    return CODE_LINKED_STUDENT.format(student=gendered(full_name, "ученик", "ученица"), cls=cls)
CODE_LINKED_STAFF = "сотрудник"
CODE_ALREADY_OTHER = "Этот код уже привязан к другому аккаунту VK. Если это ошибка — обратитесь в школу."
CODE_CONFLICT = "Ваш аккаунт VK уже привязан к другой записи того же вида в этой школе. Обратитесь к администратору школы."

UPKEEP_HEADER = "Ежемесячная сверка списков, «{org}». Обновите списки: зачисления, отчисления, переводы (/импорт)."
UPKEEP_UNLINKED = "• Не привязали VK: учеников {students}, родителей {parents}, сотрудников {staff}. Коды: /коды <класс> или /коды сотрудники"
UPKEEP_NO_TEACHER = "• Классы без классного руководителя: {classes}"
UPKEEP_STALE_MEMBERS = "• Выбывшие, но всё ещё в беседах: {count}"
UPKEEP_ALL_GOOD = "• Расхождений не найдено — спасибо!"

# -- chats -------------------------------------------------------------------------------------
CHAT_NOT_ALLOWED = "Создавать и привязывать беседу «{type}» могут: {roles}."
CHAT_NO_LEADER = "У {cls} не назначен классный руководитель. Назначьте: /роль выдать классный руководитель <VK> {cls}"
CHAT_LEADER_NOT_LINKED = (
    "{leader} беседы ({name}) ещё не {linked} VK. Попросите {whom} написать боту /код или выдайте роль "
    "с {whose} VK через /роль."
)


def leader_not_linked(name: str) -> str:
    return CHAT_LEADER_NOT_LINKED.format(
        name=name, leader=gendered(name, "Ведущий", "Ведущая"), linked=gendered(name, "привязал", "привязала"),
        whom=gendered(name, "его", "её"), whose=gendered(name, "его", "её"))
CHAT_LEADER_CANNOT_BE_ADDED = (
    "VK не дал добавить {name} в беседу: {who} не {allowed} сообществу писать {to_whom}. Попросите {whom} "
    "открыть сообщество и написать любое сообщение (или нажать «Разрешить сообщения»), затем повторите команду."
)


def leader_cannot_be_added(name: str, known: str | None = None) -> str:
    """``name`` as shown (a placeholder filled when sent), ``known`` the roster's full name."""
    g = known or name
    return CHAT_LEADER_CANNOT_BE_ADDED.format(
        name=name, who=gendered(g, "он", "она", "человек"), allowed=gendered(g, "разрешил", "разрешила"),
        to_whom=gendered(g, "ему", "ей"), whom=gendered(g, "его", "её"))


CHAT_CREATED = "Беседа «{title}» создана. Ссылка-приглашение: {link}\n{share}"
CHAT_LINK_SHARE = "Ссылку можно рассылать участникам — я проверю каждого вошедшего по спискам."
CHAT_LINK_PRIVATE = "Ссылку не публикуйте: участники получат её от бота лично после привязки кода."
CHAT_EXISTS = "Беседа «{title}» уже есть: {link}"
CHAT_BIND_NEED_ADMIN = "Сначала назначьте меня администратором беседы, затем повторите /привязать."
CHAT_BIND_ALREADY = "Эта беседа уже привязана: «{title}» ({school}). Перепривязать нельзя — создайте новую."
CHAT_BOUND = "Беседа привязана: «{title}», {school}. Правила закреплены. Ссылка-приглашение: {link}"
CHAT_NEED_SCHOOL = "Не понял, к какой школе привязать беседу. Добавьте в конце «школа <код>»."
CHAT_WELCOME = "Добро пожаловать, {name}! Правила беседы закреплены вверху."
CHAT_WELCOME_GUEST = "Добро пожаловать, {name} ({org})! Рады коллегам из других организаций."
CHAT_REMOVED_UNKNOWN = (
    "Участник удалён: в этой беседе только люди из списков школы. Если это ошибка, пусть человек "
    "привяжет аккаунт кодом от классного руководителя (/код в личных сообщениях боту) — тогда бот пришлёт ссылку."
)
ALERT_QUARANTINE = "Новый участник не из списков в «{title}»: {name} (vk.com/id{vk_id}). Допустить?"
ALERT_QUARANTINE_PRESENT = (
    "Участник не из списков уже был в беседе «{title}», когда бот начал её проверять: "
    "{name} (vk.com/id{vk_id}). Допустить?"
)
BUTTON_ADMIT = "Допустить"
BUTTON_EXCLUDE = "Исключить"
ALERT_HANDLED = "\n\n✔ {action}: {who}"
ALERT_ALREADY = "Уже решено: {action}"
QUARANTINE_EXPIRED = "{name} {removed}: модератор не подтвердил участие вовремя."


def admitted(who: str | bool | None) -> str:
    """The alert's outcome and the moderator's snackbar: «допущена» about Вера."""
    return gendered(who, "допущен", "допущена", "допуск")


def excluded(who: str | bool | None) -> str:
    return gendered(who, "исключён", "исключена", "исключение")


def quarantine_expired(name: str, known: str | bool | None = None) -> str:
    """``name`` as shown (may be a placeholder filled when sent), ``known`` the name or whether
    the person is a woman, if known now; unknown: «Участник … удалён» agrees with the noun."""
    removed = gendered(name if known is None else known, "удалён", "удалена", "")
    return QUARANTINE_EXPIRED.format(name=name if removed else f"Участник {name}", removed=removed or "удалён")
LINKS_FOR_YOU = "Ваши беседы:\n{lines}"
LINK_LINE = "• {title}: {link}"
LINK_RESET = "Старая ссылка больше не работает. Новая: {link}"
RIGHTS_LOST = (
    "Бот потерял права администратора в беседе «{title}» — проверка участников и модерация остановлены. "
    "Верните права: Настройки беседы → Участники → … у сообщества → «Назначить администратором»."
)
CHATS_HEADER = "Беседы «{school}»:"
CHATS_LINE = "• {title} — участников {members} из {eligible}{flag}"
CHATS_NO_RIGHTS = " ⚠ нет прав администратора"
CHATS_NONE = "Бесед пока нет. Создайте: /создать родители 5А"
CHATS_NONE_READONLY = "Бесед пока нет."
CHATS_MISSING = "Нет беседы родителей: {parents}\nНет беседы учеников: {students}"
RECONCILE_REPORT = "Сверка состава «{title}»: не из списков {extra}; ещё не вошли {missing}.{names}"

ALERTS_HERE_ON = "Уведомления модераторам «{school}» теперь приходят и в эту беседу (и лично модераторам)."
ALERTS_HERE_OFF = "Уведомления модераторам «{school}» приходят только лично."
ALERTS_HERE_NOT_STAFF_CHAT = "Уведомления содержат фрагменты сообщений: выберите закрытую беседу сотрудников (администрация или коллектив)."

EMPTY_COMMAND = "После «/» напишите команду, например /помощь — она покажет всё, что вам доступно."
FILE_WITHOUT_IMPORT = "Получил файл. Чтобы загрузить списки, отправьте его вместе с командой /импорт в тексте сообщения."
VK_NO_CHAT_RIGHTS = (
    "У бота нет прав администратора в этой беседе, поэтому VK не дал это сделать. Верните права: "
    "Настройки беседы → Участники → … у сообщества → «Назначить администратором», и повторите."
)
VK_ACCESS_DENIED = (
    "VK отказал в доступе (нельзя применить это к владельцу или администратору беседы, либо у сообщества "
    "не хватает прав). Проверьте права бота и участника и повторите."
)
CLASS_NOT_IN_SCHOOL = "В «{school}» нет класса {cls}. Проверьте класс или сначала загрузите списки (/импорт)."
ENROL_NEW_CLASS = " Класса {cls} раньше не было — он создан; если это опечатка, переведите ученика (/перевести)."
ROSTER_NAME_TOO_LONG = "ФИО слишком длинное (больше {limit} знаков). Проверьте, что написали только фамилию, имя и отчество."
ROLE_NEED_ROLE = "Не указана роль: её пишут перед ссылкой на VK, например: /роль выдать модератор vk.com/id123"
ROLE_NEED_CLASS = "Для классного руководителя укажите класс после ссылки: /роль выдать классный руководитель vk.com/id123 5А"
ROLE_NEED_SUBJECT = "Для учителя-предметника укажите предмет: /роль выдать учитель-предметник vk.com/id123 предмет математика"
ROLE_WRONG_ORG = "Роль «{role}» нельзя выдать в «{org}»: школьные роли выдаются в школе (добавьте «школа <код>»), роли координаторов — в муниципалитете или регионе (добавьте «орг <код>»)."
ROLE_SELF_REVOKE = "Свою роль администратора школы снять нельзя — иначе школа может остаться без администратора. Попросите другого администратора или координатора."
ROLE_BAD_ORDER_DATE = "Дата приказа «{date}» не существует. Пишите ДД.ММ.ГГГГ, например: приказ 15-к от 01.09.2026."
ROLE_LINK_NEED_NAME = "Укажите ФИО из списков после ссылки на VK: /роль связать vk.com/id123 Иванова Мария 5А"

# -- what a refusal is about («У вас нет прав на …») -------------------------------------------
WHAT_ALERTS_HERE = "выбор беседы для уведомлений"
WHAT_CHAT_MANAGE = "управление этой беседой"
ORG_PARENT_NOTE = ", входит в {parent}"
CHAT_NOT_BOUND = "Беседа ещё не привязана к школе: /привязать <тип> [класс]."
CHAT_NOT_BOUND_RULES = "Беседа ещё не привязана к школе, правил пока нет. Ответственный: /привязать <тип> [класс]."
LINK_RESET_SENT_PRIVATELY = "Ссылка-приглашение обновлена, новая отправлена вам в личные сообщения."
RECONCILE_NAMES = "\nНе из списков: {names}"
SWEEP_REPORT = "Бот проверил состав беседы «{title}» ({occasion}).\n{lines}"
SWEEP_OCCASION_BOUND = "беседа привязана"
SWEEP_OCCASION_RIGHTS = "права администратора вернулись"
SWEEP_REMOVED = "Удалено из беседы (нет в списках школы для неё): {count}. {names}"
SWEEP_QUARANTINED = "На карантине до решения модератора: {count}. {names}"
SWEEP_MEMBERS = "Участников из списков школы: {count}."
SWEEP_MORE = " и ещё {count}"
CODES_SHEET_TITLE = "Коды {cls}"

# -- chat type requests (/создать, /привязать) ---------------------------------------------------
CHAT_TYPES_HELP = (
    "Типы: родители [класс], ученики <класс>, предмет <предмет> <класс>, администрация, коллектив, "
    "надомное [класс], мо <название>, советник <название>."
)
CHAT_TYPE_MISSING = "Не указан тип беседы. " + CHAT_TYPES_HELP
CHAT_TYPE_UNKNOWN = "Не знаю типа беседы «{word}». " + CHAT_TYPES_HELP
CHAT_TYPE_NEEDS_CLASS = "Для беседы «{name}» укажите класс, например: {word} 5А."
CHAT_TYPE_NEEDS_SUBJECT = "Для беседы по предмету укажите предмет и класс, например: предмет математика 5А."
CHAT_TYPE_NEEDS_NAME = "Для беседы «{name}» укажите название, например: {word} {example}."
CHAT_NAME_EXAMPLES = {"мо": "учителей математики", "советник": "Движение первых"}
CHAT_TYPE_EXTRA_WORDS = "Лишние слова «{text}». " + CHAT_TYPES_HELP
CHAT_TYPE_NO_CLASS = "Беседа «{name}» — на всю школу, класс не нужен."

# -- configuration problems (pydantic error types) ---------------------------------------------
CONFIG_PROBLEMS = {
    "int_parsing": "нужно целое число",
    "int_type": "нужно целое число",
    "float_parsing": "нужно число",
    "bool_parsing": "нужно true или false",
    "string_type": "нужна строка в кавычках",
    "list_type": "нужен список, например [1, 2]",
    "missing": "ключ обязателен",
    "greater_than": "значение слишком мало",
    "greater_than_equal": "значение слишком мало",
    "less_than_equal": "значение слишком велико",
    "literal_error": "допустимые значения: {expected}",
}

WHAT_THIS_ACTION = "это действие"
