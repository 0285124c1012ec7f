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
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_.]")


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
