"""Typed configuration: one pydantic-settings model per TOML table.

Sources, highest priority first: environment (``ZAVUCH_VK__TOKEN`` ...), the TOML file
(``--config`` or ``ZAVUCH_CONFIG``), defaults. Secrets are ``SecretStr`` and never printed.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot import texts

VK_API_URL = "https://api.vk.ru/method/"
API_VERSION = "5.199"


class _Table(BaseModel):
    model_config = {"extra": "forbid"}


class VkSettings(_Table):
    token: SecretStr | None = None
    group_id: int | None = Field(default=None, gt=0)
    api_url: str = VK_API_URL
    api_version: str = API_VERSION
    mode: Literal["longpoll", "callback"] = "longpoll"
    rps_limit: int = Field(default=20, ge=1, le=20)
    timeout_s: float = Field(default=10, gt=0)  # one VK API call; long poll uses wait + 10

    @field_validator("api_url")
    @classmethod
    def _slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("api_url must start with http:// or https://")
        return value if value.endswith("/") else value + "/"


MIN_CALLBACK_SECRET = 16  # a guessable secret lets anyone post events "from" an operator


class CallbackSettings(_Table):
    host: str = "0.0.0.0"
    port: int = Field(default=8080, ge=1, le=65535)
    path: str = "/vk/callback"
    health_path: str = "/healthz"
    public_url: str | None = None  # the address VK posts to (behind the proxy); used by `check`
    secret: SecretStr | None = None
    confirmation: str = ""

    @field_validator("path", "health_path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("path must start with /")
        return value

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("public_url must start with https:// (or http://)")
        return value

    def problem(self) -> ConfigError | None:
        """Why callback mode must not start with these settings (it would accept anyone's events)."""
        secret = self.secret.get_secret_value() if self.secret else ""
        if len(secret.strip()) < MIN_CALLBACK_SECRET:
            return ConfigError(texts.CONFIG_CALLBACK_SECRET.format(length=MIN_CALLBACK_SECRET))
        if not self.confirmation.strip():
            return ConfigError(texts.CONFIG_CALLBACK_CONFIRMATION)
        if self.health_path == self.path:
            return ConfigError(texts.CONFIG_CALLBACK_HEALTH_PATH)
        return None


class DbSettings(_Table):
    path: str = "zavuch.db"


class BotSettings(_Table):
    operators: list[int] = Field(default_factory=list)
    timezone: str = "Europe/Moscow"
    code_pepper: SecretStr = SecretStr("change-me")
    code_ttl_days: int = Field(default=30, ge=1)
    rights_check_seconds: float = Field(default=60, gt=0)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        # as in /организация: «Europe/Moscow», «Казань», «МСК+2», «UTC+5» → the IANA name
        from bot.domain.timezones import resolve

        name = resolve(value)
        if name is None:
            raise ValueError(texts.CONFIG_BAD_TZ.format(tz=value))
        return name


class ModerationSettings(_Table):
    evidence_retention_days: int = Field(default=30, ge=1)
    quarantine_minutes: int = Field(default=24 * 60, ge=1)
    # a command and the bot's answer in a children's chat are removed: the answer after this long
    command_cleanup_seconds: int = Field(default=60, ge=1, le=86400)


class ReportsSettings(_Table):
    hour: int = Field(default=10, ge=0, le=23)


class ScheduleSettings(_Table):
    # a scheduled post that fell due while the bot was down goes out on start with a note, unless
    # it is older than this: then it is not sent and its author is told
    late_limit_minutes: int = Field(default=360, ge=1, le=7 * 24 * 60)


class HotlineSettings(_Table):
    # an unanswered question is reminded after this long (then passed to the school office)
    remind_hours: float = Field(default=24, gt=0, le=24 * 14)
    # a question's text (personal data) is dropped this long after it was answered or asked
    retention_days: int = Field(default=30, ge=1, le=365)


class WebSettings(_Table):
    """The web cabinet. Off unless ``port`` is set; ``public_url`` is the address people open
    (behind a reverse proxy with HTTPS), used in the sign-in links the bot sends."""

    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=1, le=65535)
    public_url: str | None = None
    link_minutes: int = Field(default=10, ge=1, le=60)
    session_hours: float = Field(default=8, gt=0, le=24 * 7)

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("public_url must start with https:// (or http://)")
        if value is not None and value.split("://", 1)[1].strip("/").count("/"):
            # the pages link to /org/..., /static/...: the cabinet lives at the root of its site
            raise ValueError("public_url must be the root of a site, without a path (https://cabinet.example.ru)")
        return value.rstrip("/") if value else value

    @property
    def enabled(self) -> bool:
        return self.port is not None

    @property
    def base_url(self) -> str:
        """Where people open the cabinet: ``public_url``, else this host and port directly."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def secure(self) -> bool:
        """Cookies only over HTTPS when people reach the cabinet over HTTPS."""
        return bool(self.public_url and self.public_url.startswith("https://"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZAVUCH_", env_nested_delimiter="__", extra="forbid"
    )

    vk: VkSettings = VkSettings()
    callback: CallbackSettings = CallbackSettings()
    db: DbSettings = DbSettings()
    bot: BotSettings = BotSettings()
    moderation: ModerationSettings = ModerationSettings()
    reports: ReportsSettings = ReportsSettings()
    web: WebSettings = WebSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    hotline: HotlineSettings = HotlineSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _CONFIG_PATH.get("path")
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @model_validator(mode="after")
    def _callback_closed(self) -> Settings:
        if self.vk.mode == "callback":
            problem = self.callback.problem()
            if problem is not None:
                raise problem
            if self.web.port == self.callback.port:
                from bot.texts import cabinet

                raise ConfigError(cabinet.CONFIG_SAME_PORT.format(port=self.web.port))
        return self

    @property
    def demo_mode(self) -> bool:
        return self.vk.token is None


# The TOML path is passed to pydantic-settings' source factory through this holder, because
# settings_customise_sources is a classmethod with a fixed signature.
_CONFIG_PATH: dict[str, Path | None] = {"path": None}


class ConfigError(Exception):
    """A configuration problem, with a one-line Russian message naming the key."""


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Load settings from ``path`` (or ``ZAVUCH_CONFIG``), env and ``overrides``."""
    raw = path if path is not None else os.environ.get("ZAVUCH_CONFIG")
    toml_path = Path(raw) if raw else None
    if toml_path is not None:
        if not toml_path.is_file():
            raise ConfigError(texts.CONFIG_NOT_FOUND.format(path=toml_path))
        try:
            tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(texts.CONFIG_BAD_TOML.format(path=toml_path, error=exc)) from None
    _CONFIG_PATH["path"] = toml_path
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    finally:
        _CONFIG_PATH["path"] = None




def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"] if not isinstance(part, int))
    if first["type"] == "extra_forbidden":
        return texts.CONFIG_UNKNOWN_KEY.format(key=key)
    problem = texts.CONFIG_PROBLEMS.get(first["type"])
    if problem is None:
        problem = str(first.get("ctx", {}).get("error") or first["msg"])
    else:
        problem = problem.format(**(first.get("ctx") or {}))
    return texts.CONFIG_BAD_VALUE.format(key=key, error=problem)
