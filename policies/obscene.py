"""Obscene language: find the worst root in a text, after undoing disguises."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .normalize import MASK, Token, allow_key, mask, tokens
from .obscene_lexicon import ENGLISH, LATIN_INNOCENT_PREFIXES, LEET, MASK_TARGETS, ROOTS, Root
from .settings import ObsceneSettings

POLICY = "obscene"
_DRAWN = re.compile(r"[|}{><\[\]()/\\]")  # symbols that draw letters (normalize._SYMBOL_GLYPHS)


@dataclass(frozen=True)
class Match:
    tier: int
    fragment: str  # raw text, as evidence
    root: str  # normalised root
    token: str  # normalised token: the key an allow-list entry must equal to silence it

    @property
    def masked(self) -> str:
        if _DRAWN.search(self.fragment):  # «}|{опа» shows as «ж**а», not «о*а»
            return mask(self.token)
        return mask(self.fragment)


def _alternatives(pattern: str) -> list[str]:
    """Split a pattern at its top-level «|»."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


class _Matcher:
    """All roots in two alternations: those anchored at the start of a word are tried at one
    position only, the rest are searched; far cheaper than searching one big alternation."""

    def __init__(self, roots: Iterable[Root]) -> None:
        self.roots = tuple(roots)
        head: list[str] = []
        anywhere: list[str] = []
        for i, root in enumerate(self.roots):
            for n, alt in enumerate(_alternatives(root.pattern)):
                group = f"(?P<r{i}_{n}>{alt})"  # group names must be unique: root, alternative
                (head if alt.startswith("^") else anywhere).append(group)
        self.head = re.compile("|".join(head))
        self.anywhere = re.compile("|".join(anywhere))
        # The same alternatives without a group around each: whether one matches at all, four
        # times faster (a group in front of an alternative hides its first letter from the
        # engine, which then enters every alternative); nearly every form has no root.
        # «^» once in front of them all: an alternative that begins with a letter is skipped at
        # its first letter, one that begins with «^» is entered (1285 characters of them)
        self.head_any = re.compile("^(?:" + "|".join(alt[1:] for alt in _ungrouped(head)) + ")")
        self.anywhere_any = re.compile("|".join(_ungrouped(anywhere)))

    def root_of(self, form: str, *, at_start: bool = False) -> Root | None:
        if not (self.head_any.match(form) or (self.anywhere_any.match(form) if at_start
                                              else self.anywhere_any.search(form))):
            return None
        inner = self.anywhere.match(form) if at_start else self.anywhere.search(form)
        found = [m for m in (self.head.match(form), inner) if m]
        if not found:
            return None
        roots = [self.roots[_root_index(m)] for m in found]
        return min(roots, key=lambda r: r.tier)


def _ungrouped(groups: list[str]) -> list[str]:
    """«(?P<r0_1>alt)» → «alt»: each is one top-level alternative of a root's pattern."""
    return [g[g.index(">") + 1:-1] for g in groups]


def _root_index(m: re.Match[str]) -> int:
    """The root a match of _Matcher's patterns names: every alternative is a named group."""
    assert m.lastgroup is not None
    return int(m.lastgroup[1:].split("_")[0])


_ALL = _Matcher(ROOTS)
_LATIN = _Matcher(r for r in ROOTS if r.latin_ok)
_ENGLISH = re.compile(ENGLISH)
_ENGLISH_ROOT = Root("fuck", 2, ENGLISH)


def _mask_regex(form: str) -> re.Pattern[str] | None:
    letters = sum(1 for ch in form if ch != MASK)
    if letters < 2:
        return None
    parts = re.split(r"(\*+)", form)
    regex = "".join(f"[а-я]{{{len(p)},{len(p) + 1}}}" if p.startswith(MASK) else p for p in parts)
    return re.compile(regex)


_MASK_ROOTS = tuple((word, _ALL.root_of(word)) for word in MASK_TARGETS)


def _masked_root(form: str) -> Root | None:
    regex = _mask_regex(form)
    if regex is None:
        return None
    for word, root in _MASK_ROOTS:
        if root is not None and regex.fullmatch(word):
            return root
    return None


