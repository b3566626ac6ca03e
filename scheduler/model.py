"""The CP-SAT model of a team's week.

Formulation (see DESIGN.md, "The formulation decides the speed"):
- per person, a boolean for each duty they could work (`DutyOption`s are pre-filtered by
  role, availability, working days, PCSO window and carry-in rest, so impossible
  variables never exist);
- per *patrol class* (people interchangeable for patrolling: same role group, same
  allowed wards, same home ward), an integer count of how many patrol each ward in each
  real hour: far less symmetric than a boolean per person, hour and ward;
- per person and event, a boolean for attendance.
Named patrol blocks are made from the counts afterwards (`scheduler.blocks`).

The working-time rules (rest between duties, hours, rest days, days in a row) are stated
through `scheduler.rules`, the day-indexed rules that the Curtois & Qu benchmark also
builds its rosters from.

One method per rule family. Requirement groups that a sergeant can relax (mandatory
events, ward minimums, pins) are guarded by literals, so an infeasible week can be
explained in their words by switching groups off (`scheduler.solve.explain_infeasible`).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ortools.sat.python import cp_model

from scheduler import rules
from scheduler.scenario import (
    WEEKDAYS,
    CarryIn,
    EngagementEvent,
    Pin,
    Role,
    Scenario,
    ScenarioError,
    Staff,
    in_pcso_window,
)
from scheduler.timegrid import TimeGrid, duty_interval, minutes_in_window

SCALE = 100  # objective units per demand-weighted presence hour
UNSOCIAL_FAIRNESS_WEIGHT = 20  # the k-th unsocial duty of one person costs k-1 times this
PREFERENCE_WEIGHT = 15  # per preference weight point met
UNSOCIAL_MIN_HOURS = 3  # a duty with this much time in the unsocial window is unsocial


@dataclass(frozen=True)
class DutyOption:
    """A duty a person could work: template on a local day, with real start and end."""

    staff: str
    day: date
    template: str
    start: datetime
    end: datetime
    night: bool
    unsocial: bool

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class PatrolClass:
    """People who are interchangeable for patrolling: same role group, same allowed wards.

    Home wards are deliberately not part of the key, and continuity is not in the
    objective: both made the sample team several times slower to prove optimal (see
    docs/model.md). Continuity is the job of the patrol-block step (`scheduler.blocks`).
    """

    warranted: bool
    wards: tuple[str, ...]


@dataclass
class Requirement:
    """A literal-guarded group of constraints, described in a sergeant's words."""

    literal: cp_model.IntVar
    sentence: str


