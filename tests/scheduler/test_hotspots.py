"""Hot spots (`scheduler.demand.hotspots`) from a known set of records, and the visits
planned for them inside patrol blocks (`scheduler.visits`): the spacing rule, the visits'
lengths and places, day-to-day variety, and the checker's reading of them."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler.checker import check
from scheduler.codes import RuleCode
from scheduler.demand import DemandOptions, Incident, demand_from, read_boundaries, read_incidents
from scheduler.demand.hotspots import Grid, HotSpotOptions, hot_spots_from
from scheduler.rota import Activity, Duty, Rota, Visit
from scheduler.scenario import HotSpot, Scenario, load_scenario
from scheduler.visits import EVERY, GAP, VISIT_MINUTES, plan_visits, spacing_problems
from tests.support import FIXTURES

LONDON = ZoneInfo("Europe/London")
AS_OF = date(2026, 10, 31)
PLACE = (-0.2800, 51.4700)  # the hot spot-to-be: a precinct
ELSEWHERE = (-0.2760, 51.4730)  # 350 m away


def near(point: tuple[float, float], metres: float, rng: random.Random) -> tuple[float, float]:
    """A point within `metres` of `point` (east-west scaled by latitude)."""
    north = rng.uniform(-metres, metres) / 111_320
    east = rng.uniform(-metres, metres) / (111_320 * math.cos(math.radians(point[1])))
    return point[0] + east, point[1] + north


def evening(rng: random.Random, weekday: int, hour: int) -> datetime:
    day = AS_OF - timedelta(days=rng.randrange(7, 180))
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)


def known_records() -> list[Incident]:
    """Ward "a": 30 violent records at the precinct on Friday and Saturday nights; three
    robberies in one cell elsewhere (too few to be singled out, however harmful); 200
    shopliftings spread over the ward by day. Ward "b": 100 records, no place."""
    rng = random.Random(1)
    records = [
        Incident(
            "violence-and-sexual-offences",
            "a",
            at=evening(rng, rng.choice([4, 5]), rng.choice([21, 22, 23])),
            point=near(PLACE, 20, rng),
        )
        for _ in range(30)
    ]
    records += [
        Incident("robbery", "a", at=evening(rng, 1, 14), point=near(ELSEWHERE, 10, rng))
        for _ in range(3)
    ]
    records += [
        Incident(
            "shoplifting",
            "a",
            at=evening(rng, rng.randrange(7), rng.randrange(9, 18)),
            point=near(PLACE, 1500, rng),
        )
        for _ in range(200)
    ]
    records += [
        Incident("anti-social-behaviour", "b", at=evening(rng, rng.randrange(7), 20))
        for _ in range(100)
    ]
    return records


def spots_of(records: list[Incident], **options) -> dict[str, list[HotSpot]]:
    settings = DemandOptions(as_of=AS_OF)
    demand = demand_from(records, ["a", "b"], settings)
    return hot_spots_from(
        records, demand.wards, {"a": "Alpha", "b": "Beta"}, settings, HotSpotOptions(**options)
    )


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    east = (a[0] - b[0]) * 111_320 * math.cos(math.radians(a[1]))
    return math.hypot(east, (a[1] - b[1]) * 111_320)


def test_the_place_where_harm_concentrates_is_found_with_its_peak_hours():
    spots = spots_of(known_records())
    assert spots["b"] == []  # no coordinates, no hot spots
    (spot,) = spots["a"]
    cell = 150 * math.sqrt(2) / 2  # the cell's centre is within half a diagonal of it
    assert metres((spot.longitude, spot.latitude), PLACE) <= cell + 20
    assert 30 <= spot.records <= 40  # the precinct's violence and a few shopliftings
    assert spot.name == "Alpha hot spot 1" and spot.id == "a-hs1"
    # its harm: 30 x 60 against 200 x 2 spread thin, 3 x 365 in another cell
    assert 0.4 <= spot.harm_share <= 0.7
    fri_22, sat_22 = 4 * 24 + 22, 5 * 24 + 22
    assert {fri_22, sat_22} <= set(spot.peak_hours)
    tuesday_afternoon = {1 * 24 + hour for hour in range(12, 17)}  # the robberies' hours
    mornings = {day * 24 + hour for day in range(7) for hour in range(3, 9)}
    assert not (tuesday_afternoon | mornings) & set(spot.peak_hours)


def test_a_cell_with_fewer_records_than_the_minimum_is_never_a_hot_spot():
    records = known_records()
    # the three robberies (3 x 365 harm, more than any other cell's) stay below five records
    assert all(metres((s.longitude, s.latitude), ELSEWHERE) > 150 for s in spots_of(records)["a"])
    # with a minimum of three, they would be one (only the harm decides, not the count)
    lower = spots_of(records, min_records=3, concentration=0, per_ward=5)["a"]
    assert any(metres((s.longitude, s.latitude), ELSEWHERE) < 150 for s in lower)


def test_only_cell_centres_and_counts_are_kept():
    grid = Grid(150, 51)
    for spot in spots_of(known_records())["a"]:
        point = (spot.longitude, spot.latitude)
        assert grid.centre(grid.cell(point)) == point  # a cell's centre, not a record's place
        assert set(spot.model_dump()) == {
            "id",
            "name",
            "longitude",
            "latitude",
            "records",
            "harm_share",
            "peak_hours",
        }


def test_records_outside_every_ward_are_counted_not_dropped():
    boundaries = read_boundaries(FIXTURES / "riverside-wards.geojson", ["northfield", "st-marks"])
    text = (FIXTURES / "riverside-street.csv").read_text()
    records = read_incidents(text, LONDON, boundaries=boundaries)
    demand = demand_from(records, ["northfield", "st-marks"], DemandOptions())
    placed = sum(d.records for d in demand.wards.values())
    assert demand.outside == len(records) - placed > 0
    unplaced = [r for r in records if r.point is None]
    assert unplaced and all(r.ward is None for r in unplaced)  # "No location" rows


# Visits.
WARD = "market-square"


def scenario_with_spots() -> Scenario:
    """The sample team with two hot spots in Market Square, 400 m apart, each peaking on
    Friday from 18:00 to 02:00 and Saturday from 18:00 to 02:00."""
    scenario = load_scenario(FIXTURES / "riverside.json")
    data = scenario.model_dump(mode="json")
    peaks = [day * 24 + hour for day in (4, 5) for hour in range(18, 26)]
    for ward in data["wards"]:
        if ward["id"] == WARD:
            ward["hot_spots"] = [
                {
                    "id": f"ms-{n}",
                    "name": f"Market Square hot spot {n}",
                    "longitude": -0.28 + 0.004 * n,
                    "latitude": 51.47,
                    "records": 40,
                    "harm_share": 0.2,
                    "peak_hours": peaks,
                }
                for n in (1, 2)
            ]
    return Scenario.model_validate(data)


def patrols(scenario: Scenario) -> list[Duty]:
    """Friday and Saturday: a late (14:00-22:00) patrolling Market Square, and a late-late
    (18:00-02:00) there with an hour in St Mark's 19:00-20:00 on Friday."""
    duties = []
    for offset in (4, 5):
        day = scenario.week_start + timedelta(days=offset)

        def local(hour: int, day: date = day) -> datetime:
            return datetime(day.year, day.month, day.day, tzinfo=LONDON) + timedelta(hours=hour)

        duties.append(
            Duty(
                staff="pc-walsh",
                day=day,
                template="late",
                start=local(14),
                end=local(22),
                activities=[Activity(kind="patrol", ward=WARD, start=local(14), end=local(22))],
            )
        )
        late_late = [Activity(kind="patrol", ward=WARD, start=local(18), end=local(26))]
        if offset == 4:
            late_late = [
                Activity(kind="patrol", ward=WARD, start=local(18), end=local(19)),
                Activity(kind="patrol", ward="st-marks", start=local(19), end=local(20)),
                Activity(kind="patrol", ward=WARD, start=local(20), end=local(26)),
            ]
        duties.append(
            Duty(
                staff="pc-osei",
                day=day,
                template="late-late",
                start=local(18),
                end=local(26),
                activities=late_late,
            )
        )
    return duties


