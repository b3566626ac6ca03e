"""Checks of a sergeant's pins: pinned duties worked and pinned events attended (rule
`pins`), days pinned off kept free (rule `pinned_off`).

The two have their own codes because a sergeant may publish short of a pinned duty but
never work someone on agreed time off.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from scheduler.checker import wording
from scheduler.checker.context import Context, Shift, Violation, clock_minutes
from scheduler.codes import RuleCode
from scheduler.scenario import Pin


def pins(context: Context) -> list[Violation]:
    """Rule `pins`: pinned duties are worked exactly, in the pinned ward for the pinned
    part of them, and pinned events attended."""
    found: list[Violation] = []
    for pin, who, on_day in _pins_of_known_staff(context):
        problem = None
        if pin.template is not None and [shift.template.id for shift in on_day] != [pin.template]:
            pinned = context.templates[pin.template].name
            problem = f"is pinned to the {pinned} duty on {wording.date(pin.day)} but " + (
                f"works {_named(on_day)}" if on_day else "has no duty that day"
            )
        elif pin.ward is not None:
            problem = _away_from_ward(context, pin, on_day[0])
        elif pin.event is not None and not any(
            visit.activity.kind == "event" and visit.activity.event == pin.event
            for visit in context.visits.get(pin.staff, [])
        ):
            problem = (
                f"is pinned to attend {context.event_name(context.events[pin.event])} but does not"
            )
        if problem is not None:
            found.append(Violation(RuleCode.PINS, pin.staff, f"{who} {problem}."))
    return found


def pinned_off(context: Context) -> list[Violation]:
    """Rule `pinned_off`: a day pinned off (time off agreed) has no duty."""
    return [
        Violation(
            RuleCode.PINNED_OFF,
            pin.staff,
            f"{who} is pinned off on {wording.date(pin.day)} but works {_named(on_day)}.",
        )
        for pin, who, on_day in _pins_of_known_staff(context)
        if pin.off and on_day
    ]


def _away_from_ward(context: Context, pin: Pin, shift: Shift) -> str | None:
    """Where the person is, in the part of the pinned duty the pin keeps them in its
    ward, when it is not that ward (an activity elsewhere, or none)."""
    start, end = shift.start, shift.end
    if pin.start is not None and pin.end is not None:
        day = shift.duty.day  # the part's times of day run from the duty's start on
        later = clock_minutes(pin.start) < clock_minutes(shift.template.start)
        start, end = context.span(day + timedelta(days=later), pin.start, pin.end)
    where = f"is pinned to {context.ward_name(pin.ward or '')} {context.period(start, end)}"
    cursor = start
    for visit in context.visits.get(pin.staff, []):
        if visit.end <= cursor or visit.start >= end:
            continue
        if visit.start > cursor:
            break
        if visit.activity.ward != pin.ward:
            elsewhere = context.ward_name(visit.activity.ward)
            return f"{where} but is in {elsewhere} from {context.when(max(visit.start, cursor))}"
        cursor = visit.end
        if cursor >= end:
            return None
    return f"{where} but is in no ward from {context.when(cursor)}"


def _pins_of_known_staff(context: Context) -> Iterator[tuple[Pin, str, list[Shift]]]:
    """Each pin of a team member, with who they are and their duties on the pinned day."""
    for pin in context.scenario.pins:
        person = context.people.get(pin.staff)
        if person is None:
            continue
        on_day = [shift for shift in context.shifts.get(pin.staff, []) if shift.duty.day == pin.day]
        yield pin, wording.who(person), on_day


def _named(shifts: list[Shift]) -> str:
    """'the Early duty and the Late duty'."""
    return " and ".join(f"the {shift.template.name} duty" for shift in shifts)
