"""Russian strings of the participation reports (to be merged into bot/texts.py)."""

from __future__ import annotations

from bot.texts.policies import POLICY_TITLES

MONTHS_RU = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
             "октябрь", "ноябрь", "декабрь")

CHAT_TYPES_RU = {
    "parents_school": "родители школы", "parents_class": "родители класса", "students_class": "ученики класса",
    "subject": "предметные", "admin_closed": "администрация", "admin_open": "коллектив",
    "homeschool": "надомное обучение", "methodical": "МО", "advisor": "советник", "other": "прочие",
}
KINDS_RU = {"student": "ученики", "parent": "родители", "staff": "сотрудники"}
KIND_ONE_RU = {"student": "ученик", "parent": "родитель", "staff": "сотрудник"}

BAD_MONTH = "Не понял месяц «{text}». Правильно: /отчёт [ГГГГ-ММ] [код организации]\nНапример: /отчёт 2026-10"
UNKNOWN_AUTHORS = "неизвестные (не в списках)"
NOT_WHAT = "просмотр отчётов"

REPORT_PREPARING = "Готовлю отчёт за {month}…"
FILES_NOTE = "Полные таблицы — в файлах XLSX и CSV, график активности по дням — в PNG."
NOT_FINAL = "Месяц ещё не закончился: цифры предварительные."

SCHOOL_HEADER = "Отчёт об активности за {month} — {name} ({code})"
SCHOOL_CHATS = "Беседы: {total}{types}"
SCHOOL_COVERAGE = "Охват классов: {covered} из {classes} ({share}) — есть и беседа родителей, и беседа учеников"
SCHOOL_ROSTER = "{kind}: в списке {total}, привязано {linked}, в беседах {in_chats}, ни разу не вступали {never}"
SCHOOL_ACTIVE = "Активны за месяц: учеников {student}, родителей {parent}, сотрудников {staff}"
SCHOOL_MESSAGES = ("Сообщений в беседах школы: {total} (своих {own}, гостей из других организаций {guests}, "
                   "неизвестных {unknown})")
SCHOOL_CREDITED = "Засчитано школе: {credited} сообщ., из них в беседах других организаций — {away}"
SCHOOL_AWAY = "Наши сотрудники в чужих беседах: {items}"
SCHOOL_GUESTS = "Гости в наших беседах (засчитаны им): {items}"
FLOW_ITEM = "{name} — {people} чел., {messages} сообщ."
SCHOOL_SILENT = "Молчат: бесед {chats}, участников из списков {members}"
SCHOOL_SILENT_CHATS = "Беседы без сообщений: {titles}"
SCHOOL_MODERATION = "Нарушения: {total}{policies}; меры: {actions}"
SCHOOL_NO_VIOLATIONS = "Нарушений не зафиксировано."

AREA_HEADER = "Отчёт об активности за {month} — {name} ({code}), {kind}"
AREA_KIND = {"municipality": "муниципалитет", "region": "регион"}
AREA_TOTALS = ("Школ: {schools}, бесед: {chats}, охват классов {share}. "
               "Активны: учеников {student}, родителей {parent}, сотрудников {staff}.")
AREA_MESSAGES = ("Сообщений в беседах: {total}; засчитано организациям: {credited}; "
                 "от гостей извне и неизвестных: {outside}")
AREA_ROW = "• {name}: сообщ. {credited} (в своих беседах {in_chats}), охват {share}, молчащих бесед {silent}"
AREA_MORE = "…и ещё {count} — в файле."
AREA_SCHOOLS_HEADER = "По школам (засчитанные сообщения):"
AREA_MUNIS_HEADER = "По муниципалитетам:"

MONTHLY_INTRO = "Ежемесячный отчёт об активности в беседах."

