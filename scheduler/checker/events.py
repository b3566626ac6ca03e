"""Checks of engagement events: attended events have enough of the right people, all on
duty through them (rule `event_staffing`)."""

from __future__ import annotations

from collections import defaultdict

from scheduler.checker import wording
from scheduler.checker.context import Context, Violation, Visit
from scheduler.codes import RuleCode
from scheduler.scenario import EngagementEvent


def event_staffing(context: Context) -> list[Violation]:
    """Rule `event_staffing`: attended events have enough of the right people, all on duty."""
    attendance: dict[str, dict[str, list[Visit]]] = defaultdict(lambda: defaultdict(list))
    for staff_id, visits in context.visits.items():
        for visit in visits:
            if visit.activity.kind == "event" and visit.activity.event is not None:
                attendance[visit.activity.event][staff_id].append(visit)
    found: list[Violation] = []
    for event in context.scenario.events:
        attendees = attendance.get(event.id, {})
        if not event.mandatory and not attendees:
            continue
        found += _event_problems(context, event, attendees)
    return found


def _event_problems(
    context: Context, event: EngagementEvent, attendees: dict[str, list[Visit]]
) -> list[Violation]:
    """What is wrong with one attended (or mandatory) event's staffing."""
    kind = "mandatory" if event.mandatory else "optional"
    name = f"The {kind} event {context.event_name(event)}"
    people = [context.people[staff_id] for staff_id in attendees]
    count = len(people)
    warranted = sum(person.role.value != "PCSO" for person in people)
    problems: list[str] = []
    if count < event.min_staff:
        problems.append(
            f"has {count} attendee{'s' * (count != 1)} but needs at least {event.min_staff}"
        )
    if count > event.max_staff:
        problems.append(f"has {count} attendees but allows at most {event.max_staff}")
    if warranted < event.min_warranted:
        problems.append(
            f"has {warranted} warranted officer{'s' * (warranted != 1)} but needs at least "
            f"{event.min_warranted}"
        )
    held = {skill for person in people for skill in person.skills}
    for skill in event.required_skills:
        if skill not in held:
            problems.append(f"has no attendee with the skill {skill!r}")
    found = [Violation(RuleCode.EVENT_STAFFING, None, f"{name} {problem}.") for problem in problems]
    start, end = context.utc(event.start), context.utc(event.end)
    for staff_id, visits in attendees.items():
        who = wording.who(context.people[staff_id])
        if len(visits) > 1:
            found.append(
                Violation(
                    RuleCode.EVENT_STAFFING,
                    staff_id,
                    f"{who} has {len(visits)} activities for {event.name}; one is expected.",
                )
            )
        for visit in visits:
            shift = visit.shift
            if not (shift.start <= start and end <= shift.end):
                found.append(
                    Violation(
                        RuleCode.EVENT_STAFFING,
                        staff_id,
                        f"{who} attends {context.event_name(event)} but their "
                        f"{shift.template.name} duty ({context.period(shift.start, shift.end)}) "
                        "does not cover it.",
                    )
                )
    return found
