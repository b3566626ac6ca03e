"""An impossible week is explained by the requirements that cannot all hold."""

from __future__ import annotations

from scheduler import solve
from tests.support import RULE_TEST, small_team


def test_infeasible_panel_is_explained():
    """With every warranted officer on leave the panel's requirement is named."""
    scenario = small_team()
    staff = [p.model_dump() for p in scenario.staff]
    for person in staff:
        if person["role"] in ("PC", "SGT"):
            person["unavailable"] = [
                {"start": "2026-11-24T00:00", "end": "2026-11-25T00:00", "reason": "annual leave"}
            ]
    result = solve(small_team(staff=staff), RULE_TEST)
    assert result.rota is None
    assert result.report.status == "INFEASIBLE"
    text = " ".join(result.report.explanation)
    assert "North ward panel" in text
    assert "warranted" in text


def test_conflicting_pins_are_both_named():
    """Two pins that break the 11-hour rest rule together are both reported."""
    pins = [
        {"staff": "pc-ann", "day": "2026-11-25", "template": "late"},
        {"staff": "pc-ann", "day": "2026-11-26", "template": "early"},
    ]
    result = solve(small_team(pins=pins), RULE_TEST)
    assert result.rota is None
    pin_sentences = [s for s in result.report.explanation if s.startswith("The pin")]
    assert len(pin_sentences) == 2


def test_a_week_the_working_time_rules_alone_rule_out_is_said_so() -> None:
    """Someone whose last duty ended at 06:00 on Monday cannot have a 168-hour rest inside
    the week, whatever the rota: the explanation blames the working-time rules, not a
    requirement."""
    scenario = small_team(policy={"weekly_rest_hours": 168})
    staff = [person.model_dump() for person in scenario.staff]
    staff[0]["carry_in"] = {"last_duty_end": "2026-11-23T06:00"}
    result = solve(small_team(policy={"weekly_rest_hours": 168}, staff=staff))
    assert result.report.explanation == [
        "The working-time rules alone cannot be met for some staff member this week "
        "(check carry-in from last week, leave and working days against the rest and "
        "rest-day rules)."
    ]
