"""Database tables (SQLModel). Instants are stored as UTC and always read back aware.

Team data (wards, staff, duty templates, events, pins) is kept one row per item with the
item's full specification as JSON, validated by the scheduler's own models on the way
in, so the service and the command line accept exactly the same data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which drops tzinfo) too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store a naive datetime ({value}); give it an offset")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _instant(*, nullable: bool, index: bool = False) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index)


class Team(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str
    timezone: str = "Europe/London"
    station: str = ""
    contact: str = ""
    policy: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class TeamItem(SQLModel):
    """One ward, staff member, duty template, event or pin of a team, as its JSON spec."""

    team_id: str = Field(foreign_key="team.id", primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=64)
    spec: dict[str, Any] = Field(sa_type=JSON, nullable=False)


class Ward(TeamItem, table=True):
    pass


class StaffMember(TeamItem, table=True):
    __tablename__ = "staff"


class DutyTemplate(TeamItem, table=True):
    __tablename__ = "duty_template"


class EngagementEvent(TeamItem, table=True):
    __tablename__ = "event"
    starts_at: datetime = _instant(nullable=False, index=True)


class Pin(TeamItem, table=True):
    week_start: date = Field(index=True)


class Surge(TeamItem, table=True):
    """Extra demand in a ward for some hours of one week (from a repair, or imported)."""

    week_start: date = Field(index=True)


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class RotaVersion(SQLModel, table=True):
    """A rota for a team-week. A published version never changes; a change is a new one."""

    __tablename__ = "rota_version"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "week_start", "number"),
        # At most one published version per team-week, enforced by the database itself.
        sa.Index(
            "one_published_per_week",
            "team_id",
            "week_start",
            unique=True,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="team.id", max_length=64)
    week_start: date
    number: int
    status: str = Field(default=VersionStatus.DRAFT.value, max_length=16)  # a VersionStatus
    created_at: datetime = _instant(nullable=False)
    published_at: datetime | None = _instant(nullable=True)
    job_id: int | None = Field(default=None, foreign_key="solve_job.id")
    rota: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    # What a draft was planned from: {"published": the number of the version then
    # published (None if none), "pins": the ids of the week's pins then}. Publishing
    # refuses a draft whose basis is no longer the week's. None: not known (a version
    # stored by hand, or before migration 0008), and not checked.
    basis: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)


class RosterVersion(SQLModel, table=True):
    """A roster of a team's tours and rest days for a period (4 to 26 weeks from a
    Monday), as `scheduler.roster` plans it. A published version never changes; a change
    is a new one, and publishing it supersedes the one before."""

    __tablename__ = "roster_version"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "start", "number"),
        sa.Index(
            "one_published_per_period",
            "team_id",
            "start",
            unique=True,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="team.id", max_length=64)
    start: date
    weeks: int
    number: int
    status: str = Field(default=VersionStatus.DRAFT.value, max_length=16)  # a VersionStatus
    created_at: datetime = _instant(nullable=False)
    published_at: datetime | None = _instant(nullable=True)
    # Why it was published less than a month before it starts (Police Regulations, Annex
    # E: a roster is published at least a month ahead), as the sergeant recorded it
    late_reason: str | None = None
    period: dict[str, Any] = Field(sa_type=JSON, nullable=False)  # a RosterPeriod
    roster: dict[str, Any] = Field(sa_type=JSON, nullable=False)  # a Roster


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_JOB = ("queued", "running")


class SolveJob(SQLModel, table=True):
    """A solve of one team-week, run by the worker process; its state lives here."""

    __tablename__ = "solve_job"
    __table_args__ = (
        # One queued or running job per team-week, enforced by the database itself.
        sa.Index(
            "one_active_job_per_week",
            "team_id",
            "week_start",
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="team.id", max_length=64)
    week_start: date
    status: str = Field(default=JobStatus.QUEUED.value, max_length=16)  # a JobStatus
    cancel_requested: bool = False  # stop and discard what the solve found
    stop_requested: bool = False  # stop now and keep the best rota found so far
    time_limit: float
    created_at: datetime = _instant(nullable=False)
    started_at: datetime | None = _instant(nullable=True)
    finished_at: datetime | None = _instant(nullable=True)
    # Written by the worker running the job every few seconds (api.worker): a running job
    # whose heartbeat has stopped was left by a server that has gone.
    heartbeat_at: datetime | None = _instant(nullable=True)
    objective: float | None = None
    bound: float | None = None
    elapsed: float | None = None
    message: str | None = None
    kind: str = Field(default="solve", max_length=16)  # "solve" or "replan"
    request: dict[str, Any] | None = Field(default=None, sa_type=JSON)  # a replan's changes
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)  # a repair's changes


class Role(StrEnum):
    ADMIN = "admin"
    SERGEANT = "sergeant"
    OFFICER = "officer"


class User(SQLModel, table=True):
    """Someone who uses the API: an admin, a sergeant (their teams), an officer (own duties)."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    role: str = Field(max_length=16)  # a Role
    team_id: str | None = Field(default=None, foreign_key="team.id", max_length=64)  # officer's
    staff_id: str | None = Field(default=None, max_length=64)  # officer's own staff record
    created_at: datetime = _instant(nullable=False)
    # Off-boarded: no token, session or feed of theirs works (api.services.users).
    deactivated_at: datetime | None = _instant(nullable=True)
    # Signing in to the pages with a password (officers invited by their sergeant,
    # api.services.invitations): the name they sign in with, and its Argon2id hash.
    login: str | None = Field(default=None, unique=True, max_length=120)
    password_hash: str | None = Field(default=None, max_length=255)


