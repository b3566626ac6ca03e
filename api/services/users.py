"""Users and their API tokens: admins create, change and off-board users; anyone may
manage their own tokens.

Deactivating a user (off-boarding) ends, in one transaction, their API tokens, their
page sessions and their calendar feeds (those they made and, for an officer, those of
their own duties); the user stays, for the audit trail, and may be reactivated and
given a new token. The caller must then make this process forget the callers and feed
tokens it remembers (`api.memory`)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api import tables
from api.schemas import NewUser, UserChange, UserView
from api.services import sessions, subscriptions
from api.services.access import Caller, caller_for, hash_token, new_token, require_admin
from api.services.audit import audit
from api.services.errors import Conflict, Invalid, NotFound


def view(session: Session, user: tables.User) -> UserView:
    return UserView(
        id=user.id,
        name=user.name,
        role=user.role,
        teams=sorted(caller_for(session, user).teams),
        team_id=user.team_id,
        staff_id=user.staff_id,
        active=user.deactivated_at is None,
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
    _check_teams(session, "teams", new.teams)
    _check_teams(session, "team_id", [new.team_id] if new.team_id else [])
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


def _check_teams(session: Session, field: str, team_ids: list[str]) -> None:
    for team_id in team_ids:
        if session.get(tables.Team, team_id) is None:
            raise Invalid.at(
                ["body", field], f"no team {team_id!r}; import it before adding its people"
            )


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
    """A new token for yourself (or, for an admin, anyone), and commit; none for a
    deactivated user."""
    user = _managed_user(session, caller, user_id)
    if user.deactivated_at is not None:
        raise Conflict(
            f"user {user_id} is deactivated; reactivate them first "
            f'(PATCH /users/{user_id} with {{"active": true}})'
        )
    token = issue_token(session, user)
    audit(session, caller, "issue token", None, str(user_id))
    session.commit()
    return token


def revoke_tokens(session: Session, caller: Caller, user_id: int) -> int:
    """Revoke every token of a user (yourself, or anyone for an admin), and commit; the
    caller must then forget the callers this process remembers."""
    _managed_user(session, caller, user_id)
    count = _end_tokens(session, user_id, datetime.now(UTC))
    audit(session, caller, "revoke tokens", None, str(user_id), count=count)
    session.commit()
    return count


def _end_tokens(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every live token of a user (the page sessions opened with them end too);
    the caller audits and commits."""
    token = tables.ApiToken
    result = session.execute(
        sa.update(token)
        .where(col(token.user_id) == user_id, col(token.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount


def change_user(
    session: Session, caller: Caller, user_id: int, change: UserChange, now: datetime
) -> tables.User:
    """An admin changes a user, and commits: a sergeant's teams (replaced), and whether
    they are active. Deactivating ends their tokens, sessions and feeds at once, in the
    same transaction (see the module's docstring); nobody may deactivate themselves, so
    there is always an admin left to undo it."""
    require_admin(caller)
    user = session.get(tables.User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if change.teams is not None:
        _change_teams(session, caller, user, change.teams)
    if change.active is False and user.deactivated_at is None:
        if user.id == caller.user.id:
            raise Conflict("you cannot deactivate yourself; ask another admin to do it")
        user.deactivated_at = now
        session.add(user)
        ended = {
            "tokens": _end_tokens(session, user_id, now),
            "sessions": sessions.end_sessions_of(session, user_id, now),
            "feeds": subscriptions.end_feeds_of(session, user, now),
        }
        audit(session, caller, "deactivate user", None, str(user_id), **ended)
    elif change.active is True and user.deactivated_at is not None:
        user.deactivated_at = None
        session.add(user)
        audit(session, caller, "reactivate user", None, str(user_id))
    session.commit()
    return user


def _change_teams(session: Session, caller: Caller, user: tables.User, teams: list[str]) -> None:
    if user.role != tables.Role.SERGEANT.value:
        raise Invalid.at(
            ["body", "teams"],
            f"user {user.id} is an {user.role}, and teams are only for a sergeant; leave them out",
        )
    if not teams:
        raise Invalid.at(
            ["body", "teams"],
            "a sergeant needs the teams they lead; to take every team away, deactivate them "
            '({"active": false})',
        )
    _check_teams(session, "teams", teams)
    led = select(tables.LeadsTeam).where(col(tables.LeadsTeam.user_id) == user.id)
    before = sorted(row.team_id for row in session.exec(led))
    session.execute(sa.delete(tables.LeadsTeam).where(col(tables.LeadsTeam.user_id) == user.id))
    assert user.id is not None
    after = list(dict.fromkeys(teams))  # a team named twice is led once
    session.add_all([tables.LeadsTeam(user_id=user.id, team_id=team) for team in after])
    audit(session, caller, "change teams", None, str(user.id), before=before, after=sorted(after))