# tables
SHEET_SUMMARY = "Сводка"
SHEET_CHATS = "Беседы"
SHEET_DAILY = "По дням"
SHEET_AWAY = "В чужих беседах"
SHEET_GUESTS = "Гости"
SHEET_SILENT = "Молчащие участники"
SHEET_MODERATION = "Модерация"
SHEET_SCHOOLS = "Школы"
SHEET_MUNIS = "Муниципалитеты"
HEAD_METRIC = ("Показатель", "Значение")
HEAD_CHATS = ("Беседа", "Тип", "Сообщений", "Других действий", "Сообщений гостей", "Молчит")
HEAD_FLOW = ("Организация", "Человек", "Сообщений", "Других действий")
HEAD_SILENT = ("ФИО", "Кто", "Класс")
HEAD_MODERATION = ("Раздел", "Название", "Количество")
MOD_POLICY, MOD_ACTION, MOD_AUDIT = "нарушения по правилам", "меры по нарушениям", "журнал действий"
HEAD_DAY = "День"
HEAD_AREA = ("Организация", "Муниципалитет", "Школ", "Бесед", "Классов", "С обеими беседами", "Охват, %",
             "Учеников", "Учеников привязано", "Родителей", "Родителей привязано", "Сотрудников",
             "Сотрудников привязано", "Активных учеников", "Активных родителей", "Активных сотрудников",
             "Сообщений в своих беседах", "Из них своих", "Из них гостей", "Из них неизвестных",
             "Засчитано сообщений", "Из них в чужих беседах", "Молчащих бесед", "Молчащих участников",
             "Нарушений")
YES, NO = "да", "нет"

METRICS = {
    "month": "Месяц", "final": "Месяц закрыт", "chats": "Бесед", "classes": "Классов",
    "with_parents": "Классов с беседой родителей", "with_students": "Классов с беседой учеников",
    "covered": "Классов с обеими беседами", "coverage": "Охват классов, %",
    "messages_in_chats": "Сообщений в беседах школы", "own_messages": "  из них своих",
    "guest_messages": "  из них гостей", "unknown_messages": "  из них неизвестных",
    "actions_in_chats": "Других действий в беседах школы", "credited_messages": "Засчитано сообщений",
    "away_messages": "  из них в чужих беседах", "credited_actions": "Засчитано других действий",
    "silent_chats": "Молчащих бесед", "silent_members": "Молчащих участников из списков",
    "violations": "Нарушений",
}
ROSTER_METRIC = "{kind}: {what}"
ROSTER_WHAT = {"total": "в списке", "linked": "привязано", "in_chats": "в беседах", "never_joined": "ни разу не вступали"}
ACTIVE_METRIC = "Активных: {kind}"
CHART_TITLE = "Сообщения по дням и типам бесед — {name}, {month}"
CHART_Y = "сообщений"
BAD_ARGS = "Правильно: /отчёт [ГГГГ-ММ] [код организации]\nНапример: /отчёт 2026-10 или /отчёт 2026-10 sch12"
TOTAL_ROW = "Итого"
# Moderation ids as people read them: the same names as in /политика
POLICIES_RU = POLICY_TITLES
ACTIONS_RU = {
    "allow": "пропущено", "notice": "замечание", "delete": "удаление", "warn": "предупреждение", "mute": "мут",
    "kick": "исключение", "alert": "сигнал модераторам", "private_alert": "сигнал ответственным",
}
FUTURE_MONTH = "Месяц {month} ещё не наступил — отчёт можно получить за {current} или раньше. Например: /отчёт {current}"

# -- months in words (report_months.parse_period) ------------------------------------------
MONTH_STEMS = ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
MONTHS_GEN = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря")
PERIOD_FILLERS = frozenset({"за", "в", "во", "на", "года", "год", "г", "г."})
LAST_MONTH_WORDS = frozenset({"прошлый", "прошлым", "прошлом", "предыдущий", "предыдущем", "предыдущим"})
THIS_MONTH_WORDS = frozenset({"этот", "этом", "текущий", "текущем", "нынешний"})
TWO_MONTHS = "Назван не один месяц. Отчёт строится за один месяц, например: /отчёт за октябрь"
PERIOD = "{month} (с 1 по {last} {genitive} {year} года, время {tz})"

# -- moderation measures as people read them ---------------------------------------------------
MEASURES_RU = {
    "delete": "удаление сообщения", "warn": "предупреждение", "mute": "запрет писать (мут)",
    "remove": "исключение из беседы", "quarantine": "карантин для новичка", "admit": "допуск в беседу",
    "unwarn": "снятие предупреждения", "unmute": "снятие запрета писать", "false_positive": "ложное срабатывание",
    "private_alert": "сигнал о благополучии ребёнка", "delete_failed": "удаление не удалось (нет прав)",
}
