"""Issue 12 part 4 through vkemu with the real bot: material before a lesson (text and a photo
from the teacher's message, «Прочитано ✓» presses counted as participation, the not-read list
privately before the lesson); scheduled posts that survive a restart (due while the bot was
down: sent once on start with a note; older than the configured limit: not sent, the author
told); /посты to edit and cancel; a post due in quiet hours waits for their end unless forced."""

from __future__ import annotations

from bot.jobs.schedule import schedule_tick
from bot.texts import posts as t
from tests.e2e.conftest import DAYTIME
from tests.e2e.presses import press, say
from tests.e2e.test_meetings_e2e import chat_press, make_chat, move_to, world

THU_0830 = DAYTIME + 20 * 3600 + 1800  # Wed 12:00 → Thu 08:30 (Moscow)


async def test_material_with_read_button_and_not_read_list(emu, harness) -> None:
    a = await world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await make_chat(emu, harness, a, "/создать ученики 5А", "5А — ученики", ["petya", "katya"])
    peer = chat.peer_id

    mark = len(emu.sent(teacher))
    emu.user_message(peer, teacher, "/материал")
    step = await emu.wait_sent(teacher, since=mark, contains="Материал к уроку для беседы «5А — ученики»")
    assert "«Прочитано ✓»" in step.text
    empty = await say(emu, teacher, "   ", attachments=[{"type": "sticker"}])
    assert "Эти вложения я переслать не могу: стикер" in empty.text, empty.text
    step = await say(emu, teacher, "Прочитайте § 12 и посмотрите схему.", attachments=[{"type": "photo"}])
    assert "Когда опубликовать?" in step.text, step.text
    step = await press(emu, teacher, step, t.BUTTON_NOW, contains="Когда урок?")
    step = await press(emu, teacher, step, "Завтра", contains="во сколько?")
    preview = await press(emu, teacher, step, "09:00", contains="Проверьте материал")
    assert "Урок: завтра в 09:00" in preview.text and "📎 Вложений: 1" in preview.text, preview.text
    assert "Кто не прочитал, пришлю вам завтра в 08:30" in preview.text
    chat_mark = len(emu.sent(peer))
    await press(emu, teacher, preview, t.BUTTON_SCHEDULE, contains="Запланировано")
    material = await emu.wait_sent(peer, contains="📚 Материал к уроку (завтра в 09:00)", since=chat_mark, timeout=15)
    assert "Прочитайте § 12" in material.text and "⏱" not in material.text
    assert material.attachment and material.attachment.startswith(f"photo{teacher}_")
    assert [b["action"]["label"] for row in material.keyboard["buttons"] for b in row] == [t.READ_BUTTON]

    before = await harness.db.fetchval("SELECT COALESCE(SUM(actions), 0) FROM activity WHERE chat_id = ?",
                                       (chat.id,))
    assert await chat_press(emu, peer, a.vk["petya"], material, t.READ_BUTTON) == t.SNACK_READ
    assert await chat_press(emu, peer, a.vk["petya"], material, t.READ_BUTTON) == t.SNACK_READ_AGAIN
    await harness.settled()
    after = await harness.db.fetchval("SELECT SUM(actions) FROM activity WHERE chat_id = ?", (chat.id,))
    assert after - before == 2

    # half an hour before the lesson: who has not read it, privately to the teacher (once)
    author_mark = len(emu.sent(teacher))
    move_to(harness, THU_0830)
    report = await emu.wait_sent(teacher, contains="прочитали 1 из 3", since=author_mark, timeout=15)
    assert "Ещё не прочитали:\n— Козлов Коля\n— Сидорова Катя" in report.text, report.text
    assert "Петров Петя" not in report.text
    assert await schedule_tick(harness.app) == 0
    assert not [m for m in emu.sent(peer)[chat_mark:] if "не прочитали" in m.text]  # never in the chat


async def _schedule_post(emu, teacher: int, text: str, when: str) -> str:
    step = await say(emu, teacher, "/пост")
    assert "Пришлите его одним сообщением" in step.text, step.text
    step = await say(emu, teacher, text)
    assert "Когда опубликовать?" in step.text
    preview = await say(emu, teacher, when)
    assert "Проверьте пост" in preview.text, preview.text
    done = await press(emu, teacher, preview, t.BUTTON_SCHEDULE, contains="Запланировано")
    return done.text


