"""VK API error codes and the exception the method handlers raise."""
from __future__ import annotations

# Default error messages, as VK words them.
ERROR_MESSAGES: dict[int, str] = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    8: "Invalid request: v (version) is required",
    9: "Flood control",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation",
    14: "Captcha needed",
    15: "Access denied",
    100: "One of the parameters specified was missing or invalid",
    113: "Invalid user id",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    909: "Can't edit this message, because it's too old",
    911: "Keyboard format is invalid",
    912: "This is a chat bot feature, change this status in settings",
    913: "Too many forwarded messages",
    914: "Message is too long",
    917: "You don't have access to this chat",
    919: "You can't see invite link for this chat",
    920: "Can't edit this kind of message",
    921: "Can't forward these messages",
    924: "Can't delete this message for everybody",
    925: "You are not admin of this chat",
    927: "Chat does not exist",
    931: "You can't change invite link for this chat",
    935: "User not found in chat",
    936: "Contact not found",
    945: "Chat was disabled",
    946: "Chat not supported",
    980: "Can't pin service message",
    1014: "Too many pinned messages",
    1018: "Message was deleted",
}


def default_message(code: int) -> str:
    return ERROR_MESSAGES.get(code, f"Error {code}")


class VKError(Exception):
    """An API error: becomes `{"error": {...}}` in the envelope."""

    def __init__(self, code: int, msg: str | None = None, *, detail: str | None = None):
        text = msg or default_message(code)
        if detail:
            text = f"{text}: {detail}"
        super().__init__(text)
        self.code = code
        self.msg = text


def param_error(detail: str) -> VKError:
    """Error 100 with VK's "missing or invalid" prefix."""
    return VKError(100, detail=detail)
