"""Engagement events: who may attend, and their staffing (rule `event_staffing`).

A mandatory event is a requirement group, so an impossible one is named in the
explanation of an impossible week.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from ortools.sat.python import cp_model

from scheduler.model.week import WeekModel, requirement
from scheduler.scenario import EngagementEvent


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
        if event.mandatory:
            free = len(attendees)
            free_warranted = len(warranted)
            sentence = (
                f"The mandatory event {describe_event(week, event)} needs {_event_needs(event)}; "
                f"{free} staff could be on duty then, {free_warranted} of them warranted, "
                "once leave, working days, rest rules and the PCSO window are applied."
            )
            week.model.add_implication(requirement(week, f"event:{event.id}", sentence), staffed)
