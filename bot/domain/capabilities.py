"""What a role may do: the capabilities the role matrix (``bot.services.access.CAPABILITIES``)
grants and the command catalogue (``bot.domain.commands``) requires. Services and handlers name a
capability by this enum, never by a string literal (tests/unit/test_capabilities.py checks it);
a ``StrEnum`` member is its old string, so the matrix keyed by strings finds it."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    EVERYONE = "everyone"  # anybody, no role needed
    ORG_MANAGE = "org_manage"  # create organisations below one's own
    ROLE_MANAGE = "role_manage"  # give and take roles; announcements to the school's chats
    SCHOOL_VIEW = "school_view"  # the school's card and its chats
    ROSTER_MANAGE = "roster_manage"  # the school's lists, codes
    CHAT_CREATE = "chat_create"  # create a chat of the school
    CHAT_BIND = "chat_bind"  # bind a chat; polls, meetings, posts in one's chats
    CHAT_MODERATE = "chat_moderate"  # moderate the school's chats
    REPORT_VIEW = "report_view"  # monthly reports, the web cabinet
    ALERTS_RECEIVE = "alerts_receive"  # moderators' alerts of the school
