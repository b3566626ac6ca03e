"""The FastAPI app: `create_app()` migrates the database and starts the solve worker.

Also what every response shares: the allowed host names (AllowedHosts), the security
headers (SecurityHeaders), no caching of private pages (NoStore), the body limit
(BodyLimit), feed secrets kept out of the access log, and the API's own documentation
page, served with its assets from this server (a force network has no internet).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import math
import os
import re
import signal
import sys
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib.resources import files
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import (
    http_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import demand_pages, edit_pages, pages, people_pages, roster_pages, setup_pages
from api.auth import Guesses, SignInNeeded
from api.db import make_engine, migrate
from api.deps import ERRORS
from api.routes import edits, feeds, items, jobs, replans, rosters, rotas, teams, users
from api.services.errors import DomainError, field_error
from api.settings import Settings, get_settings
from api.worker import recover_interrupted, start_worker


def create_app(
    settings: Settings | None = None, *, run_worker: bool = True, supervised: bool = False
) -> FastAPI:
    """The app. On start it migrates the database, fails running jobs whose server has
    gone (their heartbeat stale; another server's are left alone) and (with `run_worker`)
    starts the solve worker, restarted should it die; a `supervised` app, one of several
    server processes, leaves all three to the command that started it."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hide_feed_tokens()
        if not supervised:
            migrate(engine)
            recover_interrupted(engine)
        # The worker, watched: if it dies, its job is failed and a new worker started.
        worker = (
            start_worker(settings.database_url, engine) if run_worker and not supervised else None
        )
        app.state.worker = worker
        # Everything loaded so far lives as long as the server: keep it out of the cyclic
        # collector, whose full passes over it were the slowest requests under load.
        gc.freeze()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
                app.state.worker = None
            engine.dispose()

    app = FastAPI(
        title="Beatplan",
        description="Neighbourhood policing rotas: import a team, solve a week, publish it.",
        lifespan=lifespan,
        docs_url=None,  # served below, with its assets from this server
        redoc_url=None,  # ReDoc needs inline styles and a blob: worker; /docs is enough
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.worker = None  # the solve worker (api.worker.WorkerProcess) while serving
    app.state.rota_cache = OrderedDict()  # (version id, status) -> encoded (routes.rotas)
    app.state.callers = {}  # token hash -> (when, Caller) (see auth)
    app.state.guesses = Guesses()  # wrong tokens per client address (see auth)
    app.state.feed_tokens = {}  # feed token hash -> (when, feed) (see routes.feeds)
    app.state.feed_bodies = OrderedDict()  # feed ETag -> rendered bytes (see routes.feeds)
    app.state.clock = lambda: wall_clock()  # what feeds, pages and services count as now
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(NoStore)
    app.add_middleware(AllowedHosts, hosts=settings.host_names)
    app.add_middleware(SecurityHeaders)  # outermost: on every response, refusals too
    for router in (
        teams.router,
        jobs.router,
        rotas.router,
        edits.router,
        users.router,
        replans.router,
        rosters.router,
    ):
        app.include_router(router, responses=ERRORS)
    app.include_router(feeds.router, responses={404: ERRORS[404]})  # /ical/...: no token
    for router in items.routers():
        app.include_router(router, responses=ERRORS)
    app.include_router(pages.router)
    app.include_router(roster_pages.router)
    app.include_router(setup_pages.router)
    app.include_router(demand_pages.router)
    app.include_router(edit_pages.router)
    app.include_router(people_pages.router)
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    app.mount("/docs/assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def _api_docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS)

    # Pages answer errors with a page, the API with JSON.
    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 400 and error.__cause__ is not None:
            # FastAPI could not read the body (not UTF-8, nested too deeply): a 422 in
            # the one shape every other bad body gets.
            error = HTTPException(422, [field_error(["body"], UNREADABLE_BODY, "json_invalid")])
        if error.status_code == 405:
            # Every method the path answers, not only those of the first route matched.
            allowed = {
                method
                for route in app.router.routes
                if route.matches(request.scope)[0] != Match.NONE
                for method in getattr(route, "methods", None) or ()
            }
            error = HTTPException(405, error.detail, {"Allow": ", ".join(sorted(allowed))})
        if pages.is_page(request.url.path) and error.status_code >= 400:
            return pages.error_page(request, error.status_code, error.detail)
        return await http_exception_handler(request, error)

    # A service's refusal, the same for the API and the pages (api.services.errors).
    @app.exception_handler(DomainError)
    async def _refused(request: Request, error: DomainError) -> Response:
        return await _http_error(request, HTTPException(error.status, error.detail))

    @app.exception_handler(IntegrityError)
    async def _collision(request: Request, error: IntegrityError) -> Response:
        # A unique key another request took at the same moment (two PUTs of one new id,
        # two imports of a new team): the loser's session was closed, so rolled back, on
        # the way out of its dependency, and nothing of it was stored.
        logging.getLogger("api").warning("409 for a simultaneous write: %s", error.orig)
        return await _http_error(request, HTTPException(409, SIMULTANEOUS_WRITE))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if pages.is_page(request.url.path):
            return pages.error_page(request, 422, list(error.errors()))
        detail = [
            {
                key: value
                for key, value in problem.items()
                if key != "url" and not (key == "input" and not _echoable(value))
            }
            for problem in error.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(detail)})

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _error: SignInNeeded) -> Response:
        return pages.sign_in_needed(request)

    return app


def wall_clock() -> datetime:
    """Now, for a server: the default of `app.state.clock` (tests set either)."""
    return datetime.now(UTC)


def _echoable(value: object) -> bool:
    """Whether a 422 may repeat the input: not a whole object, list or body, not a number JSON
    cannot carry (NaN, Infinity, 1e309), which made the 422 itself a 500, nor text that
    UTF-8 cannot (a lone surrogate)."""
    if isinstance(value, dict | list | bytes):
        return False
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a lone surrogate cannot be written in the reply
        except UnicodeEncodeError:
            return False
    return not (isinstance(value, float) and not math.isfinite(value))


UNREADABLE_BODY = (
    "the body cannot be read as JSON (not UTF-8 text, or nested too deeply); send it as UTF-8 JSON"
)
SIMULTANEOUS_WRITE = (
    "this was changed by someone else at the same moment, and nothing of your change was "
    "stored; reload and try again"
)


class BodyLimit:
    """Refuse a request body over `limit` bytes (413) before any of it is read, and one
    of unknown length (411): a 45 MB scenario was once stored after 98 s of work."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            problem = None
            if length is None and b"transfer-encoding" in headers:
                problem = 411, "send the body with a Content-Length"
            elif length is not None and (not length.isdigit() or int(length) > self.limit):
                problem = (
                    413,
                    (
                        f"the body is over {self.limit:,} bytes, more than any team's data needs; "
                        "split it (one team, one week at a time)"
                    ),
                )
            if problem is not None:
                response = JSONResponse(status_code=problem[0], content={"detail": problem[1]})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class NoStore:
    """`Cache-Control: no-store` on every private page's response (pages.is_private:
    /ui..., signing in and out), so that after signing out the browser's Back button
    cannot show a rota with names or a calendar link shown only once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not pages.is_private(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_no_store)


