"""Rules `pins` and `pinned_off`: a sergeant's pins are kept."""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.codes import RuleCode
from tests.scheduler.checker.checker_support import MON, TUE, broken, duty, panel, team, violations


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
