"""The cabinet's HTTP server (aiohttp), started by the bot process when ``[web] port`` is set.

Every page is decided from the session's VK account and that person's current roles, with the
same rules as the commands (``report_view`` to see an organisation, ``alerts_receive`` for its
alerts and moderation log, ``roster_manage`` for names). The access log is our own: method,
route pattern and status — never a path (a login link's token is in one) or a client address.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.domain.capabilities import Capability
from bot.domain.errors import UserError
from bot.repo import orgs as org_repo
from bot.repo.orgs import Org
from bot.runtime.app import App
from bot.services.access import CAPABILITIES, Caller
from bot.services.report_months import current_month, parse_month
from bot.services.web_auth import Opened, Refusal, may_use
from bot.texts import cabinet as t
from bot.web import render, views
from bot.web.tables import Table, file_name

log = logging.getLogger(__name__)

COOKIE = "zavuch_session"
LOOPBACK = ("127.0.0.1", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
                               " frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    # a login page's address holds its token: never sent to another site (and with "no-referrer"
    # browsers would post our own forms with «Origin: null»)
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Page(Exception):
    """A page that ends the request early: a refusal, a sign-in prompt, a missing page."""

    def __init__(self, status: int, title: str, text: str, *, signed_in: bool = False) -> None:
        super().__init__(title)
        self.status, self.title, self.text, self.signed_in = status, title, text, signed_in


class WebServer:
    def __init__(self, app: App) -> None:
        self.app = app
        self.web = web.Application(middlewares=[self._guard], client_max_size=16 * 1024)
        self.web.add_routes([
            web.get("/", self.home),
            web.get("/login/{token}", self.login_form),
            web.post("/login", self.login),
            web.post("/logout", self.logout),
            web.get("/static/style.css", self.style),
            web.get(r"/org/{org_id:\d{1,12}}", self.org_page),
            web.get(r"/org/{org_id:\d{1,12}}/class/{class_id:\d{1,12}}", self.class_page),
            web.get(r"/org/{org_id:\d{1,12}}/{key:[a-z-]{1,32}}.{ext:xlsx|csv}", self.download),
            web.get(r"/org/{org_id:\d{1,12}}/class/{class_id:\d{1,12}}/{key:[a-z-]{1,32}}.{ext:xlsx|csv}",
                    self.download),
        ])
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self, host: str, port: int) -> int:
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("web cabinet listening on %s:%s", host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- every request ---------------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "?"
        try:
            if request.method == "POST" and not _same_origin(request):
                raise Page(403, t.FORBIDDEN_TITLE, t.FORBIDDEN)
            response = await handler(request)
        except Page as page:
            response = self._render(page.status, "message.html", title=page.title, text=page.text,
                                    signed_in=page.signed_in, show_login_how=page.status == 401)
        except web.HTTPNotFound:
            response = self._render(404, "message.html", title=t.NOT_FOUND_TITLE, text=t.NOT_FOUND)
        except web.HTTPException as exc:  # redirects and the like: answered as plain responses
            response = web.Response(status=exc.status, headers=exc.headers)
        except Exception as exc:
            ref = secrets.token_hex(3)
            # where it failed, not the exception's message: that may quote a name or a cell
            where = "".join(traceback.format_tb(exc.__traceback__))
            log.error("web %s %s failed: %s [%s]\n%s", request.method, route, type(exc).__name__, ref, where)
            response = self._render(500, "message.html", title=t.ERROR_TITLE, text=t.ERROR.format(ref=ref))
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        log.info("web %s %s %s", request.method, route, response.status)
        return response

    def _render(self, status: int, template: str, **context: Any) -> web.Response:
        return web.Response(status=status, text=render.html(template, **context), content_type="text/html",
                            charset="utf-8")

    async def _caller(self, request: web.Request) -> Caller:
        vk_id = await self.app.cabinet.session_vk(request.cookies.get(COOKIE))
        if vk_id is None:
            raise Page(401, t.LOGIN_TITLE, t.SESSION_ENDED)
        caller = await self.app.access.caller(vk_id)
        if not may_use(caller):
            raise Page(403, t.FORBIDDEN_TITLE, t.REFUSALS["not_allowed"], signed_in=True)
        return caller

    async def _org(self, request: web.Request, caller: Caller, capability: Capability = Capability.REPORT_VIEW) -> Org:
        org = await org_repo.get(self.app.report_db, int(request.match_info["org_id"]))
        if org is None:
            raise web.HTTPNotFound()
        if not await self.app.access.allowed(caller, capability, org.id):
            raise Page(403, t.FORBIDDEN_TITLE, t.FORBIDDEN, signed_in=True)
        return org

    # -- signing in and out ----------------------------------------------------------------------

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        # showing the form spends nothing: link previews and scanners that fetch the address do
        # not use up the link; pressing «Войти» (a POST) does
        return self._render(200, "login.html", token=request.match_info["token"][:80])

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        token = form.get("token")
        result = await self.app.cabinet.sign_in(token if isinstance(token, str) else "", _client(request))
        if isinstance(result, Refusal):
            status = 429 if result is Refusal.LIMITED else 403
            raise Page(status, t.LOGIN_TITLE, t.REFUSALS[result.value])
        # a cookie this browser already had (perhaps planted) ends here: only the new one opens pages
        await self.app.cabinet.sign_out(request.cookies.get(COOKIE))
        return self._signed_in(result)

    def _signed_in(self, opened: Opened) -> web.StreamResponse:
        response = web.Response(status=303, headers={"Location": "/"})
        response.set_cookie(COOKIE, opened.session, max_age=opened.max_age, path="/", httponly=True,
                            samesite="Lax", secure=self.app.settings.web.secure)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self.app.cabinet.sign_out(request.cookies.get(COOKIE))
        response = self._render(200, "message.html", title=t.LOGIN_TITLE, text=t.SIGNED_OUT, show_login_how=True)
        response.del_cookie(COOKIE, path="/")
        return response

    async def style(self, request: web.Request) -> web.StreamResponse:
        css = resources.files("bot.web").joinpath("static/style.css").read_text(encoding="utf-8")
        return web.Response(text=css, content_type="text/css", headers={"Cache-Control": "max-age=3600"})

    # -- pages -----------------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        if request.cookies.get(COOKIE) is None:
            return self._render(200, "message.html", title=t.SITE_TITLE, text="", show_login_how=True)
        caller = await self._caller(request)
        orgs = await self._visible_orgs(caller)
        if len(orgs) == 1 and not caller.is_operator:
            raise web.HTTPSeeOther(f"/org/{orgs[0].id}")
        return self._render(200, "home.html", orgs=orgs, signed_in=True, roles=_roles(caller, orgs))

    async def _visible_orgs(self, caller: Caller) -> list[Org]:
        db = self.app.report_db
        if caller.is_operator:
            return [*await org_repo.all_of_kind(db, "region"),
                    *[o for o in await org_repo.all_of_kind(db, "municipality") if o.parent_id is None],
                    *[o for kind in ("school", "other") for o in await org_repo.all_of_kind(db, kind)
                      if o.parent_id is None]]
        ids = sorted({g.org_id for g in caller.grants if g.role in CAPABILITIES[Capability.REPORT_VIEW]})
        found = [await org_repo.get(db, org_id) for org_id in ids]
        return [o for o in found if o is not None]

    def _month(self, request: web.Request, org: Org) -> tuple[str, str | None]:
        current = current_month(self.app.now(), org.timezone)
        raw = request.query.get("month")
        if not raw:
            return current, None
        try:
            month = parse_month(raw[:10])
        except UserError:
            return current, t.BAD_MONTH.format(month=views.month_label(current))
        if month > current:
            return current, t.BAD_MONTH.format(month=views.month_label(current))
        return month, None

    async def _page(self, request: web.Request) -> tuple[views.Page, Caller, str | None]:
        caller = await self._caller(request)
        org = await self._org(request, caller)
        month, problem = self._month(request, org)
        db, now = self.app.report_db, self.app.now()
        names = await self.app.access.allowed(caller, Capability.ROSTER_MANAGE, org.id)
        try:
            if "class_id" in request.match_info:
                page = await views.class_page(db, org, int(request.match_info["class_id"]), month, show_names=names,
                                              now=now)
            else:
                alerts = await self.app.access.allowed(caller, Capability.ALERTS_RECEIVE, org.id)
                page = await render.org_page(db, org, month, now=now, show_moderation=alerts, show_names=names)
        except LookupError:  # a class of another school, or gone
            raise web.HTTPNotFound() from None
        return page, caller, problem

    async def org_page(self, request: web.Request) -> web.StreamResponse:
        page, _, problem = await self._page(request)
        return web.Response(text=render.org_html(page, base=request.path, problem=problem), content_type="text/html",
                            charset="utf-8")

    async def class_page(self, request: web.Request) -> web.StreamResponse:
        return await self.org_page(request)

    async def download(self, request: web.Request) -> web.StreamResponse:
        page, _, _ = await self._page(request)
        table: Table | None = page.table(request.match_info["key"])
        if table is None:
            raise web.HTTPNotFound()
        ext = request.match_info["ext"]
        body = table.xlsx() if ext == "xlsx" else table.csv()
        name = file_name(page.org.code, table.key, page.month, ext)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPES[ext],
                                                "Content-Disposition": f'attachment; filename="{name}"'})


def _client(request: web.Request) -> str:
    """The client's address: the proxy's X-Real-IP when the request comes from this machine
    (nginx in front), else the peer's address."""
    remote = request.remote or "?"
    if remote in LOOPBACK:
        forwarded = request.headers.get("X-Real-IP", "").strip()
        if forwarded and len(forwarded) <= 64:
            return forwarded
    return remote


def _same_origin(request: web.Request) -> bool:
    """A form posted from another site (its Origin names another host, or the browser's
    Sec-Fetch-Site says it came from elsewhere) is refused."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


def _roles(caller: Caller, orgs: list[Org]) -> list[str]:
    from bot.services.access import ROLE_NAMES_RU

    names = {o.id: o.name for o in orgs}
    if caller.is_operator:
        return [ROLE_NAMES_RU["operator"]]
    return sorted({t.ROLE_IN.format(role=ROLE_NAMES_RU.get(g.role, g.role), org=names[g.org_id])
                   for g in caller.grants if g.org_id in names})
