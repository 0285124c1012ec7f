"""What the policies of one message share: the input and its analysis, computed once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from .base import AuthorHistory, MessageInput
from .normalize import Token, clean, phrase_words, read, tokens

T = TypeVar("T")


class _once(Generic[T]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first access,
    several times per message): computed on first access, then read from the instance."""

    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]  # the class attribute itself
        value = self.fn(obj)
        # setattr, not obj.__dict__: asking for __dict__ makes Python give the instance a real
        # dict, and every later attribute read of it (a dozen per message) a slower lookup
        setattr(obj, self.name, value)
        return value


@dataclass
class Context:
    msg: MessageInput
    history: AuthorHistory
    allowlist: frozenset[str] = frozenset()
    school_domains: frozenset[str] = frozenset()
    quiet_notice_given: bool = False

    @_once
    def text(self) -> str:
        """The text with compatibility forms folded and invisible characters removed."""
        return clean(self.msg.text)

    @_once
    def tokens(self) -> list[Token]:
        return tokens(self.text, cleaned=True)

    @_once
    def words(self) -> list[str]:
        """Normalised whole words, for phrase and cue-word matching."""
        return phrase_words(self.tokens)

    def read_words(self) -> None:
        """Compute text, tokens and words at once, as reading each would (the first read of each
        costs a call of its descriptor): for a message the word policies will read."""
        # stored as _once stores them (the instance's own attributes shadow the descriptors)
        self.text = text = clean(self.msg.text)
        self.tokens, self.words = read(text, cleaned=True)

    @_once
    def now_ts(self) -> float:
        return self.msg.now.timestamp()
