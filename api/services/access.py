"""Who may do what: the caller a token belongs to, and the rules of the three roles.

Admins may do anything; a sergeant acts on the teams they lead; an officer reads their
own duties. Tokens (API and feed) are 256 random bits, shown once and stored only as
their SHA-256 hash, so a leaked database does not leak working tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from api import tables
from api.services.errors import Forbidden


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


def caller_for(session: Session, user: tables.User) -> Caller:
    """The user as a caller, with the teams they lead (read now)."""
    teams = session.exec(
        select(tables.LeadsTeam.team_id).where(col(tables.LeadsTeam.user_id) == user.id)
    ).all()
    return Caller(user, frozenset(teams))


def require_lead(caller: Caller, team_id: str) -> None:
    if not caller.may_lead(team_id):
        raise Forbidden(f"only an admin or a sergeant of team {team_id!r} may do this")


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise Forbidden("only an admin may do this")
