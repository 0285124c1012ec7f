"""Command line: ``python -m bot run|check|migrate|demo|policy-check`` (also ``zavuch``).

The composition root: load config, set up logging, open the database, wire the App, run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from bot import texts
from bot.config import ConfigError, Settings, load_settings
from bot.texts import setup as setup_texts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zavuch", description="Завуч — бот сообщества VK для школьных бесед."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="путь к config.toml (иначе ZAVUCH_CONFIG)")
    common.add_argument("--log-level", default=argparse.SUPPRESS, help="уровень журнала (INFO, DEBUG, ...)")
    parser.add_argument("--config", help="путь к config.toml (иначе ZAVUCH_CONFIG)")
    parser.add_argument("--log-level", default="INFO", help="уровень журнала (INFO, DEBUG, ...)")
    sub = parser.add_subparsers(dest="command", metavar="команда")
    sub.add_parser("run", parents=[common], help="запустить бота (без всякой конфигурации — демо)",
                   description="Запустить бота: long poll VK, планировщик, база. Без конфигурации вовсе "
                               "(нет --config, ZAVUCH_CONFIG и переменных ZAVUCH_…) запускает демо; "
                               "конфигурация без vk.token — ошибка с кодом 2.")
    sub.add_parser("check", parents=[common], help="проверить настройки сообщества VK",
                   description="Проверить секрет кодов привязки, токен и его права, сообщество, возможности ботов, Long Poll API (в режиме callback — сервер Callback API, его адрес, версию и события) и операторов; код 0, если всё в порядке.")
    sub.add_parser("migrate", parents=[common], help="применить миграции базы данных",
                   description="Применить недостающие миграции к базе из db.path.")
    demo = sub.add_parser("demo", parents=[common], help="показать работу бота на эмуляторе VK",
                          description="Запустить эмулятор VK и бота во временной базе, проиграть сценарий и напечатать стенограмму.")
    demo.add_argument("--quiet", action="store_true", help="печатать только итог")
    sub.add_parser("healthcheck", parents=[common], help="проверка живости (для Docker HEALTHCHECK)",
                   description="Код 0, если запущенный бот недавно отметился в базе.")
    pc = sub.add_parser("policy-check", parents=[common], help="проверить сообщения правилами модерации",
                        description="Читает сообщения из stdin (по одному в строке) и печатает JSON-решение для каждого.")
    pc.add_argument("--type", required=True, dest="chat_type", help="тип беседы, например students_class")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from bot.runtime import logs

    logs.setup(args.log_level)
    if args.command == "policy-check":
        return _policy_check(args.chat_type)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        if args.command == "check":
            return asyncio.run(_check(settings))
        if args.command == "healthcheck":
            return asyncio.run(_healthcheck(settings))
        if args.command == "run" and settings.demo_mode:
            if _configured(args.config):
                # a configuration without a token is a mistake, not a wish to see the demo
                source = args.config or os.environ.get("ZAVUCH_CONFIG")
                print(setup_texts.RUN_NEED_TOKEN.format(
                    source=setup_texts.RUN_NEED_TOKEN_SOURCE.format(path=source) if source else ""),
                    file=sys.stderr)
                return 2
            print(setup_texts.DEMO_NO_CONFIG)
        if args.command == "demo" or (args.command == "run" and settings.demo_mode):
            from bot.runtime.demo import run_demo

            return asyncio.run(run_demo(quiet=getattr(args, "quiet", False)))
        if args.command == "run":
            return asyncio.run(_run(settings))
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return 2


def _configured(config: str | None) -> bool:
    """Whether anyone configured this run: a config file or any ZAVUCH_* variable (Docker sets
    ZAVUCH_DB__PATH). Only a run with no configuration at all plays the demo."""
    return bool(config) or any(v for k, v in os.environ.items() if k.startswith("ZAVUCH_"))


async def _migrate(settings: Settings) -> int:
    from bot.db import Database, MigrationError

    db = await Database.open(settings.db.path)
    try:
        applied = await db.migrate()
    except MigrationError as exc:
        print(texts.DB_MIGRATION_FAILED.format(name=exc.migration.name, error=exc.__cause__), file=sys.stderr)
        return 1
    finally:
        await db.close()
    if applied:
        print(texts.MIGRATE_DONE.format(count=len(applied), path=settings.db.path))
    else:
        print(texts.MIGRATE_NOTHING.format(path=settings.db.path))
    return 0


async def _check(settings: Settings) -> int:
    from bot.runtime.app import make_api
    from bot.runtime.preflight import run_checks
    from bot.vk.gateway import VkGateway

    if settings.vk.token is None:
        print(texts.CONFIG_NEED_TOKEN, file=sys.stderr)
        return 2
    api = make_api(settings)
    try:
        results = await run_checks(settings, VkGateway(api, settings.vk.group_id or 0))
    except Exception as exc:  # network failure: one clear line, no traceback
        print(texts.VK_UNREACHABLE.format(url=settings.vk.api_url, error=type(exc).__name__), file=sys.stderr)
        return 1
    finally:
        await api.http_client.close()
    for result in results:
        print(result.line)
    failed = sum(not r.ok for r in results)
    print(texts.CHECK_SUMMARY_OK if not failed else texts.CHECK_SUMMARY_FAIL.format(count=failed))
    return 0 if failed == 0 else 1


async def _healthcheck(settings: Settings) -> int:
    import time
    from pathlib import Path

    from bot.db import Database
    from bot.runtime.health import check

    if not Path(settings.db.path).is_file():
        print("нет базы", settings.db.path, file=sys.stderr)
        return 1
    try:
        db = await Database.open(settings.db.path)
    except Exception as exc:
        print("база недоступна:", type(exc).__name__, file=sys.stderr)
        return 1
    try:
        health = await check(db, int(time.time()))
    finally:
        await db.close()
    if not health.ok:
        print("unhealthy:", health.problem, file=sys.stderr)
        return 1
    print("ok")
    return 0


async def _run(settings: Settings) -> int:
    from bot.runtime.app import create_app
    from bot.db import MigrationError
    from bot.runtime.runner import run_until_signal
    from bot.runtime.preflight import pepper_is_default
    from bot.vk.errors import VkError

    if pepper_is_default(settings):
        print(setup_texts.PEPPER_DEFAULT_WARNING, file=sys.stderr)
    if not settings.bot.operators:
        print(setup_texts.NO_OPERATORS_WARNING, file=sys.stderr)
    try:
        app = await create_app(settings)
    except MigrationError as exc:
        print(texts.DB_MIGRATION_FAILED.format(name=exc.migration.name, error=exc.__cause__), file=sys.stderr)
        return 1
    except (VkError, OSError) as exc:
        print(texts.VK_UNREACHABLE.format(url=settings.vk.api_url, error=exc), file=sys.stderr)
        return 1
    print(texts.RUN_STARTED.format(group_id=app.group_id, mode=settings.vk.mode, db=settings.db.path))
    try:
        await run_until_signal(app)
    finally:
        await app.close()
    print(texts.RUN_STOPPED)
    return 0


def _policy_check(chat_type: str) -> int:
    import json

    from policies.cli import policy_check

    try:
        for result in policy_check((line.rstrip("\n") for line in sys.stdin), chat_type):
            print(json.dumps(result, ensure_ascii=False), flush=True)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
