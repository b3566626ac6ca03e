"""Re-planning a published week: sickness, abstraction, urgent events, with least change.

`replan(scenario, published, changes, now)` applies the changes to the week, fixes
everything that has started by `now` (duties, event attendance, patrol counts), and
solves the rest of the week with the same model plus a disruption cost for every duty
that differs from the published rota: a new duty on a rest day costs most, a duty stood
down less, a moved start less again, taking someone off an event they were published to
attend less again, and each costs double inside the notice window (the officer must be
told by midnight the day before). The costs dominate presence, so the repair changes as
little as it must and then maximises presence. `compare` lists what changed, the notice
given and the compensation owed (DOMAIN.md's table); `compare_attendance` who joins or
leaves an event.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from ortools.sat.python import cp_model
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from scheduler.codes import SolveStatus
from scheduler.model import SCALE, WeekModel, build
from scheduler.phases import add_hint, configure, hint_all, with_requirements
from scheduler.rota import Duty, Rota
from scheduler.scenario import (
    EngagementEvent,
    Pin,
    Role,
    Scenario,
    Unavailability,
    describe_validation_error,
    local_day,
)
from scheduler.scenario import Surge as WeekSurge
from scheduler.solve import Progress, SolveOptions, SolveResult, extract_rota, solve_built
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

Category = Literal[
    "sick", "aid", "response", "custody", "control-room", "court", "training", "other"
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Absence(Strict):
    """Someone unavailable from..to: sick, or abstracted to other duties."""

    kind: Literal["absence"] = "absence"
    staff: str
    start: AwareDatetime
    end: AwareDatetime
    category: Category

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end <= self.start:
            raise ValueError(
                f"the absence of {self.staff!r} ends ({self.end}) no later than it starts "
                f"({self.start}); give an end after the start"
            )
        return self


class EventChange(Strict):
    """A new engagement event, or a changed one (same id), mandatory ones included."""

    kind: Literal["event"] = "event"
    event: EngagementEvent

    @model_validator(mode="after")
    def _aware(self) -> EventChange:
        for name in ("start", "end"):
            if getattr(self.event, name).tzinfo is None:
                raise ValueError(
                    f"event {self.event.id!r} {name} has no offset; give it as in a repair's "
                    "other times, e.g. '2026-11-25T10:00:00+00:00'"
                )
        return self


class Surge(WeekSurge):
    """More demand in a ward for some hours (a reassurance patrol after an incident). It
    becomes one of the week's `surges`, so later repairs and solves of the week keep it."""

    kind: Literal["surge"] = "surge"
    start: AwareDatetime
    end: AwareDatetime


class PinChange(Strict):
    """A sergeant's decision for the rest of the week."""

    kind: Literal["pin"] = "pin"
    pin: Pin


Change = Annotated[Absence | EventChange | Surge | PinChange, Field(discriminator="kind")]


class Replan(Strict):
    """What happened, and when the repair is made."""

    now: AwareDatetime
    changes: list[Change] = Field(min_length=1)


class DutyChange(Strict):
    staff: str
    day: date
    change: Literal["added", "stood down", "moved", "cut short", "ward changed"]
    before: str | None = Field(description="published duty, e.g. 'early 07:00-15:00 market-square'")
    after: str | None
    notice_hours: float = Field(description="from the repair to the earlier start")
    clear_days: int = Field(description="whole days between the repair and the duty's day")
    compensation: str | None = None
    paid_hours: float = Field(0, description="hours paid for the change (at the rate given)")
    time_off_hours: float = Field(0, description="time off owed in lieu")


class AttendanceChange(Strict):
    staff: str
    event: str
    name: str = Field(description="the event's name")
    ward: str
    start: AwareDatetime = Field(description="when the event starts")
    change: Literal["joined", "left"]
    notice_hours: float = Field(description="from the repair to the event's start")


class WardPresence(Strict):
    ward: str
    before: float
    after: float
    change: float


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


def _local(scenario: Scenario, instant: datetime) -> datetime:
    return instant.astimezone(scenario.zone)


