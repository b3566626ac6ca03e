"""Rota versions: add a draft, publish one atomically. Shared by routes, worker and demo."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from api import feeds, tables
from scheduler import Rota

DRAFT, PUBLISHED, SUPERSEDED = (status.value for status in tables.VersionStatus)


class PublishConflict(Exception):
    """Another request changed the version (or published another) at the same moment."""


def published(session: Session, team_id: str, week: date) -> tables.RotaVersion | None:
    """The team-week's published version, if any."""
    return session.exec(
        select(tables.RotaVersion).where(
            col(tables.RotaVersion.team_id) == team_id,
            col(tables.RotaVersion.week_start) == week,
            col(tables.RotaVersion.status) == PUBLISHED,
        )
    ).first()


def add_draft(
    session: Session, team_id: str, week: date, rota: Rota, job_id: int | None = None
) -> tables.RotaVersion:
    """Store a rota as the team-week's next draft version; the caller commits."""
    latest = session.exec(
        select(func.max(tables.RotaVersion.number)).where(
            col(tables.RotaVersion.team_id) == team_id, col(tables.RotaVersion.week_start) == week
        )
    ).one()
    version = tables.RotaVersion(
        team_id=team_id,
        week_start=week,
        number=(latest or 0) + 1,
        created_at=datetime.now(UTC),
        job_id=job_id,
        rota=rota.model_dump(mode="json"),
    )
    session.add(version)
    return version


def publish(session: Session, version: tables.RotaVersion) -> None:
    """Publish a draft; the published version of the week, if any, becomes superseded.

    Both updates are conditional, and the database allows one published version per
    team-week, so of two simultaneous publishes exactly one wins. The caller commits.
    """
    same_week = (
        col(tables.RotaVersion.team_id) == version.team_id,
        col(tables.RotaVersion.week_start) == version.week_start,
    )
    session.exec(
        update(tables.RotaVersion)
        .where(*same_week, col(tables.RotaVersion.status) == PUBLISHED)
        .values(status=SUPERSEDED)
    )
    published = session.exec(
        update(tables.RotaVersion)
        .where(col(tables.RotaVersion.id) == version.id, col(tables.RotaVersion.status) == DRAFT)
        .values(status=PUBLISHED, published_at=datetime.now(UTC))
    )
    if published.rowcount != 1:
        raise PublishConflict(f"version {version.number} is no longer a draft")
    # Subscribers' calendars follow the published rota, in the same transaction.
    feeds.sync_week(session, version.team_id, version.week_start, Rota.model_validate(version.rota))
