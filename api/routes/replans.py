"""Re-planning a published week, and the abstraction report.

`POST .../replan` records what happened (absences as abstractions, new or changed
events and pins in the team's data) and queues a repair job; the worker stores the
repair as a draft version with its changes, notice and compensation on the job.
Publishing that draft updates the affected officers' feeds like any publication.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from api import tables, versions
from api.auth import CallerDep, LedTeamDep, audit
from api.deps import SessionDep, WeekDep
from api.routes.jobs import busy, job_view
from api.routes.teams import clash_message, clashing_pin, event_clash, event_days, pin_words
from api.scenarios import assemble_scenario, monday_of
from scheduler.replan import Absence, EventChange, PinChange, Replan, Surge, apply_changes
from scheduler.rota import Rota

router = APIRouter(tags=["re-planning"])
REPAIR_TIME_LIMIT = 2.5


def _refuse_earlier_weeks(team: tables.Team, week: date, replan: Replan) -> None:
    """An absence stored from before this week begins (from `now`, in a week not yet over)
    would put someone away in that week's published rota without repairing it: 422,
    naming the week to record it on first."""
    zone = ZoneInfo(team.timezone)
    begins = datetime.combine(week, time(0), zone)
    for change in replan.changes:
        if isinstance(change, Absence) and max(change.start, replan.now) < begins:
            start = max(change.start, replan.now).astimezone(zone)
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "changes"],
                        "msg": f"the absence of {change.staff!r} starts {start:%a %d %b %H:%M}, "
                        f"before the week of {week} begins, so it would change the week of "
                        f"{monday_of(start.date())} without repairing it: record it on that "
                        f"week first, and here from {begins:%a %d %b %H:%M}",
                    }
                ],
            )


def _refuse_clashing_pins(
    session: SessionDep, team: tables.Team, week: date, replan: Replan
) -> None:
    """The pins API's rule for the repair's pins: one per person and day (a duty or a
    rest day) and per person and event, and no rest day on the day of an event the
    person is pinned to. Two such pins in the request are a 422 at the second; one that
    repeats or contradicts a stored pin is a 409 naming it, and so is a changed event
    that moves a stored pin to it onto a rest day stored for that person. Events are as
    the repair leaves them (its new or changed ones)."""
    events = {c.event.id: c.event for c in replan.changes if isinstance(c, EventChange)}
    event_day = event_days(session, team, events)
    pins = [(i, c.pin) for i, c in enumerate(replan.changes) if isinstance(c, PinChange)]
    for later, (index, pin) in enumerate(pins):
        for first, earlier in pins[:later]:
            if pin.clashes_with(earlier, event_day):
                raise HTTPException(
                    422,
                    [
                        {
                            "loc": ["body", "changes", index, "pin"],
                            "msg": f"{pin_words(session, team, earlier)}: changes[{first}] of "
                            "this request; a person has one pin per day (a duty or a rest day) "
                            "and per event, and no rest day on the day of a pinned event: "
                            "send one of the two",
                            "type": "value_error",
                        }
                    ],
                )
    for index, pin in pins:
        row = clashing_pin(session, team, week, pin, events)
        if row is not None:
            then = "send the repair again, or leave this pin out"
            raise HTTPException(
                409,
                [
                    {
                        "loc": ["body", "changes", index, "pin"],
                        "msg": clash_message(session, team, row, then),
                        "type": "conflict",
                    }
                ],
            )
    for index, change in enumerate(replan.changes):
        if not isinstance(change, EventChange):
            continue
        clash = event_clash(session, team, {week}, change.event, "send the repair again")
        if clash is not None:
            raise HTTPException(
                409,
                [{"loc": ["body", "changes", index, "event"], "msg": clash, "type": "conflict"}],
            )


@router.post("/teams/{team_id}/weeks/{week}/replan", status_code=202)
def start_replan(
    team: LedTeamDep,
    caller: CallerDep,
    week: WeekDep,
    replan: Replan,
    session: SessionDep,
    response: Response,
) -> dict[str, Any]:
    """Record the changes and queue a repair of the published week from `now`: 202 with
    the job. Absences are stored as abstractions (with category); events and pins join
    the team's data, surges the week's. 409 if nothing is published or a job is already
    running."""
    _refuse_earlier_weeks(team, week, replan)  # input alone: before anything is stored
    _refuse_clashing_pins(session, team, week, replan)  # likewise
    published = versions.published(session, team.id, week)
    if published is None:
        raise HTTPException(409, f"nothing is published for the week of {week}; publish first")
    job = tables.SolveJob(
        team_id=team.id,
        week_start=week,
        kind="replan",
        request=replan.model_dump(mode="json"),
        time_limit=REPAIR_TIME_LIMIT,
        created_at=datetime.now(UTC),
    )
    session.add(job)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise busy(session, team.id, week, "a solve or repair") from None
    try:  # the changes as the repair will apply them (an absence starts no earlier than now)
        changed, _ = apply_changes(
            assemble_scenario(session, team, week), Rota.model_validate(published.rota), replan
        )
    except ValueError as error:
        raise HTTPException(422, [{"loc": ["body", "changes"], "msg": str(error)}]) from None
    unavailable = {p.id: p.unavailable for p in changed.staff}
    for change in replan.changes:
        if isinstance(change, Absence):
            person = session.get(tables.StaffMember, (team.id, change.staff))
            assert person is not None  # apply_changes refused unknown staff
            person.spec = {
                **person.spec,
                "unavailable": [u.model_dump(mode="json") for u in unavailable[change.staff]],
            }
            session.add(person)
            session.add(
                tables.Abstraction(
                    team_id=team.id,
                    staff_id=change.staff,
                    category=change.category,
                    starts_at=change.start,
                    ends_at=change.end,
                    job_id=job.id,
                    created_by=caller.user.id,
                    created_at=datetime.now(UTC),
                )
            )
        elif isinstance(change, EventChange):
            event = change.event
            row = session.get(tables.EngagementEvent, (team.id, event.id))
            spec = event.model_dump(mode="json")
            if row is None:
                row = tables.EngagementEvent(
                    team_id=team.id, id=event.id, starts_at=event.start, spec=spec
                )
            else:
                row.spec, row.starts_at = spec, event.start
            session.add(row)
        else:  # a surge or a pin: stored for this week only
            weekly, spec = (
                (tables.Surge, change.model_dump(mode="json", exclude={"kind"}))
                if isinstance(change, Surge)
                else (tables.Pin, change.pin.model_dump(mode="json"))
            )
            session.add(
                weekly(team_id=team.id, id=f"{week}-{uuid4().hex[:8]}", week_start=week, spec=spec)
            )
    session.flush()
    assemble_scenario(session, team, week)  # the stored data must stay valid: else 409
    audit(session, caller, "start replan", team.id, f"/jobs/{job.id}", changes=len(replan.changes))
    session.commit()
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_view(job)


@router.get("/teams/{team_id}/abstractions")
def abstraction_report(
    team: LedTeamDep,
    session: SessionDep,
    start: Annotated[date, Query(alias="from", description="first day (local)")],
    end: Annotated[date, Query(alias="to", description="last day (local), inclusive")],
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
            raise HTTPException(
                422,
                [{"loc": ["query", name], "msg": f"{day} is outside 2000-2099; check the year"}],
            )
    if end < start:
        raise HTTPException(422, [{"loc": ["query", "to"], "msg": "'to' is before 'from'"}])
    if (end - start).days > 366:
        raise HTTPException(422, [{"loc": ["query", "to"], "msg": "at most a year at a time"}])
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
