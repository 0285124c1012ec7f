"""The cabinet's templates and charts without a server: long tables are cut on the page (not in
the files), whatever people typed is escaped, charts say «нет данных» when there is nothing."""

from __future__ import annotations

import re

from bot.repo.orgs import Org
from bot.texts import cabinet as t
from bot.web.render import org_html
from bot.web.svg import bar_chart
from bot.web.tables import Table, file_name
from bot.web.views import Page, Section

ORG = Org(7, "school", "sch12", "Школа № 12", None, "Europe/Moscow", 11, None)


def render(page: Page) -> str:
    return org_html(page, base="/org/7")


def test_a_long_table_is_cut_on_the_page_and_whole_in_the_files() -> None:
    table = Table("schools", "Школы", ["Место", "Школа"], [[n, f"Школа {n}"] for n in range(1, 251)])
    html = render(Page(ORG, "2026-11", True, [], [Section("Школы", table)]))
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 200 and "Школа 200<" in body and "Школа 201<" not in body
    assert t.TABLE_CUT.format(shown=200, total=250) in html
    assert table.csv().decode("utf-8").count("\r\n") == 251  # the header and every row


def test_what_people_typed_is_escaped() -> None:
    table = Table("chats", "Беседы", ["Беседа"], [["<script>alert(1)</script>"]], links={0: "/org/7/class/1"})
    html = render(Page(ORG, "2026-11", False, [("<b>Регион</b>", "/org/1")], [Section("Беседы", table)]))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Регион</b>" not in html
    assert t.PRELIMINARY in html  # the month is not over
    assert t.GLOSSARY in html and "Нет на платформе</dt>" in html  # what each figure means
    assert 'href="/org/7/chats.xlsx?month=2026-11"' in html and 'href="/org/7/chats.csv?month=2026-11"' in html


def test_a_chart_draws_a_bar_per_month_or_says_there_is_no_data() -> None:
    chart = str(bar_chart("Сообщений <по> месяцам", ["окт 26", "ноя 26"], [3, 5]))
    assert chart.count("<rect") == 2 and ">5</text>" in chart and "Сообщений &lt;по&gt; месяцам" in chart
    empty = str(bar_chart("Сообщений", ["окт 26", "ноя 26"], [0, 0]))
    assert "<rect" not in empty and t.NO_DATA in empty
    assert t.NO_DATA in str(bar_chart("Сообщений", [], []))


def test_download_names_carry_no_personal_data() -> None:
    assert file_name("sch12", "classes", "2026-11", "xlsx") == "kabinet-sch12-classes-2026-11.xlsx"
    assert re.fullmatch(r"kabinet-[a-z0-9-]+-x-2026-11\.csv", file_name("Школа №1 \"x\"", "x", "2026-11", "csv"))


def test_web_settings() -> None:
    import pytest

    from bot.config import ConfigError, load_settings

    off = load_settings(None).web
    assert not off.enabled and off.host == "127.0.0.1"
    web = load_settings(None, web={"port": 8081, "public_url": "https://cabinet.example.ru/"}).web
    assert web.enabled and web.secure and web.base_url == "https://cabinet.example.ru"
    plain = load_settings(None, web={"port": 8081}).web
    assert not plain.secure and plain.base_url == "http://127.0.0.1:8081"
    for bad in ({"public_url": "cabinet.example.ru"}, {"public_url": "https://example.ru/cabinet"},
                {"port": 0}, {"link_minutes": 0}, {"sessions": 1}):
        with pytest.raises(ConfigError) as refused:
            load_settings(None, web={"port": 8081, **bad})
        assert "web." in str(refused.value)
    with pytest.raises(ConfigError) as refused:
        load_settings(None, vk={"mode": "callback"}, web={"port": 8080},
                      callback={"secret": "s" * 16, "confirmation": "abc", "port": 8080})
    assert "«web.port» и «callback.port» оба равны 8080" in str(refused.value)
