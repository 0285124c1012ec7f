"""execute: a small VKScript subset — `return [API.a.b({...}), ...];` or `return API.a.b({...});`."""
from __future__ import annotations

import json
import re
from typing import Any

from ..errors import VKError
from ..params import Params, stringify
from . import ExecuteResult, method

MAX_CALLS = 25
_NAME = re.compile(r"API\.([a-zA-Z]+)\.([a-zA-Z]+)\s*\(")
_DECODER = json.JSONDecoder()


def parse_code(code: str) -> tuple[list[tuple[str, dict]], bool]:
    """Returns ([(method, args)], is_list). Raises VKError(12) on anything else."""
    text = code.strip()
    if not text.startswith("return"):
        raise VKError(12)
    pos = _skip(text, len("return"))
    is_list = text.startswith("[", pos)
    calls: list[tuple[str, dict]] = []
    if is_list:
        pos = _skip(text, pos + 1)
        if text.startswith("]", pos):
            pos += 1
        else:
            while True:
                pos = _parse_call(text, pos, calls)
                pos = _skip(text, pos)
                if text.startswith(",", pos):
                    pos = _skip(text, pos + 1)
                    continue
                if text.startswith("]", pos):
                    pos += 1
                    break
                raise VKError(12)
    else:
        pos = _parse_call(text, pos, calls)
    pos = _skip(text, pos)
    if text.startswith(";", pos):
        pos = _skip(text, pos + 1)
    if pos != len(text):
        raise VKError(12)
    return calls, is_list


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _parse_call(text: str, pos: int, calls: list) -> int:
    match = _NAME.match(text, pos)
    if not match:
        raise VKError(12)
    pos = _skip(text, match.end())
    args: dict = {}
    if not text.startswith(")", pos):
        try:
            args, pos = _DECODER.raw_decode(text, pos)
        except ValueError:
            raise VKError(12) from None
        if not isinstance(args, dict):
            raise VKError(12)
        pos = _skip(text, pos)
    if not text.startswith(")", pos):
        raise VKError(12)
    calls.append((f"{match.group(1)}.{match.group(2)}", args))
    return pos + 1


@method("execute")
async def execute(emu: Any, p: Params) -> Any:
    from ..dispatch import invoke

    calls, is_list = parse_code(p.str("code", required=True))
    results: list[Any] = []
    errors: list[dict] = []
    for index, (name, args) in enumerate(calls):
        if index >= MAX_CALLS:  # VK fails at run time, after the first 25 calls ran
            raise VKError(13, "Runtime error occurred during code invocation: Too many API calls")
        raw = {k: stringify(v) for k, v in args.items()}
        raw.setdefault("v", p.str("v", "5.199"))
        try:
            results.append(await invoke(emu, name, raw, emu.token, in_execute=True))
        except VKError as err:
            results.append(False)
            errors.append({"method": name, "error_code": err.code, "error_msg": err.msg})
    response = results if is_list else (results[0] if results else None)
    return ExecuteResult(response, errors) if errors else response
