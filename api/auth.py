"""Bearer tokens and roles: who may do what.

Tokens are 256 random bits, shown once and stored only as their SHA-256 hash, so a
leaked database does not leak working tokens. Admins may do anything; a sergeant acts on
the teams they lead; an officer reads their own duties.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api import tables
from api.deps import SessionDep

LAST_USED_GRANULARITY = timedelta(minutes=1)
CALLER_CACHE_SECONDS = 10.0
CALLER_CACHE_SIZE = 10_000
bearer = HTTPBearer(auto_error=False, description="Bearer token from `beatplan admin`")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: tables.User) -> str:
    """A new token for the user; the caller commits. Only the hash is stored."""
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        tables.ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=datetime.now(UTC))
    )
    return token


@dataclass(frozen=True)
class Caller:
    user: tables.User
    teams: frozenset[str]  # teams a sergeant leads

    @property
    def is_admin(self) -> bool:
        return self.user.role == tables.Role.ADMIN.value

    def may_lead(self, team_id: str) -> bool:
        return self.is_admin or (
            self.user.role == tables.Role.SERGEANT.value and team_id in self.teams
        )

    def may_read_duties_of(self, team_id: str, staff_id: str) -> bool:
        return self.may_lead(team_id) or (
            self.user.role == tables.Role.OFFICER.value
            and self.user.team_id == team_id
            and self.user.staff_id == staff_id
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
    # app's, so what the load found is remembered nowhere (see forget_callers).
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


def forget_callers(request: Request) -> None:
    """Drop every remembered caller: call after changing users, roles or tokens (after
    the commit). The memory is replaced rather than cleared: the dict is its generation.
    A load started before this call writes into the old dict, which nothing reads any
    more, so a caller read before a revocation committed is never remembered after it
    (clearing in place let such a load put the revoked caller back for
    CALLER_CACHE_SECONDS)."""
    request.app.state.callers = {}


CallerDep = Annotated[Caller, Depends(_caller)]


def require_lead(caller: Caller, team_id: str) -> None:
    if not caller.may_lead(team_id):
        raise HTTPException(403, f"only an admin or a sergeant of team {team_id!r} may do this")


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise HTTPException(403, "only an admin may do this")


def audit(
    session: Session,
    caller: Caller,
    action: str,
    team_id: str | None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Record a change in the same transaction as the change itself."""
    session.add(
        tables.AuditEntry(
            at=datetime.now(UTC),
            user_id=caller.user.id,
            action=action,
            team_id=team_id,
            target=target,
            detail=detail,
        )
    )


def _led_team(
    team_id: Annotated[str, Path(max_length=64)], caller: CallerDep, session: SessionDep
) -> tables.Team:
    """The team in the path, for its sergeants and admins (checked before existence, so
    others cannot probe which teams exist)."""
    require_lead(caller, team_id)
    team = session.get(tables.Team, team_id)
    if team is None:
        raise HTTPException(404, f"no team {team_id!r}; import its scenario first")
    return team


LedTeamDep = Annotated[tables.Team, Depends(_led_team)]