# Swagger UI's script and stylesheet, from a pinned PyPI package (fastapi-offline, which
# ships swagger-ui-dist 5: OpenAPI 3.1 needs Swagger UI 5); api/static/api-docs.js starts
# it, since the pages' Content-Security-Policy allows no inline script.
SWAGGER_UI = str(files("fastapi_offline") / "static")
API_DOCS = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Beatplan API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


class AllowedHosts:
    """Answer only requests whose Host is one of `hosts` (BEATPLAN_ALLOWED_HOSTS and the
    host of BEATPLAN_PUBLIC_URL; "*.example.org" takes every name under example.org):
    others get 400 naming the fix. So the request's own address, used for feed URLs,
    webcal links and QR codes without BEATPLAN_PUBLIC_URL, is always one of this
    server's, and a page cannot be reached through another name (DNS rebinding)."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    def allows(self, host: str) -> bool:
        return any(
            allowed == "*"
            or host == allowed
            or (allowed.startswith("*.") and host.endswith(allowed[1:]))
            for allowed in self.hosts
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = host_name(Headers(scope=scope).get("host", ""))
            if not self.allows(host):
                response = PlainTextResponse(
                    f"This server does not answer to the host name {host!r}. Use its own "
                    "address, or ask its admin to add the name to BEATPLAN_ALLOWED_HOSTS.",
                    status_code=400,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def host_name(host: str) -> str:
    """The name in a Host header, without its port, lower case ('[::1]' for IPv6)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


