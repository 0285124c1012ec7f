"""docs.getMessagesUploadServer / docs.save (the upload itself is served by server.py)."""
from __future__ import annotations

import secrets
from typing import Any

from ..errors import VKError, param_error
from ..params import Params
from ..state import is_chat_peer
from . import method
from .common import chat_by_peer


@method("docs.getMessagesUploadServer")
def get_messages_upload_server(emu: Any, p: Params) -> dict:
    kind = p.str("type", "doc")
    if kind not in ("doc", "audio_message", "graffiti"):
        raise param_error("type is invalid")
    peer = p.int("peer_id", required=True)
    if is_chat_peer(peer):
        chat_by_peer(emu, peer)
    elif peer not in emu.users:
        raise VKError(901)
    token = secrets.token_hex(12)
    emu.upload_tokens.add(token)
    return {"upload_url": f"{emu.base_url}/_emu/upload/{token}"}


@method("docs.save")
def save(emu: Any, p: Params) -> dict:
    file = p.str("file", required=True)
    upload = emu.uploads.pop(file, None)
    if upload is None:
        raise param_error("file is invalid")
    filename, content = upload
    title = p.str("title") or filename
    if "." not in title and "." in filename:
        title = f"{title}.{filename.rsplit('.', 1)[-1]}"
    doc = emu._store_doc(-emu.group_id, title, content)
    emu._notify()
    return {"type": "doc", "doc": doc.to_vk()}


def accept_upload(emu: Any, token: str, filename: str, content: bytes) -> dict:
    """The upload server: returns what VK's upload server returns (JSON with `file`)."""
    if token not in emu.upload_tokens:
        return {"error": "upload_url is invalid or expired", "error_descr": "bad upload token"}
    if not content:
        return {"error": "no_file", "error_descr": "file is empty"}
    emu.upload_tokens.discard(token)
    opaque = f"{token}|{secrets.token_hex(16)}"
    emu.uploads[opaque] = (filename or "file", content)
    return {"file": opaque}
