"""`policy-check`: run lines of text through a chat type's preset (for staff and developers)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, Iterator

from .base import AuthorHistory, AuthorInfo, MessageInput
from .pipeline import evaluate
from .settings import default_settings

_MEMBER = AuthorInfo(user_id=1, status="member", is_chat_staff=False)


def policy_check(lines: Iterable[str], chat_type: str,
                 now: datetime | None = None) -> Iterator[dict]:
    """For each line, the worst decision as {"text", "action", "policy", "reason"}; action
    "allow" and policy None when nothing fires. Each line is judged on its own, as a member's
    message (no flood history). Raises ValueError (Russian) for an unknown chat type."""
    settings = default_settings(chat_type)
    moment = now or datetime.now(timezone.utc)
    for line in lines:
        text = line.rstrip("\r\n")
        msg = MessageInput(text=text, now=moment, author=_MEMBER, chat_type=chat_type)
        decisions = evaluate(msg, settings, AuthorHistory())
        if decisions:
            worst = decisions[0]
            yield {"text": text, "action": str(worst.action), "policy": worst.policy,
                   "reason": worst.reason}
        else:
            yield {"text": text, "action": "allow", "policy": None, "reason": None}
