"""The only code that talks to VK. Typed calls, error mapping, execute batching, uploads."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from vkbottle.exception_factory import VKAPIError

from bot.vk.api import LimitedAPI
from bot.vk.errors import VkError, VkFileTooLarge, VkUnavailable, error_for
from bot.vk.lanes import Lane

log = logging.getLogger(__name__)

CHAT_PEER_BASE = 2_000_000_000
MAX_TEXT = 4096
EXECUTE_LIMIT = 25


def chat_id_of(peer_id: int) -> int:
    return peer_id - CHAT_PEER_BASE


def is_chat_peer(peer_id: int) -> bool:
    return peer_id > CHAT_PEER_BASE


def new_random_id() -> int:
    return secrets.randbelow(2**31 - 1) + 1


@dataclass(frozen=True)
class SentMessage:
    peer_id: int
    cmid: int
    message_id: int


@dataclass(frozen=True)
class BatchCall:
    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class BatchResult:
    call: BatchCall
    ok: bool
    response: Any = None
    error: VkError | None = None


@dataclass(frozen=True)
class VkUser:
    id: int
    first_name: str
    last_name: str
    deactivated: str | None  # "deleted" or "banned": an account with no one behind it


async def call_api(api: LimitedAPI, method: str, params: dict[str, Any], *, lane: Lane | None = None) -> Any:
    """One VK call, its errors mapped to ``bot.vk.errors``. Also for calls made before a gateway
    exists (which community is ours is asked first)."""
    clean = {k: _encode(v) for k, v in params.items() if v is not None}
    try:
        response = await (api.request(method, clean) if lane is None else api.request(method, clean, lane=lane))
    except VKAPIError as exc:
        raise error_for(exc.code, method, exc.error_msg) from None
    except VkError:
        raise
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise VkUnavailable(0, method, type(exc).__name__) from None
    return response["response"]


class VkGateway:
    def __init__(self, api: LimitedAPI, group_id: int) -> None:
        self.api = api
        self.group_id = group_id

    async def call(self, method: str, **params: Any) -> Any:
        return await call_api(self.api, method, params)

    # -- messages ---------------------------------------------------------------------

    async def send(
        self,
        peer_id: int,
        text: str,
        *,
        keyboard: str | None = None,
        reply_to_cmid: int | None = None,
        attachment: str | None = None,
        random_id: int | None = None,
    ) -> SentMessage:
        """Send one message; texts over VK's limit are split on line breaks."""
        parts = split_text(text) or [""]
        sent: SentMessage | None = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            params: dict[str, Any] = {
                "peer_ids": str(peer_id),
                "message": part,
                "random_id": random_id + index if random_id else new_random_id(),
                "keyboard": keyboard if last else None,
                "attachment": attachment if last else None,
                "dont_parse_links": 1,
            }
            if reply_to_cmid and index == 0:
                params["forward"] = json.dumps(
                    {"peer_id": peer_id, "conversation_message_ids": [reply_to_cmid], "is_reply": True}
                )
            sent = send_outcome(peer_id, await self.call("messages.send", **params))
        assert sent is not None
        return sent

    async def edit(self, peer_id: int, cmid: int, text: str, *, keyboard: str | None = None,
                   attachment: str | None = None) -> None:
        await self.call(
            "messages.edit",
            peer_id=peer_id,
            conversation_message_id=cmid,
            message=text[:MAX_TEXT],
            keyboard=keyboard,
            attachment=attachment,
            dont_parse_links=1,
        )

    async def pinned_cmid(self, peer_id: int) -> int | None:
        """The cmid of the chat's pinned message (None: nothing pinned, or no access)."""
        response = await self.call("messages.getConversationsById", peer_ids=peer_id, group_id=self.group_id)
        items = response.get("items") or [] if isinstance(response, dict) else []
        settings = (items[0].get("chat_settings") or {}) if items else {}
        pinned = settings.get("pinned_message") or {}
        cmid = pinned.get("conversation_message_id")
        return int(cmid) if cmid else None

    async def delete_for_all(self, peer_id: int, cmids: Sequence[int]) -> Any:
        return await self.call(
            "messages.delete",
            peer_id=peer_id,
            cmids=",".join(str(c) for c in cmids),
            delete_for_all=1,
        )

    async def delete_messages(self, peer_id: int, cmids: Sequence[int]) -> dict[int, VkError | None]:
        """Delete up to 100 messages of one chat for everybody in one request; VK answers per
        message: cmid → None (deleted) or the error VK gave for that message (a whole refusal,
        such as lost rights, raises as any call)."""
        return delete_outcomes("messages.delete", list(cmids), await self.delete_for_all(peer_id, cmids))

    async def still_there(self, peer_id: int, cmids: Sequence[int]) -> set[int]:
        """Which of these messages (up to 100) of a conversation are still there — not deleted for
        everybody — as the community sees them (an admin of a chat sees every message)."""
        response = await self.call("messages.getByConversationMessageId", peer_id=peer_id,
                                   conversation_message_ids=",".join(str(c) for c in cmids))
        items = response.get("items", []) if isinstance(response, dict) else []
        return {int(item["conversation_message_id"]) for item in items
                if isinstance(item, dict) and item.get("conversation_message_id") is not None
                and not item.get("deleted")}

    async def remove_chat_user(self, peer_id: int, member_id: int) -> None:
        await self.call("messages.removeChatUser", chat_id=chat_id_of(peer_id), member_id=member_id)

    async def get_invite_link(self, peer_id: int, *, reset: bool = False) -> str:
        response = await self.call(
            "messages.getInviteLink", peer_id=peer_id, reset=int(reset), group_id=self.group_id
        )
        return str(response["link"])

    async def check_admin(self, peer_id: int) -> None:
        """Raises VkNoChatRights (or VkChatGone) unless the bot is an admin of the chat: only an
        admin may list its members."""
        await self.call("messages.getConversationMembers", peer_id=peer_id, count=1)

    async def get_members(self, peer_id: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        offset = 0
        while True:
            response = await self.call(
                "messages.getConversationMembers",
                peer_id=peer_id,
                count=200,
                offset=offset,
                group_id=self.group_id,
            )
            page = response.get("items", [])
            items.extend(page)
            offset += len(page)
            if not page or offset >= int(response.get("count", 0)):
                return items

    async def create_chat(self, user_ids: Sequence[int], title: str) -> tuple[int, list[int]]:
        response = await self.call(
            "messages.createChat",
            user_ids=",".join(str(u) for u in user_ids),
            title=title,
            group_id=self.group_id,
        )
        chat_id = int(response["chat_id"]) if isinstance(response, dict) else int(response)
        peers = list(response.get("peer_ids", [])) if isinstance(response, dict) else []
        return CHAT_PEER_BASE + chat_id, peers

    async def edit_chat_title(self, peer_id: int, title: str) -> None:
        await self.call("messages.editChat", chat_id=chat_id_of(peer_id), title=title)

    async def pin(self, peer_id: int, cmid: int) -> None:
        await self.call("messages.pin", peer_id=peer_id, conversation_message_id=cmid)

    async def answer_event(self, event_id: str, user_id: int, peer_id: int, snackbar: str) -> None:
        await self.call(
            "messages.sendMessageEventAnswer",
            event_id=event_id,
            user_id=user_id,
            peer_id=peer_id,
            # no text: the press is only acknowledged (the answer is a message or an edit)
            **({"event_data": json.dumps({"type": "show_snackbar", "text": snackbar[:90]})} if snackbar else {}),
        )

    async def start_call(self) -> str:
        """Start a VK call on behalf of the community; returns the link people join by."""
        started = await self.call("calls.start", group_id=self.group_id)
        return str(started["join_link"])

    async def restrict(self, peer_id: int, member_id: int, seconds: int | None) -> bool:
        """The undocumented mute; returns False when VK refuses (the caller falls back)."""
        try:
            response = await self.call(
                "messages.changeConversationMemberRestrictions",
                peer_id=peer_id,
                member_ids=str(member_id),
                action="ro" if seconds else "rw",
                **({"for": seconds} if seconds else {}),
            )
        except (VkUnavailable,):
            raise
        except VkError:
            return False
        failed = response.get("failed_member_ids", []) if isinstance(response, dict) else []
        return member_id not in failed

    # -- users ------------------------------------------------------------------------

    async def messages_allowed(self, user_id: int) -> bool:
        """Whether the person allowed the community to write to them (else sends fail with 901)."""
        response = await self.call("messages.isMessagesFromGroupAllowed", group_id=self.group_id, user_id=user_id)
        return bool(int(response.get("is_allowed", 0)))


    async def get_user(self, ref: int | str) -> VkUser | None:
        """The account by id or screen name; None when VK returns nobody."""
        users = await self.call("users.get", user_ids=ref)
        if not users:
            return None
        user = users[0]
        return VkUser(int(user["id"]), user.get("first_name", ""), user.get("last_name", ""),
                      user.get("deactivated") or None)

    # -- batching ---------------------------------------------------------------------

    async def execute(self, calls: Sequence[BatchCall]) -> list[BatchResult]:
        """Run calls in ``execute`` requests of up to 25; per-call results, errors mapped."""
        results: list[BatchResult] = []
        for start in range(0, len(calls), EXECUTE_LIMIT):
            chunk = list(calls[start : start + EXECUTE_LIMIT])
            code = "return [" + ",".join(
                f"API.{c.method}({json.dumps(c.params, ensure_ascii=False)})" for c in chunk
            ) + "];"
            try:
                raw = await self.api.request("execute", {"code": code})
            except VKAPIError as exc:
                raise error_for(exc.code, "execute", exc.error_msg) from None
            values = raw.get("response") or []
            errors = list(raw.get("execute_errors") or [])
            for index, call in enumerate(chunk):
                value = values[index] if index < len(values) else False
                if value is False:
                    err = _pop_error(errors, call.method)
                    results.append(BatchResult(call, False, error=err))
                else:
                    results.append(BatchResult(call, True, response=value))
        return results

    # -- documents --------------------------------------------------------------------

    async def upload_doc(self, peer_id: int, filename: str, content: bytes) -> str:
        """Upload a file for a message; returns the attachment string ``doc{owner}_{id}``."""
        server = await self.call("docs.getMessagesUploadServer", type="doc", peer_id=peer_id)
        form = aiohttp.FormData()
        form.add_field("file", content, filename=filename)
        async with self.api.limiter.slot():
            session = aiohttp.ClientSession()
            try:
                async with session.post(server["upload_url"], data=form) as resp:
                    uploaded = json.loads(await resp.text())
            finally:
                await session.close()
        if "file" not in uploaded:
            raise error_for(0, "docs.upload", str(uploaded.get("error", "upload failed")))
        saved = await self.call("docs.save", file=uploaded["file"], title=filename)
        doc = saved["doc"]
        return f"doc{doc['owner_id']}_{doc['id']}"

    async def download(self, url: str, *, limit: int) -> bytes:
        """The whole body of a document, at most ``limit`` bytes; a larger one raises
        VkFileTooLarge (told by Content-Length before reading, or counted while reading)."""
        chunks: list[bytes] = []
        size = 0
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as resp:
                if resp.status != 200:
                    raise VkUnavailable(resp.status, "download", "bad status")
                if resp.content_length is not None and resp.content_length > limit:
                    raise VkFileTooLarge(limit)
                # iter_chunked waits for more data until the end of the body; read(n) does not
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise VkFileTooLarge(limit)
                    chunks.append(chunk)
        except (aiohttp.ClientError, TimeoutError) as exc:  # incl. a body cut short of Content-Length
            raise VkUnavailable(0, "download", type(exc).__name__) from None
        return b"".join(chunks)


def delete_outcomes(method: str, cmids: list[int], response: Any) -> dict[int, VkError | None]:
    """``messages.delete``'s per-message answer as cmid → None (deleted) or its error; a cmid VK
    did not mention counts as deleted only when the answer is not a list (an older answer: 1)."""
    outcomes: dict[int, VkError | None] = {}
    items = response if isinstance(response, list) else []
    for item in items:
        if not isinstance(item, dict) or item.get("conversation_message_id") is None:
            continue
        cmid = int(item["conversation_message_id"])
        err = item.get("error")
        if err or not item.get("response", 1):
            err = err if isinstance(err, dict) else {}
            outcomes[cmid] = error_for(int(err.get("code", 0) or 0), method, str(err.get("description", "")))
        else:
            outcomes[cmid] = None
    for cmid in cmids:
        if cmid not in outcomes:
            outcomes[cmid] = None if not isinstance(response, list) else error_for(0, method, "no answer")
    return outcomes


def send_outcome(peer_id: int, response: Any) -> SentMessage:
    """``messages.send``'s answer (with ``peer_ids``: a list of one item per peer; its error raised)."""
    item = response[0] if isinstance(response, list) and response else {"message_id": response}
    if not isinstance(item, dict):
        item = {}
    if "error" in item:
        err = item["error"] if isinstance(item["error"], dict) else {}
        raise error_for(int(err.get("code", 0) or 0), "messages.send", str(err.get("description", "")))
    return SentMessage(peer_id, int(item.get("conversation_message_id") or 0), int(item.get("message_id") or 0))


def _pop_error(errors: list[dict[str, Any]], method: str) -> VkError:
    for index, err in enumerate(errors):
        if err.get("method") == method:
            errors.pop(index)
            return error_for(int(err.get("error_code", 0)), method, err.get("error_msg", ""))
    return error_for(0, method, "failed in execute")


def _encode(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split on line breaks (then hard) so every part fits VK's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
