"""Page sessions: a browser signed in with an API token, by a random id in its cookie.

The token itself never goes into the cookie. Signing in opens a session (256 random
bits, stored only as its SHA-256 hash, like tokens); the session lives while the token
it was opened with is not revoked and its user not deactivated, and ends on signing out
(revoked in the database, so a copied cookie stops too), after `Lifetime.idle` unused,
and `Lifetime.absolute` after signing in whatever happens. Each is checked on every
page request, with no memory in between, so any of them ends the session at once, in
every server process.

A session also carries what the next page shows once (`put_flash`, `take_flash`): the
officer's new calendar link, so that the form which makes it can redirect to a page that
only reads (reloading it makes nothing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api import tables
from api.services.access import Caller, caller_for, hash_token, new_token
from api.services.audit import audit

LAST_SEEN_GRANULARITY = timedelta(minutes=1)  # the idle expiry is this much late at most


@dataclass(frozen=True)
class Lifetime:
    """How long a session lasts unused (`idle`), and at most (`absolute`)."""

    idle: timedelta
    absolute: timedelta


def start_session(
    session: Session, caller: Caller, token: str, now: datetime, lifetime: Lifetime
) -> str:
    """Open a session for the caller who signed in with `token` (already checked), audit
    it and commit; the session id, for the cookie only, is returned once. The user's
    sessions that have ended are deleted meanwhile, so the table keeps only live ones."""
    token_id = session.exec(
        select(tables.ApiToken.id).where(col(tables.ApiToken.token_hash) == hash_token(token))
    ).one()
    assert caller.user.id is not None and token_id is not None
    web = tables.WebSession
    session.execute(
        sa.delete(web).where(
            col(web.user_id) == caller.user.id,
            sa.or_(
                col(web.revoked_at).is_not(None),
                col(web.created_at) <= now - lifetime.absolute,
                col(web.last_seen_at) <= now - lifetime.idle,
            ),
        )
    )
    session_id = new_token()
    session.add(
        tables.WebSession(
            session_hash=hash_token(session_id),
            user_id=caller.user.id,
            token_id=token_id,
            created_at=now,
            last_seen_at=now,
        )
    )
    audit(session, caller, "sign in", None, str(caller.user.id))
    session.commit()
    return session_id


def _live(session_id: str, now: datetime, lifetime: Lifetime) -> sa.Select:
    """The session (with its user) if it is still alive at `now`."""
    web = tables.WebSession
    return (
        select(web, tables.User)
        .join(tables.ApiToken, col(tables.ApiToken.id) == col(web.token_id))
        .join(tables.User, col(tables.User.id) == col(web.user_id))
        .where(
            col(web.session_hash) == hash_token(session_id),
            col(web.revoked_at).is_(None),
            col(web.created_at) > now - lifetime.absolute,
            col(web.last_seen_at) > now - lifetime.idle,
            col(tables.ApiToken.revoked_at).is_(None),
            col(tables.User.deactivated_at).is_(None),
        )
    )


def session_caller(
    session: Session, session_id: str, now: datetime, lifetime: Lifetime
) -> Caller | None:
    """Who a live session belongs to (and note that it was seen), or None: unknown,
    signed out, expired, its token revoked or its user deactivated."""
    found = session.exec(_live(session_id, now, lifetime)).first()
    if found is None:
        return None
    web, user = found
    if now - web.last_seen_at > LAST_SEEN_GRANULARITY:  # not a write per page view
        web.last_seen_at = now
        session.add(web)
        session.commit()
    return caller_for(session, user)


def end_session(session: Session, session_id: str, now: datetime) -> None:
    """Sign out: revoke the session (a copy of the cookie stops working too), audit it,
    and commit. An unknown or ended session changes nothing."""
    web = session.exec(
        select(tables.WebSession).where(
            col(tables.WebSession.session_hash) == hash_token(session_id),
            col(tables.WebSession.revoked_at).is_(None),
        )
    ).first()
    if web is None:
        return
    web.revoked_at = now
    session.add(web)
    user = session.get(tables.User, web.user_id)
    if user is not None:
        audit(session, Caller(user, frozenset()), "sign out", None, str(user.id))
    session.commit()


def end_sessions_of(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every live session of a user; the caller audits and commits."""
    result = session.execute(
        sa.update(tables.WebSession)
        .where(
            col(tables.WebSession.user_id) == user_id,
            col(tables.WebSession.revoked_at).is_(None),
        )
        .values(revoked_at=now, flash_feed=None, flash_sealed=None)
    )
    return result.rowcount


def _pad(session_id: str, kind: str, item_id: int, length: int) -> bytes:
    """A one-time pad for one item's secret (a feed's, an invitation's), keyed by the
    session id (SHAKE-256 as a keyed stream): each item is sealed once, so no pad is ever
    used twice."""
    label = f"{item_id}" if kind == "feed" else f"{kind} {item_id}"
    return hashlib.shake_256(f"beatplan flash {label} {session_id}".encode()).digest(length)


FLASH_COLUMNS = {"feed": "flash_feed", "invite": "flash_invite"}


def put_flash(
    session: Session, session_id: str, item_id: int, secret: str, kind: str = "feed"
) -> None:
    """Keep a new feed's (or invitation's) secret for the next page to show once, sealed
    with the session id (the database holds only the session's hash, so it cannot open
    it); commit. A session keeps one such secret: a newer one replaces it."""
    data = secret.encode()
    pad = _pad(session_id, kind, item_id, len(data))
    sealed = bytes(a ^ b for a, b in zip(data, pad, strict=True))
    values: dict[str, object] = {column: None for column in FLASH_COLUMNS.values()}
    values[FLASH_COLUMNS[kind]] = item_id
    session.execute(
        sa.update(tables.WebSession)
        .where(
            col(tables.WebSession.session_hash) == hash_token(session_id),
            col(tables.WebSession.revoked_at).is_(None),
        )
        .values(**values, flash_sealed=sealed.hex())
    )
    session.commit()


def take_flash(session: Session, session_id: str, kind: str = "feed") -> tuple[int, str] | None:
    """The feed (or invitation) and secret kept by `put_flash`, once: it is removed as it
    is read (a conditional update, so of two pages loading at once only one shows it);
    commit."""
    column = getattr(tables.WebSession, FLASH_COLUMNS[kind])
    web = session.exec(
        select(tables.WebSession).where(
            col(tables.WebSession.session_hash) == hash_token(session_id),
            col(column).is_not(None),
        )
    ).first()
    item_id = getattr(web, FLASH_COLUMNS[kind]) if web is not None else None
    if web is None or item_id is None or web.flash_sealed is None:
        return None
    sealed = bytes.fromhex(web.flash_sealed)
    taken = session.execute(
        sa.update(tables.WebSession)
        .where(col(tables.WebSession.id) == web.id, col(column) == item_id)
        .values(**{FLASH_COLUMNS[kind]: None}, flash_sealed=None)
    )
    session.commit()
    if taken.rowcount != 1:
        return None
    pad = _pad(session_id, kind, item_id, len(sealed))
    return item_id, bytes(a ^ b for a, b in zip(sealed, pad, strict=True)).decode()