async def test_scheduled_posts_survive_a_restart(emu, harness) -> None:
    a = await world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await make_chat(emu, harness, a, "/создать ученики 5А", "5А — ученики", ["petya"])
    peer = chat.peer_id
    assert "публикация сегодня в 12:30" in await _schedule_post(emu, teacher, "Сбор макулатуры в пятницу", "12:30")
    await _schedule_post(emu, teacher, "Завтра экскурсия, сбор в 9:00", "13:45")
    await harness.settled()

    # the bot is down from 12:00 to 14:10; the late limit is one hour
    await harness.stop()
    harness.overrides["schedule"] = {"late_limit_minutes": 60}
    harness.clock.offset += DAYTIME + 2 * 3600 + 600 - harness.clock.now()
    chat_mark, author_mark = len(emu.sent(peer)), len(emu.sent(teacher))
    await harness.start()
    late = await emu.wait_sent(peer, contains="Завтра экскурсия", since=chat_mark, timeout=15)
    assert "⏱ Запланировано на сегодня в 13:45; опубликовано позже: бот был недоступен." in late.text, late.text
    told = await emu.wait_sent(teacher, contains="не опубликован", since=author_mark, timeout=15)
    assert "запланированный на сегодня в 12:30" in told.text and "больше 1 часа" in told.text, told.text
    assert "Сбор макулатуры" in told.text
    # once: another start sends nothing again
    await harness.settled()
    await harness.restart()
    assert await schedule_tick(harness.app) == 0
    await harness.settled()
    texts_ = [m.text for m in emu.sent(peer)]
    assert sum("Завтра экскурсия" in s for s in texts_) == 1
    assert not any("Сбор макулатуры" in s for s in texts_)


async def test_list_edit_cancel_and_quiet_hours(emu, harness) -> None:
    a = await world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await make_chat(emu, harness, a, "/создать ученики 5А", "5А — ученики", ["petya"])
    peer = chat.peer_id
    await _schedule_post(emu, teacher, "Не забудьте сменную обувь", "завтра 08:00")
    # 23:00 is in the students' chat quiet hours (22:00–07:00): the preview says so
    step = await say(emu, teacher, "/пост")
    step = await say(emu, teacher, "Черновик объявления")
    preview = await say(emu, teacher, "23:00")
    assert "попадает в часы тишины беседы (22:00–07:00): пост подождёт до 07:00" in preview.text, preview.text
    await press(emu, teacher, preview, t.BUTTON_SCHEDULE, contains="Запланировано")
    step = await say(emu, teacher, "/пост")
    step = await say(emu, teacher, "Срочно: завтра уроки отменены из-за мороза")
    preview = await say(emu, teacher, "22:30")
    await press(emu, teacher, preview, t.BUTTON_FORCE, contains="Запланировано")

    listing = await say(emu, teacher, "/посты")
    assert listing.text.startswith(t.LIST_HEAD), listing.text
    assert "1. сегодня в 22:30 → «5А — ученики»: Срочно" in listing.text
    assert "2. сегодня в 23:00 → «5А — ученики»: Черновик объявления" in listing.text
    assert "3. завтра в 08:00 → «5А — ученики»: Не забудьте сменную обувь" in listing.text
    # cancel the third (asks first), edit the second's text
    ask = await press(emu, teacher, listing, "Отменить 3", contains="Отменить пост")
    done = await press(emu, teacher, ask, t.BUTTON_DROP_YES, contains=t.DROPPED)
    assert done.text == t.DROPPED
    menu = await press(emu, teacher, listing, "Изменить 2", contains="Что изменить")
    step = await press(emu, teacher, menu, t.BUTTON_EDIT_TEXT, contains="новый текст")
    edited = await say(emu, teacher, "Завтра контрольная по математике")
    assert "Готово: пост изменён, публикация сегодня в 23:00" in edited.text, edited.text
    listing = await say(emu, teacher, "/посты")
    assert "Завтра контрольная" in listing.text and "сменную обувь" not in listing.text

    chat_mark = len(emu.sent(peer))
    move_to(harness, DAYTIME + 10 * 3600 + 1800)  # 22:30: the forced one goes out in quiet hours
    await emu.wait_sent(peer, contains="Срочно: завтра уроки отменены", since=chat_mark, timeout=15)
    move_to(harness, DAYTIME + 11 * 3600)  # 23:00: the other waits
    assert await schedule_tick(harness.app) == 0
    await harness.settled()
    assert not [m for m in emu.sent(peer)[chat_mark:] if "контрольная" in m.text]
    listing = await say(emu, teacher, "/посты")
    assert "ждёт окончания тишины" in listing.text, listing.text
    move_to(harness, DAYTIME + 19 * 3600)  # 07:00: the end of the quiet hours
    sent = await emu.wait_sent(peer, contains="Завтра контрольная по математике", since=chat_mark, timeout=15)
    assert "⏱" not in sent.text  # it waited on purpose: not late
    move_to(harness, DAYTIME + 20 * 3600 + 60)  # 08:01: the cancelled one never goes out
    assert await schedule_tick(harness.app) == 0
    await harness.settled()
    assert not [m for m in emu.sent(peer) if "сменную обувь" in m.text]
    assert (await say(emu, teacher, "/посты")).text == t.LIST_EMPTY