def apply_changes(
    scenario: Scenario, published: Rota, replan: Replan
) -> tuple[Scenario, list[Duty]]:
    """The week with the changes applied, and the published duties already started
    (fixed). An absence starts no earlier than `now` (what happened before is history);
    one that starts during a duty under way ends that duty then (`model.duty_options`),
    unless the person is at an event that has begun: they leave when it ends."""
    now = replan.now
    week = f"the week of {scenario.week_start:%d %b %Y}"
    if now >= scenario.ends_at:
        raise ValueError(f"the repair's now ({now}) is after {week} has ended; nothing can change")
    fixed = _started(published, now)
    data = scenario.model_dump(mode="python")
    staff = {person["id"]: person for person in data["staff"]}
    events = {event["id"]: event for event in data["events"]}
    wards = {ward["id"] for ward in data["wards"]}
    for change in replan.changes:
        if isinstance(change, Absence):
            if change.staff not in staff:
                raise ValueError(f"absence of unknown staff member {change.staff!r}")
            if change.end <= scenario.starts_at or scenario.ends_at <= change.start:
                raise ValueError(
                    f"the absence of {change.staff!r} ({change.start:%d %b %Y}) is outside "
                    f"{week}; send it with the repair of its own week"
                )
            start = max(change.start, now)
            for activity in (a for d in fixed if d.staff == change.staff for a in d.activities):
                if activity.kind == "event" and activity.start < now and activity.start <= start:
                    start = max(start, activity.end)
            if start < change.end:
                staff[change.staff]["unavailable"].append(
                    Unavailability(start=start, end=change.end, reason=change.category)
                )
        elif isinstance(change, EventChange):
            if change.event.start < now:
                raise ValueError(f"event {change.event.id!r} starts before the repair ({now})")
            events[change.event.id] = change.event.model_dump(mode="python")
        elif isinstance(change, Surge):
            if change.ward not in wards:
                raise ValueError(f"surge in unknown ward {change.ward!r}")
            data["surges"].append(change.model_dump(mode="python", exclude={"kind"}))
        else:
            data["pins"].append(change.pin.model_dump(mode="python"))
    data["events"] = list(events.values())
    _refuse_clashing_pins(scenario, replan, events)
    try:
        return Scenario.model_validate(data), fixed
    except ValidationError as error:  # one line, as every other bad input
        raise ValueError(describe_validation_error(error, "changes")) from None


def _refuse_clashing_pins(scenario: Scenario, replan: Replan, events: dict[str, dict]) -> None:
    """A pin of the changes that repeats or contradicts one of the week's pins or an
    earlier one of the changes (`Pin.clashes_with`; events as the changes leave them) is
    bad input, not an impossible week."""

    def event_day(event_id: str) -> date | None:
        event = events.get(event_id)
        return local_day(event["start"], scenario.zone) if event else None

    earlier = [(f"the week's pins[{n}]", pin) for n, pin in enumerate(scenario.pins)]
    for index, change in enumerate(replan.changes):
        if not isinstance(change, PinChange):
            continue
        for name, other in earlier:
            if change.pin.clashes_with(other, event_day):
                given = other.model_dump(mode="json", exclude_defaults=True)
                raise ValueError(
                    f"the pin in changes[{index}] repeats or contradicts {name} {given}: one "
                    "pin per person and day (a duty or a rest day) and per person and event, "
                    "and no rest day on the day of a pinned event; leave one of them out"
                )
        earlier.append((f"changes[{index}]", change.pin))


