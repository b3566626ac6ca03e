"""A rota's figures, worked out by hand on a small rota: ward coverage against demand and
peaks, event staffing, and each person's hours, unsocial duties, home ward and wishes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scheduler.rota import Activity, Duty
from scheduler.scenario import Scenario
from scheduler.summary import (
    event_staffing,
    figures,
    presence_by_slot,
    staff_summaries,
    ward_coverage,
)
from tests.support import small_team

MONDAY = date(2026, 11, 23)  # November: London is on UTC


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=UTC)


def patrol(ward: str, start: datetime, end: datetime) -> Activity:
    return Activity(kind="patrol", ward=ward, start=start, end=end)


def team() -> Scenario:
    """small_team with South's peaks on Monday 12:00-14:00 and Tuesday 12:00-13:00, and two
    wishes of Ann's and one of Bo's."""
    scenario = small_team()
    wards = [ward.model_dump() for ward in scenario.wards]
    wards[1]["peak_windows"] = [
        {"days": ["mon"], "start": "12:00", "end": "14:00"},
        {"days": ["tue"], "start": "12:00", "end": "13:00"},
    ]
    staff = [person.model_dump() for person in scenario.staff]
    staff[0]["preferences"] = [
        {"day": "2026-11-23", "want": True},
        {"template": "night", "want": False},
    ]
    staff[1]["preferences"] = [{"template": "night", "want": False}]
    return small_team(wards=wards, staff=staff)


def rota() -> list[Duty]:
    """Monday: Ann (home North) patrols North then South, Cy (home South) North all day;
    Tuesday: Bo on a late at the North ward panel; Thursday: Bo on a night."""
    panel = Activity(kind="event", ward="north", event="panel", start=at(1, 18, 30), end=at(1, 20))
    return [
        Duty(
            staff="pc-ann",
            day=MONDAY,
            template="early",
            start=at(0, 7),
            end=at(0, 15),
            activities=[
                patrol("north", at(0, 8), at(0, 11)),
                patrol("south", at(0, 11), at(0, 14)),
            ],
        ),
        Duty(
            staff="pcso-cy",
            day=MONDAY,
            template="early",
            start=at(0, 7),
            end=at(0, 15),
            activities=[patrol("north", at(0, 8), at(0, 15))],
        ),
        Duty(
            staff="sgt-bo",
            day=date(2026, 11, 24),
            template="late",
            start=at(1, 14),
            end=at(1, 22),
            activities=[patrol("north", at(1, 18), at(1, 18, 30)), panel],
        ),
        Duty(
            staff="sgt-bo", day=date(2026, 11, 26), template="night", start=at(3, 22), end=at(4, 6)
        ),
    ]


def test_presence_is_counted_in_every_hour_slot_an_activity_touches() -> None:
    """Ann and Cy are both in North from 08:00 on Monday; Bo's panel from 18:30 on Tuesday
    puts him in North's 18:00 and 19:00 slots."""
    present = presence_by_slot(team(), rota())
    assert present["north", 8] == {"pc-ann", "pcso-cy"}
    assert present["south", 11] == {"pc-ann"}
    assert present["north", 24 + 18] == present["north", 24 + 19] == {"sgt-bo"}
    assert ("north", 7) not in present  # on duty at 07:00, but at the station


def test_ward_coverage_against_demand_with_diminishing_returns() -> None:
    """North (demand 1 from 08:00 to 23:00, 105 hours) is seen 3 h by two people and 4 h
    by one on Monday, and Tuesday 18:00-20:00 by Bo; South (demand 2 from 09:00 to 20:00,
    doubled to 4 in its 3 peak hours) 3 h by Ann, leaving Tuesday's peak hour uncovered."""
    north, south = ward_coverage(team(), rota())
    assert (north.ward, north.visible_hours, north.demand_hours) == ("north", 12.0, 105)
    assert north.demand_covered == round(9 / 105, 4)
    assert north.weighted_presence == pytest.approx(3 * (1 + 0.6) + 4 + 2)
    assert (north.min_weekly_hours, north.peak_hours, north.uncovered_peak_hours) == (10, 0, [])
    assert (south.visible_hours, south.demand_hours, south.peak_hours) == (3.0, 77, 3)
    assert south.demand_covered == round((2 + 4 + 4) / (77 * 2 + 3 * 2), 4)
    assert south.weighted_presence == pytest.approx(10)
    assert south.uncovered_peak_hours == [at(1, 12)]


def test_an_event_is_staffed_by_anyone_attending_it() -> None:
    """The panel with Bo at it is staffed; with nobody at it, it is not."""
    scenario = team()
    assert [(e.event, e.attendees, e.staffed) for e in event_staffing(scenario, rota())] == [
        ("panel", ["sgt-bo"], True)
    ]
    assert [e.staffed for e in event_staffing(scenario, rota()[:2])] == [False]


def test_each_persons_hours_unsocial_duties_home_ward_and_wishes() -> None:
    """Ann: 8 h, half her patrol in her home ward, both wishes met; Cy: none of her patrol
    at home; Bo: 16 h, the night unsocial (the late has only 2 h after 20:00), his wish
    not to work nights broken; Di: nothing."""
    summaries = {summary.staff: summary for summary in staff_summaries(team(), rota())}
    ann, bo, cy, di = (summaries[s] for s in ("pc-ann", "sgt-bo", "pcso-cy", "pcso-di"))
    assert (ann.hours, ann.duties, ann.unsocial_duties, ann.home_ward_share) == (8, 1, 0, 0.5)
    assert (ann.preferences_met, ann.preferences_total) == (2, 2)
    assert (bo.hours, bo.duties, bo.unsocial_duties, bo.home_ward_share) == (16, 2, 1, None)
    assert (bo.preferences_met, bo.preferences_total) == (0, 1)
    assert cy.home_ward_share == 0.0
    assert (di.hours, di.duties, di.home_ward_share) == (0, 0, None)


def test_figures_are_the_rotas_three_tables() -> None:
    """`figures` gives the Rota fields wards, events and staff, one row per ward, event
    and person of the scenario."""
    scenario = team()
    found = figures(scenario, rota())
    assert [row.ward for row in found["wards"]] == ["north", "south"]
    assert [row.event for row in found["events"]] == ["panel"]
    assert [row.staff for row in found["staff"]] == [person.id for person in scenario.staff]
