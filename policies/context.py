"""What the policies of one message share: the input and its analysis, computed once."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .base import AuthorHistory, MessageInput
from .normalize import Token, clean, phrase_words, tokens


@dataclass
class Context:
    msg: MessageInput
    history: AuthorHistory
    allowlist: frozenset[str] = frozenset()
    school_domains: frozenset[str] = frozenset()
    quiet_notice_given: bool = False

    @cached_property
    def text(self) -> str:
        """The text with compatibility forms folded and invisible characters removed."""
        return clean(self.msg.text)

    @cached_property
    def tokens(self) -> list[Token]:
        return tokens(self.text, cleaned=True)

    @cached_property
    def words(self) -> list[str]:
        """Normalised whole words, for phrase and cue-word matching."""
        return phrase_words(self.tokens)

    @property
    def now_ts(self) -> float:
        return self.msg.now.timestamp()
