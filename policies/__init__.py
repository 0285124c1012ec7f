"""Pure moderation policies: plain data in, `Decision` out. No I/O, no VK, no database."""
from .base import Action, AuthorHistory, AuthorInfo, Decision, MessageInput, Mode
from .escalation import Step, active, next_sanction
from .obscene import Match, find_obscene
from .pipeline import evaluate
from .settings import (
    CHAT_TYPES,
    POLICY_NAMES,
    ModerationSettings,
    PolicySettings,
    apply_overrides,
    default_settings,
)

__all__ = [
    "Action", "AuthorHistory", "AuthorInfo", "CHAT_TYPES", "Decision", "Match", "MessageInput",
    "Mode", "ModerationSettings", "POLICY_NAMES", "PolicySettings", "Step", "active",
    "apply_overrides", "default_settings", "evaluate", "find_obscene", "next_sanction",
]