def visits_of(duties: list[Duty]) -> list[tuple[str, Activity, Visit]]:
    return [(d.staff, a, v) for d in duties for a in d.activities for v in a.visits]


def test_each_hot_spot_is_visited_at_least_every_two_hours_of_patrolled_peak_time():
    scenario = scenario_with_spots()
    duties = plan_visits(scenario, patrols(scenario))
    assert spacing_problems(scenario, duties) == []
    planned = visits_of(duties)
    assert planned
    for _, activity, visit in planned:
        assert activity.kind == "patrol" and activity.ward == WARD
        assert activity.start <= visit.start < visit.end <= activity.end
        minutes = (visit.end - visit.start).total_seconds() / 60
        assert VISIT_MINUTES[0] <= minutes <= VISIT_MINUTES[1]
    # patrolled peak time: Fri and Sat 18:00-02:00, eight hours a night, so at least
    # four visits a hot spot a night, and at most one every GAP[0] minutes
    for spot in ("ms-1", "ms-2"):
        for night in (4, 5):
            starts = sorted(
                v.start
                for _, _, v in planned
                if v.hot_spot == spot and (v.start - timedelta(hours=6)).weekday() == night
            )
            assert 4 <= len(starts) <= 8 * 60 // GAP[0] + 1
            gaps = [b - a for a, b in pairwise(starts)]
            assert all(timedelta(minutes=GAP[0]) <= gap <= EVERY for gap in gaps)


