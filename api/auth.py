"""Signing in: the bearer token of a request (or a page's session) to its `Caller`, and
the FastAPI dependencies that give routes the caller and the team they lead.

Who may do what is `api.services.access`; this module only finds out who is asking.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api import tables
from api.deps import SessionDep
from api.services.access import Caller, hash_token
from api.services.team_data import led_team

LAST_USED_GRANULARITY = timedelta(minutes=1)
CALLER_CACHE_SECONDS = 10.0
CALLER_CACHE_SIZE = 10_000
bearer = HTTPBearer(auto_error=False, description="Bearer token from `beatplan admin`")


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
        if token is None or user is None:
            return None
        now = datetime.now(UTC)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            token.last_used_at = now  # a write per request would serialise every read
            session.add(token)
            session.commit()
        teams = session.exec(
            select(tables.LeadsTeam.team_id).where(col(tables.LeadsTeam.user_id) == user.id)
        ).all()
        return Caller(user, frozenset(teams))


async def _caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    return await caller_of(request, credentials.credentials if credentials else None)


async def caller_of(request: Request, token: str | None = None) -> Caller:
    """The signed-in caller (from the Authorization header unless `token` is given). A
    token's caller is remembered for CALLER_CACHE_SECONDS, so busy readers cost no
    database work; a change to users or tokens through this server clears the memory at
    once (other server processes see it within that time)."""
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
    caller = await run_in_threadpool(_load_caller, request.app.state.engine, digest)
    if caller is None:
        cache.pop(digest, None)
        raise HTTPException(401, "unknown or revoked token", {"WWW-Authenticate": "Bearer"})
    if len(cache) >= CALLER_CACHE_SIZE:
        cache.clear()
    cache[digest] = (now, caller)
    return caller


CallerDep = Annotated[Caller, Depends(_caller)]


def _led_team(
    team_id: Annotated[str, Path(max_length=64)], caller: CallerDep, session: SessionDep
) -> tables.Team:
    return led_team(session, caller, team_id)


LedTeamDep = Annotated[tables.Team, Depends(_led_team)]
