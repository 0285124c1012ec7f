"""Request pipeline: version/token/rate checks, fault injection, handler call, envelope."""
from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from .errors import VKError
from .methods import ExecuteResult, load_all
from .params import Params
from .state import Call

if TYPE_CHECKING:
    from .emulator import Emulator

# Token permission a method needs (community token scopes).
_SCOPES = {"messages.": "messages", "docs.": "docs", "groups.getSettings": "manage",
           "groups.getLongPollSettings": "manage"}


def request_params(method: str, raw: dict[str, str]) -> list[dict[str, str]]:
    items = [{"key": k, "value": str(v)} for k, v in raw.items() if k != "access_token"]
    return items + [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]


def error_body(method: str, raw: dict[str, str], err: VKError) -> dict[str, Any]:
    return {"error": {"error_code": err.code, "error_msg": err.msg,
                      "request_params": request_params(method, raw)}}


def _check_version(raw: dict[str, str]) -> None:
    v = raw.get("v")
    if not v:
        raise VKError(8)
    try:
        ok = float(v) >= 5.0
    except ValueError:
        ok = False
    if not ok:
        raise VKError(8, "Invalid request: versions below 5.0 are no longer supported")


async def handle_request(emu: Emulator, method: str, raw: dict[str, str], token: str | None) -> dict:
    """One HTTP request to /method/<name>: returns the JSON envelope."""
    try:
        _check_version(raw)
        if not token or token != emu.token:
            raise VKError(5)
        if emu.rate_limited(token):
            raise VKError(6)
    except VKError as err:
        emu.calls.append(Call(method, dict(raw), None, err.code, token, emu.clock(), err.msg))
        emu._notify()
        return error_body(method, raw, err)
    try:
        result = await invoke(emu, method, raw, token)
    except VKError as err:
        return error_body(method, raw, err)
    if isinstance(result, ExecuteResult):
        return {"response": result.response, "execute_errors": result.errors}
    return {"response": result}


async def invoke(emu: Emulator, method: str, raw: dict[str, str], token: str | None,
                 in_execute: bool = False) -> Any:
    """Run one API method with full semantics; records a Call. Raises VKError."""
    call = Call(method, dict(raw), token=token, at=emu.clock(), in_execute=in_execute)
    emu.calls.append(call)
    emu._notify()  # waiters may look for a call's arrival; response is filled in later
    try:
        delay = emu.take_delay(method)
        if delay:
            await emu.hang(delay)
        fault = emu.take_fault(method)
        if fault is not None:
            raise VKError(fault[0], fault[1])
        handler = load_all().get(method)
        if handler is None or (in_execute and method == "execute"):
            raise VKError(3)
        scope = next((s for prefix, s in _SCOPES.items() if method.startswith(prefix)), None)
        if scope and scope not in emu.token_permissions:
            raise VKError(15, "Access denied: no access to call this method")
        result = handler(emu, Params(raw))
        if inspect.isawaitable(result):
            result = await result
        call.response = result.response if isinstance(result, ExecuteResult) else result
        return result
    except VKError as err:
        call.error_code, call.error_msg = err.code, err.msg
        raise
    finally:
        emu._notify()
