"""An impossible week is explained by the requirements that cannot all hold."""

from __future__ import annotations

from scheduler import solve
from scheduler.scenario import Scenario
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
    assert len(pin_sentences) == 3  # both pins, and what they leave between them
    assert (
        "The pin to Thursday's Early (07:00) leaves 9 h after the pinned Wednesday's Late "
        "(ends 22:00); 11 h are needed."
    ) in result.report.explanation


def _leave(day: str, reason: str = "annual leave") -> list[dict]:
    next_day = f"{day[:8]}{int(day[8:10]) + 1:02d}"
    return [{"start": f"{day}T00:00", "end": f"{next_day}T00:00", "reason": reason}]


def test_a_seat_nobody_can_fill_names_the_only_one_who_could_and_why():
    """The panel needs a warranted officer who speaks Urdu; the only one, PC Zia, is on
    annual leave that day: the explanation says so by name (a PC and a PCSO who speaks it
    would not do)."""
    scenario = small_team()
    data = scenario.model_dump(mode="json")
    data["staff"][2]["skills"] = ["urdu"]  # PCSO Cy speaks it: not warranted
    data["staff"].append(
        {
            "id": "pc-zia",
            "name": "Zia Khan",
            "role": "PC",
            "skills": ["urdu"],
            "unavailable": _leave("2026-11-24"),
        }
    )
    data["events"][0] |= {
        "min_warranted": 0,
        "seats": [{"roles": ["PC", "SGT"], "skills": ["urdu"]}],
    }
    result = solve(Scenario.model_validate(data), RULE_TEST)
    assert result.rota is None
    text = " ".join(result.report.explanation)
    assert "North ward panel" in text
    assert (
        "a warranted officer with the skill 'urdu': the only one, PC Zia Khan, is away "
        "(annual leave) Tue 24 Nov 00:00-Wed 25 Nov 00:00"
    ) in text


def test_two_events_wanting_the_one_holder_of_a_skill_both_name_them():
    """Both Prevent meetings on Wednesday at 15:00 need the skill only Sgt Bo holds: each
    sentence says only she could be there."""
    scenario = small_team()
    data = scenario.model_dump(mode="json")
    prevent = {
        "ward": "north",
        "place": "Station",
        "start": "2026-11-25T15:00",
        "end": "2026-11-25T16:00",
        "mandatory": True,
        "required_skills": ["prevent"],
    }
    data["events"] = [
        {"id": "channel-a", "name": "Channel panel A", **prevent},
        {"id": "channel-b", "name": "Channel panel B", **prevent},
    ]
    result = solve(Scenario.model_validate(data), RULE_TEST)
    assert result.rota is None
    sentences = [s for s in result.report.explanation if "Channel panel" in s]
    assert len(sentences) == 2
    assert all(
        "someone with the 'prevent' skill: only SGT Bo Price could be there" in s for s in sentences
    )


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