def test_one_persons_visits_never_overlap_and_leave_time_to_walk_between_them():
    scenario = scenario_with_spots()
    duties = plan_visits(scenario, patrols(scenario))
    walk = timedelta(minutes=math.ceil(metres((-0.276, 51.47), (-0.272, 51.47)) / 80))
    for duty in duties:
        mine = sorted((v for a in duty.activities for v in a.visits), key=lambda v: v.start)
        for before, after in pairwise(mine):
            room = walk if before.hot_spot != after.hot_spot else timedelta(minutes=2)
            assert after.start >= before.end + room


def test_visits_are_reproducible_yet_differ_from_day_to_day():
    scenario = scenario_with_spots()
    first = visits_of(plan_visits(scenario, patrols(scenario)))
    again = visits_of(plan_visits(scenario, patrols(scenario)))
    assert [(s, v) for s, _, v in first] == [(s, v) for s, _, v in again]

    def clock(day: int) -> list[tuple[str, str, int]]:
        return [
            (s, v.hot_spot, v.start.hour * 60 + v.start.minute)
            for s, _, v in first
            if (v.start - timedelta(hours=6)).weekday() == day
        ]

    friday, saturday = clock(4), clock(5)
    assert friday and saturday
    minutes_fri = [m % 60 for _, _, m in friday]
    minutes_sat = [m % 60 for _, _, m in saturday]
    assert minutes_fri != minutes_sat  # not the same minutes every night
    order_fri = [h for _, h, _ in sorted(friday, key=lambda x: x[2])]
    order_sat = [h for _, h, _ in sorted(saturday, key=lambda x: x[2])]
    assert order_fri != order_sat  # nor the same order


def test_no_peak_time_patrolled_means_no_visits_and_nothing_owed():
    scenario = scenario_with_spots()
    duties = [d for d in patrols(scenario) if d.staff == "pc-walsh"]
    for duty in duties:  # 14:00-22:00: peak time from 18:00 only
        for activity in duty.activities:
            activity.end = activity.start + timedelta(hours=4)
    duties = plan_visits(scenario, duties)
    assert visits_of(duties) == []
    assert spacing_problems(scenario, duties) == []


def test_the_checker_refuses_a_visit_outside_its_patrol_or_to_another_wards_spot():
    scenario = scenario_with_spots()
    duties = plan_visits(scenario, patrols(scenario))
    rota = Rota(team=scenario.team.id, week_start=scenario.week_start, duties=duties)
    assert [v for v in check(scenario, rota) if v.rule == RuleCode.ACTIVITY] == []
    _, activity, visit = visits_of(duties)[0]
    activity.visits.append(
        Visit(hot_spot=visit.hot_spot, start=activity.end, end=activity.end + timedelta(minutes=10))
    )
    activity.visits.append(Visit(hot_spot="nowhere", start=visit.start, end=visit.end))
    found = [v.message for v in check(scenario, rota) if v.rule == RuleCode.ACTIVITY]
    assert any("outside the patrol" in m for m in found)
    assert any("'nowhere'" in m and "not a hot spot" in m for m in found)
    assert any("overlapping" in m for m in found)


def test_a_spacing_gap_is_reported_with_its_place_and_hours():
    scenario = scenario_with_spots()
    duties = plan_visits(scenario, patrols(scenario))
    for _, activity, _ in visits_of(duties):
        activity.visits = [v for v in activity.visits if v.hot_spot != "ms-1"]
    problems = spacing_problems(scenario, duties)
    assert problems and all(p.startswith("Market Square hot spot 1: ") for p in problems)


def test_the_sample_files_build_demand_and_hot_spots_for_the_busy_wards():
    scenario = load_scenario(FIXTURES / "riverside.json")
    ids = [ward.id for ward in scenario.wards]
    boundaries = read_boundaries(FIXTURES / "riverside-wards.geojson", ids)
    own = read_incidents(
        (FIXTURES / "riverside-incidents.csv").read_text(), LONDON, boundaries=boundaries
    )
    assert all(r.at is not None and r.point is not None for r in own)
    demand = demand_from(own, ids)
    spots = hot_spots_from(own, demand.wards, {w.id: w.name for w in scenario.wards})
    assert spots["market-square"] and spots["northfield"]
    assert sum(map(len, spots.values())) <= 3 * len(ids)
    # the night-time economy: Market Square's first hot spot peaks on Friday and Saturday nights
    first = spots["market-square"][0]
    assert {4 * 24 + 23, 5 * 24 + 23} <= set(first.peak_hours)
    # demand's own rhythm: Market Square's Saturday 23:00 above its Tuesday 05:00
    hourly = demand.wards["market-square"].hourly
    assert hourly[5 * 24 + 23] > 2 * hourly[1 * 24 + 5]
