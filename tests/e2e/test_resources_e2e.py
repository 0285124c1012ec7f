"""Issue 12 part 6 through vkemu with the real bot: a chat's pinned list of resources and
documents. Staff add entries from the menu (a link, a document uploaded through VK), a link the
chat's link policy forbids is refused, an entry removed by button; the pinned message is edited
in place (messages.edit, never a second pin); unpinned by someone, it is posted and pinned once,
then edited in place again."""

from __future__ import annotations

from bot.repo import resources as res_repo
from bot.texts import resources as t
from tests.e2e.presses import labels, press, say
from tests.e2e.seed import School, add_staff, make_school
from tests.e2e.test_membership_truth_e2e import _bind


async def _world(emu, harness) -> School:
    a = await make_school(harness.db, emu, "sch-a", "Школа № 1", None)
    await add_staff(harness.db, emu, a, "teacher", "Мария", "Классная", [("class_teacher", "5А"), ("teacher", None)])
    return a


def _calls(emu, method: str, peer: int) -> list:
    return [c for c in emu.calls if c.method == method and int(c.params.get("peer_id") or 0) == peer
            and c.error_code is None]


async def _add(emu, teacher: int, screen, text: str, **kwargs):
    ask = await press(emu, teacher, screen, t.BUTTON_ADD)
    assert "название — ссылка" in ask.text, ask.text
    return await say(emu, teacher, text, **kwargs)


async def test_pinned_resources_edited_in_place(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    peer = emu.create_chat("беседа", teacher, [])
    chat = await _bind(emu, harness, peer, teacher, "/привязать родители 5А")
    pins_before = len(_calls(emu, "messages.pin", peer))  # the rules pinned at binding

    # /ресурсы in the chat: the menu comes privately
    mark = len(emu.sent(teacher))
    emu.user_message(peer, teacher, "/ресурсы")
    screen = await emu.wait_sent(teacher, since=mark, contains="Ресурсы беседы")
    assert t.BUTTON_ADD in labels(screen)

    # a link: posted and pinned once
    added = await _add(emu, teacher, screen, "Расписание уроков — https://uchi.ru/raspisanie")
    assert added.text.startswith("Добавлено: «Расписание уроков»"), added.text
    await harness.settled()
    pinned = emu.chat(peer).pinned_cmid
    listing = next(m for m in emu.sent(peer) if m.cmid == pinned)
    assert "1. Расписание уроков — https://uchi.ru/raspisanie" in listing.text
    assert len(_calls(emu, "messages.pin", peer)) == pins_before + 1
    assert (await res_repo.pin(harness.db, chat.id)).cmid == pinned

    # a link the chat's policy forbids (an invitation to another chat) is refused with the reason
    refused = await _add(emu, teacher, added, "Чат класса — https://t.me/+AbCdEf123")
    assert refused.text.startswith("Эту ссылку нельзя добавить: приглашение в другой чат"), refused.text
    assert len(await res_repo.of_chat(harness.db, chat.id)) == 1

    # a document uploaded through VK with its title: the pinned message edited in place
    edits = len(_calls(emu, "messages.edit", peer))
    doc = await _add(emu, teacher, added, "Памятка для родителей",
                     attachments=[{"type": "doc", "title": "pamyatka.pdf", "content": b"%PDF-1.4 memo"}])
    assert doc.text.startswith("Добавлено: «Памятка для родителей»"), doc.text
    await harness.settled()
    assert emu.chat(peer).pinned_cmid == pinned
    assert len(_calls(emu, "messages.edit", peer)) == edits + 1
    edited = next(m for m in emu.history(peer) if m.cmid == pinned)
    assert "2. Памятка для родителей (документ во вложении)" in edited.text
    assert edited.attachment.startswith(f"doc{teacher}_"), edited.attachment
    assert len(_calls(emu, "messages.pin", peer)) == pins_before + 1  # never a second pin

    # removed by button: edited in place again
    removed = await press(emu, teacher, doc, "Убрать: Расписание уроков")
    assert removed.text.startswith("Убрано: «Расписание уроков»"), removed.text
    await harness.settled()
    edited = next(m for m in emu.history(peer) if m.cmid == pinned)
    assert "Расписание" not in edited.text and "1. Памятка для родителей" in edited.text
    assert edited.attachment  # the document stays attached
    assert emu.chat(peer).pinned_cmid == pinned
    assert len(_calls(emu, "messages.pin", peer)) == pins_before + 1

    # someone unpins it: the next change posts the list anew and pins it once
    emu.unpin(peer, teacher)
    again = await _add(emu, teacher, removed, "Электронный дневник — https://dnevnik.ru")
    assert again.text.startswith("Добавлено"), again.text
    await harness.settled()
    repinned = emu.chat(peer).pinned_cmid
    assert repinned is not None and repinned != pinned
    assert len(_calls(emu, "messages.pin", peer)) == pins_before + 2
    fresh = next(m for m in emu.history(peer) if m.cmid == repinned)
    assert "1. Памятка для родителей" in fresh.text and "2. Электронный дневник — https://dnevnik.ru" in fresh.text
    # and from then on edited in place
    edits = len(_calls(emu, "messages.edit", peer))
    last = await press(emu, teacher, again, "Убрать: Электронный дневник")
    assert last.text.startswith("Убрано"), last.text
    await harness.settled()
    assert emu.chat(peer).pinned_cmid == repinned
    assert len(_calls(emu, "messages.edit", peer)) == edits + 1
    assert len(_calls(emu, "messages.pin", peer)) == pins_before + 2


async def test_private_resources_for_a_chosen_chat_and_strangers_refused(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    chats = {}
    for command in ("/привязать родители 5А", "/привязать ученики 5А"):
        peer = emu.create_chat("беседа", teacher, [])
        chat = await _bind(emu, harness, peer, teacher, command)
        chats[chat.title] = chat

    pick = await say(emu, teacher, "/ресурсы")
    assert pick.text == t.PICK_CHAT and set(labels(pick)) == {"5А — родители", "5А — ученики"}, labels(pick)
    screen = await press(emu, teacher, pick, "5А — ученики")
    assert screen.text.startswith("Ресурсы беседы «5А — ученики»"), screen.text
    # the students' chat blocks sites not on its list: an unknown site is refused there
    refused = await _add(emu, teacher, screen, "Игры — https://example.org/games")
    assert refused.text.startswith("Эту ссылку нельзя добавить: ссылка на сайт не из списка разрешённых"), refused.text
    added = await _add(emu, teacher, screen, "Задания ФИПИ — https://fipi.ru/oge")
    assert added.text.startswith("Добавлено"), added.text
    await harness.settled()
    students = chats["5А — ученики"].peer_id
    listing = next(m for m in emu.sent(students) if m.cmid == emu.chat(students).pinned_cmid)
    assert "1. Задания ФИПИ — https://fipi.ru/oge" in listing.text
    assert not [m for m in emu.sent(chats["5А — родители"].peer_id) if "ФИПИ" in m.text]

    # a parent is not the chat's staff
    parent = emu.add_user("Ольга", "Родителева", allows_messages=True)
    answer = await say(emu, parent, "/ресурсы")
    assert answer.text == t.NO_CHATS and not labels(answer), answer.text

    # another class's teacher of the same school is not these chats' staff: neither offered nor able
    # to press into them with a payload of her own making
    other = await add_staff(harness.db, emu, a, "other", "Анна", "Другая", [("class_teacher", "6Б"), ("teacher", None)])
    answer = await say(emu, other, "/ресурсы")
    assert answer.text == t.NO_CHATS and not labels(answer), answer.text
