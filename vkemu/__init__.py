"""vkemu: a stateful VK API emulator for tests, benchmarks and the demo mode."""
from .emulator import Emulator
from .errors import VKError
from .state import Call, CallbackPress, Chat, Conversation, Doc, Member, Message, Snackbar, User

__all__ = ["Emulator", "VKError", "Call", "CallbackPress", "Chat", "Conversation", "Doc",
           "Member", "Message", "Snackbar", "User"]
