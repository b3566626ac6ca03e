"""A scenario moved to another week: the same team, rules and events, a few weeks on.

It works on the scenario's data (as read from its JSON file), before validation, so that
clock times stay what the sergeant wrote: every date moves by whole weeks, and every
date-time keeps its local time of day in the team's zone (an instant with an offset is
moved in local time too, so an 18:30 panel stays at 18:30 across a clock change).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def moved_to(data: dict[str, Any], week_start: date) -> dict[str, Any]:
    """A copy of scenario `data` moved to the week starting on Monday `week_start`."""
    if week_start.weekday() != 0:
        raise ValueError(f"{week_start} is a {week_start:%A}; weeks start on a Monday")
    days = (week_start - date.fromisoformat(data["week_start"])).days
    zone = ZoneInfo(data.get("team", {}).get("timezone", "Europe/London"))
    return _shifted(data, timedelta(days=days), zone)


def period_moved_to(data: dict[str, Any], start: date, timezone: str) -> dict[str, Any]:
    """A copy of roster period `data` (`scheduler.roster.RosterPeriod`'s JSON) moved to
    start on Monday `start`, as `moved_to` moves a scenario; `timezone` is the team's."""
    if start.weekday() != 0:
        raise ValueError(f"{start} is a {start:%A}; a roster starts on a Monday")
    days = (start - date.fromisoformat(data["start"])).days
    return _shifted(data, timedelta(days=days), ZoneInfo(timezone))


def moved_by(data: Any, by: timedelta, timezone: str) -> Any:
    """A copy of any of a scenario's data (an event's JSON, say) moved by `by`, as
    `moved_to` moves a scenario: dates by `by`, date-times keeping their local time of
    day in `timezone`."""
    return _shifted(data, by, ZoneInfo(timezone))


def _shifted(value: Any, by: timedelta, zone: ZoneInfo) -> Any:
    if isinstance(value, dict):
        return {key: _shifted(item, by, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [_shifted(item, by, zone) for item in value]
    if isinstance(value, str) and DATE.match(value):
        return (date.fromisoformat(value) + by).isoformat()
    if isinstance(value, str) and DATE_TIME.match(value):
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None:
            return (instant + by).isoformat()
        local = instant.astimezone(zone).replace(tzinfo=None) + by
        return local.replace(tzinfo=zone).isoformat()
    return value


def coming_monday(today: date | None = None) -> date:
    """The Monday of the coming week (after `today`, by default the machine's date): a
    week that can still be planned, published and changed."""
    today = today or date.today()
    return today + timedelta(days=7 - today.weekday())
