"""API method registry. Each handler: `fn(emu, params: Params) -> response` (may be async)."""
from __future__ import annotations

from typing import Any, Callable

REGISTRY: dict[str, Callable[..., Any]] = {}


def method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = fn
        return fn

    return register


class ExecuteResult:
    """An execute response that also carries top-level `execute_errors` in the envelope."""

    def __init__(self, response: Any, errors: list[dict]):
        self.response = response
        self.errors = errors


def load_all() -> dict[str, Callable[..., Any]]:
    from . import calls, callback_api, chats, docs, execute, groups, messages, users  # noqa: F401  (registers)

    return REGISTRY
