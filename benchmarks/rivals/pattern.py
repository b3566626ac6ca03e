"""The pattern rota: the sergeant's spreadsheet, one of the two rivals Beatplan is judged against.

A fixed five-on, two-off pattern, rest days staggered by position in the staff list so
they spread over the week; earlies and lates alternating person by person and flipping
week by week; everyone patrols their home ward all duty; events staffed first come. It
knows what a spreadsheet knows: leave, training and court (the duty that day is dropped),
part-time working days, contracted hours (a 37-hour PCSO cannot do five 8-hour duties, so
the last duty of the run is dropped) and which templates a role may work; someone pinned
to an event goes to it if the pattern has them on duty then. It does not know what only a
calculation would show: last week's finishing times and runs of days (carry-in; a real
pattern would carry on from last week's, but generated weeks start from their own
carry-in), the needs of a mandatory event nobody on duty can meet, lone-working pairs,
ward minimums. Whatever that costs is what the checker then reports against it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC

from benchmarks.rivals.plans import EPSILON, Plan, choose_attendees, covers, rota_of, touched_slots
from scheduler.model import DutyOption
from scheduler.rota import Rota
from scheduler.scenario import WEEKDAYS, DutyTemplate, Role, Scenario, Staff, in_pcso_window
from scheduler.timegrid import TimeGrid, duty_interval


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
    that covers them and free at the time (see `choose_attendees`).
    """
    week = scenario.week_start.isocalendar().week
    ward_ids = [ward.id for ward in scenario.wards]
    plans: list[Plan] = []
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
            plans.append(Plan(option, ward))
    _staff_events_first_come(scenario, plans)
    return rota_of(scenario, plans)


def _staff_events_first_come(scenario: Scenario, plans: list[Plan]) -> None:
    grid = TimeGrid.of(scenario)
    people = {person.id: person for person in scenario.staff}
    busy: dict[str, set[int]] = defaultdict(set)
    pinned: dict[str, list[Staff]] = defaultdict(list)
    for pin in scenario.pins:
        if pin.event is not None:
            pinned[pin.event].append(people[pin.staff])
    order = {person.id: index for index, person in enumerate(scenario.staff)}
    for event in sorted(scenario.events, key=lambda e: (e.start, e.id)):
        slots = touched_slots(grid, event)
        on_duty = {
            plan.option.staff: plan
            for plan in plans
            if covers(plan.option, event) and not busy[plan.option.staff] & slots
        }
        candidates = [people[s] for s in sorted(on_duty, key=order.__getitem__)]
        chosen = choose_attendees(event, candidates, pinned.get(event.id, ()))
        for person in chosen or []:
            on_duty[person.id].events.append(event)
            busy[person.id] |= slots
