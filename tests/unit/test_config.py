from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_loads_and_token_is_secret(monkeypatch) -> None:
    monkeypatch.delenv("ZAVUCH_CONFIG", raising=False)
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.vk.api_url == "https://api.vk.ru/method/"
    settings = load_settings(ROOT / "config.example.toml", vk={"token": "secret-token-123"})
    assert "secret-token-123" not in repr(settings)
    assert "secret-token-123" not in str(settings.model_dump())


def test_env_overrides_toml(tmp_path, monkeypatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[vk]\ntoken = "from-file"\ngroup_id = 5\n', encoding="utf-8")
    monkeypatch.setenv("ZAVUCH_VK__TOKEN", "from-env")
    monkeypatch.setenv("ZAVUCH_CONFIG", str(path))
    settings = load_settings()
    assert settings.vk.token.get_secret_value() == "from-env"
    assert settings.vk.group_id == 5


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[vk]\ngroup_id = "abc"\n', "vk.group_id"),
        ('[vk]\nmode = "webhook"\n', "vk.mode"),
        ('[vk]\ntokn = "x"\n', "vk.tokn"),
        ('[bot]\ntimezone = "Mars/Base"\n', "bot.timezone"),
        ('[db]\npath = 5\n', "db.path"),
    ],
)
def test_invalid_config_names_the_key(tmp_path, toml: str, key: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert f"«{key}»" in str(info.value)


def test_cli_bad_config_exits_2_without_traceback(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[vk\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate", "--config", str(path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Ошибка конфигурации" in result.stderr


def test_cli_missing_config_file(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--config", str(tmp_path / "nope.toml")],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 2 and "не найден" in result.stderr


@pytest.mark.parametrize("command", ["run", "check", "migrate", "demo", "policy-check"])
def test_every_subcommand_has_help(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", command, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "usage" in result.stdout


STRONG_SECRET = "k3Jq9vXz2LmP8wRt"  # 16 characters


@pytest.mark.parametrize(
    ("callback", "key"),
    [
        ({"confirmation": "abc123"}, "callback.secret"),
        ({"secret": "short-secret", "confirmation": "abc123"}, "callback.secret"),
        ({"secret": "   " + "x" * 12 + "   ", "confirmation": "abc123"}, "callback.secret"),
        ({"secret": STRONG_SECRET}, "callback.confirmation"),
        ({"secret": STRONG_SECRET, "confirmation": "  "}, "callback.confirmation"),
        ({"secret": STRONG_SECRET, "confirmation": "abc", "health_path": "/vk/callback"}, "callback.health_path"),
    ],
)
def test_callback_mode_refused_without_secret_and_confirmation(callback: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(None, vk={"mode": "callback"}, callback=callback)
    assert f"«{key}»" in str(info.value)
    assert STRONG_SECRET not in str(info.value)


def test_callback_mode_with_secret_and_confirmation_loads() -> None:
    settings = load_settings(None, vk={"mode": "callback"},
                             callback={"secret": STRONG_SECRET, "confirmation": "abc123"})
    assert settings.callback.health_path == "/healthz"
    # long-poll mode does not need either
    assert load_settings(None).callback.secret is None


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[callback]\nhealth_path = "healthz"\n', "callback.health_path"),
        ('[callback]\npublic_url = "bot.example.ru/vk"\n', "callback.public_url"),
    ],
)
def test_invalid_callback_keys_are_named(tmp_path, toml: str, key: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert f"«{key}»" in str(info.value)


def test_cli_run_in_open_callback_mode_exits_2_naming_the_key(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[vk]\ntoken = "t"\ngroup_id = 1\nmode = "callback"\n[callback]\nconfirmation = "abc"\n',
                    encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "«callback.secret»" in result.stderr


@pytest.mark.parametrize(("written", "iana"), [("Europe/Moscow", "Europe/Moscow"), ("Екатеринбург", "Asia/Yekaterinburg"),
                                               ("МСК+7", "Asia/Vladivostok"), ("UTC+5", "Asia/Yekaterinburg")])
def test_default_time_zone_is_written_as_in_commands(written: str, iana: str) -> None:
    assert load_settings(None, bot={"timezone": written}).bot.timezone == iana


def test_a_wrong_time_zone_is_explained(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[bot]\ntimezone = "Марс"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "«bot.timezone»" in str(info.value) and "МСК+2" in str(info.value)
