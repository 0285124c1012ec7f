"""Issue 2 behaviours through vkemu with the real bot: greeting, admin rights, help,
unknown commands, and exactly-once processing across a restart."""

from __future__ import annotations

from bot import texts
from bot.repo import chats as chat_repo
from tests.e2e.conftest import GROUP_ID, OPERATOR_VK


async def test_bot_added_greets_and_asks_for_admin_then_confirms(emu, harness) -> None:
    teacher = emu.add_user("Анна", "Учителева", allows_messages=True)
    peer = emu.create_chat("5А родители", teacher)
    emu.add_bot_to_chat(peer, teacher)

    greeting = await emu.wait_sent(peer, contains="назначьте меня администратором")
    assert greeting.text == texts.BOT_ADDED
    chat = await harness.wait_until(lambda: chat_repo.by_peer(harness.db, peer))
    assert chat.bot_is_admin is False and chat.status == "unbound"

    emu.set_bot_admin(peer, True)
    # VK sends no event for this; the bot notices on the next message it can see
    emu.user_message(peer, teacher, "Коллеги, добрый день")
    confirmed = await emu.wait_sent(peer, contains="права администратора получены")
    assert "/привязать" in confirmed.text
    assert (await chat_repo.by_peer(harness.db, peer)).bot_is_admin is True


async def test_rights_job_confirms_admin_without_any_message(emu, harness) -> None:
    teacher = emu.add_user("Анна", "Учителева", allows_messages=True)
    peer = emu.create_chat("Учителя", teacher)
    emu.add_bot_to_chat(peer, teacher)
    await emu.wait_sent(peer, contains="назначьте меня администратором")
    emu.set_bot_admin(peer, True)
    assert await harness.app.chat_life.recheck_all() == 1
    await emu.wait_sent(peer, contains="права администратора получены")
    assert await harness.app.chat_life.recheck_all() == 0  # confirmed once only


async def test_bot_added_as_admin_confirms_at_once(emu, harness) -> None:
    teacher = emu.add_user("Анна", "Учителева", allows_messages=True)
    peer = emu.create_chat("Учителя", teacher, with_bot=True, bot_admin=True)
    await emu.wait_sent(peer, contains="права администратора получены")


async def test_private_help_lists_commands_for_the_caller(emu, harness) -> None:
    parent = emu.add_user("Пётр", "Родителев")
    emu.user_message(parent, parent, "помощь")
    answer = await emu.wait_sent(parent, contains=texts.HELP_HEADER_PRIVATE)
    assert "/код" in answer.text
    assert "/импорт" not in answer.text and "/роль" not in answer.text

    emu.user_message(OPERATOR_VK, OPERATOR_VK, "/help")
    answer = await emu.wait_sent(OPERATOR_VK, contains=texts.HELP_HEADER_PRIVATE)
    assert "/импорт" in answer.text and "/роль" in answer.text and "/организация" in answer.text


async def test_help_in_chat_with_mention(emu, harness) -> None:
    teacher = emu.add_user("Анна", "Учителева", allows_messages=True)
    peer = emu.create_chat("Учителя", teacher, with_bot=True)
    await emu.wait_sent(peer, contains="назначьте меня администратором")
    # not admin: the bot sees only messages that mention it
    emu.user_message(peer, teacher, f"[club{GROUP_ID}|@zavuch] помощь")
    answer = await emu.wait_sent(peer, contains=texts.HELP_HEADER_CHAT)
    assert "/помощь" in answer.text and "/создать" not in answer.text and "/импорт" not in answer.text


async def test_unknown_command_answers_with_hint(emu, harness) -> None:
    user = emu.add_user("Иван", "Петров")
    emu.user_message(user, user, "/помошь")
    answer = await emu.wait_sent(user, contains="Не знаю команды")
    assert "/помощь" in answer.text
    emu.user_message(user, user, "здравствуйте")
    await emu.wait_sent(user, contains="Я понимаю команды")


async def test_restart_in_a_stream_handles_each_event_exactly_once(emu, harness) -> None:
    user = emu.add_user("Иван", "Петров")
    for _ in range(5):
        emu.user_message(user, user, "/помощь")
    await emu.wait_for(lambda: len(emu.sent(user)) >= 2, timeout=10)
    await harness.restart()
    for _ in range(5):
        emu.user_message(user, user, "/помощь")
    await emu.wait_for(lambda: len(emu.sent(user)) >= 10, timeout=15)
    await harness.stop()
    await harness.start()
    # nothing new arrives after the second restart: still exactly ten answers
    emu.user_message(user, user, "/помощь")
    await emu.wait_for(lambda: len(emu.sent(user)) >= 11, timeout=10)
    async def all_done() -> bool:
        return await harness.db.fetchval("SELECT COUNT(*) FROM inbox WHERE status != 'done'") == 0

    await harness.wait_until(all_done)
    assert len(emu.sent(user)) == 11
    assert await harness.db.fetchval("SELECT COUNT(*) FROM inbox") == 11
