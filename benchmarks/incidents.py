"""Generated incident records with a realistic rhythm, for the sample team and for a force.

`python -m benchmarks.incidents` writes the sample team's three files (fixtures/README.md):

- `fixtures/riverside-wards.geojson`: the six wards as polygons (Northfield with a hole:
  the recreation ground, which is in no ward of the team);
- `fixtures/riverside-incidents.csv`: a year of the force's own records (`occurred`,
  `category`, `longitude`, `latitude`), each at its minute;
- `fixtures/riverside-street.csv`: the same year as police.uk publishes it (its street-level
  CSV columns): the month only, each place moved to the nearest of a set of map points "On
  or near" a street, some with no location, and records of the neighbouring team too.

Every place, street and record is invented. The rhythm is the one forces report: quiet from
02:00 to 07:00, busiest in the evening, the night-time economy on Friday and Saturday
nights, anti-social behaviour after school and in the evening, shoplifting in shop hours,
burglary by day in the week, a student night on Thursday; a few places in each ward
(a precinct, a station forecourt, a row of bars) hold a good share of the harm.
`force_records` makes a force's year (about a million records over many teams' wards) for
the demand benchmark (`benchmarks/demand.py`).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
YEAR_END = date(2026, 10, 31)  # the last day of the sample year
ORIGIN = (-0.31, 51.46)  # the sample team's south-west corner (longitude, latitude)
WARD_SIZE = (0.018, 0.010)  # degrees: about 1.25 km east-west by 1.1 km north-south

# Categories by share of records, each with the hours it keeps.
# shape: name -> (weekday weights Mon..Sun, hour weights 0..23)
EVENING = [2, 1.5, 1, 0.6, 0.4, 0.4, 0.6, 1, 1.5, 2, 2.2, 2.4]
EVENING += [2.6, 2.6, 2.8, 3.2, 3.8, 4.2, 4.4, 4.6, 4.8, 4.6, 4, 3]
NIGHT_ECONOMY = [6, 5, 3.5, 2, 0.6, 0.3, 0.3, 0.4, 0.6, 0.8, 1, 1.2]
NIGHT_ECONOMY += [1.4, 1.4, 1.4, 1.5, 1.7, 2, 2.4, 3, 3.8, 4.8, 5.8, 6.4]
SHOP_HOURS = [0.1] * 8 + [1, 2, 3, 3.5, 4, 4, 4, 4, 4, 3.5, 2.5, 1.5] + [0.5, 0.2, 0.1, 0.1]
DAYTIME = [0.3] * 7 + [0.8, 1.5, 2.5, 3, 3, 3, 3, 3, 3, 3, 3, 2.6, 2, 1.4, 1, 0.6, 0.4]
AFTER_SCHOOL = [0.5, 0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1, 1, 1.2]
AFTER_SCHOOL += [1.5, 1.6, 2, 3.6, 4.5, 4.8, 4.6, 4.4, 4.2, 3.4, 2.4, 1.2]
WEEK = [1, 1, 1, 1.05, 1.2, 1.3, 1.1]
WEEKEND_NIGHTS = [0.7, 0.6, 0.7, 0.9, 1.6, 2.2, 1.0]
WORKING_WEEK = [1.2, 1.2, 1.2, 1.2, 1.2, 0.8, 0.6]

CATEGORIES: dict[str, tuple[float, list[float], list[float]]] = {
    "Anti-social behaviour": (0.30, WEEK, AFTER_SCHOOL),
    "Violence and sexual offences": (0.24, WEEKEND_NIGHTS, NIGHT_ECONOMY),
    "Shoplifting": (0.09, WORKING_WEEK, SHOP_HOURS),
    "Criminal damage and arson": (0.07, WEEK, EVENING),
    "Other theft": (0.06, WEEK, DAYTIME),
    "Vehicle crime": (0.06, WEEK, NIGHT_ECONOMY),
    "Public order": (0.05, WEEKEND_NIGHTS, NIGHT_ECONOMY),
    "Burglary": (0.04, WORKING_WEEK, DAYTIME),
    "Drugs": (0.03, WEEK, EVENING),
    "Theft from the person": (0.02, WEEKEND_NIGHTS, NIGHT_ECONOMY),
    "Bicycle theft": (0.015, WORKING_WEEK, DAYTIME),
    "Robbery": (0.01, WEEKEND_NIGHTS, EVENING),
    "Possession of weapons": (0.008, WEEKEND_NIGHTS, EVENING),
    "Other crime": (0.007, WEEK, DAYTIME),
}


@dataclass(frozen=True)
class WardPlan:
    id: str
    name: str
    column: int  # its place in the team's grid of wards
    row: int
    records: int  # a year's
    spots: tuple[tuple[float, float, float], ...]  # (east, north within the ward 0-1, share)
    mix: dict[str, float]  # more of some categories than the team's usual (factors)


SAMPLE_WARDS = (
    WardPlan(
        "market-square",
        "Market Square",
        1,
        1,
        2400,
        ((0.45, 0.55, 0.22), (0.7, 0.3, 0.12)),
        {"Violence and sexual offences": 1.6, "Public order": 1.5, "Shoplifting": 1.5},
    ),
    WardPlan("st-marks", "St Mark's", 2, 1, 1300, ((0.3, 0.5, 0.18),), {"Shoplifting": 1.8}),
    WardPlan(
        "northfield", "Northfield", 0, 1, 1400, ((0.25, 0.7, 0.25),), {"Anti-social behaviour": 1.8}
    ),
    WardPlan("chandlers-wharf", "Chandlers Wharf", 2, 0, 450, ((0.6, 0.2, 0.15),), {}),
    WardPlan(
        "hollins-green",
        "Hollins Green",
        0,
        0,
        600,
        ((0.5, 0.5, 0.12),),
        {"Burglary": 2.0, "Anti-social behaviour": 1.2},
    ),
    WardPlan(
        "abbey-fields",
        "Abbey Fields",
        1,
        0,
        900,
        ((0.55, 0.6, 0.2),),
        {"Theft from the person": 1.8, "Bicycle theft": 3.0},
    ),
)
HOLE = ("northfield", (0.55, 0.2, 0.85, 0.45))  # the recreation ground: east/north 0-1 box


def _corner(origin: tuple[float, float], plan: WardPlan) -> tuple[float, float]:
    return origin[0] + plan.column * WARD_SIZE[0], origin[1] + plan.row * WARD_SIZE[1]


def _ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [
        [round(x, 6), round(y, 6)] for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
    ]


def boundaries(
    plans: tuple[WardPlan, ...] = SAMPLE_WARDS, origin: tuple[float, float] = ORIGIN
) -> dict:
    """The wards as a GeoJSON FeatureCollection (rectangles; Northfield with its hole)."""
    features = []
    for plan in plans:
        x0, y0 = _corner(origin, plan)
        rings = [_ring(x0, y0, x0 + WARD_SIZE[0], y0 + WARD_SIZE[1])]
        if plan.id == HOLE[0]:
            e0, n0, e1, n1 = HOLE[1]
            w, h = WARD_SIZE
            rings.append(_ring(x0 + e0 * w, y0 + n0 * h, x0 + e1 * w, y0 + n1 * h))
        features.append(
            {
                "type": "Feature",
                "id": plan.id,
                "properties": {"name": plan.name},
                "geometry": {"type": "Polygon", "coordinates": rings},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _pick(rng: random.Random, weights: list[float]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


def records(
    plans: tuple[WardPlan, ...] = SAMPLE_WARDS,
    origin: tuple[float, float] = ORIGIN,
    seed: int = 2026,
    end: date = YEAR_END,
    scale: float = 1.0,
) -> Iterator[tuple[datetime, str, float, float]]:
    """A year of records to `end`: (local time, police.uk category, longitude, latitude)."""
    rng = random.Random(seed)
    days = [end - timedelta(days=n) for n in range(365)]
    names = list(CATEGORIES)
    for plan in plans:
        x0, y0 = _corner(origin, plan)
        weights = [CATEGORIES[c][0] * plan.mix.get(c, 1.0) for c in names]
        for _ in range(round(plan.records * scale)):
            category = names[_pick(rng, weights)]
            _, by_day, by_hour = CATEGORIES[category]
            weekday = _pick(rng, by_day)
            day = days[rng.randrange(len(days))]  # a day of the year, then its weekday
            day += timedelta(days=(weekday - day.weekday()) % 7)
            if day > end:
                day -= timedelta(days=7)
            at = datetime(day.year, day.month, day.day, _pick(rng, by_hour), rng.randrange(60))
            spot = next((s for s in plan.spots if rng.random() < s[2]), None)
            if spot is not None:  # a few tens of metres around the hot spot
                east = min(0.99, max(0.01, rng.gauss(spot[0], 0.015)))
                north = min(0.99, max(0.01, rng.gauss(spot[1], 0.015)))
            else:
                east, north = rng.random(), rng.random()
            yield at, category, x0 + east * WARD_SIZE[0], y0 + north * WARD_SIZE[1]


STREETS = ("High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue")
STREETS += ("Victoria Road", "Queen's Parade", "Albert Street", "The Precinct", "Canal Walk")


def street_level(rows: list[tuple[datetime, str, float, float]], seed: int = 7) -> list[list[str]]:
    """The records as police.uk publishes them: the month, the place moved to the nearest
    map point (a grid of about 100 m) "On or near" a street, 1 in 50 with no location."""
    rng = random.Random(seed)
    step = 0.0009
    out = []
    for number, (at, category, x, y) in enumerate(rows):
        crime_id = "" if category == "Anti-social behaviour" else f"{number:08x}{'0' * 56}"
        if rng.random() < 0.02:
            place = ["", "", "No location"]
        else:
            i, j = round(x / step), round(y / step)
            place = [
                f"{i * step:.6f}",
                f"{j * step:.6f}",
                f"On or near {STREETS[(i * 7 + j) % 10]}",
            ]
        out.append(
            [
                crime_id,
                f"{at:%Y-%m}",
                "Riverside Police",
                "Riverside Police",
                *place,
                "E01000001",
                "Riverside 001A",
                category,
                "" if category == "Anti-social behaviour" else "Under investigation",
                "",
            ]
        )
    return out


POLICE_UK = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude"]
POLICE_UK += ["Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category"]
POLICE_UK += ["Context"]

NEIGHBOURS = (
    WardPlan("east-gate", "East Gate", 3, 1, 500, ((0.5, 0.5, 0.2),), {}),
    WardPlan("south-bank", "South Bank", 3, 0, 300, (), {}),
)


def write_sample(folder: Path = FIXTURES) -> None:
    (folder / "riverside-wards.geojson").write_text(json.dumps(boundaries(), indent=1) + "\n")
    own = sorted(records())
    with (folder / "riverside-incidents.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occurred", "category", "longitude", "latitude"])
        for at, category, x, y in own:
            writer.writerow([at.isoformat(timespec="minutes"), category, f"{x:.6f}", f"{y:.6f}"])
    # the public file: the same records and the neighbouring wards' (outside the team's)
    public = sorted(own + list(records(NEIGHBOURS, seed=11)))
    with (folder / "riverside-street.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(POLICE_UK)
        writer.writerows(street_level(public))


def force_plans(teams: int, wards_per_team: int = 6, records: int = 1_000_000) -> list:
    """A force's wards, `teams` teams side by side, a year of `records` over them in all,
    each ward with a hot spot or two; with the force's origin for each team."""
    plans = []
    per_ward = records / (teams * wards_per_team)
    rng = random.Random(5)
    for team in range(teams):
        origin = (
            ORIGIN[0] + (team % 10) * 4 * WARD_SIZE[0],
            ORIGIN[1] + (team // 10) * 3 * WARD_SIZE[1],
        )
        team_plans = tuple(
            WardPlan(
                f"t{team:03d}-w{w}",
                f"Team {team} ward {w}",
                w % 3,
                w // 3,
                round(per_ward * rng.uniform(0.5, 1.5)),
                ((rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.25)),),
                {},
            )
            for w in range(wards_per_team)
        )
        plans.append((origin, team_plans))
    return plans


if __name__ == "__main__":
    write_sample()
    print(f"Written to {FIXTURES}: riverside-wards.geojson, -incidents.csv and -street.csv")
