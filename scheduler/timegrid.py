"""Real-time grid of a week: hour slots in UTC, and where duties and events fall on it.

The model counts presence per real hour, so a week with a clock change has 167 or 169
slots plus a day of overflow for duties that start on Sunday and end on Monday.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from scheduler.scenario import DutyTemplate, Scenario, parse_clock

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


@dataclass(frozen=True)
class TimeGrid:
    """Hour slots from the week's start (UTC) to a day past its end."""

    origin: datetime
    week_slots: int
    slots: int
    local_keys: tuple[tuple[int, int], ...]  # (weekday, local hour) of each slot's start

    @classmethod
    def of(cls, scenario: Scenario) -> TimeGrid:
        origin = scenario.starts_at.astimezone(UTC)
        end = scenario.ends_at.astimezone(UTC)
        week_slots = int((end - origin) / HOUR)
        slots = week_slots + int(OVERFLOW / HOUR)
        keys = []
        for index in range(slots):
            local = (origin + index * HOUR).astimezone(scenario.zone)
            keys.append((local.weekday(), local.hour))
        return cls(origin, week_slots, slots, tuple(keys))

    def slot_start(self, index: int) -> datetime:
        return self.origin + index * HOUR

    def first_slot(self, instant: datetime) -> int:
        """Index of the slot containing an instant."""
        return int((instant.astimezone(UTC) - self.origin) // HOUR)

    def slots_touching(self, start: datetime, end: datetime) -> range:
        """Slots that any part of [start, end) falls in."""
        first = self.first_slot(start)
        last = math.ceil((end.astimezone(UTC) - self.origin) / HOUR)
        return range(max(first, 0), min(last, self.slots))


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
