"""Baselines Beatplan is judged against, and the metrics that judge any rota alike.

Two rivals, each producing a real `scheduler.rota.Rota`, so the same independent checker
and the same coverage summaries judge them and Beatplan:

- `pattern_rota`: the sergeant's spreadsheet. A fixed five-on, two-off pattern, rest days
  staggered by position in the staff list so they spread over the week; earlies and lates
  alternating person by person and flipping week by week; everyone patrols their home
  ward all duty; events staffed first come. It knows what a spreadsheet knows: leave,
  training and court (the duty that day is dropped), part-time working days, contracted
  hours (a 37-hour PCSO cannot do five 8-hour duties, so the last duty of the run is
  dropped) and which templates a role may work; someone pinned to an event goes to it
  if the pattern has them on duty then. It does not know what only a calculation would
  show: last week's finishing times and runs of days (carry-in; a real pattern would
  carry on from last week's, but generated weeks start from their own carry-in), the
  needs of a mandatory event nobody on duty can meet, lone-working pairs, ward minimums.
  Whatever that costs is what the checker then reports against it.
- `greedy_rota`: a strong rival. Repeatedly take the (person, day, duty template, ward)
  or the staffing of an event that adds the most demand-weighted presence, with the same
  weights and diminishing-returns curve as Beatplan's objective (events add their value,
  as in the model), among moves that keep every rule the checker enforces; stop when
  nothing adds value. Mandatory events and pins are staffed first, and wards still below
  their minimum get further duties at the end. What it cannot always meet (a mandatory
  event, a ward minimum) is reported by the checker as unmet, never broken silently.

`metrics` scores any rota from its activities alone (no solver code): demand-weighted
presence, unmet hard requirements by kind from the checker's violations, and how evenly
coverage follows need across wards. `solve_parts` solves Beatplan's model for only some
of its objective's parts, every hard rule kept, to measure what the other parts cost in
presence.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from scheduler.blocks import add_piece, event_slot_pieces
from scheduler.checker import Violation, check
from scheduler.codes import RuleCode
from scheduler.model import DutyOption, build, duty_options
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import (
    WEEKDAYS,
    DutyTemplate,
    EngagementEvent,
    Role,
    Scenario,
    Staff,
    in_pcso_window,
)
from scheduler.solve import SolveOptions, SolveResult, solve_built
from scheduler.summary import (
    event_staffing,
    figures,
    presence_by_slot,
    ward_coverage,
)
from scheduler.timegrid import TimeGrid, as_local, duty_interval

HOUR = timedelta(hours=1)
EPSILON = 1e-9

# The checker's rule codes, grouped into the kinds of unmet requirement the tables show.
REQUIREMENT_KINDS = {
    RuleCode.EVENT_STAFFING: "events",
    RuleCode.WARD_MINIMUM: "minimums",
    RuleCode.LONE_WORKING: "pairs",
    RuleCode.DAILY_REST: "rest",
    RuleCode.WEEKLY_REST: "rest",
    RuleCode.REST_DAYS: "rest",
    RuleCode.CONSECUTIVE_DAYS: "rest",
}
# Rules the greedy may leave unmet (it never breaks the others): requirements on the
# team as a whole, which a move-by-move heuristic cannot always reach.
REQUIREMENT_RULES = frozenset(
    {RuleCode.EVENT_STAFFING, RuleCode.WARD_MINIMUM, RuleCode.LONE_WORKING}
)


# ---- metrics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """How good and how lawful a rota is, judged from the rota alone."""

    presence: float  # demand-weighted presence (Beatplan's presence curve, week's hours)
    events: int  # checker violations of event staffing (a mandatory event left short, ...)
    minimums: int  # wards below their weekly minimum
    pairs: int  # ward-hours with a PCSO alone in a lone-working window
    rest: int  # daily rest, weekly rest, rest days, consecutive days
    other: int  # any other rule (weekly hours, leave, pins, ...)
    events_staffed: int  # events (optional or mandatory) with enough attendees
    ratios: tuple[float, ...]  # per ward: person-hours present in demand hours / demand hours

    @property
    def unmet(self) -> int:
        return self.events + self.minimums + self.pairs + self.rest + self.other

    @property
    def spread_min(self) -> float:
        return min(self.ratios) if self.ratios else math.nan

    @property
    def spread_max(self) -> float:
        return max(self.ratios) if self.ratios else math.nan

    @property
    def spread_cv(self) -> float:
        """Coefficient of variation of coverage-to-need over wards (0: perfectly even)."""
        if len(self.ratios) < 2 or statistics.fmean(self.ratios) == 0:
            return 0.0
        return statistics.pstdev(self.ratios) / statistics.fmean(self.ratios)

    @classmethod
    def combine(cls, parts: Iterable[Metrics]) -> Metrics:
        """Several teams (a BCU, a force) as one: sums, and the spread over all wards."""
        items = list(parts)
        return cls(
            presence=sum(m.presence for m in items),
            events=sum(m.events for m in items),
            minimums=sum(m.minimums for m in items),
            pairs=sum(m.pairs for m in items),
            rest=sum(m.rest for m in items),
            other=sum(m.other for m in items),
            events_staffed=sum(m.events_staffed for m in items),
            ratios=tuple(ratio for m in items for ratio in m.ratios),
        )


def presence_score(scenario: Scenario, rota: Rota) -> float:
    """Demand-weighted presence over the week, with the model's diminishing-returns values.

    Recomputed from the rota's activities by `scheduler.summary`, so a rota from any
    source is scored the same way as Beatplan's.
    """
    return sum(ward.weighted_presence for ward in ward_coverage(scenario, rota.duties))


def people_in_demand_hours(scenario: Scenario, duties: list[Duty]) -> dict[str, list[int]]:
    """Per ward, how many people are present in each hour of the week it has demand."""
    grid = TimeGrid.of(scenario)
    present = presence_by_slot(scenario, duties)
    return {
        ward.id: [
            len(present.get((ward.id, slot), ()))
            for slot in range(grid.week_slots)
            if scenario.demand_weight(ward.id, grid.local_keys[slot]) > 0
        ]
        for ward in scenario.wards
    }


def coverage_ratios(scenario: Scenario, rota: Rota) -> tuple[float, ...]:
    """Per ward, person-hours present in hours with demand divided by those demand hours."""
    counts = people_in_demand_hours(scenario, rota.duties).values()
    return tuple(sum(people) / len(people) for people in counts if people)


def unmet_by_kind(violations: Sequence[Violation]) -> dict[str, int]:
    """Checker violations counted by kind: events, minimums, pairs, rest, other."""
    counts = dict.fromkeys(("events", "minimums", "pairs", "rest", "other"), 0)
    for violation in violations:
        counts[REQUIREMENT_KINDS.get(violation.rule, "other")] += 1
    return counts


def metrics(scenario: Scenario, rota: Rota) -> Metrics:
    """Judge a rota for a scenario: presence, unmet requirements by kind, coverage spread."""
    counts = unmet_by_kind(check(scenario, rota))
    staffed = sum(item.staffed for item in event_staffing(scenario, rota.duties))
    return Metrics(
        presence=presence_score(scenario, rota),
        events_staffed=staffed,
        ratios=coverage_ratios(scenario, rota),
        **counts,
    )


def solve_parts(scenario: Scenario, parts: Sequence[str], options: SolveOptions) -> SolveResult:
    """Beatplan's model with every hard rule, maximising only the named parts of its
    objective (`scheduler.model.OBJECTIVE_PARTS`); no continuity phase and no presence
    floor (`presence_time=0`). The report's objective is that partial sum."""
    week = build(scenario)
    week.model.maximize(sum(term for name in parts for term in week.objective_parts[name]))
    return solve_built(week, replace(options, continuity_time=0, presence_time=0))