@dataclass
class WeekModel:
    """The CP-SAT model and its typed variables."""

    scenario: Scenario
    grid: TimeGrid
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    options: dict[str, list[DutyOption]] = field(default_factory=dict)
    works: dict[DutyOption, cp_model.IntVar] = field(default_factory=dict)
    classes: dict[str, PatrolClass] = field(default_factory=dict)
    patrol: dict[tuple[PatrolClass, str, int], cp_model.IntVar] = field(default_factory=dict)
    attends: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    staffed: dict[str, cp_model.IntVar] = field(default_factory=dict)
    requirements: list[Requirement] = field(default_factory=list)
    objective_terms: list[cp_model.LinearExprT] = field(default_factory=list)
    # The same terms by purpose (OBJECTIVE_PARTS), so a benchmark can weigh what each costs
    objective_parts: dict[str, list[cp_model.LinearExprT]] = field(default_factory=dict)
    continuity: cp_model.LinearExprT = 0
    event_slots: dict[str, range] = field(default_factory=dict)
    # (ward, slot) -> (warranted?, count or attendance variable) of everyone who may be there
    present: dict[tuple[str, int], list[tuple[bool, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (staff, slot) -> ward in a published rota being repaired: patrols keep it if they can
    planned_wards: dict[tuple[str, int], str] = field(default_factory=dict)


def build(scenario: Scenario, now: datetime | None = None) -> WeekModel:
    """Build the whole model: variables, every rule family, then the objective.

    `now` is for a repair of a week under way: a duty that starts before it may end early,
    where the person becomes unavailable during it (see `duty_options`)."""
    validate_templates(scenario)
    week = WeekModel(scenario, TimeGrid.of(scenario))
    _add_duty_options(week, now)
    _add_event_attendance(week)
    _add_patrol_counts(week)
    _add_one_duty_per_day(week)
    _add_daily_rest(week)
    _add_weekly_rest(week)
    _add_weekly_hours(week)
    _add_night_work(week)
    _add_rest_days(week)
    _add_consecutive_days(week)
    _add_event_requirements(week)
    _add_lone_working(week)
    _add_ward_minimums(week)
    _add_pins(week)
    _add_objective(week)
    _add_continuity(week)
    return week


def validate_templates(scenario: Scenario) -> None:
    """A template that breaks the break rule is bad input, not a modelling choice."""
    policy = scenario.policy
    for template in scenario.duty_templates:
        if (
            template.clock_length_minutes > policy.break_after_hours * 60
            and template.break_minutes < policy.min_break_minutes
        ):
            raise ScenarioError(
                f"duty template {template.id!r} lasts over {policy.break_after_hours:g} h but has "
                f"a {template.break_minutes}-minute break; give it break_minutes >= "
                f"{policy.min_break_minutes}"
            )


@dataclass(frozen=True)
class ContractShortfall:
    """Someone the duty templates cannot give their contracted hours in a full week."""

    staff: str
    name: str
    contracted_hours: float
    most_hours: float  # the most any week of these templates can give them


def contract_shortfalls(scenario: Scenario) -> list[ContractShortfall]:
    """Staff whose contracted hours no choice of the team's duty templates reaches: e.g. a
    PCSO on 37 h with only 8 h templates gets at most 32 h (five would be 40), so 5 h a
    week of their time is never rostered. Their `duty_options` with no leave, pins or
    carry-in, one a day, up to the rest-day limit and the contract; every other rule is
    ignored. An optimistic bound, so any shortfall found is real."""
    policy = scenario.policy
    unpinned = scenario.model_copy(update={"pins": []})
    found = []
    for person in scenario.staff:
        cap = round(min(policy.max_weekly_hours, person.contracted_hours) * 60)
        free = person.model_copy(update={"unavailable": [], "carry_in": CarryIn()})
        lengths_by_day: dict[date, set[int]] = defaultdict(set)
        for option in duty_options(unpinned, free):
            lengths_by_day[option.day].add(option.minutes)
        # (days worked, minutes) reachable: one duty or none a day, up to the rest-day limit
        reachable = {(0, 0)}
        for lengths in lengths_by_day.values():
            reachable |= {
                (worked + 1, minutes + length)
                for worked, minutes in reachable
                for length in lengths
                if worked < 7 - policy.min_rest_days and minutes + length <= cap
            }
        most = max(minutes for _, minutes in reachable)
        if cap - most >= 60:  # an hour or more a week
            found.append(
                ContractShortfall(person.id, person.name, person.contracted_hours, most / 60)
            )
    return found


def describe_shortfalls(shortfalls: list[ContractShortfall]) -> list[str]:
    """Sentences for a sergeant, one per contract and reachable hours, then the fix."""
    if not shortfalls:
        return []
    groups: dict[tuple[float, float], list[str]] = defaultdict(list)
    for item in shortfalls:
        groups[item.contracted_hours, item.most_hours].append(item.name)
    lines = [
        f"{', '.join(names)}: at most {most:g} h of a {contracted:g} h contract "
        f"({(contracted - most) * len(names):g} h a week out of the rota's reach)."
        for (contracted, most), names in sorted(groups.items(), key=lambda g: -len(g[1]))
    ]
    lines.append(
        "No week of these duty templates reaches their contracted hours (one duty a day, "
        "rest days kept): add a template of another length for them, or plan those hours "
        "outside the rota."
    )
    return lines


# ---- candidate duties --------------------------------------------------------------------


def duty_options(
    scenario: Scenario, person: Staff, now: datetime | None = None
) -> list[DutyOption]:
    """Every duty the person could lawfully work this week, judged on its own.

    A duty that starts before `now` (one under way, or worked, when a week is repaired)
    and that an unavailability begins during, ends when that unavailability begins: the
    officer sent home sick or pulled to an aid at 11:00 leaves their 07:00-15:00 duty at
    11:00. Other duties that touch an unavailability are not options."""
    policy = scenario.policy
    options = []
    off_days = {pin.day for pin in scenario.pins if pin.staff == person.id and pin.off}
    for day in scenario.days:
        if person.working_days is not None and WEEKDAYS[day.weekday()] not in person.working_days:
            continue
        if day in off_days:
            continue
        for template in scenario.duty_templates:
            if template.roles is not None and person.role not in template.roles:
                continue
            if person.role is Role.PCSO and not in_pcso_window(template, scenario.policy):
                continue
            start, end = duty_interval(scenario, template, day)
            if (
                end - start > timedelta(hours=policy.break_after_hours)
                and template.break_minutes < policy.min_break_minutes
            ):
                continue  # only on a clock-change night can a short template get this long
            if now is not None and start < now:
                end = min(
                    [end]
                    + [
                        gap.start.astimezone(UTC)
                        for gap in person.unavailable
                        if start < gap.start.astimezone(UTC) < end
                    ]
                )
            if any(
                start < gap.end.astimezone(UTC) and gap.start.astimezone(UTC) < end
                for gap in person.unavailable
            ):
                continue
            last_end = person.carry_in.last_duty_end
            if last_end is not None and start - last_end.astimezone(UTC) < timedelta(
                hours=policy.min_rest_hours
            ):
                continue
            night = (
                minutes_in_window(scenario, start, end, policy.night_start, policy.night_end)
                >= policy.night_min_hours * 60
            )
            unsocial = (
                minutes_in_window(scenario, start, end, policy.unsocial_start, policy.unsocial_end)
                >= UNSOCIAL_MIN_HOURS * 60
            )
            options.append(DutyOption(person.id, day, template.id, start, end, night, unsocial))
    return options


def patrol_class(scenario: Scenario, person: Staff) -> PatrolClass:
    wards = tuple(person.patrol_wards or [ward.id for ward in scenario.wards])
    return PatrolClass(person.role.warranted, tuple(sorted(wards)))


def _add_duty_options(week: WeekModel, now: datetime | None) -> None:
    for person in week.scenario.staff:
        week.options[person.id] = duty_options(week.scenario, person, now)
        week.classes[person.id] = patrol_class(week.scenario, person)
        for option in week.options[person.id]:
            week.works[option] = week.model.new_bool_var(
                f"works[{person.id},{option.day},{option.template}]"
            )


def _covering(
    week: WeekModel, staff_id: str, start: datetime, end: datetime
) -> list[cp_model.IntVar]:
    """Duty variables of a person whose duty covers [start, end) entirely."""
    return [
        week.works[option]
        for option in week.options[staff_id]
        if option.start <= start and end <= option.end
    ]


# ---- events and patrol counts -----------------------------------------------------------


def _add_event_attendance(week: WeekModel) -> None:
    """Attendance booleans exist only for people on a duty that could cover the event."""
    by_person: dict[str, list[EngagementEvent]] = defaultdict(list)
    for event in week.scenario.events:
        start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
        week.event_slots[event.id] = week.grid.slots_touching(start, end)
        for person in week.scenario.staff:
            covering = _covering(week, person.id, start, end)
            if not covering:
                continue
            attends = week.model.new_bool_var(f"attends[{person.id},{event.id}]")
            week.attends[person.id, event.id] = attends
            for slot in week.event_slots[event.id]:
                week.present[event.ward, slot].append((person.role.warranted, attends))
            week.model.add(sum(covering) >= attends)
            by_person[person.id].append(event)
    # One event per person per hour slot, so each person is in one ward each hour.
    for staff_id, events in by_person.items():
        for index, first in enumerate(events):
            for second in events[index + 1 :]:
                if set(week.event_slots[first.id]) & set(week.event_slots[second.id]):
                    week.model.add_at_most_one(
                        [week.attends[staff_id, first.id], week.attends[staff_id, second.id]]
                    )


def _on_duty(week: WeekModel, staff_ids: list[str], slot: int) -> list[cp_model.IntVar]:
    start = week.grid.slot_start(slot)
    end = start + timedelta(hours=1)
    return [
        week.works[option]
        for staff_id in staff_ids
        for option in week.options[staff_id]
        if option.start <= start and end <= option.end
    ]


def _add_patrol_counts(week: WeekModel) -> None:
    """Per class, ward and hour: how many patrol, bounded by who is on duty and not at an event."""
    members: dict[PatrolClass, list[str]] = defaultdict(list)
    for staff_id, patrol in week.classes.items():
        members[patrol].append(staff_id)
    events_by_slot: dict[int, list[str]] = defaultdict(list)
    for event_id, slots in week.event_slots.items():
        for slot in slots:
            events_by_slot[slot].append(event_id)
    for patrol, staff_ids in members.items():
        for slot in range(week.grid.slots):
            on_duty = _on_duty(week, staff_ids, slot)
            if not on_duty:
                continue
            counts = []
            for ward in patrol.wards:
                if not _patrollable(week, ward, slot):
                    continue
                count = week.model.new_int_var(0, len(staff_ids), f"patrol[{ward},{slot}]")
                week.patrol[patrol, ward, slot] = count
                week.present[ward, slot].append((patrol.warranted, count))
                counts.append(count)
            at_events = [
                week.attends[staff_id, event_id]
                for event_id in events_by_slot[slot]
                for staff_id in staff_ids
                if (staff_id, event_id) in week.attends
            ]
            week.model.add(sum(counts) + sum(at_events) <= sum(on_duty))


def _patrollable(week: WeekModel, ward_id: str, slot: int) -> bool:
    """Patrol is planned only in hours a ward has demand (any hour if it has none at all).

    Hours without demand add nothing to the objective, and dropping their count variables
    shrinks the LP that guides the search; people on duty then are at the station.
    """
    if not week.scenario.has_demand(ward_id):
        return True
    return week.scenario.demand_weight(ward_id, week.grid.local_keys[slot]) > 0


def presence(
    week: WeekModel, ward: str, slot: int, *, pcso_only: bool = False
) -> cp_model.LinearExpr:
    """People visibly present in a ward in an hour: patrolling it or at an event in it."""
    return sum(
        var
        for warranted, var in week.present.get((ward, slot), [])
        if not (pcso_only and warranted)
    )


# ---- working-time rules -----------------------------------------------------------------


def _add_one_duty_per_day(week: WeekModel) -> None:
    for options in week.options.values():
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for option in options:
            by_day[option.day].append(week.works[option])
        for day_vars in by_day.values():
            week.model.add_at_most_one(day_vars)


def _add_daily_rest(week: WeekModel) -> None:
    """Two duties closer than the minimum rest (or overlapping) are never both worked."""
    min_rest = timedelta(hours=week.scenario.policy.min_rest_hours)
    rules.never_both(
        week.model,
        (
            (week.works[first], week.works[second])
            for options in week.options.values()
            for first in options
            for second in options
            if first.day < second.day and second.start < first.end + min_rest
        ),
    )


def _add_weekly_rest(week: WeekModel) -> None:
    """Some stretch of `weekly_rest_hours` in the week is free of duty.

    The longest free stretch starts at the week's start (or the carry-in duty's end) or
    at the end of some duty, so only those starts are candidates.
    """
    scenario = week.scenario
    rest = timedelta(hours=scenario.policy.weekly_rest_hours)
    week_start = scenario.starts_at.astimezone(UTC)
    week_end = scenario.ends_at.astimezone(UTC)
    for person in scenario.staff:
        options = week.options[person.id]
        rest_from = week_start
        if person.carry_in.last_duty_end is not None:
            rest_from = max(rest_from, person.carry_in.last_duty_end.astimezone(UTC))
        starts = sorted({rest_from} | {o.end for o in options if rest_from <= o.end})
        windows = []
        for start in starts:
            if start + rest > week_end:
                continue
            free = week.model.new_bool_var(f"weekly_rest[{person.id},{start:%a%H%M}]")
            for option in options:
                if option.start < start + rest and start < option.end:
                    week.model.add_implication(free, week.works[option].Not())
            windows.append(free)
        week.model.add_bool_or(windows)  # no window at all: the week cannot be lawful


def _duties(week: WeekModel, staff_id: str) -> list[tuple[int, cp_model.IntVar]]:
    """Each duty the person could work, as (real elapsed minutes, worked literal)."""
    return [(option.minutes, week.works[option]) for option in week.options[staff_id]]


def _worked_minutes(week: WeekModel, staff_id: str) -> cp_model.LinearExpr:
    return sum(minutes * works for minutes, works in _duties(week, staff_id))


def _add_weekly_hours(week: WeekModel) -> None:
    """Real elapsed minutes, capped by the working-time limit and the contract."""
    policy = week.scenario.policy
    for person in week.scenario.staff:
        cap_hours = min(
            policy.max_weekly_hours, person.contracted_hours + policy.max_overtime_hours
        )
        rules.minutes_within(
            week.model, _duties(week, person.id), None, _minutes_at_most(cap_hours)
        )


EPSILON = 1e-6  # what the checker also forgives (its TOLERANCE)


def _minutes_at_most(hours: float) -> int:
    """A cap in hours as whole minutes, rounded down so the model never exceeds it (47.993 h
    rounded to the nearest minute let a rota the checker refused)."""
    return math.floor(hours * 60 + EPSILON)


def _add_night_work(week: WeekModel) -> None:
    """Anyone working a night duty averages at most the night limit per 24 h over the week."""
    cap = _minutes_at_most(week.scenario.policy.night_work_cap_hours)
    for staff_id, options in week.options.items():
        nights = [week.works[option] for option in options if option.night]
        if not nights:
            continue
        night_worker = week.model.new_bool_var(f"night_worker[{staff_id}]")
        week.model.add_max_equality(night_worker, nights)
        week.model.add(_worked_minutes(week, staff_id) <= cap).only_enforce_if(night_worker)


def _worked_days(week: WeekModel, staff_id: str) -> list[cp_model.LinearExpr]:
    by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
    for option in week.options[staff_id]:
        by_day[option.day].append(week.works[option])
    return [sum(by_day.get(day, [])) for day in week.scenario.days]


def _add_rest_days(week: WeekModel) -> None:
    for staff_id in week.options:
        rules.at_most(
            week.model, _worked_days(week, staff_id), 7 - week.scenario.policy.min_rest_days
        )


def _add_consecutive_days(week: WeekModel) -> None:
    """No run longer than the limit, counting the days worked in a row before Monday."""
    for person in week.scenario.staff:
        rules.max_consecutive(
            week.model,
            _worked_days(week, person.id),
            week.scenario.policy.max_consecutive_days,
            carried=person.carry_in.days_worked_in_a_row,
        )


# ---- requirement groups (literal-guarded) ------------------------------------------------


def _requirement(week: WeekModel, name: str, sentence: str) -> cp_model.IntVar:
    literal = week.model.new_bool_var(f"requirement[{name}]")
    week.requirements.append(Requirement(literal, sentence))
    return literal


def describe_event(week: WeekModel, event: EngagementEvent) -> str:
    local = event.start.astimezone(week.scenario.zone)
    end = event.end.astimezone(week.scenario.zone)
    ward = next(w.name for w in week.scenario.wards if w.id == event.ward)
    return f"{event.name} ({ward}, {local:%a %d %b %H:%M}-{end:%H:%M})"


def _event_needs(event: EngagementEvent) -> str:
    needs = [f"at least {event.min_staff} staff"]
    if event.min_warranted:
        needs.append(
            f"{event.min_warranted} warranted officer{'s' if event.min_warranted > 1 else ''}"
        )
    needs += [f"someone with the '{skill}' skill" for skill in event.required_skills]
    return ", ".join(needs)


def _add_event_requirements(week: WeekModel) -> None:
    """Staff count, warranted officers and skills; mandatory events are hard requirements."""
    staff = {person.id: person for person in week.scenario.staff}
    for event in week.scenario.events:
        attendees = {sid: var for (sid, eid), var in week.attends.items() if eid == event.id}
        staffed = week.model.new_bool_var(f"staffed[{event.id}]")
        week.staffed[event.id] = staffed
        week.model.add(sum(attendees.values()) <= event.max_staff * staffed)
        week.model.add(sum(attendees.values()) >= event.min_staff * staffed)
        warranted = [var for sid, var in attendees.items() if staff[sid].role.warranted]
        week.model.add(sum(warranted) >= event.min_warranted * staffed)
        for skill in event.required_skills:
            skilled = [var for sid, var in attendees.items() if skill in staff[sid].skills]
            week.model.add(sum(skilled) >= staffed)
        if event.mandatory:
            free = len(attendees)
            free_warranted = len(warranted)
            sentence = (
                f"The mandatory event {describe_event(week, event)} needs {_event_needs(event)}; "
                f"{free} staff could be on duty then, {free_warranted} of them warranted, "
                "once leave, working days, rest rules and the PCSO window are applied."
            )
            week.model.add_implication(_requirement(week, f"event:{event.id}", sentence), staffed)


def _add_lone_working(week: WeekModel) -> None:
    """In risk hours a PCSO present in the ward is never alone there."""
    group = week.scenario.policy.lone_working_min_group
    for ward in week.scenario.wards:
        risky = ward.lone_working_hours
        if not risky:
            continue
        for slot in range(week.grid.slots):
            if week.grid.local_keys[slot] not in risky:
                continue
            pcsos = presence(week, ward.id, slot, pcso_only=True)
            if isinstance(pcsos, int):
                continue  # no PCSO can be there
            accompanied = week.model.new_bool_var(f"pcso_present[{ward.id},{slot}]")
            week.model.add(pcsos <= 1000 * accompanied)
            week.model.add(presence(week, ward.id, slot) >= group).only_enforce_if(accompanied)


def _add_ward_minimums(week: WeekModel) -> None:
    for ward in week.scenario.wards:
        if ward.min_weekly_hours <= 0:
            continue
        total = sum(presence(week, ward.id, slot) for slot in range(week.grid.week_slots))
        sentence = (
            f"{ward.name} must get at least {ward.min_weekly_hours:g} hours of visible presence "
            "this week."
        )
        literal = _requirement(week, f"ward:{ward.id}", sentence)
        hours = math.ceil(ward.min_weekly_hours - EPSILON)  # whole slots, never fewer
        week.model.add(total >= hours).only_enforce_if(literal)


def _describe_pin(week: WeekModel, pin: Pin) -> str:
    person = next(p for p in week.scenario.staff if p.id == pin.staff)
    who = f"{person.role.value} {person.name}"
    if pin.event is not None:
        event = next(e for e in week.scenario.events if e.id == pin.event)
        return f"The pin puts {who} at {describe_event(week, event)}."
    assert pin.day is not None
    if pin.off:
        return f"The pin gives {who} {pin.day:%a %d %b} off."
    return (
        f"The pin puts {who} on the {pin.template} duty on {pin.day:%a %d %b} "
        "(it must also respect their leave, working days, role and rest rules)."
    )


def _add_pins(week: WeekModel) -> None:
    """Off pins are applied when options are made; duty and event pins are requirements."""
    for index, pin in enumerate(week.scenario.pins):
        if pin.off:
            continue
        literal = _requirement(week, f"pin:{index}", _describe_pin(week, pin))
        if pin.event is not None:
            target = week.attends.get((pin.staff, pin.event))
        else:
            target = next(
                (
                    week.works[option]
                    for option in week.options[pin.staff]
                    if option.day == pin.day and option.template == pin.template
                ),
                None,
            )
        if target is None:
            week.model.add_bool_or([literal.Not()])
        else:
            week.model.add_implication(literal, target)


# ---- objective --------------------------------------------------------------------------


# The objective's parts, in the order their terms are summed
OBJECTIVE_PARTS = (
    "presence",  # demand-weighted, with diminishing returns per ward-hour
    "ward fairness",  # demand covered short of each ward's coverage target costs extra
    "optional events",  # each staffed optional event is worth its value
    "unsocial fairness",  # each further unsocial duty for one person costs more
    "preferences",  # met or broken duty preferences
)


def _add_objective(week: WeekModel) -> None:
    """Maximise the sum of OBJECTIVE_PARTS; each part's terms are kept in `objective_parts`."""
    scenario = week.scenario
    values = scenario.policy.presence_values
    model = week.model
    parts = week.objective_parts = {name: [] for name in OBJECTIVE_PARTS}
    terms = parts["presence"]
    # Diminishing returns: a ladder of booleans first >= second >= ..., falling values.
    coverage_by_ward: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    for ward, slot in sorted(week.present):
        demand = scenario.demand_weight(ward, week.grid.local_keys[slot])
        if demand <= 0:
            continue
        ladder = [model.new_bool_var(f"present[{ward},{slot},{k}]") for k in range(len(values))]
        for higher, lower in itertools.pairwise(ladder):
            model.add_implication(lower, higher)
        model.add(sum(ladder) <= presence(week, ward, slot))
        terms += [
            round(SCALE * demand * value) * rung
            for rung, value in zip(ladder, values, strict=False)
        ]
        if slot < week.grid.week_slots:
            coverage_by_ward[ward].append(round(SCALE * demand) * ladder[0])
    # Fairness across wards: each ward's share of demand covered should reach the target;
    # demand left uncovered below the target costs extra, so quiet wards are not starved.
    policy = scenario.policy
    for ward in scenario.wards:
        total = sum(
            round(SCALE * scenario.demand_weight(ward.id, week.grid.local_keys[slot]))
            for slot in range(week.grid.week_slots)
        )
        target = round(policy.coverage_target * total)
        if target <= 0:
            continue
        # In whole demand-hours, which keeps the objective integral and the LP coarse.
        shortfall = model.new_int_var(0, target // SCALE + 1, f"coverage_shortfall[{ward.id}]")
        model.add(SCALE * shortfall >= target - sum(coverage_by_ward[ward.id]))
        parts["ward fairness"].append(-round(SCALE * policy.coverage_shortfall_weight) * shortfall)
    for event in scenario.events:
        if not event.mandatory:
            parts["optional events"].append(round(SCALE * event.value) * week.staffed[event.id])
    # Fairness within a role: each further unsocial duty for one person costs more (the
    # k-th costs k-1 units), so they spread across people without coupling everyone.
    for person in scenario.staff:
        unsocial = [week.works[o] for o in week.options[person.id] if o.unsocial]
        if len(unsocial) < 2:
            continue
        ladder = [model.new_bool_var(f"unsocial[{person.id},{k}]") for k in range(len(unsocial))]
        for higher, lower in itertools.pairwise(ladder):
            model.add_implication(lower, higher)
        model.add(sum(ladder) == sum(unsocial))
        parts["unsocial fairness"] += [
            -UNSOCIAL_FAIRNESS_WEIGHT * k * rung for k, rung in enumerate(ladder)
        ]
    parts["preferences"] += _preference_terms(week)
    week.objective_terms = [term for name in OBJECTIVE_PARTS for term in parts[name]]
    model.maximize(sum(week.objective_terms))


def _add_continuity(week: WeekModel) -> None:
    """Hours dedicated ward officers can spend in their own ward: the second-phase objective.

    Per class, ward and hour, patrol up to the number of that ward's dedicated officers on
    duty counts; the patrol-block step then sends those officers home first. As part of
    the main objective this slowed the proof several-fold, so the solve maximises it
    afterwards with presence held at its optimum (`scheduler.solve`).
    """
    dedicated: dict[tuple[PatrolClass, str], list[str]] = defaultdict(list)
    for person in week.scenario.staff:
        if person.home_ward is not None:
            dedicated[week.classes[person.id], person.home_ward].append(person.id)
    at_home_terms = []
    for (patrol, ward, slot), count in week.patrol.items():
        on_duty = _on_duty(week, dedicated.get((patrol, ward), []), slot)
        if not on_duty:
            continue
        at_home = week.model.new_int_var(0, len(on_duty), f"at_home[{ward},{slot}]")
        week.model.add(at_home <= count)
        week.model.add(at_home <= sum(on_duty))
        at_home_terms.append(at_home)
    week.continuity = sum(at_home_terms)


def _preference_terms(week: WeekModel) -> list[cp_model.LinearExprT]:
    terms: list[cp_model.LinearExprT] = []
    for person in week.scenario.staff:
        for preference in person.preferences:
            matching = [
                week.works[option]
                for option in week.options[person.id]
                if (preference.template in (None, option.template))
                and (preference.day in (None, option.day))
            ]
            sign = 1 if preference.want else -1
            terms += [sign * PREFERENCE_WEIGHT * preference.weight * var for var in matching]
    return terms
