"""``python -m bot demo``: vkemu and the real bot in one process, a scripted school day,
and a readable transcript of what each side did. Exits 0 when every step got its answer."""

from __future__ import annotations

import json
import logging
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.runtime.app import create_app
from bot.domain.clock import ShiftedClock
from bot.config import load_settings
from bot.domain.samples import make_sample_csv
from bot.runtime.runner import Runner

GROUP_ID = 1000
TOKEN = "demo-token"
OPERATOR = 1
DEMO_START = 1_794_992_400  # Wed 2026-11-18 12:00 Europe/Moscow
CHAT_WORD = {"nom": "беседа", "acc": "беседу", "loc": "беседе"}
MENTION = re.compile(r"\[(?:id|club)\d+\|([^\]]*)\]")


class Transcript:
    def __init__(self, emu: Any, quiet: bool) -> None:
        self.emu = emu
        self.quiet = quiet
        self.names: dict[int, str] = {}

    def say(self, line: str) -> None:
        if not self.quiet:
            print(line, flush=True)

    def title(self, text: str) -> None:
        self.say(f"\n=== {text} ===")

    def who(self, peer_id: int, case: str = "nom") -> str:
        """A person, or a chat in the case the sentence needs: «→ беседа «…»», «входит в беседу
        «…»», «пишет в беседе «…»»."""
        if peer_id > 2_000_000_000:
            return f"{CHAT_WORD[case]} «{self.emu.chat(peer_id).title}»"
        return self.names.get(peer_id, f"id{peer_id}")

    def bot_said(self, message: Any) -> None:
        # a mention «[id5|Пётр Родителев]» shows in VK as the name, a link to the page
        text = MENTION.sub(r"\1", message.text).replace("\n", "\n      ")
        extra = ""
        if message.keyboard:
            labels = [b["action"]["label"] for row in message.keyboard.get("buttons", []) for b in row]
            extra += f"\n      [кнопки: {' | '.join(labels)}]"
        if message.attachment:
            extra += f"\n      [вложения: {message.attachment}]"
        self.say(f"  🤖 → {self.who(message.peer_id)}: {text}{extra}")

    async def act(self, peer_id: int, user_id: int, text: str, *, expect: str | None = None,
                  attachments: list[dict] | None = None, answer_peer: int | None = None) -> Any:
        answer_peer = answer_peer or peer_id
        mark = len(self.emu.sent(answer_peer))
        note = f" [файл {attachments[0]['title']}]" if attachments else ""
        where = "" if peer_id == user_id else f" в {self.who(peer_id, 'loc')}"
        self.say(f"👤 {self.names.get(user_id, user_id)}{where}: {text}{note}")
        self.emu.user_message(peer_id, user_id, text, attachments=attachments)
        return await self.await_bot(answer_peer, mark, expect)

    async def await_bot(self, peer_id: int, mark: int, expect: str | None) -> Any:
        message = await self.emu.wait_sent(peer_id, contains=expect, since=mark, timeout=15)
        for sent in self.emu.sent(peer_id)[mark:]:
            self.bot_said(sent)
        return message

    async def press(self, peer_id: int, user_id: int, message: Any, label: str, *, expect: str | None = None) -> Any:
        button = next(b for row in message.keyboard["buttons"] for b in row if b["action"]["label"] == label)
        mark, snacks = len(self.emu.sent(peer_id)), len(self.emu.snackbars)
        self.say(f"👤 {self.names.get(user_id, user_id)} нажимает «{label}»")
        self.emu.press_button(peer_id, user_id, message.cmid, json.loads(button["action"]["payload"]))
        snack = await self.emu.wait_for(lambda: self.emu.snackbars[snacks:], timeout=15)
        self.say(f"  🤖 всплывающее уведомление: {snack[0].event_data.get('text')}")
        if expect is None:
            return None
        return await self.await_bot(peer_id, mark, expect)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _open_cabinet(text: str) -> str:
    """Open the link from the bot's answer as a browser would (the form, then «Войти»)."""
    import re

    import aiohttp

    link = re.search(r"http://\S+/login/([\w-]+)", text)
    if link is None:
        raise RuntimeError("no sign-in link in the answer")
    base = link.group(0).rsplit("/login/", 1)[0]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        async with client.get(link.group(0)) as form:
            form.raise_for_status()
        async with client.post(f"{base}/login", data={"token": link.group(1)}) as page:
            page.raise_for_status()
            html = await page.text()
    heading = re.search(r"<h1>(.*?)</h1>", html)
    return f"кабинет открыт: страница «{heading.group(1) if heading else '?'}» ({page.url.path})"


