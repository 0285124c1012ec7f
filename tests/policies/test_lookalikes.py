"""Every common look-alike substitution, applied at random (seeded) to the obscene words and to
innocent school words: the detector must see through nearly all of them and stay quiet on the
innocent ones. The table is what people type: Latin, Greek and digit twins, letters drawn with
several symbols, sound-alike Latin letters, separators, invisible characters, repeats, case."""
import random

import pytest

from policies.obscene import find_obscene
from policies.obscene_lexicon import MASK_TARGETS

LOOKALIKES = {
    "а": ["a", "@", "α"], "б": ["6", "b"], "в": ["B", "8"], "г": ["r", "g"], "д": ["d", "g"],
    "е": ["e", "ё", "€", "3"], "ж": ["}|{", ">|<", "zh", ")|("], "з": ["3", "z"],
    "и": ["u", "|/|", "|\\|", "i"], "й": ["u", "i"], "к": ["k", "|<", "κ"], "л": ["JI", "/\\", "l"],
    "м": ["m", "|\\/|", "M"], "н": ["H", "|-|", "n"], "о": ["0", "o", "()", "ο"],
    "п": ["n", "π", "p"], "р": ["p", "ρ"], "с": ["c", "$", "s"], "т": ["T", "t"], "у": ["y", "u"],
    "х": ["x", "}{", "><", "h"], "ц": ["c"], "ч": ["4", "ch"], "ш": ["III", "w", "sh", "LLI"],
    "щ": ["sch"], "ы": ["bI", "ЬI", "bl"], "ь": ["b", "'"], "ъ": ["'"], "э": ["e"],
    "ю": ["|-o", "yu", "io"], "я": ["9", "ya", "R"],
}
SEPARATORS = [".", "-", "_", " ", "*", "~", "|", "\u200b", ","]
INVISIBLE = ["\u200b", "\u200d", "\u00ad", "\ufeff", "\u2060"]
INNOCENT = (
    "корабля рубля оскорблять команда командир мандарин мандат гребля учебный ребёнок ребята "
    "хлеба сабля психуй застрахуй страхуй хулиган похудеть ухудшение художник хуже мохер "
    "трахея гондола шлюз лохматый мудрый сукно суккуленты сучок подъезд объединение серебро "
    "жеребёнок небо требовать блин капец Олеговна сухую глухую заштрихуйте неплохую тихую шахует "
    "выхухоль скипидар тупик бляха колебания вебинар дебаты лебедь употреблять истреблять "
    "учебник потребитель оглобля стебель ребус небеса гребень ноябрь октябрь рябина разговор "
    "договор спасибо пожалуйста контрольная математика"
).split()


def disguise(word, rng):
    chars = list(word)
    how = rng.randrange(6)
    if how == 0:  # one or two letters replaced by a look-alike
        for i in rng.sample(range(len(chars)), min(2, len(chars))):
            chars[i] = rng.choice(LOOKALIKES.get(chars[i], [chars[i]]))
    elif how == 1:  # letters split by a separator
        return rng.choice(SEPARATORS).join(chars)
    elif how == 2:  # a letter repeated
        i = rng.randrange(len(chars))
        chars[i] *= rng.randint(2, 5)
    elif how == 3:  # an invisible character inside
        chars.insert(rng.randrange(1, len(chars)), rng.choice(INVISIBLE))
    elif how == 4:  # case mixed
        chars = [ch.upper() if rng.random() < 0.5 else ch for ch in chars]
    else:  # a look-alike and a repeat together
        i, j = rng.randrange(len(chars)), rng.randrange(len(chars))
        chars[i] = rng.choice(LOOKALIKES.get(chars[i], [chars[i]]))
        chars[j] *= 2
    return "".join(chars)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_obscene_words_in_disguise_are_found(seed):
    rng = random.Random(seed)
    disguised = [disguise(word, rng) for word in MASK_TARGETS for _ in range(10)]
    missed = [text for text in disguised if find_obscene(text) is None]
    assert len(missed) / len(disguised) <= 0.02, missed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_innocent_words_in_disguise_stay_innocent(seed):
    rng = random.Random(seed)
    disguised = [disguise(word, rng) for word in INNOCENT for _ in range(10)]
    fired = [text for text in disguised if (m := find_obscene(text)) and m.tier <= 2]
    assert len(fired) / len(disguised) <= 0.01, fired
