"""The CLI end to end: `check` against vkemu, `demo`, and the Dockerfile's references."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from vkemu import Emulator

ROOT = Path(__file__).resolve().parents[2]


async def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd or ROOT, env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, out.decode(), err.decode()


def _env(emu: Emulator, tmp_path: Path) -> dict[str, str]:
    return {"ZAVUCH_VK__TOKEN": "emu-token", "ZAVUCH_VK__GROUP_ID": "1000", "ZAVUCH_VK__API_URL": emu.api_url,
            "ZAVUCH_DB__PATH": str(tmp_path / "cli.db"), "ZAVUCH_CONFIG": ""}


async def test_check_passes_against_vkemu(emu, tmp_path) -> None:
    code, out, err = await _cli("check", env=_env(emu, tmp_path))
    assert code == 0, out + err
    assert out.count("✔") == 4 and "✘" not in out
    assert "emu-token" not in out + err


async def test_check_fails_with_reason_when_long_poll_disabled(emu, tmp_path) -> None:
    emu.set_longpoll_settings(enabled=False)
    code, out, _ = await _cli("check", env=_env(emu, tmp_path))
    assert code == 1
    assert "Long Poll API выключен" in out and "Работа с API" in out


async def test_check_names_missing_events(emu, tmp_path) -> None:
    emu.set_longpoll_settings(events={"message_event": 0})
    code, out, _ = await _cli("check", env=_env(emu, tmp_path))
    assert code == 1 and "message_event" in out


async def test_check_with_a_bad_token(emu, tmp_path) -> None:
    env = _env(emu, tmp_path) | {"ZAVUCH_VK__TOKEN": "wrong"}
    code, out, _ = await _cli("check", env=env)
    assert code == 1 and "Ключи доступа" in out


async def test_demo_prints_a_transcript_and_exits_0(tmp_path) -> None:
    code, out, err = await _cli("demo", cwd=tmp_path)
    assert code == 0, err[-2000:]
    assert "🤖" in out and "👤" in out and "Демо завершено" in out
    assert not (tmp_path / ".vkbottle").exists()  # nothing written into the working directory
    assert list(tmp_path.iterdir()) == []


def test_dockerfile_references_existing_files() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, re.MULTILINE | re.IGNORECASE)
    assert len(stages) >= 2, "multi-stage build expected"
    for match in re.finditer(r"^COPY\s+(?!--from)(.+)$", text, re.MULTILINE):
        *sources, _dest = match.group(1).split()
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    for match in re.finditer(r"^COPY\s+--from=(\w+)", text, re.MULTILINE):
        assert match.group(1) in stages
    assert re.search(r"^USER\s+(?!root)\w+", text, re.MULTILINE), "runs as a non-root user"
    assert "VOLUME" in text and "HEALTHCHECK" in text
    from bot.__main__ import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    for cmd in re.findall(r"python -m bot (\w+)", text) + re.findall(r'"-m", "bot", "(\w+)"', text):
        assert cmd in commands, f"Dockerfile runs unknown subcommand {cmd}"


async def test_healthcheck_reflects_heartbeat(harness, tmp_path) -> None:
    env = {"ZAVUCH_DB__PATH": str(harness.db_path), "ZAVUCH_CONFIG": ""}
    code, out, _ = await _cli("healthcheck", env=env)
    assert code == 0 and out.strip() == "ok"
    env["ZAVUCH_DB__PATH"] = str(tmp_path / "none.db")
    code, _, _ = await _cli("healthcheck", env=env)
    assert code == 1


async def test_run_stops_cleanly_on_sigterm(emu, tmp_path) -> None:
    import signal

    env = {**os.environ, **_env(emu, tmp_path)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    polls = emu.longpoll.requests
    await emu.wait_longpoll(since=polls, timeout=60)  # the bot is polling
    user = emu.add_user("Иван", "Петров")
    emu.user_message(user, user, "/помощь")
    await emu.wait_sent(user, contains="Команды", timeout=20)
    proc.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "Завуч остановлен" in out.decode()
    assert "Traceback" not in err.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.db", "cli.db-shm", "cli.db-wal"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["cli.db"]  # nothing else in the working directory
    assert "emu-token" not in out.decode() + err.decode()


def test_network_guard_blocks_non_loopback() -> None:
    import socket

    import pytest

    from tests.conftest import NetworkGuardError

    with pytest.raises(NetworkGuardError):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(NetworkGuardError):
        socket.getaddrinfo("example.com", 80)


async def test_run_without_a_token_plays_the_demo(tmp_path) -> None:
    env = {k: "" for k in ("ZAVUCH_CONFIG",)}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZAVUCH_")}, **env}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "запускаю демо" in out.decode() and "Демо завершено" in out.decode()
    assert list(tmp_path.iterdir()) == []
