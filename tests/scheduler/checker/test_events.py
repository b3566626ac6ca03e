"""Rule `event_staffing`: attended events have the right people, on duty through them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.scheduler.checker.checker_support import (
    SPRING,
    WED,
    at,
    attend,
    broken,
    duty,
    early_at_event,
    panel,
    patrol,
    team,
    violations,
)


@pytest.mark.parametrize(
    ("event_fields", "attendees"),
    [
        ({"mandatory": True}, ()),
        ({"min_warranted": 1}, ("pcso-lee",)),
        ({"required_skills": ["bsl"]}, ("pc-khan",)),
        ({"max_staff": 1}, ("pc-khan", "pcso-lee")),
        ({"min_staff": 2}, ("pc-khan",)),
    ],
    ids=["mandatory-unstaffed", "no-warranted", "no-skill", "too-many", "optional-too-few"],
)
def test_event_staffing(event_fields: dict[str, Any], attendees: tuple[str, ...]) -> None:
    """An attended or mandatory event has enough attendees, warranted officers and skills."""
    scenario = team(events=[panel(**event_fields)])
    event = scenario.events[0]
    duties = [early_at_event(scenario, staff, event) for staff in attendees]
    assert broken(scenario, *duties) == {"event_staffing"}


def test_event_attendee_duty_covers_event() -> None:
    """An attendee whose duty ends before the event does is caught."""
    scenario = team(events=[panel(start="2026-03-25T14:30", end="2026-03-25T15:30")])
    event = scenario.events[0]
    activities = [
        patrol("ward-a", at(SPRING + timedelta(days=WED), "07:00"), event.start),
        attend(event),
    ]
    attended = duty(scenario, "pc-khan", WED, activities=activities)
    assert "event_staffing" in broken(scenario, attended)


def test_each_seat_needs_its_own_attendee_holding_all_it_asks() -> None:
    """A seat for a warranted officer who speaks Urdu is not filled by a PC and a PCSO who
    speaks it; it is by a PC who does; two such seats need two such people."""
    seat = {"roles": ["PC", "SGT"], "skills": ["urdu"]}
    scenario = team(
        events=[panel(seats=[seat])],
        staff={"pcso-lee": {"skills": ["urdu"]}, "sgt-obi": {"skills": ["urdu"]}},
    )
    event = scenario.events[0]

    def attended(*staff: str) -> set[str]:
        return broken(scenario, *(early_at_event(scenario, who, event) for who in staff))

    assert attended("pc-khan", "pcso-lee") == {"event_staffing"}
    assert attended("sgt-obi") == set()
    found = violations(scenario, early_at_event(scenario, "pc-khan", event))
    assert "no attendee left to fill a seat for PC or SGT with 'urdu'" in found[0].message
    two = team(
        events=[panel(seats=[{**seat, "count": 2}])],
        staff={"pc-khan": {"skills": ["urdu"]}, "sgt-obi": {"skills": ["urdu"]}},
    )
    event = two.events[0]
    assert broken(two, early_at_event(two, "pc-khan", event)) == {"event_staffing"}
    both = [early_at_event(two, who, event) for who in ("pc-khan", "sgt-obi")]
    assert broken(two, *both) == set()
