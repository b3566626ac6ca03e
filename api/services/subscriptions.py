"""Calendar subscriptions: the secret feed URLs of officers and sergeants.

A feed token is 256 random bits, shown once and stored as its SHA-256 hash; revoked,
it is 404 from then on (calendar apps keep their last copy). An officer may make their
own; a sergeant any of their team's, and the team feed. After revoking, the caller must
make this process forget the feed tokens it remembers (`api.memory`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api import tables
from api.schemas import NewFeed
from api.services.access import Caller, hash_token, new_token
from api.services.audit import audit
from api.services.errors import Conflict, Forbidden, Invalid, NotFound

NOT_YOURS = "only that officer, their sergeants or an admin may do this"


def may_manage(caller: Caller, kind: str, team_id: str, staff_id: str | None) -> bool:
    if kind == "team":
        return caller.may_lead(team_id)
    return staff_id is not None and caller.may_read_duties_of(team_id, staff_id)


def issue_feed(
    session: Session, user_id: int | None, kind: str, team_id: str, staff_id: str | None
) -> tuple[tables.FeedToken, str]:
    """A new feed token (shown once; only its hash is kept); the caller commits."""
    token = new_token()
    feed = tables.FeedToken(
        token_hash=hash_token(token),
        kind=kind,
        team_id=team_id,
        staff_id=staff_id,
        created_by=user_id,
        created_at=datetime.now(UTC),
    )
    session.add(feed)
    session.flush()
    return feed, token


def add_feed(session: Session, caller: Caller, new: NewFeed) -> tuple[tables.FeedToken, str]:
    """A new feed of the kind asked for, and commit."""
    staff_id = None if new.kind == "team" else new.staff_id
    if new.kind != "team" and staff_id is None:
        raise Invalid.at(
            ["body", "staff_id"], f"a {new.kind} feed is one officer's: give their staff_id"
        )
    if not may_manage(caller, new.kind, new.team_id, staff_id):
        raise Forbidden(NOT_YOURS)
    if session.get(tables.Team, new.team_id) is None:
        raise NotFound(f"no team {new.team_id!r}")
    if staff_id is not None and session.get(tables.StaffMember, (new.team_id, staff_id)) is None:
        raise NotFound(f"no staff member {staff_id!r} in team {new.team_id!r}")
    feed, token = issue_feed(session, caller.user.id, new.kind, new.team_id, staff_id)
    audit(session, caller, "create feed", new.team_id, str(feed.id), kind=new.kind)
    session.commit()
    return feed, token


def list_feeds(session: Session, caller: Caller) -> list[tables.FeedToken]:
    """The feeds the caller may manage."""
    query = select(tables.FeedToken).order_by(col(tables.FeedToken.id))
    user = caller.user
    if not caller.is_admin:  # narrowed in SQL: a force holds thousands of feeds
        if user.role == tables.Role.SERGEANT.value:
            query = query.where(col(tables.FeedToken.team_id).in_(sorted(caller.teams)))
        else:
            query = query.where(
                tables.FeedToken.team_id == user.team_id,
                tables.FeedToken.staff_id == user.staff_id,
            )
    return [
        feed
        for feed in session.exec(query).all()
        if may_manage(caller, feed.kind, feed.team_id, feed.staff_id)
    ]


def _managed(session: Session, caller: Caller, feed_id: int) -> tables.FeedToken:
    feed = session.get(tables.FeedToken, feed_id)
    if feed is None:
        raise NotFound(f"no feed {feed_id}")
    if not may_manage(caller, feed.kind, feed.team_id, feed.staff_id):
        raise Forbidden(NOT_YOURS)
    return feed


def revoke_feed(session: Session, caller: Caller, feed_id: int) -> None:
    """Revoke a feed, and commit (revoking a revoked one changes nothing)."""
    feed = _managed(session, caller, feed_id)
    if feed.revoked_at is None:
        feed.revoked_at = datetime.now(UTC)
        session.add(feed)
        audit(session, caller, "revoke feed", feed.team_id, str(feed.id))
        session.commit()


def rotate_feed(session: Session, caller: Caller, feed_id: int) -> tuple[tables.FeedToken, str]:
    """Revoke a feed and issue its replacement in one step, and commit."""
    old = _managed(session, caller, feed_id)
    if old.revoked_at is not None:
        raise Conflict(f"feed {feed_id} is already revoked; create a new one")
    old.revoked_at = datetime.now(UTC)
    session.add(old)
    feed, token = issue_feed(session, caller.user.id, old.kind, old.team_id, old.staff_id)
    audit(session, caller, "rotate feed", old.team_id, str(old.id), new=feed.id)
    session.commit()
    return feed, token


def end_feeds_of(session: Session, user: tables.User, now: datetime) -> int:
    """Revoke every live feed a departing user made, and (an officer) every feed of
    their own duties whoever made it; the caller audits, commits and makes the process
    forget the feed tokens it remembers."""
    feed = tables.FeedToken
    theirs = col(feed.created_by) == user.id
    if user.team_id is not None and user.staff_id is not None:
        theirs = sa.or_(
            theirs,
            sa.and_(col(feed.team_id) == user.team_id, col(feed.staff_id) == user.staff_id),
        )
    result = session.execute(
        sa.update(feed).where(theirs, col(feed.revoked_at).is_(None)).values(revoked_at=now)
    )
    return result.rowcount


def live_duty_feeds(session: Session, team_id: str, staff_id: str) -> list[tables.FeedToken]:
    """The officer's duty feeds not yet revoked."""
    feed = tables.FeedToken
    return list(
        session.exec(
            select(feed).where(
                col(feed.team_id) == team_id,
                col(feed.staff_id) == staff_id,
                col(feed.kind) == "duties",
                col(feed.revoked_at).is_(None),
            )
        )
    )


def new_officer_link(
    session: Session, caller: Caller, team_id: str, staff_id: str
) -> tuple[tables.FeedToken, str]:
    """A new calendar link for an officer's duties, and commit; the links they had stop
    working (one live link each keeps a lost phone easy to cut off)."""
    now = datetime.now(UTC)
    for old in live_duty_feeds(session, team_id, staff_id):
        old.revoked_at = now
        session.add(old)
    feed, token = issue_feed(session, caller.user.id, "duties", team_id, staff_id)
    audit(session, caller, "create feed", team_id, str(feed.id), kind="duties", via="page")
    session.commit()
    return feed, token
