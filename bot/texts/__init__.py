"""Every Russian string the bot shows to people lives in this package, so wording can be
reviewed and changed in one place:

- this module: configuration, CLI, commands, organisations, roles, roster moves, chats;
- ``roster``: roster files, import previews, classes, codes (the pure domain in ``bot/domain``);
- ``policies``: moderation reasons and private explanations (the pure ``policies`` package);
- ``moderation``: the moderation engine's notices, alerts and command answers;
- ``reports``: participation reports.

Code and identifiers are English; only these strings are Russian.
"""

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
    "Ключи доступа, с правами «сообщения сообщества» и «управление сообществом»."
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
VK_TEMPORARY = "VK сейчас не отвечает, команда не выполнена. Попробуйте через минуту."
BOT_ADMIN_RESTORED = "Права администратора снова есть — беседа работает как прежде."

# -- organisations ---------------------------------------------------------------------------
ORG_KINDS_RU = {"регион": "region", "муниципалитет": "municipality", "мо": "municipality",
                "округ": "municipality", "школа": "school", "оо": "school", "организация": "other"}
ORG_KIND_NAMES = {"region": "регион", "municipality": "муниципалитет", "school": "школа", "other": "организация"}
ORG_BAD_KIND = "Не знаю типа организации «{kind}». Типы: регион, муниципалитет, школа, организация."
ORG_BAD_CODE = "Код «{code}» не подходит: латинские буквы, цифры и дефис, от 2 до 32 знаков, например sch12."
ORG_CODE_TAKEN = "Код «{code}» уже занят организацией «{name}». Выберите другой."
ORG_BAD_TZ = "Не знаю часового пояса «{tz}». Примеры: Europe/Moscow, Asia/Yekaterinburg, Asia/Vladivostok (или мск, екб, нск, влд)."
ORG_NEED_PARENT = "Для типа «{kind}» укажите код вышестоящей организации после часового пояса."
ORG_PARENT_NOT_FOUND = "Не нашёл вышестоящую организацию с кодом «{code}»."
ORG_BAD_PARENT = "«{kind}» не может входить в «{parent}»: школа входит в муниципалитет, муниципалитет — в регион."
ORG_NEED_NAME = "Не указано название организации."
ORG_ONLY_OPERATORS = "Регионы и муниципалитеты создают операторы платформы."
ORG_CREATED = "Создано: {kind} «{name}», код {code}, часовой пояс {tz}{parent}."
ORG_NOT_FOUND = "Не нашёл организацию с кодом «{code}». Проверьте код (его показывает /школа)."
ORG_WHICH = "У вас роли в нескольких организациях ({codes}). Укажите, в какой: добавьте «школа <код>»."

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
    "если аккаунт сменился, пусть человек получит новый код (/коды) или обратитесь к администратору платформы."
)
ROLE_IMPORT_FORBIDDEN = "Вы не можете выдавать или снимать роль «{role}» ({names}) — это делает администратор школы."
ROLE_LINKED = "Готово: {name} из списков «{org}» привязан(а) к vk.com/id{vk_id}."
ROLE_LINK_NOT_FOUND = "В списках «{org}» нет «{name}». Проверьте ФИО или загрузите списки (/импорт)."
ROLE_LINK_AMBIGUOUS = "В списках «{org}» несколько человек с именем «{name}»: {options}. Добавьте класс."

# -- roster ----------------------------------------------------------------------------------
IMPORT_NEED_FILE = (
    "Прикрепите к команде /импорт файл CSV или XLSX со списками. Столбцы: для учеников — ФИО, Класс, "
    "Режим; для родителей — ФИО, Ребёнок, Класс ребёнка; для сотрудников — ФИО, Должность, Роли."
)
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
PENDING_GONE = "Это действие уже выполнено или устарело."
PENDING_NOT_YOURS = "Подтвердить может только тот, кто начал это действие."
PENDING_DONE_SNACK = "Готово"

