"""The few places in each ward where harm concentrates, and when (`hot_spots_from`): a pure
function over the records that have coordinates.

1. **Cells**: each record falls in a square of `cell_metres` (150 m: a street's length) on a
   grid fixed for the team (north-south in degrees of latitude, east-west in degrees of
   longitude scaled at the team's whole degree of latitude, so the same place is the same
   cell every time the demand is built).
2. **Harm**: a cell's records weigh as they do for demand (harm by category, halved every
   half-life), and only a cell with `min_records` (5) or more can be a hot spot: no single
   home, and no one victim's repeated calls, is singled out.
3. **Concentration**: a cell's harm, less where few records hold it (times records /
   (records + shrink), so one robbery among five records is not a hot spot), must be at
   least `concentration` (2) times the mean harm of the ward's occupied cells and
   `min_share` (5%) of the ward's; the highest first, up to `per_ward` (3).
4. **Peak hours**: a hot spot's harm by hour of the week, each category's (records without
   their hour spread as for demand) spread two hours either side and drawn towards that
   category's hours over the team by shrink / (its records there + shrink), as a ward's
   demand is; its peak hours are those at least `peak_share` (half) of its busiest. A
   hot spot's one robbery does not make its peak.

A hot spot is written as its cell's centre and its counts: nothing of a single record.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

from scheduler.demand.profile import (
    HOURS,
    Demand,
    DemandOptions,
    Priority,
    WardDemand,
    WeekHours,
    demand_from,
    hourly_profiles,
    recency,
    spread_hours,
)
from scheduler.demand.records import Incident
from scheduler.scenario import HotSpot

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class HotSpotOptions:
    cell_metres: float = 150.0
    min_records: int = 5  # a cell with fewer records is never a hot spot
    per_ward: int = 3
    concentration: float = 2.0  # times the ward's mean harm per occupied cell, at least
    min_share: float = 0.05  # of the ward's harm, at least
    peak_share: float = 0.5  # a peak hour holds at least this share of the busiest hour

    def __post_init__(self) -> None:
        if not 10 <= self.cell_metres <= 2000:
            raise ValueError(f"cell_metres must be 10 to 2000, got {self.cell_metres}")
        if self.min_records < 2:
            raise ValueError("min_records must be 2 or more: one record is one home")
        if self.per_ward < 0 or self.concentration < 0 or not 0 < self.peak_share <= 1:
            raise ValueError("per_ward and concentration 0 or more, peak_share above 0 to 1")


@dataclass(frozen=True)
class Grid:
    """Square cells of about `metres` a side, fixed by the whole degree of latitude."""

    metres: float
    latitude: int

    @property
    def height(self) -> float:
        return self.metres / METRES_PER_DEGREE

    @property
    def width(self) -> float:
        return self.metres / (METRES_PER_DEGREE * math.cos(math.radians(self.latitude)))

    def cell(self, point: tuple[float, float]) -> tuple[int, int]:
        longitude, latitude = point
        return math.floor(longitude / self.width), math.floor(latitude / self.height)

    def centre(self, cell: tuple[int, int]) -> tuple[float, float]:
        return (
            round((cell[0] + 0.5) * self.width, 5),
            round((cell[1] + 0.5) * self.height, 5),
        )


def hot_spots_from(
    incidents: Sequence[Incident],
    wards: Mapping[str, WardDemand],
    names: Mapping[str, str],
    options: DemandOptions | None = None,
    spots: HotSpotOptions | None = None,
    as_of: date | None = None,
) -> dict[str, list[HotSpot]]:
    """Each ward's hot spots (see the module's notes): `wards` are the team's wards (the
    demand built from the same records, `demand_from`), `names` their names, for the hot
    spots' names."""
    options = options or DemandOptions()
    spots = spots or HotSpotOptions()
    placed = [i for i in incidents if i.point is not None and i.ward in wards]
    result: dict[str, list[HotSpot]] = {ward: [] for ward in wards}
    if not placed:
        return result
    as_of = as_of or options.as_of or max(i.dated for i in incidents)
    grid = Grid(spots.cell_metres, round(median(i.point[1] for i in placed)))  # type: ignore[index]
    profiles, _ = hourly_profiles(incidents, options.shrink)
    harm: dict[tuple[str, tuple[int, int]], float] = defaultdict(float)
    count: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    kinds: dict[tuple[tuple[str, tuple[int, int]], str], int] = defaultdict(int)
    weighed = []  # each record with its cell and weight, for its hours once cells are chosen
    for incident in placed:
        assert incident.point is not None and incident.ward is not None
        key = (incident.ward, grid.cell(incident.point))
        weight = options.harm.get(incident.category, 0.0) * recency(
            incident.dated, as_of, options.half_life_months
        )
        harm[key] += weight
        count[key] += 1
        kinds[key, incident.category] += 1
        weighed.append((key, incident, weight))
    cells: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ward, cell in harm:
        cells[ward].append(cell)
    chosen: dict[tuple[str, tuple[int, int]], None] = {}
    for ward, occupied in cells.items():
        total = sum(harm[ward, cell] for cell in occupied)
        mean = total / len(occupied)

        def score(cell: tuple[int, int], ward: str = ward) -> float:
            """Its harm, less where few records hold it: one robbery is not a hot spot."""
            n = count[ward, cell]
            return harm[ward, cell] * n / (n + options.shrink)

        ranked = sorted(occupied, key=lambda cell: (-score(cell), cell))
        picks = [
            cell
            for cell in ranked
            if count[ward, cell] >= spots.min_records
            and score(cell) >= max(spots.concentration * mean, spots.min_share * total)
            and score(cell) > 0
        ][: spots.per_ward]
        for cell in picks:
            chosen[ward, cell] = None
    if not chosen:
        return result
    week = WeekHours()  # the hot spots' records only: a force has a million others
    for key, incident, weight in weighed:
        if key in chosen:
            week.add((key, incident.category), incident, weight)

    # each category's hours at the hot spot, drawn towards that category's hours over the
    # team by shrink / (its records there + shrink), as for a ward's demand: a hot spot's
    # one robbery does not make its peak
    def shape_of(key: tuple[object, str]) -> list[float]:
        return profiles.get(key[1], profiles[""])

    hours: dict[tuple[str, tuple[int, int]], list[float]] = defaultdict(lambda: [0.0] * HOURS)
    for (key, category), row in week.rows(shape_of).items():
        spread = spread_hours(spread_hours(row))  # two hours either side: few records
        total = sum(spread)
        shape = shape_of((key, category))
        pull = options.shrink / (kinds[key, category] + options.shrink) if options.shrink else 0.0
        hours[key] = [
            a + (1 - pull) * v + pull * total * shape[h]
            for h, (a, v) in enumerate(zip(hours[key], spread, strict=True))
        ]
    for ward, cell in chosen:
        key = (ward, cell)
        ward_total = sum(harm[ward, c] for c in cells[ward])
        smoothed = hours[key]
        busiest = max(smoothed)
        peak = [h for h, v in enumerate(smoothed) if v >= spots.peak_share * busiest]
        number = len(result[ward]) + 1
        longitude, latitude = grid.centre(cell)
        result[ward].append(
            HotSpot(
                id=f"{ward}-hs{number}"[:64],
                name=f"{names.get(ward, ward)} hot spot {number}",
                longitude=longitude,
                latitude=latitude,
                records=count[key],
                harm_share=round(harm[key] / ward_total, 4) if ward_total else 0.0,
                peak_hours=peak,
            )
        )
    return result


@dataclass
class Built:
    """A team's demand and hot spots from one set of records, with how many were placed."""

    demand: Demand
    hot_spots: dict[str, list[HotSpot]]
    placed: int  # records with coordinates
    unplaced: int  # records in a file with coordinates that had none ("No location")


def demand_and_hot_spots(
    incidents: Sequence[Incident],
    names: Mapping[str, str],
    options: DemandOptions | None = None,
    priorities: Sequence[Priority] = (),
) -> Built:
    """Each ward's demand (`demand_from`) and hot spots (`hot_spots_from`) from the same
    records; `names` gives the team's ward ids, in order, with their names."""
    options = options or DemandOptions()
    demand = demand_from(incidents, list(names), options, priorities)
    spots = hot_spots_from(incidents, demand.wards, names, options, as_of=demand.as_of)
    placed = sum(incident.point is not None for incident in incidents)
    return Built(demand, spots, placed, len(incidents) - placed if placed else 0)
