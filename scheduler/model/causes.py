"""Why someone cannot be on duty at a time, in a sergeant's words: the causes an
impossible week's explanation names ("PC Khan is on annual leave Wed 25 Nov-Fri 27 Nov").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from scheduler.model.week import WeekModel
from scheduler.scenario import WEEKDAYS, Role, Staff, in_pcso_window
from scheduler.timegrid import duty_interval


def who(person: Staff) -> str:
    return f"{person.role.value} {person.name}"


def why_not_on_duty(
    week: WeekModel, person: Staff, start: datetime, end: datetime, template: str | None = None
) -> str | None:
    """Why no duty of the person's could cover [start, end) ("away (annual leave) Wed 25
    Nov 00:00-Sat 28 Nov 00:00"), or None if one could: the first cause found of the
    templates they may work, leave, working days, a day pinned off, last week's rest. The
    rules between the week's duties (rest days, say) are the solver's to weigh, not a
    cause of this kind. With `template`, only duties of that template count."""
    if any(
        option.start <= start and end <= option.end and template in (None, option.template)
        for option in week.options[person.id]
    ):
        return None
    scenario = week.scenario
    covering = [
        (day, template)
        for day in {start.astimezone(scenario.zone).date() - timedelta(days=k) for k in (0, 1)}
        if day in scenario.days
        for shape in scenario.duty_templates
        if template in (None, shape.id)
        and shape.worked_by(person)
        and (person.role is not Role.PCSO or in_pcso_window(shape, scenario.policy))
        and _covers(duty_interval(scenario, shape, day), start, end)
    ]
    if not covering:
        return f"without a duty template of theirs covering {_span(week, start, end)}"
    for gap in person.unavailable:
        if gap.start.astimezone(UTC) < end and start < gap.end.astimezone(UTC):
            return f"away ({gap.reason}) {_span(week, gap.start, gap.end)}"
    days = {day for day, _ in covering}
    if person.working_days is not None and not any(
        WEEKDAYS[day.weekday()] in person.working_days for day in days
    ):
        return f"not working on {min(days):%A}s"
    pinned_off = {pin.day for pin in scenario.pins if pin.staff == person.id and pin.off}
    if days <= pinned_off:
        return f"pinned off on {_day(min(days))}"
    last = person.carry_in.last_duty_end
    if last is not None:
        rested = last.astimezone(UTC) + timedelta(hours=scenario.policy.min_rest_hours)
        if start < rested:
            return f"resting until {_when(week, rested)} after last week's last duty"
    return "kept off duty then by the rules on a duty's length and break"


def _covers(interval: tuple[datetime, datetime], start: datetime, end: datetime) -> bool:
    return interval[0] <= start and end <= interval[1]


def _day(day: date) -> str:
    return f"{day:%a %d %b}"


def _when(week: WeekModel, instant: datetime) -> str:
    return f"{instant.astimezone(week.scenario.zone):%a %d %b %H:%M}"


def _span(week: WeekModel, start: datetime, end: datetime) -> str:
    """'Wed 25 Nov 09:00-17:00', or 'Wed 25 Nov 00:00-Sat 28 Nov 00:00' over days."""
    zone = week.scenario.zone
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.date() == last.date():
        return f"{first:%a %d %b %H:%M}-{last:%H:%M}"
    return f"{first:%a %d %b %H:%M}-{last:%a %d %b %H:%M}"


def listed(names: list[str], shown: int = 3) -> str:
    """'SGT Obi, PC Ray, PC Khan and 3 others': the first few names, and how many more."""
    more = f" and {len(names) - shown} others" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def names_with_causes(week: WeekModel, people: list[Staff], start: datetime, end: datetime) -> str:
    """Who cannot be on duty for [start, end), grouped by cause: 'PC Khan is away (annual
    leave) ...; SGT Obi, PC Ray and 3 others are away (mutual aid) ...'."""
    by_cause: dict[str, list[str]] = {}
    for person in people:
        cause = why_not_on_duty(week, person, start, end) or "on duty elsewhere then"
        by_cause.setdefault(cause, []).append(who(person))
    parts = []
    for cause, names in by_cause.items():
        shown = listed(names)
        verb = "is" if len(names) == 1 else "are"
        parts.append(f"{shown} {verb} {cause}")
    return "; ".join(parts)
