"""What a typed entry of a chat's resource list means: «название — ссылка», or a document
attached with its title. Pure: raises UserError (the Russian answer) on anything else."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import UserError
from bot.texts import resources as t
from policies.links import find_links

MAX_TITLE = 100


@dataclass(frozen=True)
class NewEntry:
    title: str
    url: str | None  # a link, or None for a document
    doc: str | None  # the document's VK attachment string
    text: str  # the message as typed (the link policy reads its words)


def parse_entry(text: str, has_doc: bool) -> tuple[str, str | None]:
    """«Расписание — https://…» -> (title, url); with a document, the whole text is its title."""
    text = " ".join(text.split())
    if has_doc:
        if not text:
            raise UserError(t.NO_TITLE)
        return text, None
    links = find_links(text)
    if len(links) != 1:
        raise UserError(t.BAD_ENTRY.format(text=text[:60]))
    url = links[0].url
    before, _, after = text.partition(url)
    title = " ".join(f"{before.strip().strip('—–-:')} {after.strip().strip('—–-:')}".split())
    if not title:
        raise UserError(t.NO_TITLE)
    return title, url


def read_entry(text: str, attachment: str | None, unsupported: list[str]) -> NewEntry:
    """The typed message with its attachments (VK attachment strings; kinds that cannot be kept):
    one document or one link, titled."""
    docs = [a for a in (attachment or "").split(",") if a.startswith("doc")]
    others = [a for a in (attachment or "").split(",") if a and not a.startswith("doc")]
    if unsupported or others:
        raise UserError(t.ONLY_DOCS.format(kinds=", ".join(unsupported) or t.OTHER_ATTACHMENTS))
    if len(docs) > 1:
        raise UserError(t.ONE_DOC)
    title, url = parse_entry(text, bool(docs))
    if len(title) > MAX_TITLE:
        raise UserError(t.TITLE_TOO_LONG.format(length=len(title), limit=MAX_TITLE))
    return NewEntry(title, url, docs[0] if docs else None, text)