def _context_allows(root: Root, prev: str, nxt: str) -> bool:
    if root.needs_prev and prev not in root.needs_prev:
        return False
    return prev not in root.not_prev and nxt not in root.not_next


@lru_cache(maxsize=8192)  # tokens repeat as their words do; most have no candidate at all
def _candidates(token: Token) -> tuple[tuple[Root, str], ...]:
    """(root, form) of every form of a token that names a root which may count in this token,
    in the order of its forms; whether one does count depends on the words around it."""
    if token.latin is not None:
        if token.latin.startswith(LATIN_INNOCENT_PREFIXES):
            return ()
        if _ENGLISH.search(token.latin.translate(LEET)):
            return ((_ENGLISH_ROOT, token.latin),)  # no context rules: always counts
        matcher = _LATIN
    else:
        matcher = _ALL
    # A word spelled with spaces must begin where the match begins: «их у её» is not «хуе».
    spaced = not token.whole and not token.piece
    found = []
    for form in token.forms:
        root = _masked_root(form) if MASK in form else matcher.root_of(form, at_start=spaced)
        if root is None or (token.piece and root.tier == 3):
            continue  # an insult word inside a compound is not aimed at anyone: «Лох-Несс»
        if not root.joined_ok and not token.whole:
            continue
        found.append((root, form))
    return tuple(found)


def _token_root(token: Token, prev: str, nxt: str) -> tuple[Root, str] | None:
    for root, form in _candidates(token):
        if _context_allows(root, prev, nxt):
            return root, form
    return None


@lru_cache(maxsize=8192)
def _may_name_root(forms: tuple[str, ...]) -> bool:
    """Whether `_candidates` may find a root in a token with these forms and no Latin spelling:
    what its matcher needs before it looks further. Asked first, as nearly every token has no
    root: a tuple of strings is hashed in C, a Token (the key of `_candidates`) in Python."""
    return any(MASK in form or _ALL.head_any.match(form) or _ALL.anywhere_any.search(form)
               for form in forms)


@lru_cache(maxsize=256)
def _allow_keys(allowlist: frozenset[str]) -> frozenset[str]:
    return frozenset(allow_key(word) for word in allowlist) | allowlist


def find_obscene(text: str, allowlist: frozenset[str] = frozenset(),
                 *, toks: list[Token] | None = None) -> Match | None:
    """The worst (lowest-tier) obscene or abusive word in `text`, or None.

    `allowlist` holds words a school marked as false positives (any spelling: they are
    normalised with `allow_key`); a token whose normalised form is listed never fires.
    `toks` lets a caller that already tokenised the text share the work.
    """
    toks = tokens(text) if toks is None else toks
    allowed = _allow_keys(allowlist) if allowlist else frozenset()
    whole: list[str] | None = None  # the first form of every whole word, when one is needed
    best: Match | None = None
    position = -1
    for token in toks:
        if token.whole:
            position += 1
        if token.latin is None and not _may_name_root(token.forms) or not _candidates(token):
            continue  # nearly every word: nothing to check against its neighbours
        if allowed and any(form in allowed for form in token.forms):
            continue
        if whole is None:
            whole = [t.forms[0] for t in toks if t.whole]
        prev = whole[position - 1] if token.whole and position > 0 else ""
        nxt = whole[position + 1] if token.whole and position + 1 < len(whole) else ""
        found = _token_root(token, prev, nxt)
        if found is None:
            continue
        root, form = found
        if best is None or root.tier < best.tier:
            best = Match(root.tier, token.raw, root.name, form)
            if root.tier == 1:
                break
    return best


def check(ctx: Context, settings: ObsceneSettings) -> list[Decision]:
    match = find_obscene(ctx.text, ctx.allowlist, toks=ctx.tokens)
    if match is None or match.tier > settings.max_tier:
        return []
    reason = texts.OBSCENE_BY_TIER[match.tier]
    return [Decision(
        action=Action.DELETE,
        policy=POLICY,
        reason=reason,
        severity=4 - match.tier,
        fragment=match.fragment,
        masked=match.masked,
        notify_private=texts.OBSCENE_PRIVATE.format(reason_lower=texts.lower_first(reason)),
    )]
