"""Signing in: the bearer token of a request (or a page's session cookie) to its
`Caller`, and the FastAPI dependencies that give routes the caller and the team they lead.

Who may do what is `api.services.access`; this module only finds out who is asking. It
also slows down guessing: an address that has sent GUESS_LIMIT wrong tokens within
GUESS_WINDOW_SECONDS gets 429 for any token this process does not already know to be
good, until the oldest of those failures is that old.
"""

from __future__ import annotations

import math
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api import tables
from api.deps import SessionDep
from api.services import sessions
from api.services.access import Caller, caller_for, hash_token
from api.services.team_data import led_team

LAST_USED_GRANULARITY = timedelta(minutes=1)
CALLER_CACHE_SECONDS = 10.0
CALLER_CACHE_SIZE = 10_000
# Tokens are 256 random bits, so guessing one is hopeless anyway; the limit keeps a
# script with a wrong or old token (or a guesser) from loading the database, and ten
# tries in five minutes are plenty for someone pasting a token by hand.
GUESS_LIMIT = 10
GUESS_WINDOW_SECONDS = 300.0
GUESS_ADDRESSES = 10_000  # addresses remembered at most (per process)
COOKIE = "beatplan_session"
bearer = HTTPBearer(auto_error=False, description="Bearer token from `beatplan admin`")


class Guesses:
    """Wrong tokens per client address in this process: the times of the recent ones."""

    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = {}

    def wait(self, address: str, now: float) -> float:
        """Seconds `address` must wait before its next token is checked (0: none)."""
        recent = self.failures.get(address)
        if recent is None:
            return 0.0
        while recent and now - recent[0] >= GUESS_WINDOW_SECONDS:
            recent.popleft()
        if not recent:
            del self.failures[address]
            return 0.0
        return GUESS_WINDOW_SECONDS - (now - recent[0]) if len(recent) >= GUESS_LIMIT else 0.0

    def failed(self, address: str, now: float) -> None:
        if address not in self.failures and len(self.failures) >= GUESS_ADDRESSES:
            for other in list(self.failures):  # forget the addresses that are free again
                self.wait(other, now)
            if len(self.failures) >= GUESS_ADDRESSES:  # else the one heard of longest ago
                del self.failures[next(iter(self.failures))]
        self.failures.setdefault(address, deque()).append(now)


def client_address(request: Request) -> str:
    """The client's address (behind a reverse proxy, the one it forwards: uvicorn takes
    X-Forwarded-For from the proxies in FORWARDED_ALLOW_IPS, this machine by default)."""
    return request.client.host if request.client else "unknown"


def too_many_guesses(wait: float, what: str = "tokens") -> HTTPException:
    minutes = max(1, math.ceil(wait / 60))
    return HTTPException(
        429,
        f"too many wrong {what} from your address; wait {minutes} minute"
        f"{'s' if minutes > 1 else ''} and try again with the right one",
        {"Retry-After": str(math.ceil(wait))},
    )


def _load_caller(engine: Engine, digest: str) -> Caller | None:
    """The caller a token hash belongs to, or None for an unknown or revoked token."""
    with Session(engine, expire_on_commit=False) as session:
        token = session.exec(
            select(tables.ApiToken).where(
                col(tables.ApiToken.token_hash) == digest,
                col(tables.ApiToken.revoked_at).is_(None),
            )
        ).first()
        user = session.get(tables.User, token.user_id) if token else None
        if token is None or user is None or user.deactivated_at is not None:
            return None
        now = datetime.now(UTC)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            token.last_used_at = now  # a write per request would serialise every read
            session.add(token)
            session.commit()
        return caller_for(session, user)


async def _caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    return await caller_of(request, credentials.credentials if credentials else None)


async def caller_of(request: Request, token: str | None = None) -> Caller:
    """The signed-in caller (from the Authorization header unless `token` is given). A
    token's caller is remembered for CALLER_CACHE_SECONDS, so busy readers cost no
    database work; a change to users or tokens through this server clears the memory at
    once (other server processes see it within that time). An address that has sent too
    many wrong tokens gets 429 (`Guesses`), but never for a token remembered as good."""
    if token is None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()  # 'Bearer  x' as the other routes' HTTPBearer reads it
        if scheme.lower() != "bearer" or not token:
            token = None
    if token is None:
        raise HTTPException(
            401, "sign in: send 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"}
        )
    digest = hash_token(token)
    # Taken before the load: if forget_callers runs while it is in flight (the load may
    # have read the token before a revocation committed), this dict is no longer the
    # app's, so what the load found is remembered nowhere (see api.memory).
    cache: dict[str, tuple[float, Caller]] = request.app.state.callers
    now = time.monotonic()
    remembered = cache.get(digest)
    if remembered is not None and now - remembered[0] < CALLER_CACHE_SECONDS:
        return remembered[1]
    guesses: Guesses = request.app.state.guesses
    wait = guesses.wait(client_address(request), now)
    if wait > 0:
        raise too_many_guesses(wait)
    caller = await run_in_threadpool(_load_caller, request.app.state.engine, digest)
    if caller is None:
        cache.pop(digest, None)
        guesses.failed(client_address(request), now)
        raise HTTPException(401, "unknown or revoked token", {"WWW-Authenticate": "Bearer"})
    if len(cache) >= CALLER_CACHE_SIZE:
        cache.clear()
    cache[digest] = (now, caller)
    return caller


CallerDep = Annotated[Caller, Depends(_caller)]


class SignInNeeded(Exception):
    """No live page session: the handler sends the browser to the sign-in page."""


def session_lifetime(request: Request) -> sessions.Lifetime:
    settings = request.app.state.settings
    return sessions.Lifetime(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_max_hours),
    )


def _load_session_caller(
    engine: Engine, session_id: str, now: datetime, lifetime: sessions.Lifetime
) -> Caller | None:
    with Session(engine, expire_on_commit=False) as session:
        return sessions.session_caller(session, session_id, now, lifetime)


async def page_caller(request: Request) -> Caller:
    """The caller of a page, from its session cookie; SignInNeeded without a live one.
    Read from the database on every page (no memory), so signing out, an expiry, a
    revoked token or a deactivation ends the session at once in every process."""
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        raise SignInNeeded
    caller = await run_in_threadpool(
        _load_session_caller,
        request.app.state.engine,
        session_id,
        request.app.state.clock(),
        session_lifetime(request),
    )
    if caller is None:
        raise SignInNeeded
    return caller


PageCaller = Annotated[Caller, Depends(page_caller)]


def _led_team(
    team_id: Annotated[str, Path(max_length=64)], caller: CallerDep, session: SessionDep
) -> tables.Team:
    return led_team(session, caller, team_id)


LedTeamDep = Annotated[tables.Team, Depends(_led_team)]
