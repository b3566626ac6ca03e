"""Presence in the wards: patrol counts, lone working and ward minimums (rules
`patrol_wards`, `lone_working`, `ward_minimum`).

Patrol counts exist only for the wards a patrol class may patrol, so `patrol_wards` holds
by construction. A ward minimum is a requirement group.
"""

from __future__ import annotations

import math
from collections import defaultdict

from scheduler.model import continuity
from scheduler.model.week import (
    EPSILON,
    PatrolClass,
    WeekModel,
    covering_slot,
    presence,
    requirement,
)
from scheduler.scenario import Scenario, Staff


def patrol_class(scenario: Scenario, person: Staff) -> PatrolClass:
    """The person's patrol class: their role group and the wards they may patrol."""
    wards = tuple(person.patrol_wards or [ward.id for ward in scenario.wards])
    return PatrolClass(person.role.warranted, tuple(sorted(wards)))


def classify(week: WeekModel) -> None:
    """Each person's patrol class (`WeekModel.classes`)."""
    for person in week.scenario.staff:
        week.classes[person.id] = patrol_class(week.scenario, person)


def add_patrol_counts(week: WeekModel) -> None:
    """Per class, ward and slot: how many patrol, bounded by who is on duty and not at an
    event; with continuity, exactly those whose block is in the ward and not at an event
    there (`scheduler.model.continuity`), in every slot, demand or not."""
    members: dict[PatrolClass, list[str]] = defaultdict(list)
    for staff_id, patrol in week.classes.items():
        members[patrol].append(staff_id)
    events_by_slot: dict[int, list[str]] = defaultdict(list)
    for event_id, slots in week.event_slots.items():
        for slot in slots:
            events_by_slot[slot].append(event_id)
    pinned = {(ward, slot) for (_, slot), ward in week.ward_pins.items()}
    blocked = continuity.blocked(week) is not None
    events = {event.id: event for event in week.scenario.events}
    for patrol, staff_ids in members.items():
        for slot in range(week.grid.slots):
            on_duty = covering_slot(week, staff_ids, slot)
            if not on_duty:
                continue
            counts = []
            for ward in patrol.wards:
                if not blocked and not _patrollable(week, ward, slot, pinned):
                    continue
                count = week.model.new_int_var(0, len(staff_ids), f"patrol[{ward},{slot}]")
                week.patrol[patrol, ward, slot] = count
                week.present[ward, slot].append((patrol.warranted, count))
                counts.append(count)
                here = continuity.block_presence(week, staff_ids, ward, slot) if blocked else None
                if here is not None:
                    # Everyone whose block is here patrols, unless at an event here.
                    at_events_here = [
                        week.attends[staff_id, event_id]
                        for event_id in events_by_slot[slot]
                        if events[event_id].ward == ward
                        for staff_id in staff_ids
                        if (staff_id, event_id) in week.attends
                    ]
                    week.model.add(count == here - sum(at_events_here))
            at_events = [
                week.attends[staff_id, event_id]
                for event_id in events_by_slot[slot]
                for staff_id in staff_ids
                if (staff_id, event_id) in week.attends
            ]
            week.model.add(sum(counts) + sum(at_events) <= sum(on_duty))


def _patrollable(week: WeekModel, ward_id: str, slot: int, pinned: set[tuple[str, int]]) -> bool:
    """Patrol is planned only in hours a ward has demand (any hour if it has none at all),
    and where a pin keeps someone.

    Hours without demand add nothing to the objective, and dropping their count variables
    shrinks the LP that guides the search; people on duty then are at the station.
    """
    if not week.scenario.has_demand(ward_id):
        return True
    if (ward_id, slot) in pinned:
        return True
    return week.scenario.demand_weight(ward_id, week.grid.local_keys[slot]) > 0


def lone_working(week: WeekModel) -> None:
    """Rule `lone_working`: in risk hours a PCSO present in the ward is never alone there."""
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


def ward_minimum(week: WeekModel) -> None:
    """Rule `ward_minimum`: each ward gets its minimum weekly hours of presence, counted
    in minutes (a slot may be part of an hour)."""
    grid = week.grid
    for ward in week.scenario.wards:
        if ward.min_weekly_hours <= 0:
            continue
        total = sum(
            grid.slot_minutes(slot) * presence(week, ward.id, slot)
            for slot in range(grid.week_slots)
        )
        sentence = (
            f"{ward.name} must get at least {ward.min_weekly_hours:g} hours of visible presence "
            "this week."
        )
        literal = requirement(week, f"ward:{ward.id}", sentence)
        minutes = math.ceil(ward.min_weekly_hours * 60 - EPSILON)  # whole minutes, never fewer
        week.model.add(total >= minutes).only_enforce_if(literal)
