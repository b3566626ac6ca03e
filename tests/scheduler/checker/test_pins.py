"""Rules `pins` and `pinned_off`: a sergeant's pins are kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from scheduler.codes import RuleCode
from scheduler.rota import Duty
from tests.scheduler.checker.checker_support import (
    MON,
    TUE,
    at,
    broken,
    duty,
    panel,
    patrol,
    team,
    violations,
)


@pytest.mark.parametrize(
    ("pin", "duties", "rule"),
    [
        ({"day": "2026-03-24", "template": "late"}, ((TUE, "early"),), "pins"),
        ({"day": "2026-03-24", "template": "early"}, (), "pins"),
        ({"day": "2026-03-23", "off": True}, ((MON, "early"),), "pinned_off"),
        ({"event": "panel"}, (), "pins"),
    ],
    ids=["other-template", "no-duty", "off-day-worked", "event-missed"],
)
def test_pins(pin: dict[str, Any], duties: tuple[tuple[int, str], ...], rule: str) -> None:
    """Pinned duties are worked as pinned and pinned events attended (`pins`); pinned
    days off are kept (`pinned_off`, its own code: the service never publishes it)."""
    scenario = team(events=[panel()], pins=[{"staff": "pc-khan", **pin}])
    worked = [duty(scenario, "pc-khan", day, template) for day, template in duties]
    assert broken(scenario, *worked) == {rule}


def test_a_duty_pin_and_a_day_pinned_off_are_each_reported_under_their_code() -> None:
    """A rota that works a day pinned off and misses a pinned duty gets one violation of
    each code, the duty pin's (`pins`) first, whatever the order of the pins."""
    scenario = team(
        pins=[
            {"staff": "pc-khan", "day": "2026-03-23", "off": True},
            {"staff": "pc-khan", "day": "2026-03-24", "template": "late"},
        ]
    )
    found = violations(scenario, duty(scenario, "pc-khan", MON), duty(scenario, "pc-khan", TUE))
    assert [violation.rule for violation in found] == [RuleCode.PINS, RuleCode.PINNED_OFF]
    assert (
        found[1].message
        == "PC Amir Khan (pc-khan) is pinned off on Mon 23 Mar but works the Early duty."
    )


def test_a_ward_pin_is_kept_for_the_part_it_names() -> None:
    """Pinned to Brook ward 18:00-20:00 of Tuesday's late: patrolling Abbey then, or
    nowhere, breaks it; Abbey before 18:00 and Brook through 18:00-20:00 keeps it."""
    pin = {"staff": "pc-khan", "day": "2026-03-24", "template": "late", "ward": "ward-b"}
    scenario = team(pins=[{**pin, "start": "18:00", "end": "20:00"}])
    tuesday = scenario.week_start + timedelta(days=TUE)

    def late(*pieces: tuple[str, str, str]) -> Duty:
        activities = [patrol(ward, at(tuesday, a), at(tuesday, b)) for ward, a, b in pieces]
        return duty(scenario, "pc-khan", TUE, "late", activities=activities)

    kept = late(("ward-a", "14:00", "18:00"), ("ward-b", "18:00", "22:00"))
    assert broken(scenario, kept) == set()
    elsewhere = violations(scenario, late(("ward-a", "14:00", "22:00")))
    assert [v.rule for v in elsewhere] == ["pins"]
    assert "is pinned to Brook ward Tue 18:00-20:00 but is in Abbey ward" in elsewhere[0].message
    gap = violations(scenario, late(("ward-a", "14:00", "18:00"), ("ward-b", "19:00", "22:00")))
    assert "but is in no ward from Tue 18:00" in gap[0].message
    whole = team(pins=[pin])
    assert broken(whole, duty(whole, "pc-khan", TUE, "late", "ward-b")) == set()
    assert broken(whole, duty(whole, "pc-khan", TUE, "late", "ward-a")) == {"pins"}
