"""Users and their tokens: admins create users; anyone may manage their own tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session, col, select

from api import tables
from api.auth import CallerDep, audit, forget_callers, issue_token, require_admin
from api.deps import RowId, SessionDep

router = APIRouter(tags=["users"])


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: tables.Role
    teams: list[str] = Field(default_factory=list, description="teams a sergeant leads")
    team_id: str | None = Field(None, description="an officer's team")
    staff_id: str | None = Field(None, description="an officer's staff id in that team")

    @model_validator(mode="after")
    def _consistent(self) -> NewUser:
        if self.role is tables.Role.OFFICER and not (self.team_id and self.staff_id):
            raise ValueError("an officer needs team_id and staff_id (their own staff record)")
        if self.role is tables.Role.SERGEANT and not self.teams:
            raise ValueError("a sergeant needs the teams they lead")
        if self.role is not tables.Role.OFFICER and (self.team_id or self.staff_id):
            raise ValueError("team_id and staff_id are only for an officer; leave them out")
        if self.role is not tables.Role.SERGEANT and self.teams:
            raise ValueError(
                "teams are only for a sergeant (an admin leads every team, an officer is "
                "given by team_id and staff_id); leave them out"
            )
        return self


def user_view(session: Session, user: tables.User) -> dict[str, Any]:
    teams = session.exec(
        select(tables.LeadsTeam.team_id).where(col(tables.LeadsTeam.user_id) == user.id)
    ).all()
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "teams": sorted(teams),
        "team_id": user.team_id,
        "staff_id": user.staff_id,
    }


def _unknown(field: str, message: str) -> HTTPException:
    """A 422 naming the field, as FastAPI's own validation does."""
    return HTTPException(422, [{"loc": ["body", field], "msg": message, "type": "value_error"}])


def create_user(session: Session, new: NewUser) -> tuple[tables.User, str]:
    """Create a user with a first token (shown once); the caller commits."""
    for field, team_ids in (
        ("teams", new.teams),
        ("team_id", [new.team_id] if new.team_id else []),
    ):
        for team_id in team_ids:
            if session.get(tables.Team, team_id) is None:
                raise _unknown(field, f"no team {team_id!r}; import it before adding its people")
    if (
        new.team_id
        and new.staff_id
        and session.get(tables.StaffMember, (new.team_id, new.staff_id)) is None
    ):
        raise _unknown("staff_id", f"no staff member {new.staff_id!r} in team {new.team_id!r}")
    user = tables.User(
        name=new.name,
        role=new.role.value,
        team_id=new.team_id,
        staff_id=new.staff_id,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    leads = dict.fromkeys(new.teams)  # a team named twice is led once
    session.add_all([tables.LeadsTeam(user_id=user.id, team_id=team) for team in leads])
    return user, issue_token(session, user)


@router.get("/me")
def me(caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    return user_view(session, caller.user)


@router.post("/users", status_code=201)
def add_user(new: NewUser, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """Create a user; the response carries their token, which is never shown again."""
    require_admin(caller)
    user, token = create_user(session, new)
    audit(session, caller, "create user", None, str(user.id), role=user.role)
    session.commit()
    return {**user_view(session, user), "token": token}


@router.post("/users/{user_id}/tokens", status_code=201)
def add_token(user_id: RowId, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """A new token for yourself (or, for an admin, anyone)."""
    if caller.user.id != user_id:
        require_admin(caller)
    user = session.get(tables.User, user_id)
    if user is None:
        raise HTTPException(404, f"no user {user_id}")
    token = issue_token(session, user)
    audit(session, caller, "issue token", None, str(user_id))
    session.commit()
    return {"user": user_id, "token": token}


@router.delete("/users/{user_id}/tokens", status_code=204)
def revoke_tokens(user_id: RowId, caller: CallerDep, session: SessionDep, request: Request) -> None:
    """Revoke every token of a user (yourself, or anyone for an admin)."""
    if caller.user.id != user_id:
        require_admin(caller)
    if session.get(tables.User, user_id) is None:
        raise HTTPException(404, f"no user {user_id}")
    tokens = session.exec(
        select(tables.ApiToken).where(
            col(tables.ApiToken.user_id) == user_id, col(tables.ApiToken.revoked_at).is_(None)
        )
    ).all()
    for token in tokens:
        token.revoked_at = datetime.now(UTC)
        session.add(token)
    audit(session, caller, "revoke tokens", None, str(user_id), count=len(tokens))
    session.commit()
    forget_callers(request)
