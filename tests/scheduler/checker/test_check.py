"""The checker as a whole: a lawful week passes every rule."""

from __future__ import annotations

from tests.scheduler.checker.checker_support import (
    FRI,
    MON,
    THU,
    TUE,
    WEEKDAYS,
    early_at_event,
    panel,
    team,
    violations,
    week_of,
)


def test_valid_rota_has_no_violations() -> None:
    """A full week obeying every rule (events, pins, carry-in, minimums, lone working) passes."""
    scenario = team(
        wards={
            "ward-a": {"min_weekly_hours": 60},
            "ward-b": {"lone_working_windows": [{"start": "20:00", "end": "22:00"}]},
        },
        staff={
            "pc-khan": {
                "carry_in": {"last_duty_end": "2026-03-22T15:00", "days_worked_in_a_row": 2}
            }
        },
        events=[panel(mandatory=True, min_warranted=1)],
        pins=[
            {"staff": "pc-khan", "day": "2026-03-23", "template": "early"},
            {"staff": "sgt-obi", "day": "2026-03-28", "off": True},
            {"staff": "pc-khan", "event": "panel"},
        ],
    )
    khan = week_of(scenario, "pc-khan", (MON, TUE, THU, FRI))
    khan.append(early_at_event(scenario, "pc-khan", scenario.events[0]))
    duties = [
        *khan,
        *week_of(scenario, "pcso-lee", WEEKDAYS),
        *week_of(scenario, "sgt-obi", WEEKDAYS, template="late", ward="ward-b"),
        *week_of(scenario, "pcso-ray", WEEKDAYS, template="late", ward="ward-b"),
    ]
    assert violations(scenario, *duties) == []
