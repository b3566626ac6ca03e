"""Days and clock times as a sergeant writes them, and the instants they stand for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: list[Weekday] = list(WEEKDAYS)

ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-4]):[0-5][0-9]$")]


def parse_clock(text: str) -> time | None:
    """Turn "HH:MM" into a time; "24:00" (end of day) returns None."""
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24:
        return None
    return time(hours, minutes)


def real(instant: datetime) -> datetime:
    """An instant comparable in real time: Python compares two times in the same zone by
    the wall clock, so 01:30 and 02:30 on the morning the clocks go forward are equal."""
    return instant.astimezone(UTC) if instant.tzinfo is not None else instant


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The day an instant falls on by the team's clock (an event's day, for pins)."""
    return instant.astimezone(zone).date()


def clock_minutes(text: str) -> int:
    """Minutes after local midnight of an "HH:MM" clock time ("24:00" is 1440)."""
    hours, minutes = (int(part) for part in text.split(":"))
    return hours * 60 + minutes
