"""The cabinet's sign-in and access rules over plain HTTP (no browser): the link from /кабинет opens
one session once; expired, reused, forged and other people's links and cookies are refused; the
pages show what the person's roles allow; nothing secret reaches the log."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.repo import roles as role_repo
from bot.texts import cabinet as t
from bot.web.server import COOKIE
from tests.web.conftest import MONTH, World


def session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(client: aiohttp.ClientSession, link: str, **kwargs) -> aiohttp.ClientResponse:
    """Open the link (a form, spends nothing) and press «Войти» (a POST with its token)."""
    async with client.get(link) as form:
        assert form.status == 200
        assert t.LOGIN_BUTTON in await form.text()
    token = urlsplit(link).path.rsplit("/", 1)[1]
    base = f"{urlsplit(link).scheme}://{urlsplit(link).netloc}"
    return await client.post(f"{base}/login", data={"token": token}, **kwargs)


async def test_a_school_admin_signs_in_with_the_link_and_sees_the_school(world: World, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    admin = world.school.vk["admin"]
    link = await world.link_for(admin)
    assert link.startswith(world.base + "/login/")
    token = link.rsplit("/", 1)[1]
    async with session() as client:
        response = await sign_in(client, link, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/"
        cookie = response.headers["Set-Cookie"]
        assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # the cabinet is reached over plain http here
        async with client.get(world.base + "/") as home:  # one school: straight to its page
            html = await home.text()
            assert home.status == 200 and urlsplit(str(home.url)).path == f"/org/{world.school.org.id}"
        assert "Школа № 12 (sch12)" in html and t.CHATS_BY_TYPE in html and t.OPEN_ALERTS in html
        assert "5А" in html and "6Б" in html  # classes, with those not on the platform
        assert "Классная Мария" in html  # the staff member VK will not deliver to, by name
        assert "<svg" in html  # the monthly trend is drawn
        # the class page names who is not on the platform, for the school's own admin
        async with client.get(f"{world.base}/org/{world.school.org.id}/class/{world.class_id}") as page:
            html = await page.text()
            assert page.status == 200 and t.CLASS_PEOPLE_HIDDEN not in html
            assert "<td>Второй Боря</td><td>ученик</td><td>нет</td>" in html
            assert "<td>Первая Анна</td><td>родитель</td><td>да</td><td>да</td><td>да</td>" in html
    # the token and the session never reach the log: ours at any level, anyone's at INFO and above
    # (a library's DEBUG lines echo SQL parameters, the outbox's message texts among them)
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if r.levelno >= logging.INFO or r.name.startswith(("bot", "handlers")))
    assert token not in logged and cookie.split(";")[0].split("=", 1)[1] not in logged
    assert "/login/{token}" in logged  # the route pattern is logged, not the path


async def test_a_reused_link_is_refused(world: World) -> None:
    link = await world.link_for(world.school.vk["admin"])
    async with session() as client:
        first = await sign_in(client, link, allow_redirects=False)
        assert first.status == 303
    async with session() as client:
        again = await sign_in(client, link)
        assert again.status == 403 and "уже использована" in await again.text()
        assert COOKIE not in again.cookies


async def test_an_expired_link_is_refused(world: World) -> None:
    link = await world.link_for(world.school.vk["admin"])
    world.harness.clock.offset += 11 * 60  # type: ignore[attr-defined]  # links live 10 minutes
    async with session() as client:
        response = await sign_in(client, link)
        assert response.status == 403 and "истёк" in await response.text()


async def test_a_parent_and_a_teacher_are_refused_politely_and_get_no_link(world: World) -> None:
    answer = await world.say(world.school.vk["mom1"], "/кабинет")
    assert answer.text == t.REFUSED_FAMILY and "/login/" not in answer.text
    answer = await world.say(world.school.vk["teacher"], "/кабинет")
    assert answer.text == t.REFUSED_STAFF and "/login/" not in answer.text


async def test_another_schools_page_is_refused(world: World) -> None:
    link = await world.link_for(world.school.vk["admin"])
    async with session() as client:
        await sign_in(client, link)
        async with client.get(f"{world.base}/org/{world.other.org.id}") as page:
            assert page.status == 403 and t.FORBIDDEN in await page.text()
        async with client.get(f"{world.base}/org/{world.other.org.id}/summary.xlsx") as file:
            assert file.status == 403
        async with client.get(f"{world.base}/org/{world.muni.id}") as page:
            assert page.status == 403  # the municipality is above the school admin
        # this school's class through the other school's address: refused (and not found there)
        async with client.get(f"{world.base}/org/{world.other.org.id}/class/{world.class_id}") as page:
            assert page.status == 403


async def test_a_forged_or_missing_cookie_is_refused(world: World) -> None:
    url = f"{world.base}/org/{world.school.org.id}"
    async with session() as client:
        async with client.get(url) as page:
            assert page.status == 401 and t.LOGIN_HOW in await page.text()
        client.cookie_jar.update_cookies({COOKIE: "A" * 43})
        async with client.get(url) as page:
            assert page.status == 401
        client.cookie_jar.update_cookies({COOKIE: "<script>alert(1)</script>"})
        async with client.get(url) as page:
            assert page.status == 401 and "<script>alert" not in await page.text()


async def test_sign_out_and_session_expiry_end_the_session(world: World) -> None:
    url = f"{world.base}/org/{world.school.org.id}"
    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        cookie = next(c for c in client.cookie_jar if c.key == COOKIE).value
        async with client.get(url) as page:
            assert page.status == 200
        async with client.post(f"{world.base}/logout") as out:
            assert out.status == 200 and t.SIGNED_OUT in await out.text()
    async with session() as client:  # the old cookie, kept by someone, no longer works
        client.cookie_jar.update_cookies({COOKIE: cookie})
        async with client.get(url) as page:
            assert page.status == 401
    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        async with client.get(url) as page:
            assert page.status == 200
        world.harness.clock.offset += 8 * 3600 + 60  # type: ignore[attr-defined]
        async with client.get(url) as page:
            assert page.status == 401


async def test_a_revoked_role_closes_the_cabinet_at_once(world: World) -> None:
    url = f"{world.base}/org/{world.school.org.id}"
    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        async with client.get(url) as page:
            assert page.status == 200
        await role_repo.revoke(world.harness.db, person_id=world.school.person["admin"], org_id=world.school.org.id,
                               role="school_admin", revoked_by=None, basis=None, now=1_795_000_000)
        async with client.get(url) as page:
            assert page.status == 403


async def test_login_attempts_are_rate_limited_per_link(world: World) -> None:
    async with session() as client:
        statuses = []
        for _ in range(7):
            async with client.post(f"{world.base}/login", data={"token": "x" * 32}) as response:
                statuses.append(response.status)
        assert statuses[:5] == [403] * 5 and statuses[5:] == [429, 429]
        # a real link still works: the limit was on that link (and this address is below its own)
        response = await sign_in(client, await world.link_for(world.school.vk["admin"]), allow_redirects=False)
        assert response.status == 303


async def test_a_form_posted_from_another_site_is_refused(world: World) -> None:
    link = await world.link_for(world.school.vk["admin"])
    token = link.rsplit("/", 1)[1]
    async with session() as client:
        async with client.post(f"{world.base}/login", data={"token": token},
                               headers={"Origin": "https://evil.example"}) as response:
            assert response.status == 403
        # no Origin, but the browser says the form came from another site
        async with client.post(f"{world.base}/login", data={"token": token},
                               headers={"Sec-Fetch-Site": "cross-site"}) as response:
            assert response.status == 403
        async with client.post(f"{world.base}/login", data={"token": token},
                               headers={"Sec-Fetch-Site": "same-site", "Origin": "https://x." + world.base[7:]}) as response:
            assert response.status == 403
        response = await sign_in(client, link, allow_redirects=False)  # not spent by the refused posts
        assert response.status == 303


async def test_signing_in_ends_the_session_the_browser_already_had(world: World) -> None:
    """Session fixation: a cookie planted before signing in (or an older session) stops working;
    the new session is a new random value."""
    url = f"{world.base}/org/{world.school.org.id}"
    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        old = next(c for c in client.cookie_jar if c.key == COOKIE).value
        response = await sign_in(client, await world.link_for(world.school.vk["admin"]), allow_redirects=False)
        assert response.status == 303
        new = next(c for c in client.cookie_jar if c.key == COOKIE).value
        assert new != old
        async with client.get(url) as page:
            assert page.status == 200
    async with session() as client:
        client.cookie_jar.update_cookies({COOKIE: old})
        async with client.get(url) as page:
            assert page.status == 401


async def test_the_coordinator_drills_down_and_downloads(world: World) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["coordinator"]))
        async with client.get(f"{world.base}/org/{world.muni.id}?month={MONTH}") as page:
            html = await page.text()
            assert page.status == 200 and "Школа № 12" in html and "Школа № 5" in html
            assert f'href="/org/{world.school.org.id}?month={MONTH}"' in html
        async with client.get(f"{world.base}/org/{world.school.org.id}?month={MONTH}") as page:
            html = await page.text()
            assert page.status == 200 and t.OPEN_ALERTS not in html  # alerts are the school's own business
            assert t.STAFF_UNREACHABLE_COUNT.format(count=1) in html and "Классная Мария" not in html
        async with client.get(f"{world.base}/org/{world.school.org.id}/class/{world.class_id}") as page:
            html = await page.text()
            assert page.status == 200 and t.CLASS_PEOPLE_HIDDEN in html and "Второй Боря" not in html
        async with client.get(f"{world.base}/org/{world.school.org.id}/class/{world.class_id}/class-people.csv") as file:
            lines = (await file.read()).decode("utf-8").splitlines()
            assert lines[1:] == ["Ученики;2;1;1;0;0", "Родители;1;0;1;1;1"]  # Аня linked, Боря not; Анна writes
        async with client.get(f"{world.base}/org/{world.school.org.id}/class/{world.class_id}/class-names.csv") as file:
            assert file.status == 404  # names are not a coordinator's table
        async with client.get(f"{world.base}/org/{world.muni.id}/schools.xlsx?month={MONTH}") as file:
            assert file.status == 200 and "attachment" in file.headers["Content-Disposition"]
            book = load_workbook(BytesIO(await file.read()))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[0][:2] == ("Место", "Школа")
        assert {r[1] for r in rows[1:]} == {"Школа № 12", "Школа № 5"}
        async with client.get(f"{world.base}/org/{world.region.id}") as page:
            assert page.status == 403  # a municipal coordinator does not see the region


@pytest.mark.parametrize("month", ["2026-13", "abc", "2099-01"])
async def test_a_bad_month_shows_the_current_one_and_says_so(world: World, month: str) -> None:
    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        async with client.get(f"{world.base}/org/{world.school.org.id}", params={"month": month}) as page:
            html = await page.text()
            assert page.status == 200 and "Месяц указан неверно" in html and "ноябрь 2026" in html


async def test_login_attempts_are_rate_limited_per_address(world: World) -> None:
    async with session() as client:
        statuses = []
        for n in range(22):  # a different made-up link each time: only the address is over its limit
            async with client.post(f"{world.base}/login", data={"token": f"{n:02d}" + "y" * 30},
                                   headers={"X-Real-IP": "203.0.113.7"}) as response:
                statuses.append(response.status)
        assert statuses[:20] == [403] * 20 and statuses[20:] == [429, 429]
        # another address (the proxy in front says so) is not held back
        link = await world.link_for(world.school.vk["admin"])
        token = link.rsplit("/", 1)[1]
        async with client.post(f"{world.base}/login", data={"token": token}, allow_redirects=False,
                               headers={"X-Real-IP": "198.51.100.9"}) as response:
            assert response.status == 303


async def test_the_operator_drills_down_from_the_region(world: World) -> None:
    async with session() as client:
        await sign_in(client, await world.link_for(1))  # OPERATOR_VK, from [bot] operators
        async with client.get(world.base + "/") as home:
            html = await home.text()
            assert home.status == 200 and f'href="/org/{world.region.id}"' in html
        async with client.get(f"{world.base}/org/{world.region.id}?month={MONTH}") as page:
            html = await page.text()
            assert page.status == 200 and t.AREA_MUNICIPALITIES in html
            assert f'<a href="/org/{world.muni.id}?month={MONTH}">Казань</a>' in html
        async with client.get(f"{world.base}/org/{world.region.id}/municipalities.csv?month={MONTH}") as file:
            text = (await file.read()).decode("utf-8")
            # by hand: 2 schools, 8 people on the lists, 2 students not on the platform, 3 in chats
            # (the mother, the class teacher, the guest teacher), 3 active, 4 messages credited
            assert text.splitlines()[1] == "Казань;2;8;2;38%;38%;4"


async def test_the_session_cookie_is_secure_behind_https(emu, tmp_path) -> None:
    from tests.e2e.conftest import BotHarness
    from tests.web.conftest import free_port, seed

    port = free_port()
    harness = BotHarness(emu, tmp_path / "bot.db",
                         web={"host": "127.0.0.1", "port": port, "public_url": "https://cabinet.example.ru/"})
    await harness.start()
    try:
        world = await seed(harness, emu, f"http://127.0.0.1:{port}")
        link = await world.link_for(world.school.vk["admin"])
        assert link.startswith("https://cabinet.example.ru/login/")  # the address people open
        async with session() as client:
            async with client.post(f"{world.base}/login", data={"token": link.rsplit("/", 1)[1]},
                                   allow_redirects=False) as response:
                assert response.status == 303
                cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        await harness.stop()


async def test_spent_links_and_ended_sessions_are_pruned(world: World) -> None:
    from bot.services.web_auth import prune_job

    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        await client.post(f"{world.base}/logout")
    await world.link_for(world.school.vk["admin"])  # issued, never used
    db = world.harness.db

    async def rows() -> tuple[int, int]:
        return (await db.fetchval("SELECT COUNT(*) FROM web_login_token"),
                await db.fetchval("SELECT COUNT(*) FROM web_session"))

    await prune_job(world.harness.app)
    assert await rows() == (2, 1)  # nothing is a day past its end yet
    world.harness.clock.offset += 2 * 86400  # type: ignore[attr-defined]
    await prune_job(world.harness.app)
    assert await rows() == (0, 0)


async def test_without_a_web_section_the_bot_says_the_cabinet_is_off(emu, tmp_path) -> None:
    from tests.e2e.conftest import BotHarness
    from tests.web.conftest import seed

    harness = BotHarness(emu, tmp_path / "bot.db")
    await harness.start()
    try:
        assert harness.runner is not None and harness.runner.web is None
        world = await seed(harness, emu, "http://unused")
        answer = await world.say(world.school.vk["admin"], "/кабинет")
        assert answer.text == t.DISABLED
        answer = await world.say(world.school.vk["mom1"], "/кабинет")  # the family's answer does not change
        assert answer.text == t.REFUSED_FAMILY
    finally:
        await harness.stop()


async def test_unknown_addresses_get_a_russian_not_found_page(world: World) -> None:
    async with session() as client:
        async with client.get(f"{world.base}/org/999999") as page:
            assert page.status == 401  # signed out: nothing is said about what exists
        await sign_in(client, await world.link_for(1))  # the operator may see any org
        for path in ("/nope", "/org/999999", "/org/abc", f"/org/{world.school.org.id}/class/999999",
                     f"/org/{world.school.org.id}/nope.xlsx"):
            async with client.get(world.base + path) as page:
                assert page.status == 404 and t.NOT_FOUND in await page.text(), path
        async with client.get(world.base + "/logout") as page:
            assert page.status == 405  # signing out is a POST (a link cannot sign anyone out)


async def test_the_whole_page_downloads_as_one_workbook_with_the_glossary(world: World) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from bot.texts import reports as rt

    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        async with client.get(f"{world.base}/org/{world.school.org.id}?month={MONTH}") as page:
            html = await page.text()
            assert "Период: ноябрь 2026 (с 1 по 30 ноября 2026 года, время Europe/Moscow)." in html
            assert t.GLOSSARY in html and rt.GLOSSARY["not_on_platform"][1] in html
            assert "Сообщений по дням, ноябрь 2026" in html  # the daily chart
        async with client.get(f"{world.base}/org/{world.school.org.id}/all.xlsx?month={MONTH}") as file:
            assert file.status == 200
            assert file.headers["Content-Disposition"] == f'attachment; filename="kabinet-sch12-all-{MONTH}.xlsx"'
            book = load_workbook(BytesIO(await file.read()))
        assert book.sheetnames[0] == t.SCHOOL_SUMMARY and book.sheetnames[-1] == rt.SHEET_GLOSSARY
        assert t.OPEN_ALERTS[:31] in book.sheetnames
        people = list(book[t.SCHOOL_SUMMARY].iter_rows(values_only=True))
        assert people[-1] == ("Итого", 6, 2, 4, 2, 2, 2, 0)
        async with client.get(f"{world.base}/org/{world.school.org.id}/all.csv?month={MONTH}") as file:
            text = (await file.read()).decode("utf-8")
        assert "Итого;6;2;4;2;2;2;0" in text and rt.SHEET_GLOSSARY in text


async def test_in_a_chat_the_link_is_never_posted(world: World) -> None:
    emu, admin = world.emu, world.school.vk["admin"]
    peer = emu.create_chat("Коллектив", admin)
    emu.add_bot_to_chat(peer, admin)
    emu.set_bot_admin(peer, True)
    await world.harness.settled()
    mark = len(emu.sent(peer))
    emu.user_message(peer, admin, "/кабинет")
    answer = await emu.wait_sent(peer, contains="только в личных", since=mark, timeout=15)
    assert "/login/" not in answer.text
    await world.harness.settled()
    assert not any("/login/" in m.text for m in emu.sent(peer))


async def test_a_failing_page_logs_where_not_what(world: World, caplog, monkeypatch) -> None:
    """A page that fails answers 500 with a reference; the log has the reference and where it
    failed, never the exception's message (it may quote a child's name)."""
    from bot.web import render

    name = "".join(["Ива", "нов"])  # data, not source: a traceback's code lines never hold it

    async def boom(*args, **kwargs):  # noqa: ANN202
        raise ValueError(f"{name} Пётр, 5А")

    async with session() as client:
        await sign_in(client, await world.link_for(world.school.vk["admin"]))
        monkeypatch.setattr(render, "org_page", boom)
        caplog.set_level(logging.INFO)
        async with client.get(f"{world.base}/org/{world.school.org.id}") as page:
            html = await page.text()
            assert page.status == 500 and "Иванов" not in html
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot.web")]
    assert failed and "ValueError" in failed[0].getMessage() and "in boom" in failed[0].getMessage()
    logged = "\n".join(r.getMessage() + (str(r.exc_info) if r.exc_info else "") for r in caplog.records)
    assert "Иванов" not in logged