class Invitation(SQLModel, table=True):
    """A one-time link for a user to choose their password: stored only as its hash,
    used once, and of no use after `expires_at`."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = _instant(nullable=False)
    expires_at: datetime = _instant(nullable=False)
    used_at: datetime | None = _instant(nullable=True)


class LeadsTeam(SQLModel, table=True):
    """A sergeant leads a team."""

    __tablename__ = "leads_team"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    team_id: str = Field(foreign_key="team.id", primary_key=True, max_length=64)


class ApiToken(SQLModel, table=True):
    """A bearer token, stored only as its SHA-256 hash; revocable."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = _instant(nullable=False)
    revoked_at: datetime | None = _instant(nullable=True)
    last_used_at: datetime | None = _instant(nullable=True)


class WebSession(SQLModel, table=True):
    """A signed-in browser: the pages' cookie holds a random id, stored here only as its
    SHA-256 hash. It lives while the API token it was opened with does, and ends on
    signing out, after an idle spell, or at its absolute expiry (api.services.sessions)."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_id: int = Field(foreign_key="api_token.id", index=True)
    created_at: datetime = _instant(nullable=False)
    last_seen_at: datetime = _instant(nullable=False)
    revoked_at: datetime | None = _instant(nullable=True)
    # A new calendar link the next page shows once: its feed, and its secret sealed with
    # the session id, which only the browser holds (the database alone cannot open it).
    flash_feed: int | None = Field(default=None, foreign_key="feed_token.id")
    # ... or a new invitation's link, sealed the same way
    flash_invite: int | None = Field(default=None, foreign_key="invitation.id")
    flash_sealed: str | None = Field(default=None, max_length=128)


class AuditEntry(SQLModel, table=True):
    """Who changed what, and when."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _instant(nullable=False)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    action: str = Field(max_length=64)
    team_id: str | None = Field(default=None, max_length=64)
    target: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class FeedEntry(SQLModel, table=True):
    """One calendar event as subscribers last saw it: a duty or an event an officer
    attends (their feed), or a public engagement event (its ward's feed). Kept so that
    UIDs stay stable and SEQUENCE/DTSTAMP move only when the event itself changes."""

    __tablename__ = "feed_entry"
    __table_args__ = (
        sa.Index("ix_feed_entry_staff", "team_id", "staff_id", "ends_at"),
        sa.Index("ix_feed_entry_ward", "team_id", "kind", "ward_id", "ends_at"),
        sa.Index("ix_feed_entry_week", "team_id", "week_start"),
    )

    uid: str = Field(primary_key=True, max_length=255)
    team_id: str = Field(foreign_key="team.id", max_length=64)
    week_start: date
    kind: str = Field(max_length=16)  # "duty", "event" (an officer's) or "public"
    staff_id: str | None = Field(default=None, max_length=64)
    ward_id: str | None = Field(default=None, max_length=64)
    starts_at: datetime = _instant(nullable=False)
    ends_at: datetime = _instant(nullable=False)
    status: str = Field(max_length=16)  # "CONFIRMED", "CANCELLED" or "WITHDRAWN"
    summary: str
    location: str
    description: str
    sequence: int = 0
    changed_at: datetime = _instant(nullable=False)


class FeedToken(SQLModel, table=True):
    """A calendar subscription's secret: only its SHA-256 hash is stored."""

    __tablename__ = "feed_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    kind: str = Field(max_length=16)  # "duties", "busy" (an officer's) or "team"
    team_id: str = Field(foreign_key="team.id", max_length=64)
    staff_id: str | None = Field(default=None, max_length=64)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _instant(nullable=False)
    revoked_at: datetime | None = _instant(nullable=True)
    last_used_at: datetime | None = _instant(nullable=True)


class Abstraction(SQLModel, table=True):
    """Someone taken from neighbourhood duty (or off sick) for a while, by category: the
    record HMICFRS and the Neighbourhood Policing Guarantee ask forces to keep."""

    __table_args__ = (sa.Index("ix_abstraction_team_start", "team_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="team.id", max_length=64)
    staff_id: str = Field(max_length=64)
    category: str = Field(max_length=16)
    starts_at: datetime = _instant(nullable=False)
    ends_at: datetime = _instant(nullable=False)
    job_id: int | None = Field(default=None, foreign_key="solve_job.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _instant(nullable=False)