def demand_hours_unseen(scenario: Scenario, duties: list[Duty]) -> tuple[int, int]:
    """Ward-hours with demand in which nobody is present in the ward, and all ward-hours
    with demand (the week's, summed over wards): the hours residents see no one."""
    counts = people_in_demand_hours(scenario, duties).values()
    return sum(people.count(0) for people in counts), sum(len(people) for people in counts)


def peak_hours_covered(scenario: Scenario, rota: Rota) -> int:
    """Hours inside the wards' peak windows with at least one person present in the ward."""
    return sum(
        ward.peak_hours - len(ward.uncovered_peak_hours)
        for ward in ward_coverage(scenario, rota.duties)
    )


# ---- shared rota building -------------------------------------------------------------


@dataclass
class _Plan:
    """One planned duty: the option, the ward patrolled, events attended, station hours."""

    option: DutyOption
    ward: str
    events: list[EngagementEvent] = field(default_factory=list)
    station: set[int] = field(default_factory=set)  # slots spent off the street


def _activities(scenario: Scenario, grid: TimeGrid, plan: _Plan) -> list[Activity]:
    """Patrol of the plan's ward, with each event's hour slots spent in the event's ward.

    Like Beatplan's own rotas (`scheduler.blocks`), an hour that an event touches is spent
    in the event's ward (patrolling there before and after the event), so a person counts
    in one ward per hour.
    """
    zone = scenario.zone
    start, end = plan.option.start, plan.option.end
    event_at: dict[int, EngagementEvent] = {}
    for event in plan.events:
        for slot in grid.slots_touching(event.start, event.end):
            event_at[slot] = event
    pieces: list[tuple[str, str, str | None, datetime, datetime]] = []
    for slot in grid.slots_touching(start, end):
        slot_start = grid.slot_start(slot)
        slot_end = slot_start + HOUR
        event = event_at.get(slot)
        if event is None:
            if slot not in plan.station:
                pieces.append(("patrol", plan.ward, None, slot_start, slot_end))
            continue
        pieces.extend(event_slot_pieces(event, slot_start))
    activities: list[Activity] = []
    for kind, ward, event_id, piece_start, piece_end in pieces:
        piece_start, piece_end = max(piece_start, start), min(piece_end, end)
        if piece_end <= piece_start:
            continue
        add_piece(activities, kind, ward, event_id, piece_start, piece_end, zone)
    return activities


