"""Roots of Russian obscene and abusive words, as regular expressions over normalised forms.

A form is lowercase Cyrillic with «ё» as «е» (see normalize.py), elongation collapsed. Innocent
words that contain a root («корабля», «команда», «страхуй», «учебный», «Ебург») are excluded by
anchoring: most roots only count at the start of a word or after a known verbal prefix.

Tiers: 1 — the core mat; 2 — the wider coarse vocabulary; 3 — insults. A preset acts on tiers up
to its `max_tier`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Root:
    name: str  # the normalised root, reported as evidence
    tier: int
    pattern: str
    latin_ok: bool = True  # may match a transliterated all-Latin word («blyat»)
    needs_prev: frozenset[str] = frozenset()  # counts only right after one of these words
    not_prev: frozenset[str] = frozenset()
    not_next: frozenset[str] = frozenset()
    joined_ok: bool = True  # may match words spelled with spaces («на х» is algebra, not «нах»)


# Verbal prefixes before «еб-»; a hard sign is often typed as a soft one or an apostrophe.
_EB_PREFIX = (
    r"(?:не)?(?:за|на|у|вы|до|про|при|пере|по|недо|подза|поза|раз[ъь]?|от[ъь]|под[ъь]|об[ъь]"
    r"|из[ъь]|вз[ъь]|с[ъь]|в[ъь]|долбо|мудо|хитрову|хитровы)?"
)

# Prefixes before «ху-»: «нахуй», «похуй», «охуеть», «нихуя», «дохуя», «схуяли», «отхуярить».
_HU_PREFIX = r"(?:на|по|о|а|ни|не|от|за|до|вы|рас|раз|об|с|ох|пере|под|при|у|из|без|недо)?"

ROOTS: tuple[Root, ...] = (
    # tier 1: core mat
    # only at the start or after a prefix: «сухую», «глухую», «заштрихуйте», «шахует» are not
    Root("хуй", 1, rf"^{_HU_PREFIX}ху[йяеию]|^хул[еи]$"),
    Root("пизд", 1, r"п[ие][зс]д|^пздц"),
    Root("еб", 1, rf"^{_EB_PREFIX}(?:еб|йоб)(?!ург|онит|ро$)"),
    Root("бля", 1, r"^(?:вы)?бляд|^бля(?:т|ть|ь)?$|^блэт"),
    Root("мудак", 1, r"^муда[кч]|^мудил|^мудоз|^мудох"),
    Root("манда", 1, r"^манд(?:а|ы|е|у|ой|ою)$|^мандищ|^мандавош|^мандец", latin_ok=False),
    # tier 2: coarse
    Root(
        "сука", 2,
        r"^(?:сс?|сц|ц)ук(?:а|и|е|у|о|ой|ою|ам|ами|ах|ин|ина|ины|ину|ино)$|^сучар"
        r"|^сучк(?:а|е|у|ой|ою)$"
        r"|^сучий|^суч[её]н",
        not_prev=frozenset({"на"}),  # «ворона сидела на суку»
    ),
    Root("пидор", 2, r"^пид[оа]?р"),
    Root("гандон", 2, r"^г[ао]ндон"),
    Root("шлюха", 2, r"^шлюх|^шлюш"),
    Root("залупа", 2, r"залуп"),
    Root("дерьмо", 2, r"дер[ьъ]м|^дерм(?:о|а|у|ом|овый|овая|овое|ище)$"),
    # anchored: «Олеговна», «Вольфганговна» are patronymics
    Root("говно", 2, r"^(?:на|за|об|по|рас|раз|из|вы|у)?г[оа]вн(?:о|а|у|ом|е|ищ|ю|я|ец|ял)"),
    Root("жопа", 2, r"^(?:в|на|за)?жоп"),
    Root("хер", 2, r"^(?:на|по|ни|за|ох|а)?хер(?!ес|сон|ув|ц|ман|инг|берт|т[аеуы]?$)", latin_ok=False),
    Root("срать", 2, r"^(?:на|обо|об|за|по|вы|рас|у)?сра(?:ть|л|н|ка|ку|кой|ч)", latin_ok=False),
    Root("ублюдок", 2, r"^ублюд"),
    Root("шалава", 2, r"^шалав"),
    Root("падла", 2, r"^падл(?:а|ы|е|у|ой|о)$", latin_ok=False),
    Root("трахать", 2, r"^(?:от|вы|за|по)?трах(?:ать|ал|ает|аю|нуть|нул|ну|нет|аться|ни|ают)",
         latin_ok=False),
    # not «гидроочистка»; the look-behind after the letters: a pattern that begins with one
    # makes the engine try every alternative of obscene's matcher at every position
    Root("дрочить", 2, r"дроч(?<!гидроч)"),
    Root("нах", 2, r"^нах$", latin_ok=False, joined_ok=False),
    Root("ёпта", 2, r"^[её]пт(?:а|ь)?$", latin_ok=False),
    # tier 3: insults
    Root("дебил", 3, r"^дебил"),
    Root("идиот", 3, r"идиот",
         not_prev=frozenset({"роман", "романа", "роману", "романе", "романом", "фильм"})),
    Root("тупой", 3, r"^туп(?:ой|ая|ые|ица|ицы|орыл|оголов)",
         latin_ok=False,
         needs_prev=frozenset({"ты", "вы", "он", "она", "они", "сам", "сама", "какой", "какая",
                               "такой", "такая", "совсем", "реально", "вообще", "ваще", "ну"})),
    Root("урод", 3, r"^урод(?:а|у|ом|е|ы|ов|ам|ами|ах|ина|ины|ец|ка|ливый|ливая|ливые)?$",
         latin_ok=False),
    Root("лох", 3, r"^лох(?:и|а|у|ом|ов|ам|ами|ушка|уш|ня|он)?$|^лошар", latin_ok=False),
    Root("чмо", 3, r"^чмо$|^чмош|^чмыр", latin_ok=False),
    Root("кретин", 3, r"^кретин(?:ы|а|у|ом|ов|ка|ки|ку|кой)?$"),  # not «кретинизм» (biology)
    Root("дегенерат", 3, r"^дегенерат(?:ы|а|у|ом|ов|ка|ки)?$"),
    Root("придурок", 3, r"^придур(?:ок|ка|ку|ки|ков|ком|очн|ош)", latin_ok=False),
    Root("мразь", 3, r"^мраз(?:ь|и|ью|ей|ота)$", latin_ok=False),
    Root("тварь", 3, r"^твар(?:ь|и|ью|ей|юга)$", latin_ok=False,
         not_next=frozenset({"дрожащая", "ли"})),  # Dostoevsky, a common essay topic
    Root("сволочь", 3, r"^сволоч", latin_ok=False),
    Root("быдло", 3, r"^быдл", latin_ok=False),
    Root("гнида", 3, r"^гнид(?:а|е|у|ой)$", latin_ok=False),  # «нашли гниды» is about lice
    Root("имбецил", 3, r"имбецил"),
    Root("ничтожество", 3, r"^ничтожеств", latin_ok=False),
)

# English swearing seen in Russian school chats, matched on the Latin spelling (leet undone).
ENGLISH = (
    r"^(?:mother)?f+u+c*k+(?:ing|in|er|ers|ed|s)?$|^fck|^sh+i+t+(?:ty|s)?$|^b+i+t+c+h"
)
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "$": "s", "@": "a",
                      "7": "t", "*": "u"})

# All-Latin words whose transliteration collides with a root.
LATIN_INNOCENT_PREFIXES = ("ebay", "ebook", "ebon", "ebol", "ebb", "ebro", "hue", "job", "wednes",
                           "eyeball", "arrowhead", "proxy")

# Full words a masked spelling («п**дец», «бл*ть», «на*уй») is compared with.
MASK_TARGETS = (
    "хуй", "хуя", "хуи", "хую", "хуе", "хуем", "хуйня", "хуйню", "хуево", "нахуй", "нахуя",
    "похуй", "охуеть", "охуел", "охуели", "хуесос", "пизда", "пизды", "пизде", "пизду",
    "пиздец", "пиздеть", "пиздит", "пиздеж", "спиздил", "распиздяй", "блядь", "блять", "бля",
    "блядина", "ебать", "ебал", "ебала", "ебали", "ебаный", "ебаная", "ебанный", "ебанутый",
    "ебнутый", "ебло", "ебан", "заебал", "заебала", "заебали", "заебись", "наебал", "уебок",
    "уебан", "выебываться", "долбоеб", "сука", "суки", "сучка", "мудак", "мудила", "манда",
    "гандон", "гондон", "залупа", "шлюха", "пидор", "пидорас", "говно", "жопа", "дерьмо",
    "хер", "херня", "нахер", "похер",
)
