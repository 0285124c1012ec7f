"""Logging setup. Logs carry ids, never message texts, names or secrets."""

from __future__ import annotations

import logging
import sys


def setup(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # vkbottle logs request payloads (message texts) at DEBUG: keep it quiet.
    for noisy in ("vkbottle", "aiohttp.access", "apscheduler.executors.default", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:  # vkbottle switches to loguru when it is installed: keep that quiet too
        from loguru import logger as loguru_logger
    except ImportError:
        return
    loguru_logger.remove()
    loguru_logger.add(sys.stderr, level="WARNING")
