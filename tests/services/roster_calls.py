"""Roster commands as a handler runs them: the words read (bot.domain.roster_args), then the typed
use case called — so the service tests can keep writing «Иванова Мария 5А школа sch-a»."""

from __future__ import annotations

from bot.domain.roster_args import name_and_class, split_mode, split_name_class, split_org
from bot.repo import pending as pending_repo
from tests.services.conftest import NOW


async def _org(world, caller, args: str):
    code, rest = split_org(args)
    return await world.roster.org_for(caller, code), rest


async def enrol(world, caller, args: str, now: int = NOW):
    org, rest = await _org(world, caller, args)
    name, cls = name_and_class(rest)
    return await world.roster.enrol(caller, org, name, cls, now)


async def expel(world, caller, args: str, now: int = NOW):
    org, rest = await _org(world, caller, args)
    name, cls = split_name_class(rest, class_required=False)
    return await world.roster.expel(caller, org, name, cls, now)


async def transfer(world, caller, args: str, now: int = NOW):
    org, rest = await _org(world, caller, args)
    name, cls = name_and_class(rest)
    return await world.roster.transfer(caller, org, name, cls, now)


async def homeschool(world, caller, args: str, now: int = NOW):
    org, rest = await _org(world, caller, args)
    who, mode = split_mode(rest)
    name, cls = split_name_class(who, class_required=False)
    return await world.roster.homeschool(caller, org, name, cls, mode, now)


async def new_year(world, caller, args: str = "", now: int = NOW):
    org, _ = await _org(world, caller, args)
    return await world.roster.new_year_preview(caller, org, now)


async def pending(world, result) -> pending_repo.Pending:
    """The pending action a question result names."""
    action = await pending_repo.get(world.db, result.action_id)
    assert action is not None
    return action
