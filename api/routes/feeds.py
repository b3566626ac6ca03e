"""Calendar subscriptions: secret feed URLs for officers and sergeants, public ward feeds.

Managing a feed (`/feeds`, `api.services.subscriptions`) needs a bearer token; reading
one (`/ical/...`) needs only the secret in its URL, as calendar apps never sign in. A
feed token is looked up by its hash, so no comparison of secrets is timed; unknown and
revoked tokens are both 404.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session, col

from api import feeds, tables
from api.auth import CallerDep
from api.deps import ERRORS, RowId, SessionDep, public_base
from api.memory import forget_feed_tokens
from api.schemas import FeedView, IssuedFeed, NewFeed
from api.services import subscriptions
from api.services.access import hash_token
from api.services.errors import NotFound

router = APIRouter(tags=["feeds"])
FEED_LAST_USED_GRANULARITY = timedelta(hours=1)  # apps poll hourly at most: enough to
# spot dead subscriptions, and far fewer writes competing with readers (SQLite locks)
TOKEN_CACHE_SECONDS = 60.0  # revocation clears it at once in the process that revoked
FEED_BODY_CACHE = 2048
ICAL = "text/calendar; charset=utf-8"


def feed_urls(request: Request, token: str) -> dict[str, str]:
    """The secret address, as https (or http) and as webcal."""
    https = f"{public_base(request)}/ical/{token}.ics"
    return {"url": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _issued(request: Request, feed: tables.FeedToken, token: str) -> IssuedFeed:
    return IssuedFeed(**FeedView.model_validate(feed).model_dump(), **feed_urls(request, token))


@router.post("/feeds", status_code=201, responses=ERRORS)
def add_feed(new: NewFeed, caller: CallerDep, session: SessionDep, request: Request) -> IssuedFeed:
    """A new secret feed URL (https and webcal forms), shown only now. An officer may
    make their own; a sergeant any of their team's, and the team feed."""
    feed, token = subscriptions.add_feed(session, caller, new)
    return _issued(request, feed, token)


@router.get("/feeds", responses=ERRORS)
def list_feeds(caller: CallerDep, session: SessionDep) -> list[FeedView]:
    """The feeds the caller may manage (never their secrets)."""
    return [FeedView.model_validate(feed) for feed in subscriptions.list_feeds(session, caller)]


@router.delete("/feeds/{feed_id}", status_code=204, responses=ERRORS)
def revoke_feed(feed_id: RowId, caller: CallerDep, session: SessionDep, request: Request) -> None:
    """Revoke a feed URL: from now on it is 404 (calendar apps keep their last copy)."""
    subscriptions.revoke_feed(session, caller, feed_id)
    forget_feed_tokens(request.app.state)


@router.post("/feeds/{feed_id}/rotate", status_code=201, responses=ERRORS)
def rotate_feed(
    feed_id: RowId, caller: CallerDep, session: SessionDep, request: Request
) -> IssuedFeed:
    """Revoke a feed URL and issue its replacement in one step."""
    feed, token = subscriptions.rotate_feed(session, caller, feed_id)
    forget_feed_tokens(request.app.state)
    return _issued(request, feed, token)


# --- reading -------------------------------------------------------------------------

_Token, _Staff = tables.FeedToken, tables.StaffMember
_TOKEN = (
    sa.select(
        _Token.id,  # type: ignore[arg-type]
        _Token.kind,
        _Token.team_id,
        _Token.staff_id,
        _Token.last_used_at,
        tables.Team.name,
        tables.Team.timezone,
        _Staff.spec,
    )
    .join(tables.Team, col(tables.Team.id) == col(_Token.team_id))
    .outerjoin(
        _Staff,
        sa.and_(col(_Staff.team_id) == col(_Token.team_id), col(_Staff.id) == col(_Token.staff_id)),
    )
    .where(col(_Token.token_hash) == sa.bindparam("digest"), col(_Token.revoked_at).is_(None))
)


def _subject_of(
    engine: sa.Engine, digest: str
) -> tuple[tuple[feeds.Subject, str, str], bool] | None:
    """The feed a token opens (its subject, calendar name and time zone), and whether its
    last use is due to be recorded: one indexed query, cheap enough for the event loop."""
    with engine.connect() as connection:
        row = connection.execute(_TOKEN, {"digest": digest}).first()
    if row is None:
        return None
    stale = row.last_used_at is None or (
        datetime.now(UTC) - row.last_used_at > FEED_LAST_USED_GRANULARITY
    )
    if row.kind == "team":
        return (feeds.Subject("team", row.team_id), f"{row.name}: duties", row.timezone), stale
    name = row.spec["name"] if row.spec else row.staff_id
    label = "busy" if row.kind == "busy" else "duties"
    subject = feeds.Subject(row.kind, row.team_id, row.staff_id)
    return (subject, f"{name}: {label}", row.timezone), stale


