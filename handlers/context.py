"""What every handler may take by parameter name besides its event: the App (``app``).

The compiled router (handlers/router.py) passes these to handlers and rules whose signature
names them, alongside what the handler's rules returned."""

from __future__ import annotations

from typing import Any

from bot.runtime.app import App


def handler_context(app: App) -> dict[str, Any]:
    return {"app": app}
