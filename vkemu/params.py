"""Parsing of request parameters the way VK reads them (everything arrives as strings)."""
from __future__ import annotations

import builtins
import json
from typing import Any, Literal, overload

from .errors import VKError, param_error


class Params:
    """Read-only view of request params with VK-like coercion and errors."""

    def __init__(self, raw: dict[str, str]):
        self.raw = raw

    def has(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and value != ""

    # The methods below are named str/int/bool: in this class's later annotations those names
    # are the methods, so the types are spelled builtins.str etc.
    # A default or required=True gives a value, never None.
    @overload
    def str(self, name: str, default: str, *, required: bool = False) -> str: ...
    @overload
    def str(self, name: str, default: None = None, *, required: Literal[True]) -> str: ...
    @overload
    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str | None: ...

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        if not self.has(name):
            if required:
                raise param_error(f"{name} is missing")
            return default
        return self.raw[name]

    @overload
    def int(self, name: builtins.str, default: int, *, required: bool = False) -> int: ...
    @overload
    def int(self, name: builtins.str, default: None = None, *, required: Literal[True]) -> int: ...
    @overload
    def int(self, name: builtins.str, default: int | None = None,
            *, required: bool = False) -> int | None: ...

    def int(self, name: builtins.str, default: int | None = None, *, required: bool = False) -> int | None:
        if not self.has(name):
            if required:
                raise param_error(f"{name} is missing")
            return default
        try:
            return int(str(self.raw[name]).strip())
        except ValueError:
            raise param_error(f"{name} not integer") from None

    def bool(self, name: builtins.str, default: builtins.bool = False) -> builtins.bool:
        if not self.has(name):
            return default
        value = str(self.raw[name]).strip().lower()
        if value in ("1", "true"):
            return True
        if value in ("0", "false"):
            return False
        raise param_error(f"{name} should be 0 or 1")

    def int_list(self, name: builtins.str, *, required: builtins.bool = False,
                 limit: builtins.int | None = None) -> list[builtins.int]:
        if not self.has(name):
            if required:
                raise param_error(f"{name} is missing")
            return []
        text = str(self.raw[name]).strip()
        if text.startswith("["):  # tolerate JSON arrays, as VK does for list params
            try:
                items = [str(x) for x in json.loads(text)]
            except ValueError:
                raise param_error(f"{name} is invalid") from None
        else:
            items = [x for x in text.split(",") if x.strip()]
        try:
            values = [int(x.strip()) for x in items]
        except ValueError:
            raise param_error(f"{name} is invalid") from None
        if limit is not None and len(values) > limit:
            raise param_error(f"{name} is too long (max {limit})")
        return values

    def str_list(self, name: builtins.str) -> list[builtins.str]:
        if not self.has(name):
            return []
        return [x.strip() for x in str(self.raw[name]).split(",") if x.strip()]

    def json(self, name: builtins.str, *, error_code: builtins.int = 100) -> Any:
        if not self.has(name):
            return None
        try:
            return json.loads(self.raw[name])
        except ValueError:
            if error_code != 100:
                raise VKError(error_code) from None
            raise param_error(f"{name} is invalid JSON") from None


def stringify(value: Any) -> str:
    """Turn a Python/JSON value into the string form a client would send over HTTP."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in value):
            return ",".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return str(value)
