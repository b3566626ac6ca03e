"""Real-time grid of a week: slots in UTC, and where duties and events fall on it.

The model counts presence per slot: the real hours of the week (167 or 169 in a week
with a clock change), cut where a duty starts or ends inside an hour, plus a day of
overflow for duties that start on Sunday and end on Monday.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from scheduler.scenario import (
    WEEKDAYS,
    DutyTemplate,
    Pin,
    Role,
    Scenario,
    in_pcso_window,
    parse_clock,
)

HOUR = timedelta(hours=1)
OVERFLOW = timedelta(hours=24)


def as_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """An instant in local time with a fixed UTC offset.

    Python subtracts two datetimes sharing one ZoneInfo as wall-clock times, which is an
    hour off across a clock change; fixed offsets make every subtraction real time.
    """
    local = instant.astimezone(zone)
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)))


def local_instant(scenario: Scenario, day: date, clock: str) -> datetime:
    """The UTC instant of a local clock time on a day ("24:00" is next midnight).

    A time in the March gap moves forward by the gap; one in the October repeat is the
    first occurrence (fold=0).
    """
    parsed = parse_clock(clock)
    if parsed is None:
        day, parsed = day + timedelta(days=1), parse_clock("00:00")
    assert parsed is not None
    return datetime.combine(day, parsed, tzinfo=scenario.zone).astimezone(UTC)


def duty_interval(
    scenario: Scenario, template: DutyTemplate, day: date
) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a template worked on a local day."""
    start = local_instant(scenario, day, template.start)
    end_day = day if template.end > template.start else day + timedelta(days=1)
    return start, local_instant(scenario, end_day, template.end)


def pin_window(scenario: Scenario, pin: Pin) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the part of a pinned duty spent in its ward: the whole duty,
    or from the pin's start to its end (times of day from the duty's start on)."""
    template = next(t for t in scenario.duty_templates if t.id == pin.template)
    assert pin.day is not None
    duty_start, duty_end = duty_interval(scenario, template, pin.day)
    if pin.start is None or pin.end is None:
        return duty_start, duty_end
    start = local_instant(scenario, pin.day, pin.start)
    if start < duty_start:
        start = local_instant(scenario, pin.day + timedelta(days=1), pin.start)
    end = local_instant(scenario, start.astimezone(scenario.zone).date(), pin.end)
    if end <= start:
        end = local_instant(
            scenario, start.astimezone(scenario.zone).date() + timedelta(days=1), pin.end
        )
    return start, end


@dataclass(frozen=True)
class TimeGrid:
    """Slots of real time from the week's start (UTC) to a day past its end: the hours,
    cut where a duty starts or ends inside one (a 07:30 start cuts 07:00-08:00 in two), so
    that a person on duty is on duty for the whole of every slot their duty touches, and
    presence is credited for the part of each hour a person is there. With every template
    on the hour, the slots are the hours."""

    origin: datetime
    bounds: tuple[datetime, ...]  # slot i runs from bounds[i] to bounds[i + 1]
    week_slots: int  # the slots before the week's end
    local_keys: tuple[tuple[int, int], ...]  # (weekday, local hour) of each slot's start

    @classmethod
    def of(cls, scenario: Scenario) -> TimeGrid:
        origin = scenario.starts_at.astimezone(UTC)
        end = scenario.ends_at.astimezone(UTC)
        last = end + OVERFLOW
        cuts = {origin + hours * HOUR for hours in range(int((last - origin) / HOUR) + 1)}
        cuts |= {t for t in _duty_bounds(scenario) if origin < t < last}
        cuts |= {  # a ward pinned for part of a duty: its own slots
            t
            for pin in scenario.pins
            if pin.ward is not None and pin.start is not None
            for t in pin_window(scenario, pin)
            if origin < t < last
        }
        bounds = tuple(sorted(cuts))
        keys = []
        for start in bounds[:-1]:
            local = start.astimezone(scenario.zone)
            keys.append((local.weekday(), local.hour))
        return cls(origin, bounds, bisect.bisect_left(bounds, end), tuple(keys))

    @property
    def slots(self) -> int:
        return len(self.bounds) - 1

    def slot_start(self, index: int) -> datetime:
        return self.bounds[index]

    def slot_end(self, index: int) -> datetime:
        return self.bounds[index + 1]

    def hour_start(self, index: int) -> datetime:
        """The start of the real hour holding the slot (a slot cut from an hour by a
        quarter-hour duty belongs to it)."""
        return self.origin + (self.bounds[index] - self.origin) // HOUR * HOUR

    def slot_minutes(self, index: int) -> int:
        return int((self.bounds[index + 1] - self.bounds[index]).total_seconds() // 60)

    def first_slot(self, instant: datetime) -> int:
        """Index of the slot containing an instant."""
        return bisect.bisect_right(self.bounds, instant.astimezone(UTC)) - 1

    def slots_touching(self, start: datetime, end: datetime) -> range:
        """Slots that any part of [start, end) falls in."""
        last = bisect.bisect_left(self.bounds, end.astimezone(UTC))
        return range(max(self.first_slot(start), 0), min(last, self.slots))


def _duty_bounds(scenario: Scenario) -> set[datetime]:
    """Where someone's duty could start or end: each template that someone may work
    (`DutyTemplate.worked_by`, the PCSO window), on their working days. Every extra cut
    makes the model larger, so a template nobody works on a day cuts nothing there."""
    bounds: set[datetime] = set()
    for template in scenario.duty_templates:
        days: set[date] = set()
        for person in scenario.staff:
            if not template.worked_by(person):
                continue
            if person.role is Role.PCSO and not in_pcso_window(template, scenario.policy):
                continue
            days |= {
                day
                for day in scenario.days
                if person.working_days is None or WEEKDAYS[day.weekday()] in person.working_days
            }
        for day in days:
            bounds |= set(duty_interval(scenario, template, day))
    return bounds


def minutes_in_window(
    scenario: Scenario, start: datetime, end: datetime, window_start: str, window_end: str
) -> int:
    """Real minutes of [start, end) inside a nightly local window such as 23:00-06:00."""
    total = 0
    first_day = start.astimezone(scenario.zone).date() - timedelta(days=1)
    for offset in range(3):
        day = first_day + timedelta(days=offset)
        opens = local_instant(scenario, day, window_start)
        closes_day = day if window_end > window_start else day + timedelta(days=1)
        closes = local_instant(scenario, closes_day, window_end)
        overlap = (min(end, closes) - max(start, opens)).total_seconds()
        total += max(0, int(overlap // 60))
    return total
