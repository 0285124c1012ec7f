"""Templates to HTML: the one Jinja2 environment of the cabinet (autoescaped), and a page of an
organisation rendered in one call — what the server answers, and what a benchmark can time."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from bot.db import Database
from bot.repo.orgs import Org
from bot.texts import cabinet as t
from bot.web import views

AREA_KINDS = ("region", "municipality")


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("bot.web", "templates"), autoescape=True)


def html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(t=t, **context)


def org_html(page: views.Page, *, base: str, problem: str | None = None) -> str:
    return html("org.html", page=page, problem=problem, signed_in=True, base=base,
                month_label=views.month_label(page.month), glossary=views.GLOSSARY)


async def org_page(db: Database, org: Org, month: str, *, now: float, show_moderation: bool = False,
                   show_names: bool = False) -> views.Page:
    """The page of a school, a municipality or a region for ``month`` (access is the caller's job)."""
    if org.kind in AREA_KINDS:
        return await views.area_page(db, org, month, now=now)
    return await views.school_page(db, org, month, show_moderation=show_moderation, show_names=show_names, now=now)
