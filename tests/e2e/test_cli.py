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


PEPPER = "0f4c2d9e8b7a6c5d4e3f2a1b"


def _env(emu: Emulator, tmp_path: Path) -> dict[str, str]:
    return {"ZAVUCH_VK__TOKEN": "emu-token", "ZAVUCH_VK__GROUP_ID": "1000", "ZAVUCH_VK__API_URL": emu.api_url,
            "ZAVUCH_DB__PATH": str(tmp_path / "cli.db"), "ZAVUCH_CONFIG": ""}


def _ready_env(emu: Emulator, tmp_path: Path) -> dict[str, str]:
    """A fully set-up installation: an operator who exists in VK and a secret of our own."""
    operator = emu.add_user("Ольга", "Операторова", allows_messages=True)
    return _env(emu, tmp_path) | {"ZAVUCH_BOT__OPERATORS": f"[{operator}]", "ZAVUCH_BOT__CODE_PEPPER": PEPPER}


async def test_check_passes_against_vkemu(emu, tmp_path) -> None:
    code, out, err = await _cli("check", env=_ready_env(emu, tmp_path))
    assert code == 0, out + err
    assert out.count("✔") == 7 and "✘" not in out
    assert "Ольга Операторова" in out and "«Документы»" in out
    assert "emu-token" not in out + err and PEPPER not in out + err


async def test_check_names_missing_token_rights(emu, tmp_path) -> None:
    emu.token_permissions = {"messages", "manage"}
    code, out, _ = await _cli("check", env=_ready_env(emu, tmp_path))
    assert code == 1
    line = next(line for line in out.splitlines() if "нет прав" in line)
    assert line.startswith("✘") and "«Документы»" in line and "«Сообщения сообщества»" not in line.split("Создайте")[0]
    assert "Ключи доступа" in line


async def test_check_refuses_default_secret_and_missing_operators(emu, tmp_path) -> None:
    code, out, err = await _cli("check", env=_env(emu, tmp_path))
    assert code == 1
    lines = out.splitlines()
    pepper = next(line for line in lines if "bot.code_pepper" in line)
    assert pepper.startswith("✘") and "ZAVUCH_BOT__CODE_PEPPER" in pepper and "change-me" not in out + err
    operators = next(line for line in lines if "bot.operators" in line)
    assert operators.startswith("✘") and "ZAVUCH_BOT__OPERATORS" in operators and "vk.com/id" in operators


async def test_check_names_operators_vk_does_not_know(emu, tmp_path) -> None:
    gone = emu.add_user("Иван", "Ушедший")
    emu.users[gone].deactivated = "deleted"
    env = _ready_env(emu, tmp_path) | {"ZAVUCH_BOT__OPERATORS": "[987654321]"}
    code, out, _ = await _cli("check", env=env)
    assert code == 1 and "987654321" in next(line for line in out.splitlines() if "bot.operators" in line)
    env["ZAVUCH_BOT__OPERATORS"] = f"[{gone}]"
    code, out, _ = await _cli("check", env=env)
    assert code == 1 and "удалены" in next(line for line in out.splitlines() if "bot.operators" in line)


async def test_check_names_operators_the_community_cannot_write_to(emu, tmp_path) -> None:
    env = _ready_env(emu, tmp_path)
    deaf = emu.add_user("Игорь", "Глухов")
    env["ZAVUCH_BOT__OPERATORS"] = env["ZAVUCH_BOT__OPERATORS"].rstrip("]") + f", {deaf}]"
    code, out, _ = await _cli("check", env=env)
    line = next(line for line in out.splitlines() if "bot.operators" in line)
    assert code == 1 and line.startswith("✘") and "Игорь Глухов" in line and "Ольга" not in line
    assert "Разрешить сообщения" in line


async def test_check_short_secret_is_refused(emu, tmp_path) -> None:
    env = _ready_env(emu, tmp_path) | {"ZAVUCH_BOT__CODE_PEPPER": "pepper"}
    code, out, _ = await _cli("check", env=env)
    assert code == 1
    assert next(line for line in out.splitlines() if "bot.code_pepper" in line).startswith("✘")
    assert "pepper\n" not in out and " pepper" not in out


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
    # the narration is grammatical: a chat in the case the sentence needs, mentions shown as names
    assert "в беседа «" not in out and "в беседу «5А — родители»" in out and "в беседе «" in out
    assert not re.search(r"\[id\d+\|", out) and "(а)" not in out
    assert "Добрый вечер" not in out  # the demo runs at noon
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
    assert "«bot.code_pepper» оставлен по умолчанию" in err.decode()  # the default secret is warned about
    assert "bot.operators" in err.decode()  # and nobody able to create schools


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
    assert "Конфигурация не задана" in out.decode() and "запускаю демо" in out.decode() and "Демо завершено" in out.decode()
    assert list(tmp_path.iterdir()) == []


async def test_run_with_a_config_file_but_no_token_exits_2_naming_the_key(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[bot]\noperators = [1]\n', encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZAVUCH_")}, "ZAVUCH_CONFIG": str(config)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 2
    assert "«vk.token»" in err.decode() and str(config) in err.decode()
    assert "Traceback" not in err.decode() and "демо" not in out.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no database, no demo


async def test_run_configured_by_environment_only_needs_a_token_too(tmp_path) -> None:
    # the Docker image sets ZAVUCH_DB__PATH: a container started without the token must not play a demo
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZAVUCH_")},
           "ZAVUCH_DB__PATH": str(tmp_path / "z.db")}
    code, out, err = await _cli("run", env=env, cwd=tmp_path)
    assert code == 2 and "«vk.token»" in err and "ZAVUCH_VK__TOKEN" in err
    assert "демо" not in out
