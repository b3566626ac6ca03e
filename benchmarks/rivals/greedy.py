"""The marginal-gain greedy: the strong one of the two rivals Beatplan is judged against.

Repeatedly take the (person, day, duty template, ward) or the staffing of an event that
adds the most demand-weighted presence, with the same weights and diminishing-returns
curve as Beatplan's objective (events add their value, as in the model), among moves that
keep every rule the checker enforces; stop when nothing adds value. Mandatory events and
pins are staffed first, and wards still below their minimum get further duties at the
end. What it cannot always meet (a mandatory event, a ward minimum) is reported by the
checker as unmet, never broken silently.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, timedelta

from benchmarks.rivals.plans import EPSILON, Plan, choose_attendees, covers, rota_of, touched_slots
from scheduler.codes import RuleCode
from scheduler.model import DutyOption, duty_options
from scheduler.rota import Rota
from scheduler.scenario import EngagementEvent, Role, Scenario, Staff
from scheduler.timegrid import TimeGrid

# Rules the greedy may leave unmet (it never breaks the others): requirements on the
# team as a whole, which a move-by-move heuristic cannot always reach, and the familiar
# faces a team's policy may ask for (it places people hour by hour, not in blocks).
REQUIREMENT_RULES = frozenset(
    {
        RuleCode.EVENT_STAFFING,
        RuleCode.WARD_MINIMUM,
        RuleCode.LONE_WORKING,
        RuleCode.BLOCK_LENGTH,
        RuleCode.WARDS_PER_DUTY,
        RuleCode.OWN_WARD_SHARE,
        RuleCode.OWN_OFFICERS,
    }
)


def _allowed_wards(scenario: Scenario, person: Staff) -> list[str]:
    return list(person.patrol_wards or [ward.id for ward in scenario.wards])


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
            self.demand[ward.id] = [  # per slot, for the part of the hour it is
                scenario.demand_weight(ward.id, grid.local_keys[slot])
                * grid.slot_minutes(slot)
                / 60
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
        self.plans: dict[str, list[Plan]] = defaultdict(list)
        self.where: dict[str, dict[int, str]] = defaultdict(dict)  # present: slot -> ward
        self.busy: dict[str, set[int]] = defaultdict(set)  # slots taken by events
        self.event_slots = {e.id: touched_slots(grid, e) for e in scenario.events}
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

    def add_duty(self, person: Staff, option: DutyOption, ward: str) -> Plan:
        plan = Plan(option, ward)
        for slot in self.slots[option]:
            if self._alone(person, ward, slot):
                plan.station.add(slot)  # a PCSO waits at the station rather than go alone
            else:
                self._place(person, ward, slot, +1)
        self.plans[person.id].append(plan)
        return plan

    # -- events

    def _plan_covering(self, staff_id: str, event: EngagementEvent) -> Plan | None:
        return next((p for p in self.plans[staff_id] if covers(p.option, event)), None)

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
        group = choose_attendees(event, candidates)
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
    return rota_of(scenario, [plan for plans in state.plans.values() for plan in plans])


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
            if not covers(option, event) or not state.can_work(person, option):
                continue
            gain, ward = _best_ward(state, person, option)
            if best is None or gain > best[0]:
                best = (gain, option, ward)
        if best is not None:
            new_duty[person.id] = best
    ordered = [p for _, p in sorted(on_duty, key=lambda pair: -pair[0])]
    ordered += sorted((state.people[s] for s in new_duty), key=lambda p: -new_duty[p.id][0])
    group = choose_attendees(event, ordered, [p for p in pinned if p in ordered])
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