def _rota(scenario: Scenario, plans: Iterable[_Plan]) -> Rota:
    grid = TimeGrid.of(scenario)
    zone = scenario.zone
    duties = [
        Duty(
            staff=plan.option.staff,
            day=plan.option.day,
            template=plan.option.template,
            start=as_local(plan.option.start, zone),
            end=as_local(plan.option.end, zone),
            activities=_activities(scenario, grid, plan),
        )
        for plan in sorted(plans, key=lambda p: (p.option.staff, p.option.start))
    ]
    return Rota(
        team=scenario.team.id,
        week_start=scenario.week_start,
        duties=duties,
        **figures(scenario, duties),
    )


def _allowed_wards(scenario: Scenario, person: Staff) -> list[str]:
    return list(person.patrol_wards or [ward.id for ward in scenario.wards])


def _touching(grid: TimeGrid, event: EngagementEvent) -> set[int]:
    return set(grid.slots_touching(event.start, event.end))


def _covers(option: DutyOption, event: EngagementEvent) -> bool:
    return option.start <= event.start.astimezone(UTC) and event.end.astimezone(UTC) <= option.end


def _choose_attendees(
    event: EngagementEvent, candidates: Sequence[Staff], first: Sequence[Staff] = ()
) -> list[Staff] | None:
    """Who staffs an event from candidates in order of preference, or None if it can't be.

    Pinned people (`first`) go first; then, for each required skill, the first candidate
    with it; then warranted officers up to `min_warranted`; then anyone up to `min_staff`
    (at least one). None when the needs cannot all be met.
    """
    chosen: list[Staff] = [person for person in first if person in candidates]
    rest = [person for person in candidates if person not in chosen]

    def take(match: Iterable[Staff]) -> bool:
        person = next(iter(match), None)
        if person is None:
            return False
        chosen.append(person)
        rest.remove(person)
        return True

    for skill in event.required_skills:
        if not any(skill in person.skills for person in chosen) and not take(
            p for p in rest if skill in p.skills
        ):
            return None
    while sum(p.role.warranted for p in chosen) < event.min_warranted:
        if not take(p for p in rest if p.role.warranted):
            return None
    while len(chosen) < max(event.min_staff, 1):
        if not take(rest):
            return None
    return chosen if len(chosen) <= event.max_staff else None


# ---- the sergeant's spreadsheet ---------------------------------------------------------


