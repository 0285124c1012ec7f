"""The cabinet in a real browser: Playwright driving Debian's chromium (installed by .ci/run; never
a browser downloaded at run time). Sign in with the link the bot sent through vkemu, see the
school, drill down from the municipality to a class, download an XLSX and read it back; the
refusals. Screenshots of the main pages go to tests/_artifacts/web/ (ignored by git)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from bot.texts import cabinet as t
from bot.web.server import COOKIE
from tests.web.conftest import ARTIFACTS, MONTH, World

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does it)")
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=args)
        try:
            yield launched
        finally:
            await launched.close()


async def new_context(browser: Browser, **kwargs) -> BrowserContext:
    context = await browser.new_context(locale="ru-RU", accept_downloads=True, **kwargs)
    context.set_default_timeout(15_000)
    return context


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, link: str) -> None:
    await page.goto(link)
    await page.get_by_role("button", name=t.LOGIN_BUTTON).click()
    await page.wait_for_load_state()


async def test_sign_in_with_the_link_from_the_bot_and_see_the_school(world: World, browser: Browser) -> None:
    link = await world.link_for(world.school.vk["admin"])
    context = await new_context(browser)
    page = await context.new_page()
    await page.goto(link)
    await shot(page, "login")
    await page.get_by_role("button", name=t.LOGIN_BUTTON).click()
    await page.wait_for_url(f"**/org/{world.school.org.id}")
    assert await page.locator("h1").inner_text() == "Школа № 12 (sch12)"
    for title in (t.SCHOOL_SUMMARY, t.MESSAGES, t.CHATS_BY_TYPE, t.CLASSES_WITHOUT_CHATS, t.NOT_ON_PLATFORM,
                  t.UNREACHABLE_STAFF, t.GUESTS, t.OPEN_ALERTS, t.MODERATION_LOG, t.TREND):
        assert await page.get_by_role("heading", name=title).count() == 1, title
    # by hand: students Аня (linked), Боря and Вера (not); Анна, the mother, in the chat and writing;
    # the admin and the class teacher, who is in the chat and wrote once
    people = page.locator('table[data-key="people"] tbody tr')
    assert await people.nth(0).locator("td").all_inner_texts() == ["Ученики", "3", "2", "1", "0", "1", "0", "0"]
    assert await people.nth(3).locator("td").all_inner_texts() == ["Итого", "6", "2", "4", "2", "2", "2", "0"]
    # the parents' chat of 5А is for the one parent of the school, who is in it
    coverage = page.locator('table[data-key="coverage"] tbody tr', has_text="родители класса")
    assert await coverage.locator("td").all_inner_texts() == ["родители класса", "1", "1", "1", "100%"]
    # the teacher of school 5 wrote once in it: a guest, credited to school 5
    guests = page.locator('table[data-key="guests"] tbody tr')
    assert await guests.all_inner_texts() == ["Школа № 5\t1\t1\t0"]
    assert await page.locator("#trend svg").count() == 1
    cookies = {c["name"]: c for c in await context.cookies()}
    assert cookies[COOKIE]["httpOnly"] and cookies[COOKIE]["sameSite"] == "Lax"
    await shot(page, "school")
    await page.set_viewport_size(PHONE)
    await shot(page, "school-phone")
    # signing out ends it: the same page now asks to sign in
    await page.get_by_role("button", name=t.SIGN_OUT).click()
    await page.get_by_text(t.SIGNED_OUT).wait_for()
    response = await page.goto(f"{world.base}/org/{world.school.org.id}")
    assert response is not None and response.status == 401
    await context.close()


async def test_the_coordinator_drills_down_from_the_municipality_to_a_class(world: World, browser: Browser) -> None:
    link = await world.link_for(world.school.vk["coordinator"])
    context = await new_context(browser)
    page = await context.new_page()
    await sign_in(page, link)
    await page.wait_for_url(f"**/org/{world.muni.id}")  # one territory: straight to it
    assert await page.locator("h1").inner_text() == "Казань"
    ranked = page.locator('table[data-key="schools"] tbody tr')
    assert await ranked.count() == 2
    # ranked by people in chats over the roster: school 5 has 1 of 2 (its teacher, a guest in
    # school 12's chat), school 12 has 2 of 6
    assert (await ranked.nth(0).locator("td").all_inner_texts())[:5] == ["1", "Школа № 5", "2", "0", "50%"]
    assert (await ranked.nth(1).locator("td").all_inner_texts())[:5] == ["2", "Школа № 12", "6", "2", "33%"]
    await shot(page, "municipality")
    await page.get_by_role("link", name="Школа № 12").click()
    await page.wait_for_url(f"**/org/{world.school.org.id}?month={MONTH}")
    assert await page.get_by_role("heading", name=t.OPEN_ALERTS).count() == 0  # the school's own business
    await page.locator('table[data-key="classes"]').get_by_role("link", name="5А").click()
    await page.wait_for_url(f"**/org/{world.school.org.id}/class/{world.class_id}?month={MONTH}")
    assert await page.locator("h1").inner_text() == "Класс 5А — Школа № 12"
    assert await page.get_by_text(t.CLASS_PEOPLE_HIDDEN).count() == 1  # counts, not names, for a coordinator
    await shot(page, "class")
    # the crumbs lead back up
    await page.locator("nav.crumbs").get_by_role("link", name="Казань").click()
    await page.wait_for_url(f"**/org/{world.muni.id}?month={MONTH}")
    await context.close()


async def test_download_an_xlsx_and_read_it_back(world: World, browser: Browser, tmp_path: Path) -> None:
    context = await new_context(browser)
    page = await context.new_page()
    await sign_in(page, await world.link_for(world.school.vk["admin"]))
    await page.wait_for_url(f"**/org/{world.school.org.id}")
    async with page.expect_download() as waiting:
        await page.locator("#classes").get_by_role("link", name="XLSX").click()
    download = await waiting.value
    assert download.suggested_filename == f"kabinet-sch12-classes-{MONTH}.xlsx"
    target = tmp_path / download.suggested_filename
    await download.save_as(target)
    book = load_workbook(BytesIO(target.read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows == [
        ("Класс", "Учеников", "Учеников нет на платформе", "Учеников в беседах", "Родителей",
         "Родителей нет на платформе", "Родителей в беседах", "Беседа родителей", "Беседа учеников"),
        ("5А", 2, 1, 0, 1, 0, 1, "да", "нет"),
        ("6Б", 1, 1, 0, 0, 0, 0, "нет", "нет"),
    ]
    # the same table as CSV (what Russian Excel opens: BOM and «;»)
    async with page.expect_download() as waiting:
        await page.locator("#classes").get_by_role("link", name="CSV").click()
    csv = Path(await (await waiting.value).path()).read_bytes().decode("utf-8")
    assert csv.startswith("\ufeffКласс;Учеников") and "5А;2;1;0;1;0;1;да;нет" in csv
    await context.close()


async def test_refusals_in_the_browser(world: World, browser: Browser) -> None:
    # a parent asks for a link: a polite refusal and no link
    answer = await world.say(world.school.vk["mom1"], "/кабинет")
    assert answer.text == t.REFUSED_FAMILY
    # a link issued to a parent's account anyway (a role that was revoked since) opens nothing
    parent_token = await world.harness.app.cabinet.issue_link(world.school.vk["mom1"])  # type: ignore[union-attr]
    context = await new_context(browser)
    page = await context.new_page()
    await sign_in(page, f"{world.base}/login/{parent_token}")
    await page.get_by_text(t.REFUSALS["not_allowed"]).wait_for()
    await shot(page, "refused-parent")

    # a reused link
    link = await world.link_for(world.school.vk["admin"])
    await sign_in(page, link)
    await page.wait_for_url(f"**/org/{world.school.org.id}")
    other = await new_context(browser)
    stranger = await other.new_page()
    await sign_in(stranger, link)
    await stranger.get_by_text(t.REFUSALS["used"]).wait_for()

    # another school's page, for the signed-in admin
    response = await page.goto(f"{world.base}/org/{world.other.org.id}")
    assert response is not None and response.status == 403
    await page.get_by_text(t.FORBIDDEN).wait_for()
    await shot(page, "refused-other-school")

    # an expired link
    late = await world.link_for(world.school.vk["admin"])
    world.harness.clock.offset += 11 * 60  # type: ignore[attr-defined]
    await sign_in(stranger, late)
    await stranger.get_by_text(t.REFUSALS["expired"]).wait_for()

    # a forged cookie
    await other.add_cookies([{"name": COOKIE, "value": "F0rGeD-" + "x" * 36, "url": world.base}])
    response = await stranger.goto(f"{world.base}/org/{world.school.org.id}")
    assert response is not None and response.status == 401
    await stranger.get_by_text(t.LOGIN_HOW).wait_for()
    await other.close()
    await context.close()