async def run_demo(*, quiet: bool = False) -> int:
    from vkemu import Emulator

    logging.getLogger().setLevel(logging.WARNING)
    emu = Emulator(group_id=GROUP_ID, token=TOKEN, group_name="Завуч (демо)")
    await emu.start()
    tmp = tempfile.TemporaryDirectory(prefix="zavuch-demo-")
    t = Transcript(emu, quiet)
    app = runner = None
    try:
        settings = load_settings(None, vk={"token": TOKEN, "group_id": GROUP_ID, "api_url": emu.api_url},
                                 db={"path": str(Path(tmp.name) / "demo.db")},
                                 bot={"operators": [OPERATOR], "code_pepper": "demo"},
                                 web={"host": "127.0.0.1", "port": _free_port()})
        # a weekday noon in Moscow, time flowing from there: the transcript does not depend on the hour
        app = await create_app(settings, clock=ShiftedClock(DEMO_START))
        runner = Runner(app, wait=1, grace=5)
        polls = emu.longpoll.requests
        await runner.start()
        await emu.wait_longpoll(since=polls)
        t.say(f"Эмулятор VK: {emu.api_url}; бот запущен, база {settings.db.path}")

        t.names[OPERATOR] = "Оператор"
        emu.add_user("Ольга", "Операторова", allows_messages=True, user_id=OPERATOR)
        admin = emu.add_user("Анна", "Завучева", allows_messages=True)
        t.names[admin] = "Анна (завуч)"
        parent = emu.add_user("Пётр", "Родителев")
        t.names[parent] = "Пётр (родитель)"

        t.title("Оператор заводит регион, город и школу")
        await t.act(OPERATOR, OPERATOR, "/организация регион demo-reg мск Демо-регион", expect="Создано")
        await t.act(OPERATOR, OPERATOR, "/организация муниципалитет demo-city мск demo-reg Демо-город", expect="Создано")
        await t.act(OPERATOR, OPERATOR, "/организация школа sch1 мск demo-city Школа № 1", expect="Создано")
        await t.act(OPERATOR, OPERATOR,
                    f"/роль выдать администратор vk.com/id{admin} приказ 12-к от 01.09.2026 школа sch1",
                    expect="выдана")

        t.title("Завуч загружает списки")
        await t.act(admin, admin, "/помощь", expect="Команды")
        roster = make_sample_csv(40, 30, seed=7)
        preview = await t.act(admin, admin, "/импорт", expect="Применить",
                              attachments=[{"type": "doc", "title": "spisok.csv", "content": roster}])
        await t.press(admin, admin, preview, "Применить", expect="обновлены")
        await t.act(admin, admin, "/школа", expect="Списки")

        t.title("Беседа класса: бота добавили и назначили администратором")
        peer = emu.create_chat("5А — родители", admin)
        mark = len(emu.sent(peer))
        t.say(f"👤 {t.names[admin]} добавляет бота в {t.who(peer, 'acc')}")
        emu.add_bot_to_chat(peer, admin)
        await t.await_bot(peer, mark, "администратором")
        t.say(f"👤 {t.names[admin]} назначает бота администратором беседы")
        emu.set_bot_admin(peer, True)
        await t.act(peer, admin, "Добрый день! Собрание в четверг в 18:00.", expect="права администратора")

        t.title("Родитель пишет боту впервые")
        await t.act(parent, parent, "/помощь", expect="Команды")
        await t.act(parent, parent, "/код ABCD-EFGH", expect="кода нет")

        t.title("Завуч создаёт беседу родителей 6Б; незнакомец входит по ссылке")
        created = await t.act(admin, admin, "/создать родители 6Б", expect="создана")
        chat_peer = max(emu.chats)
        link = created.text.split("Ссылка-приглашение: ")[1].split()[0]
        mark_chat, mark_admin = len(emu.sent(chat_peer)), len(emu.sent(admin))
        t.say(f"👤 {t.names[parent]} входит в {t.who(chat_peer, 'acc')} по ссылке {link}")
        emu.join_by_link(chat_peer, parent, link=link)
        await t.await_bot(chat_peer, mark_chat, "не нашёл вас в списках")
        alert = await t.await_bot(admin, mark_admin, "не из списков")
        await t.press(admin, admin, alert, "Допустить")
        await emu.wait_for(lambda: any("Добро пожаловать" in m.text for m in emu.sent(chat_peer)), timeout=15)
        t.bot_said(next(m for m in emu.sent(chat_peer) if "Добро пожаловать" in m.text))

        t.title("Модерация: приглашение в сторонний мессенджер")
        mark_admin = len(emu.sent(admin))
        await t.act(chat_peer, parent, "Переходите в наш чат в телеграме t.me/+AbCdEf123", expect="удалено")
        await emu.wait_for(lambda: any(m.deleted_for_all for m in emu.history(chat_peer) if m.from_id == parent),
                           timeout=15)
        t.say("  🤖 удаляет сообщение для всех")
        await t.await_bot(admin, mark_admin, "Нарушение")

        t.title("Отчёт об активности за месяц")
        await t.act(admin, admin, "/отчёт 2026-11", expect="Отчёт об активности")

        t.title("Веб-кабинет: вход по ссылке из бота")
        answer = await t.act(admin, admin, "/кабинет", expect="/login/")
        t.say(f"  🌐 {await _open_cabinet(answer.text)}")

        t.say("\nДемо завершено: все шаги получили ответ.")
        return 0
    except Exception as exc:  # a failed step: say which, exit non-zero
        print(f"Демо остановлено: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if runner is not None:
            await runner.stop()
        if app is not None:
            await app.close()
        await emu.stop()
        tmp.cleanup()
