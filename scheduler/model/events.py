"""Engagement events: who may attend, and their staffing (rule `event_staffing`).

A mandatory event is a requirement group, so an impossible one is named in the
explanation of an impossible week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ortools.sat.python import cp_model

from scheduler.model import causes
from scheduler.model.week import WeekModel, requirement
from scheduler.scenario import EngagementEvent, Staff


def _covering(
    week: WeekModel, staff_id: str, start: datetime, end: datetime
) -> list[cp_model.IntVar]:
    """Duty variables of a person whose duty covers [start, end) entirely."""
    return [
        week.works[option]
        for option in week.options[staff_id]
        if option.start <= start and end <= option.end
    ]


def add_event_attendance(week: WeekModel) -> None:
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


def _seats(
    week: WeekModel,
    event: EngagementEvent,
    attendees: dict[str, cp_model.IntVar],
    staffed: cp_model.IntVar,
) -> None:
    """Each seat is filled by attendees who hold all it asks, each attendee in one seat at
    most (a warranted officer who speaks Urdu is one person, not a PC and a PCSO)."""
    if not event.seats:
        return
    people = {person.id: person for person in week.scenario.staff}
    fills: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for index, seat in enumerate(event.seats):
        filling = []
        for staff_id, attends in attendees.items():
            if not seat.fits(people[staff_id]):
                continue
            fill = week.model.new_bool_var(f"seat[{event.id},{index},{staff_id}]")
            week.model.add_implication(fill, attends)
            fills[staff_id].append(fill)
            filling.append(fill)
        week.model.add(sum(filling) >= seat.count * staffed)
    for seats in fills.values():
        week.model.add_at_most_one(seats)


def describe_event(week: WeekModel, event: EngagementEvent) -> str:
    local = event.start.astimezone(week.scenario.zone)
    end = event.end.astimezone(week.scenario.zone)
    ward = next(w.name for w in week.scenario.wards if w.id == event.ward)
    return f"{event.name} ({ward}, {local:%a %d %b %H:%M}-{end:%H:%M})"


@dataclass(frozen=True)
class _Need:
    """One thing an event asks of its attendees, and who in the team meets it."""

    words: str
    meets: Callable[[Staff], bool]
    count: int


def _needs(event: EngagementEvent) -> list[_Need]:
    needs = []
    if event.min_warranted:
        plural = "s" if event.min_warranted > 1 else ""
        needs.append(
            _Need(
                f"{event.min_warranted} warranted officer{plural}",
                lambda person: person.role.warranted,
                event.min_warranted,
            )
        )
    needs += [
        _Need(f"someone with the '{skill}' skill", lambda person, s=skill: s in person.skills, 1)
        for skill in event.required_skills
    ]
    needs += [_Need(seat.words(), seat.fits, seat.count) for seat in event.seats]
    return needs


def _who_could_be_there(
    week: WeekModel, event: EngagementEvent, attendees: dict[str, cp_model.IntVar]
) -> str:
    """For each need the event cannot meet from who could be on duty then, who in the
    team meets it and why they cannot be there; else the count of who could be."""
    start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    clauses = []
    for need in _needs(event):
        holders = [person for person in week.scenario.staff if need.meets(person)]
        able = [person for person in holders if person.id in attendees]
        if not holders:
            clauses.append(f"nobody in the team is {need.words}")
        elif len(able) < need.count:
            reasons = causes.names_with_causes(
                week, [person for person in holders if person.id not in attendees], start, end
            )
            if able:
                only = " and ".join(map(causes.who, able))
                clauses.append(f"{need.words}: only {only} could be there; {reasons}")
            elif len(holders) == 1:
                clauses.append(f"{need.words}: the only one, {reasons.replace(' is ', ', is ', 1)}")
            else:
                clauses.append(f"{need.words}: {reasons}")
        elif len(able) <= 2:  # few enough to name: another requirement may want them too
            clauses.append(
                f"{need.words}: only {' and '.join(map(causes.who, able))} could be there"
            )
    if clauses:
        return "; ".join(clauses)
    warranted = sum(1 for staff_id in attendees if _person(week, staff_id).role.warranted)
    return (
        f"{len(attendees)} staff could be on duty then, {warranted} of them warranted, once "
        "leave, working days, rest rules and the PCSO window are applied"
    )


def _person(week: WeekModel, staff_id: str) -> Staff:
    return next(person for person in week.scenario.staff if person.id == staff_id)


def _event_needs(event: EngagementEvent) -> str:
    return ", ".join([f"at least {event.min_staff} staff", *(n.words for n in _needs(event))])


def event_staffing(week: WeekModel) -> None:
    """Rule `event_staffing`: staff count, warranted officers and skills; mandatory
    events are requirement groups."""
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
        _seats(week, event, attendees, staffed)
        if event.mandatory:
            sentence = (
                f"The mandatory event {describe_event(week, event)} needs {_event_needs(event)}; "
                f"{_who_could_be_there(week, event, attendees)}."
            )
            week.model.add_implication(requirement(week, f"event:{event.id}", sentence), staffed)
