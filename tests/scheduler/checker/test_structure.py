"""Rules `reference` and `activity`: the rota's own structure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from scheduler.rota import Activity
from tests.scheduler.checker.checker_support import (
    LONDON,
    MON,
    SPRING,
    SUN,
    at,
    broken,
    duty,
    early_at_event,
    panel,
    patrol,
    team,
)


@pytest.mark.parametrize(
    ("make", "rota_fields"),
    [
        (lambda s: duty(s, "pc-ghost", MON), {}),
        (lambda s: duty(s, "pc-khan", MON).model_copy(update={"template": "dawn"}), {}),
        (lambda s: duty(s, "pc-khan", MON, ward="ward-z"), {}),
        (lambda s: duty(s, "pc-khan", SUN + 1), {}),
        (lambda s: duty(s, "pc-khan", MON), {"team": "south"}),
        (lambda s: duty(s, "pc-khan", MON), {"week_start": date(2026, 3, 30)}),
    ],
    ids=["unknown-staff", "unknown-template", "unknown-ward", "outside-week", "team", "week"],
)
def test_reference(make: Any, rota_fields: dict[str, Any]) -> None:
    """A rota for another team or week, or naming unknown people, templates or wards, is caught."""
    scenario = team()
    assert broken(scenario, make(scenario), **rota_fields) == {"reference"}


@pytest.mark.parametrize(
    "activities",
    [
        [patrol("ward-a", at(SPRING, "06:00"), at(SPRING, "15:00"))],
        [
            patrol("ward-a", at(SPRING, "07:00"), at(SPRING, "12:00")),
            patrol("ward-b", at(SPRING, "11:00"), at(SPRING, "15:00")),
        ],
        [patrol("ward-a", at(SPRING, "09:00"), at(SPRING, "09:00"))],
    ],
    ids=["outside-duty", "overlapping", "empty"],
)
def test_activity_inside_duty_without_overlap(activities: list[Activity]) -> None:
    """Activities lie inside their duty, last some time, and never overlap each other."""
    scenario = team()
    assert broken(scenario, duty(scenario, "pc-khan", MON, activities=activities)) == {"activity"}


@pytest.mark.parametrize(
    "change",
    [
        {"start": datetime(2026, 3, 25, 10, 30, tzinfo=LONDON)},
        {"ward": "ward-b"},
        {"event": None},
        {"kind": "patrol"},
    ],
    ids=["times", "ward", "no-event", "patrol-naming-event"],
)
def test_activity_matches_its_event(change: dict[str, Any]) -> None:
    """An event activity has the event's times and ward; only event activities name events."""
    scenario = team(events=[panel()])
    attended = early_at_event(scenario, "pc-khan", scenario.events[0])
    attended.activities[1] = attended.activities[1].model_copy(update=change)
    assert broken(scenario, attended) == {"activity"}
