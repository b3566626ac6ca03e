"""Checks of engagement events: attended events have enough of the right people, all on
duty through them (rule `event_staffing`)."""

from __future__ import annotations

from collections import defaultdict

from scheduler.checker import wording
from scheduler.checker.context import Context, Violation, Visit
from scheduler.codes import RuleCode
from scheduler.scenario import EngagementEvent, Seat, Staff


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


def _unfilled_seats(event: EngagementEvent, people: list[Staff]) -> list[str]:
    """The seats no assignment of the attendees can fill, one attendee a seat (the most
    seats filled, by augmenting paths), each described by its role and skills."""
    places = [seat for seat in event.seats for _ in range(seat.count)]

    def fits(place: int, person: int) -> bool:
        seat, who = places[place], people[person]
        roles = seat.roles is None or who.role.value in {role.value for role in seat.roles}
        return roles and set(seat.skills) <= set(who.skills)

    taken: dict[int, int] = {}  # person -> place

    def assign(place: int, seen: set[int]) -> bool:
        for person in range(len(people)):
            if person in seen or not fits(place, person):
                continue
            seen.add(person)
            if person not in taken or assign(taken[person], seen):
                taken[person] = place
                return True
        return False

    missing = [place for place in range(len(places)) if not assign(place, set())]
    return [_seat_words(places[place]) for place in missing]


def _seat_words(seat: Seat) -> str:
    roles = " or ".join(role.value for role in seat.roles) if seat.roles else "anyone"
    skills = " and ".join(repr(skill) for skill in seat.skills)
    return f"a seat for {roles}" + (f" with {skills}" if skills else "")


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
    unfilled = _unfilled_seats(event, people)
    if unfilled:
        problems.append(
            f"has no attendee left to fill {', '.join(unfilled)} (each seat needs its own "
            "attendee holding all it asks)"
        )
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
