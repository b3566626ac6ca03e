"""A week deployed within a published roster: the roster's tours are given, the week solve
decides wards, patrol blocks and event attendance.

A rostered rest day worked, or a tour moved, is allowed only when the sergeant allows
changes (`changes="allowed"`), or when the week cannot be staffed without one
(`"if-needed"`, the default: a mandatory event nobody rostered can staff). Each change
then costs what the Regulations owe for its notice (`scheduler.replan.compare.compensation`:
a rest day worked at under 15 days' notice is paid at time and a half, at least 4 h; at 15
days or more it owes a replacement rest day; a start brought forward without 8 hours'
notice owes the extra hours as overtime), in presence-hours, so the solver trades presence
for compensation knowingly; every change made is listed with its notice and what it owes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import ValidationError

from scheduler.model import SCALE, build
from scheduler.phases import add_hint, configure, solve_watched, with_requirements
from scheduler.replan.compare import DutyChange, compare, compensation
from scheduler.roster.output import Roster, RosterDay
from scheduler.rota import Duty, Rota
from scheduler.scenario import (
    CarryIn,
    Pin,
    Scenario,
    Unavailability,
    describe_validation_error,
)
from scheduler.solve import (
    Progress,
    SolveOptions,
    SolveResult,
    keep_faces,
    solve,
    solve_built,
)
from scheduler.timegrid import local_instant

Changes = Literal["never", "if-needed", "allowed"]
CHANGE_COST = 2.0  # presence-hours for any change to a published tour, before what it owes
STAND_DOWN_COST = 4.0  # presence-hours for a rostered tour not worked (owes nothing)
# A replacement rest day (or time off in lieu) is a day of presence lost later: each of its
# hours is valued at what an hour on duty typically buys (a sample roster averages about
# 1.5 demand-weighted presence-hours per hour rostered; 2 errs towards keeping the roster).
HOUR_OFF_COST = 2.0
# When changes are made only because the week needs them ("if-needed"), each costs this
# many times more, so that only what the week needs is changed.
NEEDED_ONLY = 100
LABELS = {"leave": "annual leave", "course": "course", "court": "court", "other": "absence"}


@dataclass
class Deployment:
    """The week solved within the roster, and what it changed."""

    result: SolveResult
    scenario: Scenario  # the week as solved (the roster's tours pinned, or free)
    changes: list[DutyChange] = field(default_factory=list)
    kept_roster: bool = True  # no rostered tour or rest day was changed
    note: str | None = None


def roster_days(roster: Roster, monday: date) -> list[RosterDay]:
    end = monday + timedelta(days=7)
    return [d for d in roster.days if monday <= d.day < end]


def roster_rota(scenario: Scenario, roster: Roster) -> Rota:
    """The roster's tours of the scenario's week, as a rota with no deployment yet (what a
    change is measured against)."""
    duties = [
        Duty(staff=d.staff, day=d.day, template=d.template, start=d.start, end=d.end)
        for d in roster_days(roster, scenario.week_start)
        if d.kind == "duty" and d.template is not None and d.start and d.end
    ]
    return Rota(team=scenario.team.id, week_start=scenario.week_start, duties=duties)


def _check_period(scenario: Scenario, roster: Roster) -> None:
    end = roster.start + timedelta(weeks=roster.weeks)
    if not roster.start <= scenario.week_start < end:
        raise ValueError(
            f"the week of {scenario.week_start} is outside the roster ({roster.start} to "
            f"{end - timedelta(days=1)}); deploy a week the roster covers, or plan a roster "
            "for that period first"
        )
    known = {person.id for person in scenario.staff}
    rostered = {d.staff for d in roster_days(roster, scenario.week_start)}
    if known - rostered:
        missing = ", ".join(sorted(known - rostered))
        raise ValueError(
            f"the roster has no days for {missing}; re-plan the roster with them in the team"
        )


def _carry(scenario: Scenario, roster: Roster) -> Scenario:
    """The week with what the roster's previous days leave for its rest rules, and the
    roster's absences as unavailability; no tour fixed."""
    monday = scenario.week_start
    staff = []
    for person in scenario.staff:
        days = sorted(
            (d for d in roster.days if d.staff == person.id and d.day < monday and d.end),
            key=lambda d: d.day,
        )
        update: dict[str, object] = {}
        if days and monday > roster.start:
            worked = {d.day for d in days}
            run = 0
            while monday - timedelta(days=run + 1) in worked:
                run += 1
            update["carry_in"] = CarryIn(last_duty_end=days[-1].end, days_worked_in_a_row=run)
        away = [
            _absence(scenario, d)
            for d in roster_days(roster, monday)
            if d.staff == person.id and d.kind not in ("duty", "rest")
        ]
        if away:
            update["unavailable"] = [*person.unavailable, *away]
        staff.append(person.model_copy(update=update) if update else person)
    return scenario.model_copy(update={"staff": staff})


def _absence(scenario: Scenario, day: RosterDay) -> Unavailability:
    if day.start is not None and day.end is not None:
        start, end = day.start, day.end
    else:
        start = local_instant(scenario, day.day, "00:00")
        end = local_instant(scenario, day.day + timedelta(days=1), "00:00")
    return Unavailability(start=start, end=end, reason=LABELS.get(day.kind, day.kind))


def pinned(
    scenario: Scenario, roster: Roster, free: set[tuple[str, date]] | None = None
) -> Scenario:
    """The week with every rostered tour and rest day pinned, but those of `free`
    (staff, day)."""
    _check_period(scenario, roster)
    week = _carry(scenario, roster)
    pins = [p for p in week.pins if p.day is None or p.ward is not None or p.event is not None]
    for day in roster_days(roster, scenario.week_start):
        if free and (day.staff, day.day) in free:
            continue
        if day.kind == "duty":
            pins.append(Pin(staff=day.staff, day=day.day, template=day.template))
        else:
            pins.append(Pin(staff=day.staff, day=day.day, off=True))
    return Scenario.model_validate({**week.model_dump(), "pins": [p.model_dump() for p in pins]})


