"""Middleware that hands the App to handlers by parameter name (``app``)."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle import BaseMiddleware

from bot.runtime.app import App

log = logging.getLogger(__name__)


def app_middleware(app: App) -> type[BaseMiddleware[Any]]:
    class AppMiddleware(BaseMiddleware[Any]):
        async def pre(self) -> None:
            # vkbottle drops an event silently if pre() raises: keep this trivial.
            self.send({"app": app})

    return AppMiddleware
