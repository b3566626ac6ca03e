"""Demand from data (`scheduler.demand`): each rule of how a record counts, read against a
plain reading of it, and the command's refusals."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.cli import main
from scheduler.demand import (
    HARM,
    DemandOptions,
    Incident,
    Priority,
    demand_from,
    read_boundaries,
    read_incidents,
)
from scheduler.demand.cli import with_demand
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import Scenario, ScenarioError, Window, load_scenario
from tests.support import FIXTURES, one_line_exit_2

LONDON = ZoneInfo("Europe/London")
AS_OF = date(2026, 10, 31)
FRI_22 = 4 * 24 + 22
TUE_22 = 1 * 24 + 22


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 10, tzinfo=LONDON)


def friday(weeks_back: int = 1) -> date:
    day = AS_OF - timedelta(weeks=weeks_back)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def background(count: int = 300, seed: int = 0) -> list[Incident]:
    """Records at random hours in ward "b", so that the team has profiles to learn."""
    rng = random.Random(seed)
    return [
        Incident(
            category=rng.choice(["shoplifting", "anti-social-behaviour"]),
            ward="b",
            at=at(AS_OF - timedelta(days=rng.randrange(1, 200)), rng.randrange(24)),
        )
        for _ in range(count)
    ]


def recency(day: date, half_life: float = 6.0) -> float:
    return 0.5 ** (max(0, (AS_OF - day).days) / 30.44 / half_life)


def test_each_ward_keeps_the_weighted_harm_of_its_records_whatever_the_smoothing():
    rng = random.Random(3)
    incidents = background()
    for _ in range(200):
        day = AS_OF - timedelta(days=rng.randrange(0, 400))
        kind = rng.choice(sorted(HARM))
        ward = rng.choice(["a", "b", "c", None, "elsewhere"])
        when = rng.choice(["at", "day", "month"])
        incidents.append(
            Incident(
                category=kind,
                ward=ward,
                at=at(day, rng.randrange(24)) if when == "at" else None,
                day=day if when == "day" else None,
                month=day.replace(day=1) if when == "month" else None,
            )
        )
    demand = demand_from(incidents, ["a", "b", "c"], DemandOptions(as_of=AS_OF))
    for ward in "abc":
        mine = [i for i in incidents if i.ward == ward]
        expected = sum(HARM[i.category] * recency(i.dated) for i in mine)
        assert sum(demand.wards[ward].harm_hours) == pytest.approx(expected, rel=1e-9)
        assert demand.wards[ward].records == len(mine)
    assert demand.outside == sum(1 for i in incidents if i.ward not in ("a", "b", "c"))
    top = max(v for w in demand.wards.values() for v in w.hourly)
    assert top == pytest.approx(3.0 + 0.1, abs=0.01)  # the busiest ward-hour, plus baseline
    assert min(v for w in demand.wards.values() for v in w.hourly) >= 0.1


def test_one_robbery_does_not_make_a_peak_and_forty_on_friday_nights_do():
    for robberies, peak in ((1, False), (40, True)):
        incidents = background() + [
            Incident(category="robbery", ward="a", at=at(friday(n % 20 + 1), 22))
            for n in range(robberies)
        ]
        demand = demand_from(incidents, ["a", "b"], DemandOptions(as_of=AS_OF))
        hours = demand.wards["a"].harm_hours
        share = hours[FRI_22] / sum(hours)
        if peak:
            assert share > 0.25 and hours[FRI_22] > 5 * hours[TUE_22]
        else:
            # most of it follows the team's hours; its own hour keeps a twentieth of it
            assert share < 0.05 and hours[FRI_22] < 3 * hours[TUE_22]


def test_harm_and_recency_weigh_each_record():
    day = friday()
    one = [Incident(category="robbery", ward="a", at=at(day, 22))]
    one += [Incident(category="shoplifting", ward="b", at=at(day, 22))]
    one += [Incident(category="robbery", ward="c", at=at(day - timedelta(days=365), 22))]
    demand = demand_from(one, ["a", "b", "c"], DemandOptions(as_of=AS_OF))
    total = {w: sum(d.harm_hours) for w, d in demand.wards.items()}
    assert total["a"] / total["b"] == pytest.approx(HARM["robbery"] / HARM["shoplifting"])
    assert total["c"] / total["a"] == pytest.approx(0.5 ** (365 / 30.44 / 6))  # a year older
    edited = DemandOptions(as_of=AS_OF, harm={**HARM, "shoplifting": 365.0})
    again = demand_from(one, ["a", "b", "c"], edited)
    assert sum(again.wards["a"].harm_hours) == pytest.approx(sum(again.wards["b"].harm_hours))


def test_records_without_their_hour_follow_their_category_on_the_records_with_one():
    saturday_1am = 5 * 24 + 1
    timed = [
        Incident(category="burglary", ward="b", at=at(friday(n % 10 + 1) + timedelta(1), 1))
        for n in range(40)
    ]
    month = [Incident(category="burglary", ward="a", month=date(2026, 9, 1))]
    demand = demand_from(timed + month, ["a", "b"], DemandOptions(as_of=AS_OF))
    hours = demand.wards["a"].harm_hours
    assert max(range(168), key=hours.__getitem__) == saturday_1am
    assert demand.profiles["burglary"] == "its own"
    # a day without its hour stays on its day
    tuesday = friday() - timedelta(days=3)
    day_only = [Incident(category="burglary", ward="a", day=tuesday)]
    demand = demand_from(timed + day_only, ["a", "b"], DemandOptions(as_of=AS_OF, shrink=0))
    hours = demand.wards["a"].harm_hours
    assert sum(hours[24:48]) == pytest.approx(sum(hours), rel=0.02)  # the hours either side
    # too few timed records of a category: all categories' profile; none: a typical week
    few = demand_from(background() + month, ["a", "b"], DemandOptions(as_of=AS_OF))
    assert few.profiles["burglary"] == "all categories'"
    none = demand_from(month, ["a", "b"], DemandOptions(as_of=AS_OF))
    assert none.profiles["burglary"] == "typical"
    hours = none.wards["a"].harm_hours
    assert hours[5 * 24 + 21] > hours[1 * 24 + 4]  # Saturday evening above Tuesday 04:00


def test_priorities_add_their_weight_in_their_window_with_their_reason():
    priority = Priority(
        ward="a",
        window=Window(days=["fri", "sat"], start="20:00", end="23:00", weight=1.5),
        reason="anti-social behaviour around the precinct",
    )
    plain = demand_from(background(), ["a", "b"], DemandOptions(as_of=AS_OF))
    added = demand_from(background(), ["a", "b"], DemandOptions(as_of=AS_OF), [priority])
    for hour in range(168):
        inside = (hour // 24 in (4, 5)) and 20 <= hour % 24 < 23
        difference = added.wards["a"].hourly[hour] - plain.wards["a"].hourly[hour]
        assert difference == pytest.approx(1.5 if inside else 0.0, abs=0.002)
    assert added.wards["a"].priorities == [priority]
    with pytest.raises(ValueError, match="not one of the team's"):
        demand_from([], ["b"], DemandOptions(as_of=AS_OF), [priority])


def test_a_category_with_no_harm_weight_is_named_with_the_fix():
    records = [Incident(category="hare-coursing", ward="a", at=at(friday(), 3))]
    with pytest.raises(ValueError, match="no harm weight for hare-coursing; give them weights"):
        demand_from(records, ["a"])


def test_reading_a_police_uk_file_and_a_force_export(tmp_path: Path):
    police_uk = "Crime ID,Month,Reported by,Longitude,Latitude,Crime type\n"
    police_uk += "x1,2026-09,Force,-1.5,53.5,Violence and sexual offences\n"
    police_uk += "x2,2026-08,Force,-1.25,53.25,Anti-social behaviour\n"
    police_uk += "x3,2026-08,Force,-0.5,53.8,Burglary\n"  # outside every ward
    shapes = {
        "type": "FeatureCollection",
        "features": [
            {  # a square with a hole in its middle
                "type": "Feature",
                "id": "a",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[-2, 53], [-1, 53], [-1, 54], [-2, 54], [-2, 53]],
                        [[-1.6, 53.4], [-1.4, 53.4], [-1.4, 53.6], [-1.6, 53.6]],
                    ],
                },
            },
            {  # the hole is ward b
                "type": "Feature",
                "properties": {"ward": "b"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[-1.6, 53.4], [-1.4, 53.4], [-1.4, 53.6], [-1.6, 53.6]]]],
                },
            },
        ],
    }
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(shapes))
    boundaries = read_boundaries(path, ["a", "b", "c"])
    assert read_boundaries(path, ["b"]).wards.keys() == {"b"}  # another team's wards pass
    with pytest.raises(ScenarioError, match="none of the team's wards"):
        read_boundaries(path, ["x"])
    records = read_incidents(police_uk, LONDON, boundaries=boundaries)
    assert [(r.ward, r.category, r.month) for r in records] == [
        ("b", "violence-and-sexual-offences", date(2026, 9, 1)),
        ("a", "anti-social-behaviour", date(2026, 8, 1)),
        (None, "burglary", date(2026, 8, 1)),
    ]
    export = "Occurred,Category,Ward\n2026-10-02 23:30,Robbery,a\n2026-03-29T01:30:00Z,Drugs,b\n"
    first, second = read_incidents(export, LONDON)
    assert first.at == datetime(2026, 10, 2, 23, 30, tzinfo=LONDON)
    assert second.at is not None and second.at.hour == 2  # 01:30 UTC: 02:30 BST, the clocks
    assert (second.at.utcoffset() or timedelta()).total_seconds() == 3600


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Month,Crime type,Ward\n2026-13,Burglary,a\n", "line 2: '2026-13' is not a month"),
        ("timestamp,category,ward\nyesterday,Burglary,a\n", "line 2: 'yesterday' is not a date"),
        ("timestamp,category,ward\n2026-01-01T10:00,,a\n", "line 2: no category"),
        ("when,category,ward\n2026-01-01,Burglary,a\n", "no column says when"),
        ("timestamp,category,place\n2026-01-01T10:00,Burglary,a\n", "no ward column"),
        ("Month,Crime type,Longitude,Latitude\n2026-01,Burglary,1,2\n", "give the wards'"),
    ],
)
def test_a_file_that_cannot_be_read_names_its_line_and_the_fix(text: str, message: str):
    with pytest.raises(ScenarioError, match=message):
        read_incidents(text, LONDON)


def test_the_command_writes_the_scenario_with_each_wards_demand(tmp_path: Path, capsys):
    team = load_scenario(FIXTURES / "riverside.json")
    ward = team.wards[0].id
    rows = ["timestamp,category,ward"]
    rows += [f"{friday(n % 8 + 1)}T22:15,Violence and sexual offences,{ward}" for n in range(30)]
    rows += [f"{friday(n % 8 + 1)}T10:15,Shoplifting,{team.wards[1].id}" for n in range(5)]
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("\n".join(rows) + "\n")
    out = tmp_path / "team.json"
    code = main(["demand", str(FIXTURES / "riverside.json"), str(incidents), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "violence-and-sexual-offences 100% (30)" in printed
    written = load_scenario(out)
    hourly = written.wards[0].hourly_demand
    assert hourly is not None and max(range(168), key=hourly.__getitem__) == FRI_22
    assert written.wards[0].demand_by_local_hour[(4, 22)] == pytest.approx(max(hourly))
    # everything else is the team as it was
    assert written.model_dump(exclude={"wards"}) == team.model_dump(exclude={"wards"})


def test_the_command_sets_a_rotas_presence_against_each_wards_demand(tmp_path: Path, capsys):
    team = load_scenario(FIXTURES / "riverside.json")
    ward = team.wards[0]
    rows = ["timestamp,category,ward"]
    rows += [f"{friday(n % 8 + 1)}T22:15,Violence and sexual offences,{ward.id}" for n in range(30)]
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("\n".join(rows) + "\n")
    monday = datetime.combine(team.week_start, datetime.min.time(), LONDON)
    friday_night = monday + timedelta(days=4, hours=20)
    patrols = [
        Activity(
            kind="patrol", ward=ward.id, start=friday_night, end=friday_night + timedelta(hours=4)
        )
    ]
    duties = [
        Duty(
            staff=person,
            day=friday_night.date(),
            template="late-late",
            start=friday_night,
            end=friday_night + timedelta(hours=4),
            activities=patrols,
        )
        for person in ("pc-walsh", "pc-osei")
    ]
    rota = tmp_path / "rota.json"
    rota.write_text(
        Rota(team="riverside", week_start=team.week_start, duties=duties).model_dump_json()
    )
    code = main(["demand", str(FIXTURES / "riverside.json"), str(incidents), "--rota", str(rota)])
    assert code == 0
    printed = capsys.readouterr().out
    assert f"{ward.name}: demand by hour" in printed
    assert "8 person-hours" in printed  # two people, four hours
    friday_row = printed.split(f"{ward.name}: demand by hour")[1].splitlines()[11]
    assert friday_row.strip() == "|" + "." * 20 + "2222|"  # Friday 20:00-24:00, two people


def test_with_demand_keeps_the_scenario_valid():
    team = load_scenario(FIXTURES / "riverside.json")
    ids = [w.id for w in team.wards]
    demand = demand_from(background(), ids, DemandOptions(as_of=AS_OF))
    assert isinstance(with_demand(team, demand), Scenario)


def test_the_command_refuses_bad_input_in_one_line(tmp_path: Path, capsys):
    bad = tmp_path / "incidents.csv"
    bad.write_text("timestamp,category,ward\n2026-01-01T10:00,Hare coursing,market-square\n")
    out = tmp_path / "team.json"
    err = one_line_exit_2(
        main, ["demand", str(FIXTURES / "riverside.json"), str(bad), "--out", str(out)], capsys
    )
    assert "no harm weight for hare-coursing" in err
    assert not out.exists()
    harm = tmp_path / "harm.csv"
    harm.write_text("category,weight\nHare coursing,3\n")
    assert main(["demand", str(FIXTURES / "riverside.json"), str(bad), "--harm", str(harm)]) == 0
    capsys.readouterr()
    missing = one_line_exit_2(
        main, ["demand", str(FIXTURES / "riverside.json"), str(tmp_path / "none.csv")], capsys
    )
    assert "no such file" in missing
