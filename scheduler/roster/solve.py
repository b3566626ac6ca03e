"""Solve a roster: build the model, search, and read the roster and its figures back."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Literal

from scheduler.codes import SolveStatus
from scheduler.roster.model import UNIT, RosterModel, contract_minutes, weekends
from scheduler.roster.output import (
    CoverShortfall,
    EventCover,
    PersonSummary,
    Roster,
    RosterDay,
    RosterReport,
)
from scheduler.roster.period import ABSENCE_CODES, RosterPeriod
from scheduler.roster.search import search
from scheduler.scenario import Scenario


@dataclass(frozen=True)
class RosterOptions:
    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.005  # stop once this close to the bound
    hint: Roster | None = None
    # what time_limit counts: "clock" seconds, or "work", the solver's units of work
    # (`scheduler.SolveOptions.limit`): a loaded machine then takes longer, not finds less
    limit: Literal["clock", "work"] = "clock"

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError(f"time_limit must be positive, got {self.time_limit}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.limit not in ("clock", "work"):
            raise ValueError(f'limit must be "clock" or "work", got {self.limit!r}')


def solve_roster(
    team: Scenario,
    period: RosterPeriod,
    options: RosterOptions | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[float, float, float | None], None] | None = None,
) -> Roster:
    """The best roster found in the time limit (or the reason there is none), by
    `scheduler.roster.search`. `progress(elapsed, objective, bound)` is called with each
    better roster (the bound None while the search knows none); `cancel` stops the search,
    which returns the best roster so far."""
    options = options or RosterOptions()
    hinted = None
    if options.hint is not None:
        hinted = {(d.staff, d.day, d.template): True for d in options.hint.duties()}
    found = search(
        team,
        period,
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        gap=options.relative_gap,
        hint=hinted,
        cancel=cancel,
        limit=options.limit,
        progress=(
            None
            if progress is None
            else lambda seconds, objective, bound: progress(
                seconds, objective / UNIT, None if bound is None else bound / UNIT
            )
        ),
    )
    roster = found.roster
    if found.values is None or found.objective is None:
        status = SolveStatus.INFEASIBLE if found.proved else SolveStatus.UNKNOWN
        report = RosterReport(
            status=status,
            wall_time=round(found.wall_time, 2),
            explanation=[_why_none(status, options)],
        )
        return Roster(
            team=team.team.id, start=period.start, weeks=period.weeks, days=[], report=report
        )
    values = found.values
    gap = None
    if found.bound is not None:
        gap = round(max(0.0, (found.bound - found.objective) / max(1, abs(found.bound))), 5)
    report = RosterReport(
        status=SolveStatus.OPTIMAL if found.proved else SolveStatus.FEASIBLE,
        objective=round(found.objective / UNIT, 2),
        best_bound=round(found.bound / UNIT, 2) if found.bound is not None else None,
        gap=gap,
        wall_time=round(found.wall_time, 2),
        first_roster_time=round(found.first_time, 2) if found.first_time is not None else None,
        expected_presence=round(
            sum(values[v.index] for v, _ in roster.hour_values.values()) / UNIT, 1
        ),
        trace=[(seconds, round(objective / UNIT, 2)) for seconds, objective in found.trace],
    )
    return read_roster(roster, lambda var: values[var.index], report)


def _why_none(status: SolveStatus, options: RosterOptions) -> str:
    if status is SolveStatus.INFEASIBLE:
        return (
            "no roster keeps every rule with this team, leave and period: look for a week "
            "where leave, courses and court leave someone no lawful rest, or loosen the "
            "policy (weekends_off_in, contract_tolerance_hours)"
        )
    return (
        f"no roster was found in {options.time_limit:g} s; give the solve more time (--time-limit)"
    )


def read_roster(roster: RosterModel, value, report: RosterReport) -> Roster:
    """The roster and its figures from a solution (`value` reads a variable)."""
    team, period = roster.team, roster.period
    tours = {(o.staff, o.day): o for o, var in roster.works.items() if value(var)}
    days = []
    for person in team.staff:
        for day in period.days:
            key = (person.id, day)
            if key in tours:
                o = tours[key]
                days.append(
                    RosterDay(
                        staff=person.id,
                        day=day,
                        kind="duty",
                        template=o.template,
                        start=o.start,
                        end=o.end,
                        code=o.template,
                    )
                )
            elif key in roster.fixed:
                f = roster.fixed[key]
                days.append(
                    RosterDay(
                        staff=person.id,
                        day=day,
                        kind=f.kind,
                        start=f.start,
                        end=f.end,
                        code=ABSENCE_CODES[f.kind],
                    )
                )
            elif key in roster.away:
                kind = roster.away[key].kind
                days.append(
                    RosterDay(staff=person.id, day=day, kind=kind, code=ABSENCE_CODES[kind])
                )
            else:
                days.append(RosterDay(staff=person.id, day=day, kind="rest", code="R"))
    result = Roster(
        team=team.team.id, start=period.start, weeks=period.weeks, days=days, report=report
    )
    result.people = summaries(roster, result)
    result.cover_shortfalls = _cover_shortfalls(roster, value)
    result.events = _event_cover(roster, value)
    return result


def summaries(roster: RosterModel, result: Roster) -> list[PersonSummary]:
    nights = {(o.staff, o.day) for o in roster.works if o.night}
    requests = roster.period.requests
    out = []
    for person in roster.team.staff:
        mine = [d for d in result.days if d.staff == person.id]
        by_day = {d.day: d for d in mine}
        worked_days = {d.day for d in mine if d.start is not None}
        run = longest = 0
        for day in roster.period.days:
            run = run + 1 if day in worked_days else 0
            longest = max(longest, run)
        worked_weekends = sum(
            1 for sat, sun in weekends(roster.period) if sat in worked_days or sun in worked_days
        )
        asked = [r for r in requests if r.staff == person.id]
        met = sum(
            1
            for r in asked
            if (r.off and r.day not in worked_days)
            or (
                not r.off and by_day.get(r.day) is not None and by_day[r.day].template == r.template
            )
        )
        out.append(
            PersonSummary(
                staff=person.id,
                hours=round(sum(d.hours for d in mine), 2),
                contracted_hours=round(contract_minutes(roster, person) / 60, 2),
                duties=sum(1 for d in mine if d.kind == "duty"),
                rest_days=sum(1 for d in mine if d.kind == "rest"),
                nights=sum(1 for d in mine if d.kind == "duty" and (person.id, d.day) in nights),
                weekends_worked=worked_weekends,
                weekends_off=roster.period.weeks - worked_weekends,
                longest_run=longest,
                requests_met=met,
                requests_total=len(asked),
            )
        )
    return out


def _cover_shortfalls(roster: RosterModel, value) -> list[CoverShortfall]:
    found = []
    for kind, key, short in roster.shortfalls:
        if kind != "cover" or value(short) == 0:
            continue
        day, hour, wanted, warranted = key
        start = roster.start_utc + timedelta(hours=hour)
        found.append(
            CoverShortfall(
                day=day,
                start=start.astimezone(UTC),
                end=(start + timedelta(hours=1)).astimezone(UTC),
                wanted=wanted,
                on_duty=round(wanted - value(short) / 4, 2),
                warranted=warranted,
            )
        )
    return found


def _event_cover(roster: RosterModel, value) -> list[EventCover]:
    found = []
    unmet: dict[tuple[str, object], list[str]] = defaultdict(list)
    for kind, key, short in roster.shortfalls:
        if kind == "event-need" and value(short) > 0:
            event, words = key
            unmet[event.id, event.start].append(words)
    for kind, event, short in roster.shortfalls:
        if kind != "event":
            continue
        wanted = max(event.min_staff, sum(s.count for s in event.seats))
        found.append(
            EventCover(
                event=event.id,
                name=event.name,
                start=event.start,
                end=event.end,
                wanted=wanted,
                on_duty=wanted - value(short),
                unmet=unmet.get((event.id, event.start), []),
            )
        )
    return found