def _started(published: Rota, now: datetime) -> list[Duty]:
    """The published duties that have started by `now` (they are history)."""
    return [duty for duty in published.duties if duty.start < now]


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
        if week.grid.slot_start(slot) + timedelta(hours=1) <= now:
            model.add(var == counts.get((patrol_class, ward, slot), 0))


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
    """Patrol counts per (class, ward, hour slot) in the published rota; also records
    each person's published ward per slot for the patrol-block step."""
    counts: dict[tuple, int] = defaultdict(int)
    grid = week.grid
    for duty in published.duties:
        patrol_class = week.classes.get(duty.staff)
        for activity in duty.activities:
            if activity.kind != "patrol" or patrol_class is None:
                continue
            for slot in grid.slots_touching(activity.start, activity.end):
                begins = grid.slot_start(slot)
                if activity.start <= begins and begins + timedelta(hours=1) <= activity.end:
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
        terms.append(-round(WARD_HOUR_COST * SCALE) * moved)
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
        changed, fixed = scenario, _started(published, replan_.now)
    else:
        changed, fixed = apply_changes(scenario, published, replan_)
    week = build(changed, now=replan_.now)
    counts = published_counts(week, published)  # also notes each person's published wards
    _freeze(week, published, counts, replan_.now)
    _disruption(week, published, counts, replan_.now)
    _warm_start(week, published, counts)
    first = _least_change_first(week, published, replan_, options, started_at)
    remaining = max(0.5, options.time_limit - (time.perf_counter() - started_at))
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
    presence = _presence(published, rota)
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
    time_limit=2.5, relative_gap=0.001, continuity_time=0, presence_time=0
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
) -> cp_model.CpSolver | None:
    """Quick first tries that keep most of the published rota: first only the people the
    changes name may change; if that cannot be done (an urgent event needs more people
    than are on duty), anyone may, but only on the days the changes touch. The first
    answer found warm-starts the full repair."""
    affected = {c.staff for c in replan_.changes if isinstance(c, Absence)}
    affected |= {c.pin.staff for c in replan_.changes if isinstance(c, PinChange)}
    days = _touched_days(week, replan_)
    tries = [lambda o: o.staff in affected, lambda o: o.staff in affected or o.day in days]
    if not days:
        tries.pop()
    worked = published.worked()
    for free in tries:
        trial = with_requirements(week, week.requirements)
        for option, var in week.works.items():
            if option.start >= replan_.now and not free(option):
                keep = int((option.staff, option.day, option.template) in worked)
                trial.add(trial.get_bool_var_from_proto_index(var.index) == keep)
        remaining = options.time_limit - (time.perf_counter() - started_at)
        solver = cp_model.CpSolver()
        configure(solver, replace(options, time_limit=max(0.5, remaining)))
        solver.parameters.max_deterministic_time = LEAST_CHANGE_WORK
        if solver.solve(trial) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            hint_all(week.model, solver)
            return solver
        if remaining < 1.0:
            break  # leave the full repair its time
    return None


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


def _describe(scenario: Scenario, duty: Duty) -> str:
    start, end = _local(scenario, duty.start), _local(scenario, duty.end)
    ward = duty.main_ward
    return f"{duty.template} {start:%H:%M}-{end:%H:%M}" + (f" {ward}" if ward else "")


def compare(scenario: Scenario, published: Rota, repaired: Rota, now: datetime) -> list[DutyChange]:
    """Every duty that differs, with notice and compensation. A started duty differs only
    by ending early (`cut short`) or by its wards from `now` on."""
    before = {(d.staff, d.day): d for d in published.duties}
    after = {(d.staff, d.day): d for d in repaired.duties}
    roles = {person.id: person.role for person in scenario.staff}
    today = _local(scenario, now).date()
    changes = []
    for staff, day in sorted(set(before) | set(after), key=lambda k: (k[1], k[0])):
        old, new = before.get((staff, day)), after.get((staff, day))
        if old is not None and new is not None and old.start == new.start and old.end == new.end:
            if old.main_ward == new.main_ward:
                continue
            kind = "ward changed"
        elif old is None:
            kind = "added"
        elif new is None:
            kind = "stood down"
        elif old.start == new.start and new.end < old.end and old.start < now:
            kind = "cut short"
        else:
            kind = "moved"
        first = min(d.start for d in (old, new) if d is not None)
        owed = compensation(
            role=roles.get(staff, Role.PC),
            change=kind,
            hours=new.hours if new is not None else 0.0,
            clear_days=(day - today).days - 1,
            public_holiday=day in scenario.policy.public_holidays,
            pcso_notice_days=scenario.policy.pcso_rest_day_notice_days,
            brought_forward_hours=(
                (old.start - new.start).total_seconds() / 3600
                if kind == "moved" and old is not None and new is not None
                else 0.0
            ),
            hours_notice=((new.start - now).total_seconds() / 3600 if new is not None else 0.0),
        )
        changes.append(
            DutyChange(
                staff=staff,
                day=day,
                change=kind,
                before=_describe(scenario, old) if old else None,
                after=_describe(scenario, new) if new else None,
                notice_hours=round((first - now).total_seconds() / 3600, 1),
                clear_days=max(0, (day - today).days - 1),
                compensation=owed.rule if owed else None,
                paid_hours=owed.paid_hours if owed else 0.0,
                time_off_hours=owed.time_off_hours if owed else 0.0,
            )
        )
    return changes


