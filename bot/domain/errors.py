"""Domain errors that carry the Russian answer for the user."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(UserError):
    """The caller's roles do not allow this action here."""


class NotFound(UserError):
    pass
