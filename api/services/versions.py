"""Rota versions of a team-week: list and choose them, add a draft, publish one
atomically, compare two (`api.services.publishing` decides whether a draft may be).

A version is a draft until published; a published version never changes; publishing
supersedes the one before. Shared by the routes, the pages, the worker and the demo.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from api import feeds, tables
from api.services.errors import Conflict, NotFound
from scheduler import Rota

DRAFT, PUBLISHED, SUPERSEDED = (status.value for status in tables.VersionStatus)


class PublishConflict(Conflict):
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


def basis(session: Session, team_id: str, week: date) -> dict[str, Any]:
    """What a draft planned now is planned from: the number of the version published now
    (None if none) and the ids of the week's pins (a pin is never edited, only added or
    removed)."""
    current = published(session, team_id, week)
    pins = session.exec(
        select(tables.Pin.id).where(
            col(tables.Pin.team_id) == team_id, col(tables.Pin.week_start) == week
        )
    ).all()
    return {"published": current.number if current else None, "pins": sorted(pins)}


def add_draft(
    session: Session,
    team_id: str,
    week: date,
    rota: Rota,
    job_id: int | None = None,
    basis: dict[str, Any] | None = None,
) -> tables.RotaVersion:
    """Store a rota as the team-week's next draft version, planned from `basis` (see
    `basis`; None if not known); the caller commits."""
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
        basis=basis,
    )
    session.add(version)
    return version


def publish(session: Session, version: tables.RotaVersion, now: datetime | None = None) -> None:
    """Publish a draft at `now` (the clock's by default: the service passes its own, the
    instant officers are told); the published version of the week, if any, becomes
    superseded.

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
        .values(status=PUBLISHED, published_at=now or datetime.now(UTC))
    )
    if published.rowcount != 1:
        raise PublishConflict(f"version {version.number} is no longer a draft")
    # Subscribers' calendars follow the published rota, in the same transaction.
    feeds.sync_week(session, version.team_id, version.week_start, Rota.model_validate(version.rota))


def listed(session: Session, team_id: str, week: date) -> list[tables.RotaVersion]:
    """The team-week's versions in number order, without their rotas (loaded on use)."""
    query = (
        select(tables.RotaVersion)
        .options(defer(tables.RotaVersion.rota))  # type: ignore[arg-type]
        .where(
            col(tables.RotaVersion.team_id) == team_id, col(tables.RotaVersion.week_start) == week
        )
        .order_by(col(tables.RotaVersion.number))
    )
    return list(session.exec(query))


def chosen(
    session: Session, team_id: str, week: date, number: int | None, *, published_only: bool = False
) -> tables.RotaVersion:
    """A numbered version; without a number the published one, else the newest draft.
    With `published_only` (officers), drafts and superseded versions are not found."""
    return choose(listed(session, team_id, week), team_id, week, number, published_only)


def choose(
    versions: Sequence[Any], team_id: str, week: date, number: int | None, published_only: bool
) -> Any:
    """The rule of `chosen` over a team-week's versions (rows with `number` and `status`)
    in number order; NotFound if there is none to choose."""
    if published_only:
        versions = [v for v in versions if v.status == PUBLISHED]
    if number is not None:
        found = next((v for v in versions if v.number == number), None)
    else:
        found = next((v for v in versions if v.status == PUBLISHED), None) or next(
            (v for v in reversed(versions) if v.status == DRAFT), None
        )
    if found is None:
        which = f"version {number}" if number is not None else "rota"
        raise NotFound(f"no {which} for team {team_id!r}, week of {week}; solve it first")
    return found


def duty_key(duty: dict[str, Any]) -> tuple[str, str]:
    return duty["staff"], duty["day"]


def duty_summary(duty: dict[str, Any]) -> dict[str, Any]:
    """A stored duty's times, wards and events."""
    return {
        "template": duty["template"],
        "start": duty["start"],
        "end": duty["end"],
        "wards": sorted({a["ward"] for a in duty["activities"]}),
        "events": sorted({a["event"] for a in duty["activities"] if a["event"]}),
    }


def duty_summaries(
    session: Session, team_id: str, week: date, number: int
) -> dict[tuple[str, str], dict[str, Any]]:
    """A version's duties, summarised (times, wards, events), by (staff, day)."""
    return {
        duty_key(d): duty_summary(d) for d in chosen(session, team_id, week, number).rota["duties"]
    }


def diff(
    session: Session, team_id: str, week: date, first: int, second: int
) -> list[dict[str, Any]]:
    """What changed from version `first` to `second`, per person and day."""
    before = duty_summaries(session, team_id, week, first)
    after = duty_summaries(session, team_id, week, second)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        changes.append(
            {"staff": key[0], "day": key[1], "change": kind, "before": old, "after": new}
        )
    return changes
