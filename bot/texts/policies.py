"""Every Russian string the policies show to people. Nothing user-facing lives elsewhere."""
from __future__ import annotations

# Public names of policies for `/политика <имя> вкл|выкл|тихо`, and their descriptions.
POLICY_TITLES = {
    "obscene": "мат",
    "personal_data": "персданные",
    "links": "ссылки",
    "flood": "флуд",
    "repeats": "повторы",
    "caps": "капс",
    "stickers": "стикеры",
    "quiet_hours": "тишина",
    "outsiders": "чужие",
    "wellbeing": "травля",
}

MODE_WORDS = {"вкл": "on", "выкл": "off", "тихо": "shadow", "on": "on", "off": "off",
              "shadow": "shadow"}
QUIET_ACTION_WORDS = {"уведомление": "notice", "удаление": "delete", "notice": "notice",
                      "delete": "delete"}

# Obscene language
OBSCENE_BY_TIER = {
    1: "Нецензурная брань",
    2: "Грубая лексика",
    3: "Оскорбление",
}
OBSCENE_PRIVATE = ("Ваше сообщение удалено: {reason_lower} в этом чате не допускается. "
                   "Если это ошибка, модераторы могут отметить «Ложное срабатывание».")

# Personal data: the kind found is named in the public warning and explained privately.
PD_KINDS = {
    "phone": "номер телефона",
    "email": "адрес электронной почты",
    "snils": "номер СНИЛС",
    "passport": "серия и номер паспорта",
    "card": "номер банковской карты",
    "inn": "ИНН",
    "oms": "номер полиса ОМС",
}
PD_REASON = "Персональные данные в общем чате ({kind})"
PD_PRIVATE = ("Ваше сообщение скрыто: в нём {kind}. {risk}Не публикуйте персональные данные в "
              "общем чате: их видят все участники. Если нужно, отправьте их учителю в личные "
              "сообщения.")
# Why this kind matters; ends with a space so it joins the next sentence.
PD_RISK = {
    "card": "По номеру карты мошенники пытаются списать деньги или выманить код из СМС. ",
    "passport": "По паспортным данным мошенники оформляют займы и сим-карты. ",
    "snils": "По СНИЛС находят сведения о человеке на Госуслугах, в пенсионном фонде и в "
             "поликлинике. ",
    "inn": "По ИНН находят сведения о человеке в налоговых сервисах. ",
    "oms": "По номеру полиса ОМС можно записаться к врачу от чужого имени и узнать "
           "медицинские сведения. ",
    "phone": "Номер телефона могут использовать для звонков и рассылок незнакомые люди. ",
}
PD_RISK_DEFAULT = ""

# Links
LINK_REASONS = {
    "invite": "Приглашение в другой чат",
    "messenger": "Ссылка на сторонний мессенджер",
    "ad": "Реклама или сокращённая ссылка",
    "unknown": "Ссылка на сайт не из списка разрешённых",
}
LINK_PRIVATE = ("Ваше сообщение удалено: {reason_lower}. В этом чате можно делиться ссылками на "
                "школьные и образовательные ресурсы.")

# Activity
FLOOD_REASON = "Слишком много сообщений подряд"
REPEATS_REASON = "Одинаковые сообщения повторяются"
STICKERS_REASON = "Слишком много стикеров подряд"
CAPS_REASON = "Сообщение написано заглавными буквами"
CAPS_PRIVATE = "Пожалуйста, не пишите сообщения целиком заглавными буквами: это читается как крик."
ACTIVITY_PRIVATE = "Пожалуйста, не засоряйте чат: {reason_lower}."

# Quiet hours
QUIET_REASON = "Время тишины в чате"
QUIET_NOTICE_DAILY = "В чате время тишины с {start} до {end}. Сообщения в это время {consequence}."
QUIET_NOTICE_WEEKDAYS = ("Учителя отвечают в будние дни с {end} до {start}. Сообщения, "
                         "написанные позже, {consequence}.")
QUIET_CONSEQUENCE = {
    "notice": "прочитают в рабочее время",
    "delete": "удаляются",
}

# Outsiders
OUTSIDER_REASON = "Сообщение от человека, не допущенного в закрытый чат"

# Wellbeing signals: never public, only to the class teacher and the psychologist
WELLBEING_REASONS = {
    "self_harm": "Сигнал: возможный риск самоповреждения. Требуется внимание психолога",
    "bullying": "Сигнал: возможная травля. Требуется внимание классного руководителя",
}

# Settings and overrides: errors are shown to the staff member who typed the command
ERR_UNKNOWN_POLICY = "Неизвестная политика «{name}». Доступны: {names}."
ERR_UNKNOWN_PARAM = "У политики «{policy}» нет параметра «{param}». Доступны: {params}."
ERR_MODE = "Неверный режим «{value}». Используйте: вкл, выкл или тихо."
ERR_INT = "Параметр «{param}»: нужно целое число от {low} до {high}, а не «{value}»."
ERR_FLOAT = "Параметр «{param}»: нужно число от {low} до {high}, а не «{value}»."
ERR_BOOL = "Параметр «{param}»: нужно «да» или «нет», а не «{value}»."
ERR_WINDOW = "Неверное время тишины «{value}». Пример правильной записи: 22:00-07:00."
ERR_QUIET_ACTION = "Неверное действие «{value}». Используйте: уведомление или удаление."
ERR_TIMEZONE = "Неизвестный часовой пояс «{value}». Пример: Europe/Moscow."
ERR_DOMAIN = "Неверный домен «{value}». Пример: school.ru."
ERR_CHAT_TYPE = "Неизвестный тип чата «{value}». Доступны: {types}."
YES_WORDS = frozenset({"да", "yes", "true", "1", "вкл"})
NO_WORDS = frozenset({"нет", "no", "false", "0", "выкл"})


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