def _pattern_template(scenario: Scenario, person: Staff, wanted: str) -> DutyTemplate | None:
    """The person's early or late: the template of that id if they may work it, else the
    earliest- or latest-starting template open to their role (and, for a PCSO, inside the
    PCSO window)."""
    open_to = []
    for template in scenario.duty_templates:
        if template.roles is not None and person.role not in template.roles:
            continue
        if person.role is Role.PCSO and not in_pcso_window(template, scenario.policy):
            continue
        open_to.append(template)
    if not open_to:
        return None
    named = next((t for t in open_to if t.id == wanted), None)
    if named is not None:
        return named
    ordered = sorted(open_to, key=lambda t: (t.start, t.id))
    return ordered[0] if wanted == "early" else ordered[-1]


def pattern_rota(scenario: Scenario) -> Rota:
    """The sergeant's spreadsheet rota (see the module docstring for what it knows).

    Person number i in the staff list rests on weekdays i and i+1 (mod 7) and works the
    five days after; works earlies when i plus the ISO week number is even, else lates;
    patrols their home ward (without one: their first patrol ward, or the wards in turn).
    Events are staffed in start order by the first people in the staff list on a duty
    that covers them and free at the time (see `_choose_attendees`).
    """
    week = scenario.week_start.isocalendar().week
    ward_ids = [ward.id for ward in scenario.wards]
    plans: list[_Plan] = []
    for index, person in enumerate(scenario.staff):
        shift = "early" if (index + week) % 2 == 0 else "late"
        template = _pattern_template(scenario, person, shift)
        if template is None:
            continue
        rest = {index % 7, (index + 1) % 7}
        days = [day for day in scenario.days if day.weekday() not in rest]
        if person.working_days is not None:
            days = [day for day in scenario.days if WEEKDAYS[day.weekday()] in person.working_days]
        duty_hours = template.clock_length_minutes / 60
        days = days[: max(0, int(person.contracted_hours // duty_hours + EPSILON))]
        ward = person.home_ward or (person.patrol_wards or [ward_ids[index % len(ward_ids)]])[0]
        for day in days:
            start, end = duty_interval(scenario, template, day)
            if any(
                start < gap.end.astimezone(UTC) and gap.start.astimezone(UTC) < end
                for gap in person.unavailable
            ):
                continue  # the sergeant knows leave, training and court: no duty that day
            option = DutyOption(person.id, day, template.id, start, end, False, False)
            plans.append(_Plan(option, ward))
    _staff_events_first_come(scenario, plans)
    return _rota(scenario, plans)


def _staff_events_first_come(scenario: Scenario, plans: list[_Plan]) -> None:
    grid = TimeGrid.of(scenario)
    people = {person.id: person for person in scenario.staff}
    busy: dict[str, set[int]] = defaultdict(set)
    pinned: dict[str, list[Staff]] = defaultdict(list)
    for pin in scenario.pins:
        if pin.event is not None:
            pinned[pin.event].append(people[pin.staff])
    order = {person.id: index for index, person in enumerate(scenario.staff)}
    for event in sorted(scenario.events, key=lambda e: (e.start, e.id)):
        slots = _touching(grid, event)
        on_duty = {
            plan.option.staff: plan
            for plan in plans
            if _covers(plan.option, event) and not busy[plan.option.staff] & slots
        }
        candidates = [people[s] for s in sorted(on_duty, key=order.__getitem__)]
        chosen = _choose_attendees(event, candidates, pinned.get(event.id, ()))
        for person in chosen or []:
            on_duty[person.id].events.append(event)
            busy[person.id] |= slots


# ---- the marginal-gain greedy -----------------------------------------------------------


class _Greedy:
    """State of the greedy: who works what, and who is present in each ward each hour."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.policy = scenario.policy
        self.grid = grid = TimeGrid.of(scenario)
        self.values = list(scenario.policy.presence_values)
        self.people = {person.id: person for person in scenario.staff}
        self.demand: dict[str, list[float]] = {}
        self.risky: dict[str, set[int]] = {}
        for ward in scenario.wards:
            self.demand[ward.id] = [
                scenario.demand_weight(ward.id, grid.local_keys[slot])
                if slot < grid.week_slots
                else 0.0
                for slot in range(grid.slots)
            ]
            hours = ward.lone_working_hours
            self.risky[ward.id] = {s for s in range(grid.slots) if grid.local_keys[s] in hours}
        self.count: dict[str, list[int]] = {w.id: [0] * grid.slots for w in scenario.wards}
        self.pcsos: dict[str, list[int]] = {w.id: [0] * grid.slots for w in scenario.wards}
        self.options = {p.id: duty_options(scenario, p) for p in scenario.staff}
        self.slots = {
            o: list(grid.slots_touching(o.start, o.end)) for os in self.options.values() for o in os
        }
        self.allowed = {p.id: _allowed_wards(scenario, p) for p in scenario.staff}
        self.plans: dict[str, list[_Plan]] = defaultdict(list)
        self.where: dict[str, dict[int, str]] = defaultdict(dict)  # present: slot -> ward
        self.busy: dict[str, set[int]] = defaultdict(set)  # slots taken by events
        self.event_slots = {e.id: _touching(grid, e) for e in scenario.events}
        self.staffed: set[str] = set()
        self.group = scenario.policy.lone_working_min_group
        self.week_start = scenario.starts_at.astimezone(UTC)
        self.week_end = scenario.ends_at.astimezone(UTC)

    # -- presence bookkeeping

    def marginal(self, ward: str, slot: int, count: int | None = None) -> float:
        """Value of one more person in a ward-hour (the model's ladder of values)."""
        k = self.count[ward][slot] if count is None else count
        return self.demand[ward][slot] * (self.values[k] if k < len(self.values) else 0.0)

    def _alone(self, person: Staff, ward: str, slot: int) -> bool:
        """Whether a PCSO arriving here now would be under the lone-working group."""
        return (
            person.role is Role.PCSO
            and slot in self.risky[ward]
            and self.count[ward][slot] + 1 < self.group
        )

    def _place(self, person: Staff, ward: str, slot: int, sign: int) -> None:
        self.count[ward][slot] += sign
        if person.role is Role.PCSO:
            self.pcsos[ward][slot] += sign
        if sign > 0:
            self.where[person.id][slot] = ward
        else:
            del self.where[person.id][slot]

    # -- duties

    def duty_gain(self, person: Staff, option: DutyOption, ward: str) -> float:
        return sum(
            self.marginal(ward, slot)
            for slot in self.slots[option]
            if not self._alone(person, ward, slot)
        )

    def can_work(self, person: Staff, option: DutyOption) -> bool:
        """Whether adding this duty keeps every working-time rule the checker enforces."""
        policy = self.policy
        current = [plan.option for plan in self.plans[person.id]]
        if any(o.day == option.day for o in current):
            return False
        rest = timedelta(hours=policy.min_rest_hours)
        for other in current:
            if option.start < other.end + rest and other.start < option.end + rest:
                return False
        duties = sorted([*current, option], key=lambda o: o.start)
        minutes = sum(o.minutes for o in duties)
        cap = min(policy.max_weekly_hours, person.contracted_hours + policy.max_overtime_hours)
        if minutes > cap * 60 + EPSILON:
            return False
        if any(o.night for o in duties) and minutes > (
            policy.night_average_hours_per_24h * 7 * 60 + EPSILON
        ):
            return False
        days = {o.day for o in duties}
        if 7 - len(days) < policy.min_rest_days:
            return False
        if self._longest_run(person, days) > policy.max_consecutive_days:
            return False
        return self._longest_rest(person, duties) >= timedelta(hours=policy.weekly_rest_hours)

    def _longest_run(self, person: Staff, days: set[date]) -> int:
        run = longest = person.carry_in.days_worked_in_a_row
        for day in self.scenario.days:
            run = run + 1 if day in days else 0
            longest = max(longest, run)
        return longest

    def _longest_rest(self, person: Staff, duties: list[DutyOption]) -> timedelta:
        free_from = self.week_start
        if person.carry_in.last_duty_end is not None:
            free_from = max(free_from, person.carry_in.last_duty_end.astimezone(UTC))
        longest = timedelta(0)
        for option in duties:
            longest = max(longest, min(option.start, self.week_end) - free_from)
            free_from = max(free_from, option.end)
        return max(longest, self.week_end - free_from)

    def add_duty(self, person: Staff, option: DutyOption, ward: str) -> _Plan:
        plan = _Plan(option, ward)
        for slot in self.slots[option]:
            if self._alone(person, ward, slot):
                plan.station.add(slot)  # a PCSO waits at the station rather than go alone
            else:
                self._place(person, ward, slot, +1)
        self.plans[person.id].append(plan)
        return plan

    # -- events

    def _plan_covering(self, staff_id: str, event: EngagementEvent) -> _Plan | None:
        return next((p for p in self.plans[staff_id] if _covers(p.option, event)), None)

    def group_gain(self, group: Sequence[Staff], event: EngagementEvent) -> float:
        """Presence gained (or lost) by moving these people to the event's ward for its hours.

        People not yet present (given a duty for the event) only add to the event's ward.
        """
        total = 0.0
        for slot in self.event_slots[event.id]:
            delta: dict[str, int] = defaultdict(int)
            for person in group:
                ward = self.where[person.id].get(slot) if person.id in self.where else None
                if ward == event.ward:
                    continue
                if ward is not None:
                    delta[ward] -= 1
                    total -= self.marginal(ward, slot, self.count[ward][slot] + delta[ward])
                total += self.marginal(
                    event.ward, slot, self.count[event.ward][slot] + delta[event.ward]
                )
                delta[event.ward] += 1
        return total

    def lone_safe(self, group: Sequence[Staff], event: EngagementEvent) -> bool:
        """Whether moving these people to the event leaves no PCSO alone in a risky hour."""
        for slot in self.event_slots[event.id]:
            delta: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # ward -> [all, pcsos]
            for person in group:
                ward = self.where[person.id].get(slot) if person.id in self.where else None
                if ward == event.ward:
                    continue
                pcso = int(person.role is Role.PCSO)
                if ward is not None:
                    delta[ward][0] -= 1
                    delta[ward][1] -= pcso
                delta[event.ward][0] += 1
                delta[event.ward][1] += pcso
            for ward, (people, pcsos) in delta.items():
                if slot not in self.risky[ward]:
                    continue
                if self.pcsos[ward][slot] + pcsos > 0 and self.count[ward][slot] + people < (
                    self.group
                ):
                    return False
        return True

    def attend(self, person: Staff, event: EngagementEvent) -> None:
        plan = self._plan_covering(person.id, event)
        assert plan is not None
        for slot in self.event_slots[event.id]:
            ward = self.where[person.id].get(slot)
            if ward is not None:
                self._place(person, ward, slot, -1)
            self._place(person, event.ward, slot, +1)
            plan.station.discard(slot)
        plan.events.append(event)
        self.busy[person.id] |= self.event_slots[event.id]

    def event_move(self, event: EngagementEvent) -> tuple[float, list[Staff]] | None:
        """The best way to staff an unstaffed event from people already on duty, if any."""
        slots = self.event_slots[event.id]
        candidates = [
            person
            for person in self.scenario.staff
            if not self.busy[person.id] & slots
            and self._plan_covering(person.id, event) is not None
        ]
        candidates.sort(key=lambda p: -self.group_gain([p], event))
        group = _choose_attendees(event, candidates)
        if group is None or not self.lone_safe(group, event):
            return None
        gain = self.group_gain(group, event)
        if not event.mandatory:
            gain += event.value
        return gain, group


def greedy_rota(scenario: Scenario) -> Rota:
    """The marginal-gain greedy's rota (see the module docstring)."""
    state = _Greedy(scenario)
    _apply_pins(state)
    pinned = {pin.event for pin in scenario.pins if pin.event is not None}
    for event in sorted(scenario.events, key=lambda e: (e.start, e.id)):
        if event.mandatory or event.id in pinned:
            _staff_mandatory(state, event)
    _fill(state)
    _meet_minimums(state)
    return _rota(scenario, [plan for plans in state.plans.values() for plan in plans])


def _best_ward(state: _Greedy, person: Staff, option: DutyOption) -> tuple[float, str]:
    return max(
        ((state.duty_gain(person, option, ward), ward) for ward in state.allowed[person.id]),
        key=lambda pair: pair[0],
    )


def _apply_pins(state: _Greedy) -> None:
    """The sergeant's duty pins are worked first, in the ward where they add most."""
    for pin in state.scenario.pins:
        if pin.template is None:
            continue
        person = state.people[pin.staff]
        option = next(
            (
                o
                for o in state.options[person.id]
                if o.day == pin.day and o.template == pin.template
            ),
            None,
        )
        if option is not None and state.can_work(person, option):
            state.add_duty(person, option, _best_ward(state, person, option)[1])


def _staff_mandatory(state: _Greedy, event: EngagementEvent) -> None:
    """Staff a mandatory (or pinned) event, giving a covering duty to whoever needs one.

    People already on a covering duty are preferred; among the rest, those whose best
    covering duty adds most presence. Pinned attendees go first.
    """
    slots = state.event_slots[event.id]
    pinned = [
        state.people[pin.staff]
        for pin in state.scenario.pins
        if pin.event == event.id and not state.busy[pin.staff] & slots
    ]
    on_duty: list[tuple[float, Staff]] = []
    new_duty: dict[str, tuple[float, DutyOption, str]] = {}
    for person in state.scenario.staff:
        if state.busy[person.id] & slots:
            continue
        if state._plan_covering(person.id, event) is not None:
            on_duty.append((state.group_gain([person], event), person))
            continue
        best: tuple[float, DutyOption, str] | None = None
        for option in state.options[person.id]:
            if not _covers(option, event) or not state.can_work(person, option):
                continue
            gain, ward = _best_ward(state, person, option)
            if best is None or gain > best[0]:
                best = (gain, option, ward)
        if best is not None:
            new_duty[person.id] = best
    ordered = [p for _, p in sorted(on_duty, key=lambda pair: -pair[0])]
    ordered += sorted((state.people[s] for s in new_duty), key=lambda p: -new_duty[p.id][0])
    group = _choose_attendees(event, ordered, [p for p in pinned if p in ordered])
    if group is None or not state.lone_safe(group, event):
        return
    for person in group:
        if person.id in new_duty:
            _, option, ward = new_duty[person.id]
            state.add_duty(person, option, ward)
        state.attend(person, event)
    state.staffed.add(event.id)


def _fill(state: _Greedy) -> None:
    """The greedy proper: take the most valuable lawful move until none adds value.

    Duty moves sit in a lazy max-heap: their gains only fall as presence grows (diminishing
    returns) and their feasibility only shrinks, so a popped entry whose recomputed gain is
    still the largest is the best move. Event moves are few and re-scored every round.
    """
    heap: list[tuple[float, int, str, int, str]] = []
    order = 0
    for person in state.scenario.staff:
        for index, option in enumerate(state.options[person.id]):
            for ward in state.allowed[person.id]:
                gain = state.duty_gain(person, option, ward)
                if gain > EPSILON:
                    heap.append((-gain, order, person.id, index, ward))
                    order += 1
    heapq.heapify(heap)
    optional = [e for e in state.scenario.events if not e.mandatory]
    while True:
        best_event: tuple[float, EngagementEvent, list[Staff]] | None = None
        for event in optional:
            if event.id in state.staffed:
                continue
            move = state.event_move(event)
            if move is not None and (best_event is None or move[0] > best_event[0]):
                best_event = (move[0], event, move[1])
        duty_gain = 0.0
        while heap:
            negative, _, staff_id, index, ward = heap[0]
            person = state.people[staff_id]
            option = state.options[staff_id][index]
            if not state.can_work(person, option):
                heapq.heappop(heap)
                continue
            gain = state.duty_gain(person, option, ward)
            if gain < -negative - EPSILON:
                heapq.heapreplace(heap, (-gain, heap[0][1], staff_id, index, ward))
                continue
            duty_gain = gain
            break
        event_gain = best_event[0] if best_event is not None else 0.0
        if max(duty_gain, event_gain) <= EPSILON:
            return
        if best_event is not None and event_gain >= duty_gain:
            _, event, group = best_event
            for person in group:
                state.attend(person, event)
            state.staffed.add(event.id)
        else:
            _, _, staff_id, index, ward = heapq.heappop(heap)
            state.add_duty(state.people[staff_id], state.options[staff_id][index], ward)


def _meet_minimums(state: _Greedy) -> None:
    """Wards still below their weekly minimum get further lawful duties, best first."""
    for ward in state.scenario.wards:
        while _visible_hours(state, ward.id) < ward.min_weekly_hours - EPSILON:
            best: tuple[float, Staff, DutyOption] | None = None
            for person in state.scenario.staff:
                if ward.id not in state.allowed[person.id]:
                    continue
                for option in state.options[person.id]:
                    if not state.can_work(person, option):
                        continue
                    gain = state.duty_gain(person, option, ward.id)
                    if best is None or gain > best[0]:
                        best = (gain, person, option)
            if best is None:
                break
            state.add_duty(best[1], best[2], ward.id)


def _visible_hours(state: _Greedy, ward_id: str) -> float:
    return float(sum(state.count[ward_id][: state.grid.week_slots]))
