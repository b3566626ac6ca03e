"""The solver honours each rule family when the rule binds, and explains impossible weeks."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError

from scheduler import SolveOptions, load_scenario, solve
from scheduler.model import contract_shortfalls, describe_shortfalls
from scheduler.scenario import EngagementEvent, Policy, Scenario, Team
from tests.support import FIXTURES, small_team, solve_checked


def _hours_in(rota, ward: str) -> float:
    return sum(
        (a.end - a.start).total_seconds() / 3600
        for d in rota.duties
        for a in d.activities
        if a.ward == ward
    )


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


def test_pcso_window_keeps_pcsos_to_earlies():
    """A PCSO window ending at 15:00 leaves PCSOs only the early duty."""
    rota = solve_checked(small_team(policy=Policy(pcso_window_end="15:00").model_dump()))
    assert {d.template for d in rota.duties if d.staff.startswith("pcso")} <= {"early"}


def test_a_pcso_window_past_midnight_lets_pcsos_work():
    """A PCSO window of 07:00-02:00 runs on past midnight: PCSOs work earlies and lates
    (a model that read it as ending at 02:00 the same day gave them no duty at all)."""
    rota = solve_checked(small_team(policy=Policy(pcso_window_end="02:00").model_dump()))
    for pcso in ("pcso-cy", "pcso-di"):
        assert rota.duties_of(pcso), f"{pcso} has no duty"
        assert {d.template for d in rota.duties_of(pcso)} <= {"early", "late"}


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


def test_mandatory_event_gets_warranted_attendee():
    """The ward panel needing a warranted officer is attended by a PC or sergeant."""
    rota = solve_checked(small_team())
    panel = next(e for e in rota.events if e.event == "panel")
    assert set(panel.attendees) & {"pc-ann", "sgt-bo"}


def test_ward_minimum_is_met():
    """A high minimum for South is met even though North's demand competes."""
    scenario = small_team()
    wards = [w.model_dump() for w in scenario.wards]
    wards[1]["min_weekly_hours"] = 70
    rota = solve_checked(small_team(wards=wards))
    assert _hours_in(rota, "south") >= 70


def test_duty_pin_is_worked():
    """A sergeant's pin puts Bo on Thursday's late duty."""
    pins = [{"staff": "sgt-bo", "day": "2026-11-26", "template": "late"}]
    rota = solve_checked(small_team(pins=pins))
    assert any(
        d.template == "late" and d.day == date(2026, 11, 26) for d in rota.duties_of("sgt-bo")
    )


def test_off_pin_gives_rest():
    """An off pin leaves the day free."""
    pins = [{"staff": "pc-ann", "day": "2026-11-25", "off": True}]
    rota = solve_checked(small_team(pins=pins))
    assert all(d.day != date(2026, 11, 25) for d in rota.duties_of("pc-ann"))


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


def test_infeasible_panel_is_explained():
    """With every warranted officer on leave the panel's requirement is named."""
    scenario = small_team()
    staff = [p.model_dump() for p in scenario.staff]
    for person in staff:
        if person["role"] in ("PC", "SGT"):
            person["unavailable"] = [
                {"start": "2026-11-24T00:00", "end": "2026-11-25T00:00", "reason": "annual leave"}
            ]
    result = solve(small_team(staff=staff), SolveOptions(time_limit=20))
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
    result = solve(small_team(pins=pins), SolveOptions(time_limit=20))
    assert result.rota is None
    pin_sentences = [s for s in result.report.explanation if s.startswith("The pin")]
    assert len(pin_sentences) == 2


def test_hint_from_previous_rota_still_lawful():
    """Re-solving from last answer's hint gives a lawful rota at least as good."""
    scenario = small_team()
    first = solve(scenario, SolveOptions(time_limit=20))
    assert first.rota is not None
    second = solve(scenario, SolveOptions(time_limit=20, hint=first.rota))
    assert second.rota is not None and second.report.objective is not None
    assert (
        second.report.objective >= first.report.objective - 1e-6
        or second.report.status != "OPTIMAL"
    )


def test_duties_are_aware_and_in_week():
    """Every duty has aware start and end and starts within the week."""
    rota = solve_checked(small_team())
    start = datetime.fromisoformat("2026-11-23T00:00+00:00")
    for duty in rota.duties:
        assert duty.start.tzinfo is not None and duty.end.tzinfo is not None
        assert start <= duty.start < start + timedelta(days=7)


def test_scenario_built_from_objects_needs_aware_times():
    """A naive event time given as an object (not JSON) is refused with a clear message."""
    base = small_team()
    naive = EngagementEvent(
        **{
            **base.events[0].model_dump(),
            "start": datetime(2026, 11, 24, 18, 30),
            "end": datetime(2026, 11, 24, 20, 0),
        }
    )
    with pytest.raises(ValidationError, match="without an offset"):
        small_team(team=Team(id="t", name="T"), events=[naive])


@pytest.mark.parametrize(
    ("surge", "problem"),
    [
        ({"ward": "east"}, "unknown ward 'east'"),
        ({"start": "2026-12-01T16:00", "end": "2026-12-01T22:00"}, "outside the week"),
        ({"end": "2026-11-26T15:00"}, "before it starts"),
        ({"weight": 0}, "greater than 0"),
    ],
)
def test_a_bad_surge_is_named(surge: dict, problem: str):
    """A surge in a ward the team does not have, outside the week, backwards or of no
    weight is refused, saying which."""
    good = {"ward": "south", "start": "2026-11-26T16:00", "end": "2026-11-26T22:00", "weight": 3}
    with pytest.raises(ValidationError, match=problem):
        small_team(surges=[{**good, **surge}])


def test_a_surge_across_the_october_change_counts_each_local_hour_once():
    """00:00-03:00 on 25 Oct 2026 is four real hours (01:00 happens twice); each local
    hour's demand gets the surge's weight once, as a window's weight is."""
    surge = {"ward": "south", "start": "2026-10-25T00:00", "end": "2026-10-25T03:00", "weight": 2}
    scenario = small_team(week_start="2026-10-19", events=[], surges=[surge])
    assert scenario.surge_by_local_hour == {("south", 6, hour): 2.0 for hour in (0, 1, 2)}


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


def test_cancel_stops_the_search_early():
    """Setting the cancel event ends a 120-second solve long before its limit."""
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    started = time.perf_counter()
    solve(
        load_scenario(FIXTURES / "riverside-dst.json"), SolveOptions(time_limit=120), cancel=cancel
    )
    assert time.perf_counter() - started < 30


def test_contracted_hours_the_templates_cannot_reach():
    """8 h templates leave a 37 h PCSO at most 32 h and a three-day 24 h PCSO their 24 h;
    the solver's rota never gives more than the bound; a 5 h template closes the gap."""
    scenario = small_team()
    found = {item.staff: item for item in contract_shortfalls(scenario)}
    assert set(found) == {"pcso-cy"}, found
    assert (found["pcso-cy"].contracted_hours, found["pcso-cy"].most_hours) == (37, 32)
    sentences = describe_shortfalls(list(found.values()))
    assert "Cy Adeyemi: at most 32 h of a 37 h contract (5 h a week" in sentences[0]
    assert "add a template of another length" in sentences[-1]
    rota = solve_checked(scenario)
    assert sum(d.hours for d in rota.duties_of("pcso-cy")) <= 32
    templates = [t.model_dump() for t in scenario.duty_templates]
    short = {"id": "short", "name": "Short", "start": "09:00", "end": "14:00"}
    assert contract_shortfalls(small_team(duty_templates=[*templates, short])) == []
    assert describe_shortfalls([]) == []
