"""One-time join codes «XXXX-XXXX»: making them, reading what people type, hashing for storage."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Protocol

# No 0/O, 1/I/L: nothing a person can misread on paper. 31 symbols, 8 of them ≈ 39.6 bits —
# enough for a one-time code that is rate-limited and expires.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_ALLOWED = frozenset(ALPHABET)

# Cyrillic letters typed on a Russian layout that look like Latin ones in the alphabet, and «З»
# that looks like 3.
_CYRILLIC_LOOKALIKES = str.maketrans("АВЕКМНРСТХУЗ", "ABEKMHPCTXY3")
_SEPARATOR_CHARS = r"\s\-‐‑‒–—―−_."  # what people type between the parts of a code
_SEPARATORS = re.compile(f"[{_SEPARATOR_CHARS}]")


class _Chooser(Protocol):
    def choice(self, seq: str) -> str: ...


def format_code(raw8: str) -> str:
    return f"{raw8[:4]}-{raw8[4:]}"


def new_code(rng: _Chooser = secrets) -> str:
    """A fresh code; pass ``random.Random(seed)`` in tests for a fixed sequence."""
    return format_code("".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def normalize_code(user_text: str | None) -> str | None:
    """«abcd efgh», «АВСD-EFGH» (Cyrillic), «abcdefgh» → «ABCD-EFGH»; None if it cannot be a code."""
    text = _SEPARATORS.sub("", (user_text or "").strip().upper()).translate(_CYRILLIC_LOOKALIKES)
    if len(text) != CODE_LENGTH or not set(text) <= _ALLOWED:
        return None
    return format_code(text)


# Free text: runs of letters and digits, and what may separate the parts of one code.
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+")
_GAP = re.compile(rf"^[{_SEPARATOR_CHARS}]{{1,3}}$")
_GLUED = re.compile(r"^[\-‐‑‒–—―−_.]{1,3}$")  # joined without a space: one longer token
_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z]")
MAX_PARTS = 4  # «DKDX W22N», «dk dx w2 2n»: a code typed in up to four pieces


_DIGIT = re.compile(r"[0-9]")
_HALVES = re.compile(r"^[0-9A-Za-z]{3,5}[\s\-‐‑‒–—―−_.][0-9A-Za-z]{3,5}$")  # «ABCD-EFG»: two halves
_SAYS_CODE = re.compile(r"код|code", re.IGNORECASE)


def _code_chars() -> str:
    """Every letter of `_WORD` that `normalize_code` reads as a symbol of the alphabet."""
    letters = "".join(chr(c) for c in (*range(0x30, 0x7B), *range(0x401, 0x452))
                      if _WORD.fullmatch(chr(c)))
    return "".join(ch for ch in letters if normalize_code(ch * CODE_LENGTH) is not None)


_CODE_CHARS = _code_chars()
# What a code found in a text needs (find_codes reads nothing from a text that has none of it):
# - the whole text a code: at most eight characters that are not separators (upper() never
#   shortens a text; `test_codes.py` checks that no other character turns into separators);
#   possessive: a longer text fails at the ninth symbol, without giving back separators and
#   symbols to try again (nothing given back could reach the end: a symbol follows).
_FEW_SYMBOLS = re.compile(
    rf"[{_SEPARATOR_CHARS}]*+(?:[^{_SEPARATOR_CHARS}][{_SEPARATOR_CHARS}]*+){{1,{CODE_LENGTH}}}+\Z"
)
# - a code inside a text: eight code letters, at most four separators between neighbours (a piece
#   joins the next across a `_GAP`: up to three separators, and its `$` lets a newline follow
#   them); one of them a Latin letter or a digit (`needs`).
_CODE_LATIN_OR_DIGIT = re.compile(f"[{re.sub('[^0-9A-Za-z]', '', _CODE_CHARS)}]")
#   Written out eight times rather than as a repeated group: the engine's general repeat cost a
#   quarter of the search on ordinary talk with a number (most chat messages with a digit).
_CODE_RUN = re.compile(
    rf"[{_CODE_CHARS}]" + rf"[{_SEPARATOR_CHARS}]{{0,4}}+[{_CODE_CHARS}]" * (CODE_LENGTH - 1)
)


def find_codes(text: str | None, *, lenient: bool = False) -> list[str]:
    """The join codes a free-text message carries, canonical, in order: «мне дали код dkdx w22n»,
    «DKDX-W22N.», «код: АВСD-ЕFGН» (Cyrillic look-alikes).

    A message that is nothing but a code is one, even typed wholly in Cyrillic. Inside a sentence
    a piece counts when it normalizes to a code and has a digit, or the message speaks of a code
    («код», «code») and the piece has a Latin letter: «сметанка» (eight look-alike letters) and
    «напишите в WhatsApp» are not codes. ``lenient``: a Latin letter or a digit is enough (for a
    search whose every hit is checked against the stored codes, e.g. codes posted in chats)."""
    text = text or ""
    if not (_FEW_SYMBOLS.match(text)
            or _CODE_LATIN_OR_DIGIT.search(text) and _CODE_RUN.search(text)):
        return []  # most chat messages: no code could be read anywhere in them
    return _scan(text, lenient)


def _scan(text: str, lenient: bool) -> list[str]:
    """find_codes without the pre-check (tests compare the two)."""
    needs = _LATIN_OR_DIGIT if lenient or _SAYS_CODE.search(text) else _DIGIT
    whole = normalize_code(text)
    if whole is not None:
        return [whole]
    if not needs.search(text):
        return []  # most chat messages: no piece could qualify, nothing to scan
    words = list(_WORD.finditer(text))
    found: list[str] = []
    for start in range(len(words)):
        for end in range(start, min(start + MAX_PARTS, len(words))):
            if end > start and not _GAP.match(text[words[end - 1].end():words[end].start()]):
                break
            raw = text[words[start].start():words[end].end()]
            if len(_SEPARATORS.sub("", raw)) > CODE_LENGTH:
                break
            before = text[words[start - 1].end():words[start].start()] if start > 0 else " "
            after = text[words[end].end():words[end + 1].start()] if end + 1 < len(words) else " "
            if _GLUED.match(before) or _GLUED.match(after):
                continue  # a piece of something longer («ABCD-EFGH-J»)
            code = normalize_code(raw)
            if code is not None and needs.search(raw) and code not in found:
                found.append(code)
    return found


def looks_like_code_attempt(text: str | None) -> bool:
    """A message that is almost a code (one symbol short or too many, a 0 for an O): worth
    answering with the code's format rather than with «не понимаю»."""
    stripped = (text or "").strip()
    raw = _SEPARATORS.sub("", stripped)
    if not (CODE_LENGTH - 1 <= len(raw) <= CODE_LENGTH + 1 and raw.isalnum()):
        return False
    mixed = any(ch.isdigit() for ch in raw) and any(ch.isalpha() for ch in raw)
    return mixed or bool(_HALVES.match(stripped))


def hash_code(code: str, pepper: bytes) -> str:
    """HMAC-SHA256 (hex) of the canonical code; only this is stored."""
    canonical = normalize_code(code)
    if canonical is None:
        raise ValueError("not a join code")
    return hmac.new(pepper, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def hashes_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two hex digests."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def code_matches(user_text: str | None, stored_hash: str, pepper: bytes) -> bool:
    canonical = normalize_code(user_text)
    return canonical is not None and hashes_equal(hash_code(canonical, pepper), stored_hash)
