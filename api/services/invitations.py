"""Officers sign in to the pages with a password of their own: their sergeant invites
them with a one-time link, where they choose it.

- `invite`: a sergeant (or an admin) invites one of the team's people by the name they
  will sign in with (their login: an email address or a force user name). The officer's
  user is made if they have none; an earlier unused link of theirs stops working. The
  link is 256 random bits, stored only as its hash, good once and for `INVITE_DAYS`.
- `accept`: the link's holder chooses a password (at least `MIN_PASSWORD` characters, as
  the NCSC advises length over rules), stored only as an Argon2id hash (argon2-cffi's
  defaults: memory-hard, 64 MiB); the link is used up in the same transaction.
- `password_caller`: who a login and password belong to (an active user), or None; a
  hash made with older parameters is made again with the current ones.

Pasting an API token stays, for scripts and admins. A page session opened with a
password lives on a token of its own that is never shown (`open_with_password`), so
off-boarding (revoking the user's tokens) ends it as it ends every other session.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from api import tables
from api.services.access import Caller, caller_for, hash_token, new_token, require_lead
from api.services.audit import audit
from api.services.errors import Conflict, Invalid, NotFound

INVITE_DAYS = 7
MIN_PASSWORD = 12
LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{2,119}$")
HASHER = PasswordHasher()  # Argon2id, RFC 9106's second recommended parameters


def invite(
    session: Session, caller: Caller, team: tables.Team, staff_id: str, login: str, now: datetime
) -> tuple[tables.User, tables.Invitation, str]:
    """Invite the team's person `staff_id` to sign in as `login`, and commit; returns
    their user, the invitation and its link's secret (shown once). Invalid naming the
    field for an unknown person or a login that is not one; Conflict if the login is
    another user's."""
    require_lead(caller, team.id)
    login = login.strip()
    if not LOGIN.fullmatch(login):
        raise Invalid.at(
            ["body", "login"],
            "a login is 3 to 120 letters, digits and . _ @ + - (an email address or the "
            "force's user name), starting with a letter or digit",
        )
    person = session.get(tables.StaffMember, (team.id, staff_id))
    if person is None:
        raise Invalid.at(["body", "staff_id"], f"no {staff_id!r} in team {team.id!r}")
    user = session.exec(
        select(tables.User).where(
            col(tables.User.team_id) == team.id, col(tables.User.staff_id) == staff_id
        )
    ).first()
    taken = session.exec(select(tables.User).where(col(tables.User.login) == login)).first()
    if taken is not None and (user is None or taken.id != user.id):
        raise Conflict(f"the login {login!r} is someone else's; choose another")
    if user is None:
        user = tables.User(
            name=person.spec.get("name", staff_id),
            role=tables.Role.OFFICER.value,
            team_id=team.id,
            staff_id=staff_id,
            created_at=now,
        )
    elif user.deactivated_at is not None:
        raise Conflict(
            f"{user.name}'s account is deactivated; an admin reactivates it before they are "
            "invited again"
        )
    user.login = login
    session.add(user)
    session.flush()
    assert user.id is not None and caller.user.id is not None
    for earlier in session.exec(
        select(tables.Invitation).where(
            col(tables.Invitation.user_id) == user.id, col(tables.Invitation.used_at).is_(None)
        )
    ):
        earlier.used_at = now  # superseded: the old link stops working
        session.add(earlier)
    secret = new_token()
    invitation = tables.Invitation(
        user_id=user.id,
        token_hash=hash_token(secret),
        created_by=caller.user.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    session.add(invitation)
    session.flush()
    audit(session, caller, "invite", team.id, str(user.id), login=login, staff_id=staff_id)
    session.commit()
    return user, invitation, secret


def pending(session: Session, secret: str, now: datetime) -> tuple[tables.Invitation, tables.User]:
    """The invitation a link's secret opens, and its user; NotFound if it is unknown,
    used, expired or its user deactivated."""
    invitation = session.exec(
        select(tables.Invitation).where(col(tables.Invitation.token_hash) == hash_token(secret))
    ).first()
    user = session.get(tables.User, invitation.user_id) if invitation else None
    if (
        invitation is None
        or user is None
        or invitation.used_at is not None
        or invitation.expires_at <= now
        or user.deactivated_at is not None
    ):
        raise NotFound(
            "this invitation link is unknown, used or out of date: ask your sergeant to "
            "invite you again"
        )
    return invitation, user


def accept(session: Session, secret: str, password: str, again: str, now: datetime) -> tables.User:
    """Set the invited user's password from the link, use the link up, and commit."""
    invitation, user = pending(session, secret, now)
    if len(password) < MIN_PASSWORD:
        raise Invalid.at(
            ["body", "password"],
            f"a password is at least {MIN_PASSWORD} characters; three random words make a good one",
        )
    if password != again:
        raise Invalid.at(["body", "again"], "the two passwords differ; type the same one twice")
    if user.login and password.lower() == user.login.lower():
        raise Invalid.at(["body", "password"], "a password is not your login; choose another")
    user.password_hash = HASHER.hash(password)
    invitation.used_at = now
    session.add(user)
    session.add(invitation)
    audit(session, caller_for(session, user), "set password", user.team_id, str(user.id))
    session.commit()
    return user


def password_caller(session: Session, login: str, password: str) -> Caller | None:
    """Who signs in with this login and password (an active user), or None."""
    user = session.exec(select(tables.User).where(col(tables.User.login) == login.strip())).first()
    if user is None or user.password_hash is None or user.deactivated_at is not None:
        HASHER.hash(password)  # the same work as a real check: timing tells nobody who exists
        return None
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
        session.add(user)
        session.commit()
    return caller_for(session, user)


def open_token(session: Session, user: tables.User, now: datetime) -> str:
    """A token for a session opened with a password: never shown, it ends with the
    user's other tokens (off-boarding); the caller commits."""
    secret = new_token()
    assert user.id is not None
    session.add(tables.ApiToken(user_id=user.id, token_hash=hash_token(secret), created_at=now))
    session.flush()
    return secret