def _record_use(engine: sa.Engine, digest: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.update(_Token)
            .where(col(_Token.token_hash) == digest)
            .values(last_used_at=datetime.now(UTC))
        )


async def _feed_of_token(request: Request, token: str) -> tuple[feeds.Subject, str, str]:
    digest = hash_token(token)
    # Taken before the lookup, so a forget_feed_tokens during it leaves no trace here.
    cache: dict[str, tuple[float, Any]] = request.app.state.feed_tokens
    now = time.monotonic()
    remembered = cache.get(digest)
    if remembered is not None and now - remembered[0] < TOKEN_CACHE_SECONDS:
        return remembered[1]
    looked_up = _subject_of(request.app.state.engine, digest)  # on the loop: see above
    if looked_up is None:
        cache.pop(digest, None)
        raise NotFound("no such feed")
    found, stale = looked_up
    if stale:  # at most hourly per token: a write, so in the thread pool
        await run_in_threadpool(_record_use, request.app.state.engine, digest)
    if len(cache) >= 10_000:
        cache.clear()
    cache[digest] = (now, found)
    return found


def _not_modified(request: Request, validators: feeds.Validators) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return validators.etag in match or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since and validators.last_modified is not None:
        try:
            return validators.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


async def _serve(
    request: Request, subject: feeds.Subject, name: str, zone: str, cache_control: str
) -> Response:
    engine, now = request.app.state.engine, request.app.state.clock()
    with engine.connect() as connection:  # one aggregate query, on the loop (as rotas.read_rota)
        validators = feeds.validators(connection, subject, name, zone, now)
    headers = {"ETag": validators.etag, "Cache-Control": cache_control}
    if validators.last_modified is not None:
        headers["Last-Modified"] = format_datetime(validators.last_modified, usegmt=True)
    if _not_modified(request, validators):
        return Response(status_code=304, headers=headers)

    def rendered() -> bytes:
        with Session(engine) as session:
            return feeds.render(session, subject, name, zone, now)

    # The ETag determines the bytes, so a rendered feed is kept by it (per process) for
    # the apps that poll without If-None-Match.
    bodies: OrderedDict[str, bytes] = request.app.state.feed_bodies
    body = bodies.get(validators.etag)
    if body is None:
        body = bodies[validators.etag] = await run_in_threadpool(rendered)
        if len(bodies) > FEED_BODY_CACHE:
            bodies.popitem(last=False)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(media_type=ICAL, headers=headers)
    return Response(body, media_type=ICAL, headers=headers)


@router.get("/ical/{token}.ics", response_class=Response)
@router.head("/ical/{token}.ics", response_class=Response)
async def read_feed(token: Annotated[str, Path(max_length=128)], request: Request) -> Response:
    """An officer's duties, their busy-only times, or a team's duties, by secret URL."""
    subject, name, zone = await _feed_of_token(request, token)
    return await _serve(request, subject, name, zone, "private, max-age=0")


@router.get("/ical/public/{team_id}/{ward_id}.ics", response_class=Response)
@router.head("/ical/public/{team_id}/{ward_id}.ics", response_class=Response)
async def read_ward_feed(
    team_id: Annotated[str, Path(max_length=64)],
    ward_id: Annotated[str, Path(max_length=64)],
    request: Request,
) -> Response:
    """A ward's public engagement events, for residents: no officer names."""

    def ward() -> tuple[str, str] | None:
        with Session(request.app.state.engine) as session:
            team = session.get(tables.Team, team_id)
            item = session.get(tables.Ward, (team_id, ward_id)) if team else None
            return (item.spec["name"], team.timezone) if team and item else None

    found = await run_in_threadpool(ward)
    if found is None:
        raise NotFound(f"no ward {ward_id!r} in team {team_id!r}")
    name, zone = found
    subject = feeds.Subject("ward", team_id, ward_id=ward_id)
    return await _serve(request, subject, f"{name}: community events", zone, "public, max-age=900")