def compare_attendance(
    scenario: Scenario, published: Rota, repaired: Rota, now: datetime
) -> list[AttendanceChange]:
    """Who joins or leaves an engagement event that has not begun by `now`."""
    before, after = published.attendance(), repaired.attendance()
    events = {event.id: event for event in scenario.events}
    changes = [
        AttendanceChange(
            staff=staff,
            event=event.id,
            name=event.name,
            ward=event.ward,
            start=event.start,
            change="joined" if (staff, event_id) in after else "left",
            notice_hours=round((event.start - now).total_seconds() / 3600, 1),
        )
        for staff, event_id in before ^ after
        if (event := events.get(event_id)) is not None and event.start >= now
    ]
    return sorted(changes, key=lambda c: (c.start, c.event, c.change, c.staff))


class Owed(Strict):
    rule: str
    paid_hours: float = 0.0
    time_off_hours: float = 0.0


def compensation(
    *,
    role: Role,
    change: str,
    hours: float,
    clear_days: int,
    public_holiday: bool = False,
    brought_forward_hours: float = 0.0,
    hours_notice: float = 24.0,
    pcso_notice_days: int = 5,
) -> Owed | None:
    """What a change owes, per DOMAIN.md's table (notice in clear days or hours).

    `paid_hours` is plain hours paid including the enhancement (time-and-a-half of 4 h
    is 6 paid hours); `time_off_hours` is time off in lieu. `pcso_notice_days` is the
    team's `policy.pcso_rest_day_notice_days` (DOMAIN.md marks the 5 days `[?]`)."""
    if change == "added" and public_holiday:
        paid = 2 * max(4.0, hours)
        if clear_days < 8:
            return Owed(
                rule="public holiday worked at under 8 days' notice: double time plus a day "
                "in lieu, minimum 4 h",
                paid_hours=paid,
                time_off_hours=hours,
            )
        return Owed(rule="public holiday worked: double time, minimum 4 h", paid_hours=paid)
    if change == "added" and role is Role.PCSO:
        if clear_days < pcso_notice_days:
            return Owed(
                rule=f"PCSO rest day worked at under {pcso_notice_days} days' notice: overtime "
                "plus time off in lieu",
                paid_hours=round(hours * 4 / 3, 2),
                time_off_hours=hours,
            )
        return Owed(rule="PCSO rest day worked with notice: a replacement rest day [?]")
    if change == "added":
        if clear_days < 15:
            return Owed(
                rule="rest day worked at under 15 days' notice: time-and-a-half, minimum 4 h",
                paid_hours=1.5 * max(4.0, hours),
            )
        return Owed(rule="rest day worked: a replacement rest day, notified within 4 days")
    if change == "moved" and brought_forward_hours > 0 and hours_notice < 8:
        return Owed(
            rule="start brought forward at under 8 hours' notice: the extra hours as overtime "
            "(time-and-a-third)",
            paid_hours=round(brought_forward_hours * 4 / 3, 2),
        )
    return None


def _presence(published: Rota, repaired: Rota) -> list[WardPresence]:
    before = {w.ward: w.visible_hours for w in published.wards}
    after = {w.ward: w.visible_hours for w in repaired.wards}
    return [
        WardPresence(
            ward=ward,
            before=round(before.get(ward, 0.0), 2),
            after=round(after.get(ward, 0.0), 2),
            change=round(after.get(ward, 0.0) - before.get(ward, 0.0), 2),
        )
        for ward in sorted(set(before) | set(after))
    ]
