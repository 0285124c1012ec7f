"""Shared fixtures: a real temporary SQLite database with the real migrations, and a
network guard that fails any test reaching beyond the loopback interface."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator

import pytest

from bot.db import Database, open_database

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkGuardError(AssertionError):
    pass


def _check_host(host: object) -> None:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return
    if host in ("localhost", ""):
        return
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        raise NetworkGuardError(f"test tried to resolve a non-loopback host: {host}") from None
    if not ip.is_loopback:
        raise NetworkGuardError(f"test tried to reach a non-loopback address: {host}")


def _guarded_connect(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        _check_host(address[0])
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        _check_host(address[0])
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    _check_host(host)
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "test.db")
    try:
        yield database
    finally:
        await database.close()