# Pages and the API docs: scripts, styles and images from this server only, no inline
# script (beatplan.js is a file), no framing (clickjacking), forms post only here.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Everything else (JSON, calendars, downloads) is no page at all.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
HSTS = "max-age=31536000"  # a year; only over https (browsers ignore it on http anyway)


class SecurityHeaders:
    """The security headers on every response: Content-Security-Policy (PAGE_POLICY on
    HTML, DATA_POLICY on the rest), X-Frame-Options, X-Content-Type-Options,
    Referrer-Policy (same-origin: the sign-in page still learns which page a form was
    on, other sites learn nothing), and Strict-Transport-Security over https."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                headers["Content-Security-Policy"] = PAGE_POLICY if html else DATA_POLICY
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if scope.get("scheme") == "https":
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _FeedTokenFilter(logging.Filter):
    """Replace the secret in feed URLs in uvicorn's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            path = record.args[2]
            if isinstance(path, str):
                record.args = (*record.args[:2], without_feed_secret(path), *record.args[3:])
        return True


# After /ical/, whatever follows (a mistyped `.ICS` or none still carries a live token),
# but the public ward feeds' paths.
_FEED_SECRET = re.compile(r"/ical/(?!public/)")


def without_feed_secret(path: str) -> str:
    """`path` (with its query, as uvicorn logs it: the raw request target) for the log:
    if it is, or nearly is, a secret feed's address, that address with the secret
    replaced (the query, which holds none, is kept). It is judged as the router reads
    it, percent-decoded (as often as that changes it, so '/%2569cal/' too) with repeated
    slashes as one, and case-folded, so '/%69cal/<secret>.ics' and '/ICAL/<secret>.ics'
    are hidden like '/ical/...'."""
    decoded, mark, query = path.partition("?")
    for _ in range(8):
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    folded = re.sub(r"/+", "/", decoded).casefold()
    found = _FEED_SECRET.search(folded)
    if found is None:
        return path
    return f"{folded[: found.start()]}/ical/<secret>{mark}{query}"


def hide_feed_tokens() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _FeedTokenFilter) for f in access.filters):
        access.addFilter(_FeedTokenFilter())


def supervised_app() -> FastAPI:
    """The app in each of `beatplan serve --processes N`'s server processes, which end
    with the command that started them: its solve worker and theirs are one."""
    die_with_parent()
    return create_app(supervised=True)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
SUPERVISOR_PID = "BEATPLAN_SUPERVISOR_PID"  # set by `beatplan serve --processes N`


def die_with_parent() -> None:
    """Have the kernel stop this process (SIGTERM, so it shuts down as on Ctrl-C) when the
    process that started it dies, even by kill -9: a server process left behind would
    accept solves that no worker runs, and hold the port against a restart. Linux only
    (elsewhere the server processes must be stopped with the command)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        logging.getLogger("api").warning("cannot tie this server process to its parent")
        return
    # The parent may have died while this process started, before the tie was made.
    if str(os.getppid()) != os.environ.get(SUPERVISOR_PID, str(os.getppid())):
        os.kill(os.getpid(), signal.SIGTERM)
