"""Setting the bot up: `run` without a token, `check`'s extra lines (token rights, operators,
secrets), the start-up warning about a default secret."""

DEMO_NO_CONFIG = (
    "Конфигурация не задана (нет --config, ZAVUCH_CONFIG и переменных ZAVUCH_…) — запускаю демо "
    "на встроенном эмуляторе VK. Настоящий бот: скопируйте config.example.toml в config.toml, "
    "впишите vk.token и bot.operators и запустите python -m bot run --config config.toml."
)
RUN_NEED_TOKEN = (
    "Ошибка конфигурации: не задан ключ «vk.token» (или переменная ZAVUCH_VK__TOKEN){source}. "
    "Ключ доступа создаётся в Управление сообществом → Работа с API → Ключи доступа. "
    "Демо без настоящего VK: python -m bot demo."
)
RUN_NEED_TOKEN_SOURCE = " в файле {path}"
PEPPER_DEFAULT_WARNING = (
    "Внимание: ключ «bot.code_pepper» оставлен по умолчанию — коды привязки можно подобрать. "
    "Задайте свой секрет (ZAVUCH_BOT__CODE_PEPPER), например из "
    "python -c \"import secrets; print(secrets.token_hex(16))\", до того как выдавать коды: "
    "после смены выданные коды перестанут действовать."
)
NO_OPERATORS_WARNING = (
    "Внимание: не задан ни один оператор (bot.operators) — некому создать регион и школы командой "
    "/организация. Впишите свой VK id: ZAVUCH_BOT__OPERATORS='[123456]' (как его узнать — в README)."
)

CHECK_RIGHTS = "У токена есть права: {rights}"
CHECK_RIGHTS_FIX = (
    "у ключа доступа нет прав: {missing}. Создайте новый ключ: Управление сообществом → Работа с API → "
    "Ключи доступа → «Создать ключ», отметьте {all} и впишите его в vk.token."
)
RIGHT_NAMES = {"messages": "«Сообщения сообщества»", "manage": "«Управление сообществом»",
               "docs": "«Документы»"}

CHECK_OPERATORS = "Операторы платформы (bot.operators): {names}"
CHECK_OPERATORS_WHAT = "Операторы платформы (bot.operators)"
CHECK_OPERATORS_NONE = (
    "не задан ни один оператор — некому будет создать школы командой /организация. Впишите свой VK id: "
    "bot.operators = [123456] (или ZAVUCH_BOT__OPERATORS='[123456]'). Свой id видно в адресе страницы "
    "vk.com/id123456; если там короткое имя — откройте «Настройки» → «Адрес страницы»."
)
CHECK_OPERATORS_UNKNOWN = "VK не знает пользователей с id {ids}. Проверьте bot.operators: нужен числовой VK id."
CHECK_OPERATORS_DEAF = (
    "сообществу не разрешено писать: {names}. Бот не сможет сообщить о сбоях — откройте сообщество "
    "и нажмите «Разрешить сообщения» (или напишите ему любое сообщение), затем запустите check ещё раз."
)
CHECK_OPERATORS_DEACTIVATED = "страницы удалены или заблокированы: {ids}. Уберите их из bot.operators."

CHECK_PEPPER = "Секрет кодов привязки (bot.code_pepper) задан"
CHECK_PEPPER_FIX = (
    "оставлено значение по умолчанию, коды привязки можно подобрать. Задайте свой секрет в bot.code_pepper "
    "(лучше ZAVUCH_BOT__CODE_PEPPER), например python -c \"import secrets; print(secrets.token_hex(16))\"; "
    "смените его до выдачи кодов — выданные после смены перестанут действовать."
)
CHECK_PEPPER_SHORT = (
    "секрет короче {length} символов, его можно подобрать. Задайте длиннее, например "
    "python -c \"import secrets; print(secrets.token_hex(16))\"."
)
