"""The solver honours the working-time rules when they bind, counting real hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.scenario import Policy, Scenario
from tests.scheduler.model.model_support import can_work
from tests.support import small_team, solve_checked


def test_carry_in_rest_blocks_monday_early():
    """Someone who finished at 23:00 on Sunday cannot start at 07:00 on Monday."""
    scenario = small_team()
    staff = [p.model_dump() for p in scenario.staff]
    staff[0]["carry_in"] = {"last_duty_end": "2026-11-22T23:00", "days_worked_in_a_row": 2}
    staff[0]["preferences"] = [
        {"template": "early", "day": "2026-11-23", "want": True, "weight": 10}
    ]
    rota = solve_checked(small_team(staff=staff))
    monday = [d for d in rota.duties_of("pc-ann") if d.day == date(2026, 11, 23)]
    assert all(d.start.hour >= 10 for d in monday)


def test_rest_days_policy_limits_days_worked():
    """With four rest days a week nobody works more than three days."""
    rota = solve_checked(small_team(policy=Policy(min_rest_days=4).model_dump()))
    for person in ("pc-ann", "sgt-bo", "pcso-cy", "pcso-di"):
        assert len({d.day for d in rota.duties_of(person)}) <= 3


def test_weekly_hours_cap_counts_real_time():
    """A 16-hour weekly cap allows at most two 8-hour duties."""
    rota = solve_checked(small_team(policy=Policy(max_weekly_hours=16).model_dump()))
    for person in ("pc-ann", "sgt-bo", "pcso-cy"):
        assert sum(d.hours for d in rota.duties_of(person)) <= 16


def test_caps_and_minimums_are_kept_to_the_minute():
    """Fractional limits are rounded the safe way: a 47.996 h contract with 12 h day duties
    allows three, not four (48 h rounded to the nearest minute), and a ward minimum of
    10.00005 h needs 11 whole hours of presence, not 10."""
    data = small_team().model_dump(mode="json")
    data["duty_templates"].append(
        {"id": "long", "name": "Long day", "start": "08:00", "end": "20:00", "break_minutes": 60}
    )
    data["wards"].append({"id": "quiet", "name": "Quiet", "min_weekly_hours": 10.00005})
    data["staff"][0]["contracted_hours"] = 47.996
    data["policy"] = {**data.get("policy", {}), "max_overtime_hours": 0}
    rota = solve_checked(Scenario.model_validate(data))
    assert sum(d.hours for d in rota.duties_of("pc-ann")) <= 47.996


@pytest.mark.parametrize(
    ("week", "night", "real_hours"),
    [("2026-10-19", date(2026, 10, 24), 9), ("2026-03-23", date(2026, 3, 28), 7)],
    ids=["october-9h", "march-7h"],
)
def test_night_duty_across_clock_change_counts_real_hours(week, night, real_hours):
    """A 22:00-06:00 duty is 9 real hours across the October change and 7 across March."""
    pins = [{"staff": "pc-ann", "day": night.isoformat(), "template": "night"}]
    rota = solve_checked(small_team(week_start=week, events=[], pins=pins))
    duty = next(d for d in rota.duties_of("pc-ann") if d.day == night)
    assert duty.hours == real_hours
    assert duty.end - duty.start == timedelta(hours=real_hours)  # offsets in the rota are fixed


def earlies(*days: int) -> list[tuple[int, str]]:
    return [(day, "early") for day in days]


def nights(*days: int) -> list[tuple[int, str]]:
    return [(day, "night") for day in days]


@pytest.mark.parametrize(
    ("policy", "staff", "duties", "lawful"),
    [
        ({}, "pc-ann", [(0, "late"), (1, "early")], False),
        ({}, "pc-ann", earlies(0, 1), True),
        ({"weekly_rest_hours": 48}, "pc-ann", earlies(0, 1, 3, 4, 6), False),
        ({"weekly_rest_hours": 48}, "pc-ann", earlies(0, 1, 2, 3, 4), True),
        ({}, "pcso-cy", earlies(0, 1, 2, 3, 4), False),
        ({"max_overtime_hours": 3}, "pcso-cy", earlies(0, 1, 2, 3, 4), True),
        ({"night_average_hours_per_24h": 5}, "pc-ann", nights(0, 1, 2), True),
        ({"night_average_hours_per_24h": 5}, "pc-ann", nights(0, 1, 2, 3), False),
        ({"min_rest_days": 3}, "pc-ann", earlies(0, 1, 2, 3, 4), False),
        ({"max_consecutive_days": 4}, "pc-ann", earlies(0, 1, 2, 3, 4), False),
        ({"max_consecutive_days": 4}, "pc-ann", earlies(0, 1, 3, 4), True),
    ],
    ids=[
        "daily_rest-late-then-early",
        "daily_rest-earlies",
        "weekly_rest-split",
        "weekly_rest-weekend",
        "weekly_hours-over-contract",
        "weekly_hours-overtime",
        "night_work-24h",
        "night_work-32h",
        "rest_days",
        "consecutive_days-five",
        "consecutive_days-broken-run",
    ],
)
def test_each_working_time_rule_on_the_model_alone(
    policy: dict[str, float], staff: str, duties: list[tuple[int, str]], lawful: bool
) -> None:
    """Each working-time family forbids a week that breaks its rule, and only that: 9 h
    between a late and an early; no 48 h off with split rest days; 40 h on a 37 h
    contract without overtime; a night worker over 5 h per 24 h of the week less its
    rest (30 h); three rest days; five days in a row where four are the most."""
    assert can_work(small_team(events=[], policy=policy), staff, duties) is lawful
