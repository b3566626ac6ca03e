"""Users and their API tokens: admins create users; anyone may manage their own tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from api import tables
from api.schemas import NewUser, UserView
from api.services.access import Caller, hash_token, new_token, require_admin
from api.services.audit import audit
from api.services.errors import Invalid, NotFound


def view(session: Session, user: tables.User) -> UserView:
    teams = session.exec(
        select(tables.LeadsTeam.team_id).where(col(tables.LeadsTeam.user_id) == user.id)
    ).all()
    return UserView(
        id=user.id,
        name=user.name,
        role=user.role,
        teams=sorted(teams),
        team_id=user.team_id,
        staff_id=user.staff_id,
    )


def issue_token(session: Session, user: tables.User) -> str:
    """A new token for the user; the caller commits. Only the hash is stored."""
    token = new_token()
    assert user.id is not None
    session.add(
        tables.ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=datetime.now(UTC))
    )
    return token


def create_user(session: Session, new: NewUser) -> tuple[tables.User, str]:
    """Create a user with a first token (shown once); the caller commits. The teams and
    staff record named must exist (Invalid naming the field)."""
    for field, team_ids in (
        ("teams", new.teams),
        ("team_id", [new.team_id] if new.team_id else []),
    ):
        for team_id in team_ids:
            if session.get(tables.Team, team_id) is None:
                raise Invalid.at(
                    ["body", field], f"no team {team_id!r}; import it before adding its people"
                )
    if (
        new.team_id
        and new.staff_id
        and session.get(tables.StaffMember, (new.team_id, new.staff_id)) is None
    ):
        raise Invalid.at(
            ["body", "staff_id"], f"no staff member {new.staff_id!r} in team {new.team_id!r}"
        )
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


def add_user(session: Session, caller: Caller, new: NewUser) -> tuple[tables.User, str]:
    """An admin creates a user, and commits; the token is never shown again."""
    require_admin(caller)
    user, token = create_user(session, new)
    audit(session, caller, "create user", None, str(user.id), role=user.role)
    session.commit()
    return user, token


def _managed_user(session: Session, caller: Caller, user_id: int) -> tables.User:
    """Yourself, or (for an admin) anyone."""
    if caller.user.id != user_id:
        require_admin(caller)
    user = session.get(tables.User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def add_token(session: Session, caller: Caller, user_id: int) -> str:
    """A new token for yourself (or, for an admin, anyone), and commit."""
    user = _managed_user(session, caller, user_id)
    token = issue_token(session, user)
    audit(session, caller, "issue token", None, str(user_id))
    session.commit()
    return token


def revoke_tokens(session: Session, caller: Caller, user_id: int) -> int:
    """Revoke every token of a user (yourself, or anyone for an admin), and commit; the
    caller must then forget the callers this process remembers."""
    _managed_user(session, caller, user_id)
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
    return len(tokens)