def deploy(
    scenario: Scenario,
    roster: Roster,
    *,
    changes: Changes = "if-needed",
    now: datetime | None = None,
    options: SolveOptions | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Deployment:
    """Solve the scenario's week within the roster (see the module's docstring). `now` is
    when the change would be told, for its notice (the machine's clock by default)."""
    options = options or SolveOptions()
    now = now or datetime.now(UTC)
    if changes != "allowed":
        try:
            week = pinned(scenario, roster)
        except ValidationError as error:  # the sergeant's own pins clash with the roster
            clash = describe_validation_error(error, "week").removeprefix("week: ")
            if changes == "never":
                raise ValueError(
                    f"the week's pins clash with the roster: {clash}; allow changes "
                    "(--changes if-needed) or remove the pin"
                ) from None
            reasons = [f"the week's pins clash with the roster: {clash}"]
        else:
            result = solve(week, options, progress=progress, cancel=cancel)
            if result.rota is not None or changes == "never":
                return Deployment(result, week)
            reasons = result.report.explanation
        note = (
            "the week cannot be staffed with the rostered tours alone ("
            + " ".join(reasons)
            + "); rostered tours were changed, each at what it owes"
        )
    else:
        note = "changes to the roster allowed by the sergeant; each at what it owes"
    _check_period(scenario, roster)
    week = _carry(scenario, roster)
    published = roster_rota(week, roster)
    if changes == "if-needed":
        # The fewest changes the week needs, found alone (a quick model whose only aim
        # is to keep the roster); then only those person-days are freed. Freeing every
        # tour at once and trading presence against large change costs changed 96 tours
        # of the sample's week where two would do.
        free = _fewest_changes(week, published, now, options, cancel)
        if free is not None:
            week = pinned(scenario, roster, free)
    continuity = week.policy.continuity is not None
    model = build(week, in_blocks=not continuity)
    _change_costs(model, published, now, NEEDED_ONLY if changes == "if-needed" else 1)
    result = solve_built(
        model, replace(options, hint=options.hint or published), progress=progress, cancel=cancel
    )
    if result.rota is not None and continuity:
        result = keep_faces(week, result.rota, options, cancel)
    made = compare(week, published, result.rota, now) if result.rota is not None else []
    made = [c for c in made if c.change != "ward changed"]  # the roster gives no wards
    return Deployment(result, week, made, kept_roster=not made, note=note)


def _fewest_changes(
    week: Scenario,
    published: Rota,
    now: datetime,
    options: SolveOptions,
    cancel: threading.Event | None,
) -> set[tuple[str, date]] | None:
    """The (staff, day) whose rostered tour or rest day the week must change, at the
    least cost of what the changes owe (every rule of the week kept, presence ignored),
    in a third of the time limit; None if none was found in it."""
    model = build(week, in_blocks=False)
    model.objective_terms = []
    _change_costs(model, published, now, 1)
    add_hint(model, published)
    solving = with_requirements(model, model.requirements)
    solver = cp_model.CpSolver()
    configure(solver, replace(options, time_limit=max(1.0, options.time_limit / 3)))
    solver.parameters.relative_gap_limit = 0
    solver.parameters.stop_after_first_solution = False
    status = solve_watched(solver, solving, cancel, None)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    worked = {(o.staff, o.day, o.template) for o, var in model.works.items() if solver.value(var)}
    return {(staff, day) for staff, day, _ in worked ^ published.worked()}


def _change_costs(model, published: Rota, now: datetime, factor: int) -> None:
    """Each tour that differs from the roster costs CHANGE_COST plus what it owes (paid
    hours, and time off in lieu or a replacement rest day at HOUR_OFF_COST an hour, in
    presence-hours); a rostered tour not worked costs STAND_DOWN_COST; all times
    `factor`."""
    scenario = model.scenario
    today = now.astimezone(scenario.zone).date()
    roles = {person.id: person.role for person in scenario.staff}
    tours = {(d.staff, d.day): d for d in published.duties}
    terms = []
    by_day: dict[tuple[str, date], list] = {}
    for option, var in model.works.items():
        by_day.setdefault((option.staff, option.day), []).append((option, var))
        tour = tours.get((option.staff, option.day))
        if tour is not None and tour.template == option.template:
            continue
        change = "added" if tour is None else "moved"
        owed = compensation(
            role=roles[option.staff],
            change=change,
            hours=option.minutes / 60,
            clear_days=(option.day - today).days - 1,
            public_holiday=option.day in scenario.policy.public_holidays,
            pcso_notice_days=scenario.policy.pcso_rest_day_notice_days,
            brought_forward_hours=(
                max(0.0, (tour.start - option.start).total_seconds() / 3600) if tour else 0.0
            ),
            hours_notice=(option.start - now).total_seconds() / 3600,
        )
        hours_off = 0.0
        if owed is not None:
            replaced = "replacement rest day" in owed.rule
            hours_off = option.minutes / 60 if replaced else owed.time_off_hours
        cost = CHANGE_COST + (owed.paid_hours if owed else 0.0) + HOUR_OFF_COST * hours_off
        terms.append(-round(factor * cost * SCALE) * var)
    for staff, day in tours:
        options = by_day.get((staff, day), [])
        working = sum(var for _, var in options)
        terms.append(-round(factor * STAND_DOWN_COST * SCALE) * (1 - working))
    model.objective_terms += terms
    model.model.maximize(sum(model.objective_terms))
