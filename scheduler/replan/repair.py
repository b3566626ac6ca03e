"""The repair solve: the week's model with what has started frozen and a disruption cost
for every change to the published rota, tried first with only the people and days the
changes touch free, then in full."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from ortools.sat.python import cp_model
from pydantic import Field

from scheduler.codes import SolveStatus
from scheduler.model import SCALE, WeekModel, build
from scheduler.phases import add_hint, configure, hint_all, with_requirements, work_done
from scheduler.replan.changes import (
    Absence,
    EventChange,
    PinChange,
    Replan,
    Strict,
    Surge,
    apply_changes,
    started_duties,
)
from scheduler.replan.compare import (
    AttendanceChange,
    DutyChange,
    WardPresence,
    compare,
    compare_attendance,
    ward_presence,
)
from scheduler.rota import Duty, Rota
from scheduler.scenario import Scenario
from scheduler.solve import (
    Progress,
    SolveOptions,
    SolveResult,
    extract_rota,
    keep_faces,
    solve_built,
)
from scheduler.summary import figures

# Disruption costs, in demand-weighted presence hours: a change must buy more presence
# than this to be made. Doubled inside the notice window.
REST_DAY_COST = 100
STAND_DOWN_COST = 40
MOVE_COST = 20
WARD_HOUR_COST = 0.5  # per person-hour of patrol counted away from its published ward
LEFT_EVENT_COST = 5  # per published attendee taken off an engagement event
NOTICE_MULTIPLIER = 2
NOTICE_WINDOW = timedelta(hours=24)  # told by midnight the day before, at the latest


class Repair(Strict):
    """The repaired week and what it costs."""

    rota: Rota
    changes: list[DutyChange]
    attendance: list[AttendanceChange] = Field(
        description="people who join or leave an engagement event that has not begun"
    )
    presence: list[WardPresence]
    changed_duties: int = Field(description="duties added, stood down, moved or cut short")
    status: SolveStatus


def _freeze(week: WeekModel, published: Rota, counts: dict[tuple, int], now: datetime) -> None:
    """What has started is history: its duties, attendance and patrol counts."""
    model = week.model
    worked = published.worked()
    for option, var in week.works.items():
        if option.start < now:
            model.add(var == int((option.staff, option.day, option.template) in worked))
    attended = published.attendance()
    for event in week.scenario.events:
        if event.start < now:
            for (staff, event_id), var in week.attends.items():
                if event_id == event.id:
                    model.add(var == int((staff, event_id) in attended))
    for (patrol_class, ward, slot), var in week.patrol.items():
        if week.grid.slot_end(slot) <= now:
            model.add(var == counts.get((patrol_class, ward, slot), 0))


def _keep_for_faces(week: WeekModel, published: Rota, planned: Rota, now: datetime) -> None:
    """The repaired duties' deployment in blocks keeps what has started, and everyone the
    repair kept at an event they were published to attend (the deployment may otherwise
    choose attendees afresh, and an officer taken off an event unsettles the organisers)."""
    _freeze(week, published, published_counts(week, published), now)  # notes planned_wards
    begins = {event.id: event.start for event in week.scenario.events}
    for key in published.attendance() & planned.attendance():
        var = week.attends.get(key)
        if var is not None and begins[key[1]] >= now:
            week.model.add(var == 1)
    # A block away from the ward its person was published to patrol then costs what the
    # repair's own plan paid for it: the deployment changes no more wards than it must.
    terms = []
    for option, blocks in week.blocks.items():
        for block in blocks:
            ward = week.planned_wards.get((option.staff, block.slots[-1]))
            there = block.wards.get(ward) if ward is not None else None
            if there is not None:
                per_block = round(WARD_HOUR_COST * SCALE * block.minutes / 60)
                terms.append(-per_block * (week.works[option] - there))
    week.objective_terms += terms
    week.model.maximize(sum(week.objective_terms))


def history_of(rota: Rota, now: datetime) -> list[tuple]:
    """What a rota did before `now`: each started duty's template, start, end (if passed)
    and its activities up to `now`. A repair keeps this exactly (a duty under way may
    change from `now` on, and end early if its officer becomes unavailable)."""
    return sorted(
        (
            d.staff,
            d.day,
            d.template,
            d.start,
            min(d.end, now),
            [
                (a.kind, a.ward, a.event, a.start, min(a.end, now))
                for a in d.activities
                if a.start < now
            ],
        )
        for d in rota.duties
        if d.start < now
    )


def _splice(published: Duty, solved: Duty | None, now: datetime) -> Duty:
    """A duty under way: what it did before `now` as published (history), what it does
    from `now` as the repair solved it (the model's counts and attendance rely on that),
    and the end the repair gave it (earlier, if its officer becomes unavailable)."""
    if solved is None or published.end <= now:
        return published
    past = [
        a.model_copy(update={"end": min(a.end, now)}) for a in published.activities if a.start < now
    ]
    future = [
        a.model_copy(update={"start": max(a.start, now)}) for a in solved.activities if a.end > now
    ]
    if past and future and past[-1].end == future[0].start:
        last, first = past[-1], future[0]
        if (last.kind, last.ward, last.event) == (first.kind, first.ward, first.event):
            past[-1], future = last.model_copy(update={"end": first.end}), future[1:]
    return published.model_copy(update={"end": solved.end, "activities": past + future})


def published_counts(week: WeekModel, published: Rota) -> dict[tuple, int]:
    """Patrol counts per (class, ward, slot) in the published rota; also records
    each person's published ward per slot for the patrol-block step."""
    counts: dict[tuple, int] = defaultdict(int)
    grid = week.grid
    for duty in published.duties:
        patrol_class = week.classes.get(duty.staff)
        for activity in duty.activities:
            if activity.kind != "patrol" or patrol_class is None:
                continue
            for slot in grid.slots_touching(activity.start, activity.end):
                if activity.start <= grid.slot_start(slot) and grid.slot_end(slot) <= activity.end:
                    counts[patrol_class, activity.ward, slot] += 1
                    week.planned_wards[duty.staff, slot] = activity.ward
    return counts


def _disruption(week: WeekModel, published: Rota, counts: dict[tuple, int], now: datetime) -> None:
    """A cost for every duty that differs from the published rota, after `now`."""
    planned = {(d.staff, d.day): d for d in published.duties}
    by_day: dict[tuple[str, date], list] = defaultdict(list)
    for option, var in week.works.items():
        by_day[option.staff, option.day].append((option, var))
    terms = []
    for person in week.scenario.staff:
        for offset in range(7):
            day = week.scenario.week_start + timedelta(days=offset)
            duty = planned.get((person.id, day))
            options = by_day.get((person.id, day), [])
            if duty is not None and duty.start < now:
                continue  # fixed
            for option, var in options:
                if option.start < now:
                    continue
                if duty is None:
                    cost = REST_DAY_COST
                elif option.template == duty.template:
                    continue
                else:
                    cost = MOVE_COST
                if min(option.start, duty.start if duty else option.start) - now < NOTICE_WINDOW:
                    cost *= NOTICE_MULTIPLIER
                terms.append(-cost * SCALE * var)
            if duty is not None:
                cost = STAND_DOWN_COST * (
                    NOTICE_MULTIPLIER if duty.start - now < NOTICE_WINDOW else 1
                )
                working = sum(var for option, var in options if option.start >= now)
                terms.append(-cost * SCALE * (1 - working))
    # An attendee taken off an event: it was in their calendar, and the organisers (a
    # ward panel, a school, a mosque) expect the officer they were told of.
    attended = published.attendance()
    events = {event.id: event for event in week.scenario.events}
    for (staff, event_id), var in week.attends.items():
        event = events[event_id]
        if (staff, event_id) not in attended or event.start < now:
            continue
        cost = LEFT_EVENT_COST * (NOTICE_MULTIPLIER if event.start - now < NOTICE_WINDOW else 1)
        terms.append(-cost * SCALE * (1 - var))
    # Patrol moved between wards: a small cost per person-hour away from the published
    # ward (a whole duty elsewhere costs less than a moved start).
    for (patrol_class, ward, slot), var in week.patrol.items():
        planned = counts.get((patrol_class, ward, slot), 0)
        if week.grid.slot_start(slot) < now:
            continue
        moved = week.model.new_int_var(0, 1000, f"moved[{ward},{slot}]")
        week.model.add_hint(moved, 0)
        week.model.add(moved >= var - planned)
        week.model.add(moved >= planned - var)
        terms.append(-round(WARD_HOUR_COST * SCALE * week.grid.slot_minutes(slot) / 60) * moved)
    week.objective_terms += terms
    week.model.maximize(sum(week.objective_terms))


def replan(
    scenario: Scenario,
    published: Rota,
    replan_: Replan,
    options: SolveOptions | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    applied: bool = False,
) -> tuple[SolveResult, Repair | None, Scenario]:
    """Repair the week; the result's rota keeps what every started duty did before `now`.

    `applied`: the scenario already holds the changes, as `apply_changes` makes them (the
    service stores them when the repair is asked for), so they are not applied twice."""
    options = options or REPAIR_OPTIONS
    started_at = time.perf_counter()
    if applied:
        changed, fixed = scenario, started_duties(published, replan_.now)
    else:
        changed, fixed = apply_changes(scenario, published, replan_)
    # With familiar faces, the duties are repaired for presence and then deployed in
    # blocks (`keep_faces`), as a solve does.
    week = build(changed, now=replan_.now, in_blocks=False, history=published)
    counts = published_counts(week, published)  # also notes each person's published wards
    _freeze(week, published, counts, replan_.now)
    _disruption(week, published, counts, replan_.now)
    _warm_start(week, published, counts)
    first, tried = _least_change_first(week, published, replan_, options, started_at)
    used = tried if options.limit == "work" else time.perf_counter() - started_at
    remaining = max(0.5, options.time_limit - used)
    result = solve_built(
        week, replace(options, time_limit=remaining), progress, cancel, started=started_at
    )
    # Nothing found in the budget (a loaded machine) but nothing proven impossible either:
    # a late repair is better than none, so search on, up to a cap.
    found_nothing = (
        first is None and result.rota is None and result.report.status == SolveStatus.UNKNOWN
    )
    if found_nothing and not (cancel is not None and cancel.is_set()):
        late = replace(
            options, time_limit=LATE_REPAIR_FACTOR * options.time_limit, stop_after_first=True
        )
        result = solve_built(week, late, progress, cancel, started=started_at)
    if first is not None and (
        result.rota is None or (result.report.objective or 0) < first.objective_value / SCALE - 1e-6
    ):
        # The full repair did not get past the least-change answer in its time: use that.
        report = result.report.model_copy(
            update={
                "status": SolveStatus.FEASIBLE,
                "objective": round(first.objective_value / SCALE, 2),
                "explanation": [],
            }
        )
        rota = extract_rota(week, first)
        rota.report = report
        result = SolveResult(rota, report)
    if result.rota is None:
        return result, None, changed
    if changed.policy.continuity is not None:
        planned = result.rota
        result = keep_faces(
            changed,
            result.rota,
            options,
            cancel,
            now=replan_.now,
            history=published,
            freeze=lambda deployed: _keep_for_faces(deployed, published, planned, replan_.now),
        )
        assert result.rota is not None  # the repaired rota stands if no deployment does
    solved = {(d.staff, d.day): d for d in result.rota.duties}
    started = [_splice(d, solved.get((d.staff, d.day)), replan_.now) for d in fixed]
    duties = sorted(
        [*started, *(d for d in result.rota.duties if d.start >= replan_.now)],
        key=lambda d: (d.start, d.staff),
    )
    rota = result.rota.model_copy(
        update={
            "duties": duties,
            **figures(changed, duties),
        }
    )
    changes = compare(changed, published, rota, replan_.now)
    presence = ward_presence(published, rota)
    repair = Repair(
        rota=rota,
        changes=changes,
        attendance=compare_attendance(changed, published, rota, replan_.now),
        presence=presence,
        changed_duties=sum(1 for c in changes if c.change != "ward changed"),
        status=result.report.status,
    )
    return SolveResult(rota, result.report), repair, changed


# Repairs are wanted in seconds: the least-change tries first, then the full repair,
# warm-started from their answer, in the rest of the budget; the better is the answer.
# (CP-SAT's repair_hint would suit, but aborts OR-Tools 9.15 on some of the generated
# teams: "Check failed: heuristics.fixed_search != nullptr".) No presence check: a
# repair keeps what was published, and the budget is too short to share.
REPAIR_OPTIONS = SolveOptions(
    time_limit=2.5, relative_gap=0.001, continuity_time=0, presence_time=0, faces_time=5
)
LATE_REPAIR_FACTOR = 10  # how much longer a repair may search when it found nothing in time
# Each least-change try is limited by the work it does (CP-SAT's deterministic time, which
# does not depend on the machine's load), and by the clock only at the whole budget. With
# 40% of the budget on the clock, two repairs at once on two cores left it presolve and a
# first rough answer: 2-3 duties changed and 4-11% less presence in 6 of 26 repairs. Now a
# loaded machine makes a repair slower (up to 3.7 s measured), not worse.
LEAST_CHANGE_WORK = 0.4


def _least_change_first(
    week: WeekModel, published: Rota, replan_: Replan, options: SolveOptions, started_at: float
) -> tuple[cp_model.CpSolver | None, float]:
    """Quick first tries that keep most of the published rota: first only the people the
    changes name may change; if that cannot be done (an urgent event needs more people
    than are on duty), anyone may, but only on the days the changes touch. The first
    answer found warm-starts the full repair. Also returns the work the tries did, which a
    repair limited by work (`SolveOptions.limit`) counts against its budget as one limited
    by the clock counts the seconds."""
    affected = {c.staff for c in replan_.changes if isinstance(c, Absence)}
    affected |= {c.pin.staff for c in replan_.changes if isinstance(c, PinChange)}
    days = _touched_days(week, replan_)
    tries = [lambda o: o.staff in affected, lambda o: o.staff in affected or o.day in days]
    if not days:
        tries.pop()
    worked = published.worked()
    tried = 0.0
    for free in tries:
        trial = with_requirements(week, week.requirements)
        for option, var in week.works.items():
            if option.start >= replan_.now and not free(option):
                keep = int((option.staff, option.day, option.template) in worked)
                trial.add(trial.get_bool_var_from_proto_index(var.index) == keep)
        used = tried if options.limit == "work" else time.perf_counter() - started_at
        remaining = options.time_limit - used
        solver = cp_model.CpSolver()
        configure(solver, replace(options, time_limit=max(0.5, remaining)))
        solver.parameters.max_deterministic_time = LEAST_CHANGE_WORK
        status = solver.solve(trial)
        tried += work_done(solver)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            hint_all(week.model, solver)
            return solver, tried
        if remaining < 1.0:
            break  # leave the full repair its time
    return None, tried


def _touched_days(week: WeekModel, replan_: Replan) -> set[date]:
    """The days of the duties the changes overlap (absences, events, surges) or name (pins)."""
    events = {event.id: event for event in week.scenario.events}
    spans = []
    days = set()
    for change in replan_.changes:
        if isinstance(change, Absence | Surge):
            spans.append((change.start, change.end))
        elif isinstance(change, EventChange):
            spans.append((change.event.start, change.event.end))
        elif change.pin.day is not None:
            days.add(change.pin.day)
        elif change.pin.event in events:
            spans.append((events[change.pin.event].start, events[change.pin.event].end))
    for option in week.works:
        if option.start >= replan_.now and any(
            option.start < end and start < option.end for start, end in spans
        ):
            days.add(option.day)
    return days


def _warm_start(week: WeekModel, published: Rota, counts: dict[tuple, int]) -> None:
    """Hint the published rota: its duties, attendance and patrol counts. (Hinting it
    less the duties the changes rule out, with patrol counts to match, was measured on
    13 published weeks and was no better.)"""
    add_hint(week, published)
    for key, var in week.patrol.items():
        week.model.add_hint(var, counts.get(key, 0))
