"""The abstraction report: neighbourhood hours planned, taken away by category,
delivered, added and otherwise unfilled, per ward and for the team, over any dates."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api import tables
from api.services.errors import Invalid
from api.services.scenarios import monday_of
from scheduler.rota import Rota


def abstraction_report(
    session: Session, team: tables.Team, start: date, end: date
) -> dict[str, Any]:
    """Per ward and for the team over [from, to], in person-hours of visible presence
    (patrol and events): planned, abstracted by category, delivered, added and
    otherwise unfilled, each at least 0, so that
    planned + added = delivered + abstracted + otherwise unfilled.

    Planned is the first published version of each week; delivered the one published
    now; abstracted the planned hours of absent people inside their absences (all of
    them, backfilled or not). At each moment a ward's planned people less those away
    are what it should still have: fewer present is otherwise unfilled (a planned duty
    stood down or moved away, not for an absence), more present is added (a backfill,
    a duty moved in or brought on a rest day, a new event). The team's are the same
    over all its wards at once: someone moved from one ward to another at the same
    moment is neither unfilled nor added for the team."""
    for name, day in (("from", start), ("to", end)):
        if not 2000 <= day.year <= 2099:
            raise Invalid.at(["query", name], f"{day} is outside 2000-2099; check the year")
    if end < start:
        raise Invalid.at(["query", "to"], "'to' is before 'from'; give the first day first")
    if (end - start).days > 366:
        raise Invalid.at(["query", "to"], "at most a year at a time; ask for each year")
    zone = ZoneInfo(team.timezone)
    window = (
        datetime.combine(start, time(), zone).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC),
    )
    first_monday = monday_of(start)
    versions = session.exec(
        select(tables.RotaVersion)
        .where(
            col(tables.RotaVersion.team_id) == team.id,
            col(tables.RotaVersion.week_start) >= first_monday,
            col(tables.RotaVersion.week_start) <= end,
            col(tables.RotaVersion.published_at).is_not(None),
        )
        .order_by(col(tables.RotaVersion.published_at))
    ).all()
    planned_rotas: dict[date, Rota] = {}
    current_rotas: dict[date, Rota] = {}
    for version in versions:
        rota = Rota.model_validate(version.rota)
        planned_rotas.setdefault(version.week_start, rota)
        if version.status == tables.VersionStatus.PUBLISHED.value:
            current_rotas[version.week_start] = rota
    absences = session.exec(
        select(tables.Abstraction).where(
            col(tables.Abstraction.team_id) == team.id,
            col(tables.Abstraction.starts_at) < window[1],
            col(tables.Abstraction.ends_at) > window[0],
        )
    ).all()
    planned: dict[str, float] = defaultdict(float)
    delivered: dict[str, float] = defaultdict(float)
    abstracted: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    worked: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    # what each ward has over time: +1/-1 where a span starts/ends, (expected, present)
    steps: dict[str, dict[datetime, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def step(ward: str, begins: datetime, ends: datetime, which: int, sign: int) -> None:
        begins, ends = max(begins, window[0]), min(ends, window[1])
        if begins < ends:
            steps[ward][begins.astimezone(UTC)][which] += sign
            steps[ward][ends.astimezone(UTC)][which] -= sign

    for rota in current_rotas.values():
        for duty in rota.duties:
            for activity in duty.activities:
                delivered[activity.ward] += _hours(activity.start, activity.end, *window)
                worked[duty.staff].append((activity.start, activity.end))
                step(activity.ward, activity.start, activity.end, 1, 1)
    for rota in planned_rotas.values():
        for duty in rota.duties:
            for activity in duty.activities:
                planned[activity.ward] += _hours(activity.start, activity.end, *window)
                step(activity.ward, activity.start, activity.end, 0, 1)
                # each planned hour is abstracted once, under the first absence covering it,
                # unless the person worked it after all (an event they stayed to finish,
                # the part of a duty before a late-recorded absence)
                taken = [
                    (max(a.starts_at, activity.start), min(a.ends_at, activity.end), a.category)
                    for a in absences
                    if a.staff_id == duty.staff
                    and a.starts_at < activity.end
                    and a.ends_at > activity.start
                ]
                if not taken:
                    continue
                at_work = [
                    (low, high)
                    for low, high in worked[duty.staff]
                    if low < activity.end and high > activity.start
                ]
                for category, low, high in _first_cover(
                    taken, activity.start, activity.end, window, at_work
                ):
                    abstracted[activity.ward][category] += (high - low).total_seconds() / 3600
                    step(activity.ward, low, high, 0, -1)  # away: no longer expected
    wards = sorted(set(planned) | set(delivered) | set(abstracted))
    rows = []
    for ward in wards:
        unfilled, added = _unfilled_and_added(steps[ward])
        lost = {category: round(h, 2) for category, h in sorted(abstracted[ward].items())}
        rows.append(
            {
                "ward": ward,
                "planned": round(planned[ward], 2),
                "abstracted": lost,
                "delivered": round(delivered[ward], 2),
                "added": round(added, 2),
                "otherwise_unfilled": round(unfilled, 2),
            }
        )
    categories: dict[str, float] = defaultdict(float)
    for by_category in abstracted.values():
        for category, hours in by_category.items():
            categories[category] += hours
    team_steps: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
    for by_instant in steps.values():
        for instant, (expected, present) in by_instant.items():
            team_steps[instant][0] += expected
            team_steps[instant][1] += present
    team_unfilled, team_added = _unfilled_and_added(team_steps)
    team_row = {
        "planned": round(sum(planned.values()), 2),
        "abstracted": {c: round(h, 2) for c, h in sorted(categories.items())},
        "delivered": round(sum(delivered.values()), 2),
        "added": round(team_added, 2),
        "otherwise_unfilled": round(team_unfilled, 2),
    }
    return {
        "team": team.id,
        "from": start,
        "to": end,
        "wards": rows,
        "total": team_row,
        "abstractions": [
            {
                "staff": a.staff_id,
                "category": a.category,
                "start": a.starts_at,
                "end": a.ends_at,
                "job": f"/jobs/{a.job_id}" if a.job_id else None,
            }
            for a in absences
        ],
    }


def _hours(begins: datetime, ends: datetime, low: datetime, high: datetime) -> float:
    return max(0.0, (min(ends, high) - max(begins, low)).total_seconds() / 3600)


def _unfilled_and_added(steps: dict[datetime, list[int]]) -> tuple[float, float]:
    """Person-hours a ward had fewer people present than expected (planned, less those
    away), and more: moment by moment, so a backfill is not netted against an hour lost
    elsewhere in the week, nor people swapping wards counted as lost and added."""
    unfilled = added = 0.0
    expected = present = 0
    previous: datetime | None = None
    for instant in sorted(steps):
        if previous is not None:
            hours = (instant - previous).total_seconds() / 3600
            unfilled += max(0, expected - present) * hours
            added += max(0, present - expected) * hours
        expected += steps[instant][0]
        present += steps[instant][1]
        previous = instant
    return unfilled, added


def _first_cover(
    taken: list[tuple[datetime, datetime, str]],
    begins: datetime,
    ends: datetime,
    window: tuple[datetime, datetime],
    worked: list[tuple[datetime, datetime]],
) -> list[tuple[str, datetime, datetime]]:
    """The parts of [begins, ends) inside the window covered by the absences, with the
    category: each moment once (the earliest-recorded absence covering it wins), none
    the person `worked` in the rota published now."""
    covered = list(worked)
    found = []
    for low, high, category in taken:
        low, high = max(low, begins, window[0]), min(high, ends, window[1])
        if high <= low:
            continue
        pieces = [(low, high)]
        for done_low, done_high in covered:
            pieces = [
                part
                for piece in pieces
                for part in (
                    (piece[0], min(piece[1], done_low)),
                    (max(piece[0], done_high), piece[1]),
                )
                if part[1] > part[0]
            ]
        found.extend((category, a, b) for a, b in pieces)
        covered.append((low, high))
    return found