ROSTER_NEED_NAME_CLASS = "Укажите ФИО и класс."
ROSTER_STUDENT_NOT_FOUND = "В «{org}» нет ученика «{name}»{cls}. Проверьте ФИО (как в списках) и класс."
ROSTER_PICK = "В «{org}» несколько учеников «{name}». Кого вы имели в виду?"
ROSTER_ENROLLED = "Зачислен(а): {name}, {cls}. Коды привязки для класса: /коды {cls}"
ROSTER_ALREADY_ENROLLED = "{name} уже учится в {cls}."
ROSTER_EXPELLED = "Отчислен(а): {name} ({cls}). Из бесед класса ученик и родители будут удалены."
ROSTER_TRANSFERRED = "Переведён(а): {name}, {old} → {new}. Беседы обновятся: старые уберём, ссылки на новые отправим."
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
CODES_READY = (
    "Коды привязки для {cls}: {count}. Раздайте их на бумаге; каждый код одноразовый и действует до {until}. "
    "Человек пишет боту: /код XXXX-XXXX"
)
CODES_CLASS_NOT_FOUND = "В «{org}» нет класса {cls}."

CODE_BAD_FORMAT = "Код выглядит так: XXXX-XXXX (8 латинских букв и цифр). Например: /код K7QM-4RTD"
CODE_WRONG = "Такого кода нет или он уже использован. Осталось попыток: {left}. Проверьте код на листке."
CODE_EXPIRED = "Срок действия кода истёк. Попросите у классного руководителя новый."
CODE_THROTTLED = "Слишком много неверных кодов. Попробуйте снова через час."
CODE_LINKED = "Готово! Вы привязаны: {who}, {org}."
CODE_LINKED_PARENT = "родитель ({children})"
CODE_LINKED_STUDENT = "ученик {cls}"
CODE_LINKED_STAFF = "сотрудник"
CODE_ALREADY_OTHER = "Этот код уже привязан к другому аккаунту VK. Если это ошибка — обратитесь в школу."
CODE_CONFLICT = "Ваш аккаунт VK уже привязан к другой записи того же вида в этой школе. Обратитесь к администратору школы."

UPKEEP_HEADER = "Ежемесячная сверка списков, «{org}». Обновите списки: зачисления, отчисления, переводы (/импорт)."
UPKEEP_UNLINKED = "• Не привязали VK: учеников {students}, родителей {parents}, сотрудников {staff}. Коды: /коды <класс>"
UPKEEP_NO_TEACHER = "• Классы без классного руководителя: {classes}"
UPKEEP_STALE_MEMBERS = "• Выбывшие, но всё ещё в беседах: {count}"
UPKEEP_ALL_GOOD = "• Расхождений не найдено — спасибо!"

# -- chats -------------------------------------------------------------------------------------
CHAT_NOT_ALLOWED = "Создавать и привязывать беседу «{type}» могут: {roles}."
CHAT_NO_LEADER = "У {cls} не назначен классный руководитель. Назначьте: /роль выдать классный руководитель <VK> {cls}"
CHAT_LEADER_NOT_LINKED = "Ведущий беседы ({name}) ещё не привязал VK. Попросите его написать боту /код или выдайте роль с его VK через /роль."
CHAT_LEADER_CANNOT_BE_ADDED = (
    "VK не дал добавить {name} в беседу: человек не разрешил сообществу писать ему. Попросите его "
    "открыть сообщество и написать любое сообщение (или нажать «Разрешить сообщения»), затем повторите команду."
)
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
CHAT_REMOVED_UNKNOWN = "Участник удалён: в этой беседе только люди из списков школы. Если это ошибка, напишите боту /код и получите ссылку заново."
CHAT_QUARANTINE = (
    "{name}, здравствуйте! Я не нашёл вас в списках школы. Напишите боту в личные сообщения "
    "/код XXXX-XXXX (код выдаёт классный руководитель) — или дождитесь решения модератора."
)
ALERT_QUARANTINE = "Новый участник не из списков в «{title}»: {name} (vk.com/id{vk_id}). Допустить?"
BUTTON_ADMIT = "Допустить"
BUTTON_EXCLUDE = "Исключить"
ALERT_HANDLED = "\n\n✔ {action}: {who}"
ALERT_ALREADY = "Уже решено: {action}"
ACTION_ADMITTED = "допущен"
ACTION_EXCLUDED = "исключён"
QUARANTINE_EXPIRED = "{name} удалён: модератор не подтвердил участие вовремя."
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
CHATS_MISSING = "Нет беседы родителей: {parents}\nНет беседы учеников: {students}"
RECONCILE_REPORT = "Сверка состава «{title}»: не из списков {extra}; ещё не вошли {missing}.{names}"
MOVE_REMOVED = "Вы больше не в беседе «{title}»: {reason}."
