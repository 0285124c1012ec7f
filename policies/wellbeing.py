"""Signals of self-harm and bullying in children's chats.

Never a public action: the class teacher and the psychologist get a private alert and decide.
Phrases are matched on normalised words, so disguises that work against the obscene filter
(«уб3й с е б я», «xочу умереть») are undone here too.
"""
from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .settings import WellbeingSettings

POLICY = "wellbeing"

_SELF_HARM = (
    r"(?:хочу|хочется|хотела?|хотелось бы|хотела? бы) (?:умереть|сдохнуть|исчезнуть навсегда"
    r"|не просыпаться|не жить|покончить)",
    r"не (?:хочу|хочется|хотела?) (?:больше |уже )?жить(?! (?:в|во|на|у|с|со|рядом|около|там|тут"
    r"|здесь|без|далеко|одна|один|вместе)\b)",
    r"жить (?:больше |уже )?не (?:хочу|хочется)",
    r"устала? (?:от )?жить",
    r"лучше (?:бы )?умереть",
    r"(?:незачем|не для чего|нет смысла|нет сил) жить",
    r"поконч(?:ить|у|ила?|им) с (?:собой|жизнью)",
    r"(?:порежу|порезать|резать|режу|вскрыть|вскрою|перережу|порезала?) (?:себе )?(?:вены|руки)",
    r"(?:убью|убить) себя",
    r"налож(?:у|ить) на себя руки",
    r"(?:выпрыгну|спрыгну|прыгну|сброшусь|выброшусь) (?:из окна|с крыши|с моста)",
    r"наглота(?:юсь|ться) таблеток",
    r"(?:думаю|мысли|мыслей|думать) о (?:суициде|самоубийстве|смерти)",
    r"лучше бы (?:я|меня) (?:умерла?|не было|не родил)",
    r"(?:я|мне) никому не нуж(?:ен|на|но)",
    r"меня никто не (?:любит|понимает)",
    r"меня (?:травят|гнобят|бьют|обижают|унижают)",
    r"(?:все )?(?:смеются|издеваются) надо мной",
)
_BULLYING = (
    r"убей(?:ся| себя)",
    r"(?:иди |пойди )?(?:вешайся|повесься|выпились|самоубейся|сдохни)",
    r"чтоб(?:ы)? ты сдох",
    r"(?:все|весь класс|вся школа) (?:тебя )?ненавид(?:ят|ит)",
    r"тебя (?:все|весь класс|никто не) (?:ненавид|любит|ждет)",
    r"ты никому не нуж",
    r"ты жирн(?:ый|ая|ое|ые|ух|яга)",
    r"жирдя[йя]|жиртрест|жиробас",
    r"затрав(?:им|ить|ят|лю|ите)",
    r"(?:травить|травим|гнобить|гнобим) (?:его|ее|тебя)",
    r"бойкот",
    r"(?:с тобой никто не|никто с тобой не) (?:дружит|будет|общается|сидит|хочет)",
    r"ты (?:никто|ничтожество|пустое место|позор класса)",
    r"тебе (?:здесь |тут )?не место",
    r"вали из (?:класса|школы|чата)",
    r"(?:изобьем|побьем|отлупим|отметелим|уроем|урою|прибью|прибьем|убью|убьем) (?:тебя|его|ее)",
    r"(?:сольем|солью|выложим|разошлем|скинем всем|покажем всем) (?:твои|его|ее) "
    r"(?:фото|фотки|переписку|нюдсы|видео)",
)
_PATTERNS = (
    ("self_harm", re.compile(r"\b(?:" + "|".join(_SELF_HARM) + r")")),
    ("bullying", re.compile(r"\b(?:" + "|".join(_BULLYING) + r")")),
)


_parser: Any = importlib.import_module("re._parser")  # the syntax tree of a pattern (no stubs)


def _starts(items: list[tuple[Any, Any]], partials: set[str], n: int) -> set[str]:
    """The first `n` characters of every text a parsed pattern matches, continuing `partials`
    (texts of fewer characters, which only a match shorter than `n` would leave, stay as they
    are). Zero-width tests (\\b, lookaheads) are skipped: more starts, never fewer."""
    for op, av in items:
        if all(len(p) >= n for p in partials):
            break
        if op is _parser.LITERAL:
            partials = {p + chr(av) if len(p) < n else p for p in partials}
        elif op is _parser.IN and all(kind is _parser.LITERAL for kind, _ in av):
            partials = {p + chr(c) if len(p) < n else p for p in partials for _, c in av}
        elif op is _parser.BRANCH:
            partials = set().union(*(_starts(list(alt), partials, n) for alt in av[1]))
        elif op is _parser.MAX_REPEAT and av[1] < 10:
            low, high, item = av
            found, current = set(), partials
            for count in range(high + 1):
                if count >= low:
                    found |= current
                current = _starts(list(item), current, n)
            partials = found
        elif op in (_parser.AT, _parser.ASSERT_NOT, _parser.ASSERT):
            continue
        else:
            raise ValueError(f"cannot read the starts of {op}")  # extend _starts, or drop _STARTS
    return partials


# How every match of _PATTERNS begins (its first _N characters, spaces included): a message
# whose words begin none of them carries no signal, and most messages are told so by cached
# lookups of their pairs of words instead of two searches through ~40 phrases.
_STARTS = frozenset().union(*(_starts(list(_parser.parse(p.pattern)), {""}, 6)
                              for _, p in _PATTERNS))
_N = min(map(len, _STARTS))  # six, unless a phrase is shorter
_BEGINNINGS = frozenset(start[:k] for start in _STARTS for k in range(1, _N + 1))
_WORD_CHAR = re.compile(r"\w")
if not (all(_WORD_CHAR.match(start) for start in _STARTS)
        and all(p.pattern.startswith(r"\b") and not p.flags & re.IGNORECASE for _, p in _PATTERNS)):
    raise ValueError("_may_start needs every signal to begin a word with a lowercase letter")


@lru_cache(maxsize=8192)
def _may_start(word: str, following: str) -> bool:
    """Whether a match may begin in a word of the line, `following` the next word ("" after the
    last): a match begins at a word boundary, i.e. at the word's start or after a character that
    is not a word character («*» of a masked letter). A piece cut short by the end of
    `following` needs only to begin one of _STARTS: more words may follow it in the line."""
    line = f"{word} {following}"
    if word.isalnum():  # nearly every word: only its start follows no word character
        return line[:_N] in _BEGINNINGS
    return any(line[i:i + _N] in _BEGINNINGS for i in range(len(word))
               if i == 0 or not _WORD_CHAR.match(word[i - 1]))


def find_signal(words: list[str]) -> tuple[str, str] | None:
    """(kind, matched phrase) for the first signal found, self-harm before bullying."""
    if not any(map(_may_start, words, [*words[1:], ""])):
        return None  # nearly every message
    line = " ".join(words)
    for kind, pattern in _PATTERNS:
        m = pattern.search(line)
        if m:
            return kind, m.group()
    return None


def check(ctx: Context, settings: WellbeingSettings) -> list[Decision]:
    found = find_signal(ctx.words)
    if found is None:
        return []
    kind, phrase = found
    return [Decision(
        action=Action.PRIVATE_ALERT,
        policy=POLICY,
        reason=texts.WELLBEING_REASONS[kind],
        severity=3 if kind == "self_harm" else 2,
        fragment=phrase,
        strike=False,
    )]
