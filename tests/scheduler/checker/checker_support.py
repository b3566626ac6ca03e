"""Helpers for the checker's tests: a small team in the spring or autumn clock-change week,
duties and activities made by hand, and the rule codes a rota breaks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.checker import Violation, check
from scheduler.codes import RuleCode
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import EngagementEvent, Scenario

LONDON = ZoneInfo("Europe/London")
SPRING = date(2026, 3, 23)  # clocks go forward on Sun 29 Mar
AUTUMN = date(2026, 10, 19)  # clocks go back on Sun 25 Oct
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def team(week: date = SPRING, **changes: Any) -> Scenario:
    """A small team: 2 wards, a PC, a sergeant, 2 PCSOs; early, late and night duties.

    `policy`, `events` and `pins` are given whole; `duty_templates`, `wards` and `staff`
    map an id to fields that update that item (or add it if the id is new).
    """
    data: dict[str, Any] = {
        "team": {"id": "north", "name": "North neighbourhood team"},
        "week_start": week.isoformat(),
        "policy": changes.pop("policy", {}),
        "events": changes.pop("events", []),
        "pins": changes.pop("pins", []),
        "duty_templates": [
            {"id": "early", "name": "Early", "start": "07:00", "end": "15:00", "break_minutes": 45},
            {"id": "late", "name": "Late", "start": "14:00", "end": "22:00", "break_minutes": 45},
            {"id": "night", "name": "Night", "start": "22:00", "end": "06:00", "break_minutes": 45},
        ],
        "wards": [
            {"id": "ward-a", "name": "Abbey ward"},
            {"id": "ward-b", "name": "Brook ward"},
        ],
        "staff": [
            {"id": "pc-khan", "name": "Amir Khan", "role": "PC", "home_ward": "ward-a"},
            {"id": "sgt-obi", "name": "Grace Obi", "role": "SGT"},
            {"id": "pcso-lee", "name": "Sam Lee", "role": "PCSO", "home_ward": "ward-a"},
            {"id": "pcso-ray", "name": "Jo Ray", "role": "PCSO", "home_ward": "ward-b"},
        ],
    }
    for section, updates in changes.items():
        items = {item["id"]: item for item in data[section]}
        for item_id, fields in updates.items():
            items[item_id] = {**items.get(item_id, {"id": item_id}), **fields}
        data[section] = list(items.values())
    return Scenario.model_validate(data)


def panel(week: date = SPRING, **fields: Any) -> dict[str, Any]:
    """A ward panel in Abbey ward on Wednesday 10:00-11:00 local."""
    wednesday = week + timedelta(days=WED)
    return {
        "id": "panel",
        "name": "Ward panel",
        "ward": "ward-a",
        "place": "Library",
        "start": f"{wednesday}T10:00",
        "end": f"{wednesday}T11:00",
        **fields,
    }


def at(day: date, clock: str) -> datetime:
    """Local clock time on `day` in London, kept in the zone as a solver would store it."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day + timedelta(days=hours // 24), time(hours % 24, minutes), LONDON)


def duty(
    scenario: Scenario,
    staff: str,
    day: int,
    template: str = "early",
    ward: str | None = "ward-a",
    activities: list[Activity] | None = None,
) -> Duty:
    """`staff` works `template` on the week's `day`, patrolling `ward` throughout by default."""
    shape = next(item for item in scenario.duty_templates if item.id == template)
    starts = scenario.week_start + timedelta(days=day)
    ends = starts + timedelta(days=shape.end <= shape.start)
    start, end = at(starts, shape.start), at(ends, shape.end)
    if activities is None:
        activities = [patrol(ward, start, end)] if ward is not None else []
    return Duty(
        staff=staff, day=starts, template=template, start=start, end=end, activities=activities
    )


def patrol(ward: str, start: datetime, end: datetime) -> Activity:
    return Activity(kind="patrol", ward=ward, start=start, end=end)


def attend(event: EngagementEvent) -> Activity:
    return Activity(kind="event", ward=event.ward, event=event.id, start=event.start, end=event.end)


def early_at_event(scenario: Scenario, staff: str, event: EngagementEvent) -> Duty:
    """An early duty on the event's day: patrol its ward, attend, patrol again."""
    day = event.start.date()
    activities = [
        patrol(event.ward, at(day, "07:00"), event.start),
        attend(event),
        patrol(event.ward, event.end, at(day, "15:00")),
    ]
    return duty(scenario, staff, (day - scenario.week_start).days, activities=activities)


def week_of(scenario: Scenario, staff: str, days: tuple[int, ...], **kwargs: Any) -> list[Duty]:
    return [duty(scenario, staff, day, **kwargs) for day in days]


def broken(scenario: Scenario, *duties: Duty, **rota_fields: Any) -> set[RuleCode]:
    """The codes of the rules the rota breaks."""
    return {violation.rule for violation in violations(scenario, *duties, **rota_fields)}


def violations(scenario: Scenario, *duties: Duty, **rota_fields: Any) -> list[Violation]:
    fields = {"team": scenario.team.id, "week_start": scenario.week_start, **rota_fields}
    return check(scenario, Rota(duties=list(duties), **fields))
