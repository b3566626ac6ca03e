"""Presence in the wards: lone working, ward minimums, surges, half-hour clock changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduler.scenario import Scenario
from tests.support import small_team, solve_checked


def _hours_in(rota, ward: str) -> float:
    return sum(
        (a.end - a.start).total_seconds() / 3600
        for d in rota.duties
        for a in d.activities
        if a.ward == ward
    )


def test_a_half_hour_clock_change_leaves_no_ward_short():
    """After Lord Howe's 30-minute change on Sun 4 Oct 2026 the model's hours start at
    half past: a person whose duty ends inside an hour is not put on patrol for it, so
    the ward gets the 14 h the model planned (it got 13.5 h)."""
    away = [{"start": "2026-09-28T00:00", "end": "2026-10-04T00:00"}]
    scenario = Scenario.model_validate(
        {
            "team": {"id": "howe", "name": "Lord Howe", "timezone": "Australia/Lord_Howe"},
            "week_start": "2026-09-28",
            "duty_templates": [
                {"id": "early", "name": "Early", "start": "07:00", "end": "15:00"},
                {"id": "late", "name": "Late", "start": "14:00", "end": "22:00"},
            ],
            "wards": [{"id": "c", "name": "C", "min_weekly_hours": 14}],
            "staff": [
                {"id": "a", "name": "A", "role": "PC", "unavailable": away},
                {"id": "b", "name": "B", "role": "PC", "unavailable": away},
            ],
            "pins": [
                {"staff": "a", "day": "2026-10-04", "template": "early"},
                {"staff": "b", "day": "2026-10-04", "template": "late"},
            ],
        }
    )
    solve_checked(scenario)


def test_lone_working_never_leaves_a_pcso_alone():
    """In North's 21:00-23:00 risk window a PCSO there always has company."""
    rota = solve_checked(small_team())
    for duty in rota.duties:
        for activity in duty.activities:
            if duty.staff.startswith("pcso") and activity.ward == "north":
                local = activity.start.astimezone(activity.start.tzinfo)
                if local.hour >= 21:
                    others = [
                        d.staff
                        for d in rota.duties
                        for a in d.activities
                        if d.staff != duty.staff
                        and a.ward == "north"
                        and a.start < activity.end
                        and activity.start < a.end
                    ]
                    assert others


def test_ward_minimum_is_met():
    """A high minimum for South is met even though North's demand competes."""
    scenario = small_team()
    wards = [w.model_dump() for w in scenario.wards]
    wards[1]["min_weekly_hours"] = 70
    rota = solve_checked(small_team(wards=wards))
    assert _hours_in(rota, "south") >= 70


def test_a_surge_draws_patrol_to_its_hours():
    """Thursday 20:00-23:00 in South has no demand, so nobody patrols there; a surge then
    brings someone (the hours are otherwise not even modelled)."""

    def south_evening(rota) -> float:
        return sum(
            (min(a.end, until) - max(a.start, since)).total_seconds() / 3600
            for duty in rota.duties
            for a in duty.activities
            if a.ward == "south" and a.start < until and since < a.end
        )

    since = datetime.fromisoformat("2026-11-26T20:00+00:00")
    until = since + timedelta(hours=3)
    surge = {"ward": "south", "start": since.isoformat(), "end": until.isoformat(), "weight": 5}
    assert south_evening(solve_checked(small_team())) == 0
    assert south_evening(solve_checked(small_team(surges=[surge]))) > 0
