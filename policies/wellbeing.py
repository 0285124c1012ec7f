"""Signals of self-harm and bullying in children's chats.

Never a public action: the class teacher and the psychologist get a private alert and decide.
Phrases are matched on normalised words, so disguises that work against the obscene filter
(«уб3й с е б я», «xочу умереть») are undone here too.
"""
from __future__ import annotations

import re

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


def find_signal(words: list[str]) -> tuple[str, str] | None:
    """(kind, matched phrase) for the first signal found, self-harm before bullying."""
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
