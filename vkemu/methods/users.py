"""users.get."""
from __future__ import annotations

from typing import Any

from ..errors import VKError, param_error
from ..params import Params
from ..vkobjects import user_object
from . import method


@method("users.get")
def users_get(emu: Any, p: Params) -> list[dict]:
    items = p.str_list("user_ids") or p.str_list("user_id")
    if not items:
        raise param_error("user_ids is undefined")
    if len(items) > 1000:
        raise param_error("user_ids is too long")
    by_name = {u.screen_name.lower(): u.id for u in emu.users.values() if u.screen_name}
    fields = p.str_list("fields")
    result = []
    for item in items:
        low = item.lower()
        if low.isdigit():
            uid = int(low)
        elif low.startswith("id") and low[2:].isdigit():
            uid = int(low[2:])
        elif low in by_name:
            uid = by_name[low]
        else:
            raise VKError(113)
        user = emu.users.get(uid)
        if user is not None:
            result.append(user_object(user, fields))
    return result
