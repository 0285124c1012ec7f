"""Documents people send to the bot and documents the bot sends with its answers.

Handlers read a file through ``download`` (a typed outcome, not VK's exceptions) and upload the
files of an answer through ``upload``; the VK gateway underneath keeps its error mapping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.vk.errors import VkError, VkFileTooLarge
from bot.vk.gateway import VkGateway


@dataclass(frozen=True)
class TooLarge:
    """The document is larger than the limit (told by VK's Content-Length or counted while reading)."""

    limit: int  # bytes


@dataclass(frozen=True)
class Unreadable:
    """VK gave no link to the document (one the bot may not read), or reading it failed."""


class Files:
    def __init__(self, gateway: VkGateway) -> None:
        self.gateway = gateway

    async def download(self, url: str | None, *, limit: int) -> bytes | TooLarge | Unreadable:
        """The whole document at ``url`` (VK's ``doc.url``), at most ``limit`` bytes."""
        if url is None:  # VK omits it for a document the bot may not read
            return Unreadable()
        try:
            return await self.gateway.download(url, limit=limit)
        except VkFileTooLarge as exc:
            return TooLarge(exc.limit)
        except VkError:
            return Unreadable()

    async def upload_doc(self, peer_id: int, filename: str, content: bytes) -> str:
        """One file uploaded for a message to ``peer_id``; its attachment ``doc{owner}_{id}``
        (VK errors propagate: nothing is seen until a message carries it)."""
        return await self.gateway.upload_doc(peer_id, filename, content)

    async def upload(self, peer_id: int, files: Iterable[tuple[str, bytes]]) -> list[str]:
        """(file name, content) uploaded one by one, in order; their attachments."""
        return [await self.upload_doc(peer_id, name, content) for name, content in files]
