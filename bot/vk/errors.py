"""Domain errors for VK failures. ``bot/vk`` raises these; nothing else sees VKAPIError."""

from __future__ import annotations


class VkError(Exception):
    """A VK API call failed. ``code`` is VK's error code (0 for transport failures)."""

    def __init__(self, code: int, method: str, message: str = "") -> None:
        super().__init__(f"VK {method} failed with {code}: {message}")
        self.code = code
        self.method = method
        self.vk_message = message


class VkAuthError(VkError):
    """5: the token is invalid or revoked."""


class VkUnavailable(VkError):
    """6/9/10 or a network failure that persisted through the retries."""


class VkNoChatRights(VkError):
    """917/919/925/931: the bot is not (or no longer) an admin of the chat."""


class VkChatGone(VkError):
    """927/945/946: the chat does not exist or is disabled."""


class VkCannotMessage(VkError):
    """901/902: the user has not allowed the community to message them."""


class VkContactNotFound(VkError):
    """936: createChat could not find (or reach) a user."""


class VkUserNotInChat(VkError):
    """935: the user is not in the chat (a kick is then already done)."""


class VkCannotDelete(VkError):
    """924: the message cannot be deleted for everybody."""


class VkTooLong(VkError):
    """914: message text is too long."""


class VkFileTooLarge(VkError):
    """A downloaded document is larger than the caller's ``limit`` (in bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(0, "download", f"larger than {limit} bytes")
        self.limit = limit


class VkBadRequest(VkError):
    """Anything else (100, 15, 7, ...): a bug or an unsupported call on our side."""


_BY_CODE: dict[int, type[VkError]] = {
    5: VkAuthError,
    6: VkUnavailable,
    9: VkUnavailable,
    10: VkUnavailable,
    917: VkNoChatRights,
    919: VkNoChatRights,
    925: VkNoChatRights,
    931: VkNoChatRights,
    927: VkChatGone,
    945: VkChatGone,
    946: VkChatGone,
    901: VkCannotMessage,
    902: VkCannotMessage,
    936: VkContactNotFound,
    935: VkUserNotInChat,
    924: VkCannotDelete,
    914: VkTooLong,
}


def error_for(code: int, method: str, message: str = "") -> VkError:
    return _BY_CODE.get(code, VkBadRequest)(code, method, message)
