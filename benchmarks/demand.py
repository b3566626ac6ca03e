"""The demand part: demand and hot spots built from incident records, and what they buy.

    python -m benchmarks.demand [--short] [--out FILE]

Two measurements, written into the "Demand from data" section of docs/benchmarks.md:

1. **Building time for a force's year**: FORCE_RECORDS generated records (time to the
   minute, police.uk category, coordinates; `benchmarks.incidents.force_plans`) over
   FORCE_TEAMS teams of six wards, with the wards' GeoJSON: reading the boundaries, reading
   the CSV (each record placed in its ward by its coordinates), building every ward's
   demand (`demand_from`) and its hot spots (`hot_spots_from`), BUILD_RUNS times; medians.
2. **Presence at hot spots**: the sample team's week solved on its hand-typed demand and
   on the demand built from `fixtures/riverside-incidents.csv`, SOLVE_LIMIT seconds each,
   for SEEDS; both rotas scored against the same hot spots (from the records): person-hours
   of patrol in each hot spot's ward in its peak hours, weighted by the hot spot's harm;
   the share of its peak hours with somebody there; and the visits `scheduler.visits`
   plans in each rota (with the spacing rule's gaps).

`--short` (the tests' mode): SHORT_RECORDS records over SHORT_TEAMS teams, one run; the
sample at SHORT_LIMIT seconds, seed 0.
"""

from __future__ import annotations

import csv
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.document import DEMAND, ROOT, machine, part_command
from benchmarks.incidents import boundaries, force_plans, records
from scheduler.demand import DemandOptions, demand_from, read_boundaries, read_incidents
from scheduler.demand.cli import build_demand, with_demand
from scheduler.demand.hotspots import hot_spots_from
from scheduler.rota import Rota
from scheduler.scenario import HotSpot, Scenario, load_scenario
from scheduler.solve import SolveOptions, solve
from scheduler.summary import presence_by_hour
from scheduler.visits import plan_visits, spacing_problems

SAMPLE = ROOT / "fixtures" / "riverside.json"
SAMPLE_RECORDS = ROOT / "fixtures" / "riverside-incidents.csv"
SAMPLE_WARDS = ROOT / "fixtures" / "riverside-wards.geojson"
FORCE_TEAMS = 100
FORCE_RECORDS = 1_000_000
BUILD_RUNS = 3
SOLVE_LIMIT = 30.0
SEEDS = (0, 1, 2)
SHORT_TEAMS = 5
SHORT_RECORDS = 20_000
SHORT_LIMIT = 10.0
LONDON = ZoneInfo("Europe/London")


@dataclass
class Build:
    boundaries: float
    read: float
    demand: float
    hot_spots: float
    records: int
    wards: int
    outside: int
    spots: int

    @property
    def total(self) -> float:
        return self.boundaries + self.read + self.demand + self.hot_spots


def write_force(folder: Path, teams: int, rows: int) -> tuple[Path, Path, list[str]]:
    """A force's year of records and its wards' GeoJSON in `folder`; the ward ids."""
    features, ids = [], []
    with (folder / "force.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occurred", "category", "longitude", "latitude"])
        for number, (origin, plans) in enumerate(force_plans(teams, records=rows)):
            features += boundaries(plans, origin)["features"]
            ids += [plan.id for plan in plans]
            for at, category, x, y in records(plans, origin, seed=number):
                writer.writerow(
                    [at.isoformat(timespec="minutes"), category, f"{x:.6f}", f"{y:.6f}"]
                )
    shapes = folder / "force-wards.geojson"
    shapes.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return folder / "force.csv", shapes, ids


def build_once(csv_path: Path, shapes: Path, ids: list[str]) -> Build:
    started = time.perf_counter()
    wards = read_boundaries(shapes, ids)
    read_at = time.perf_counter()
    found = read_incidents(csv_path.read_text(), LONDON, boundaries=wards)
    demand_at = time.perf_counter()
    options = DemandOptions()
    demand = demand_from(found, ids, options)
    spots_at = time.perf_counter()
    spots = hot_spots_from(found, demand.wards, {i: i for i in ids}, options, as_of=demand.as_of)
    done = time.perf_counter()
    return Build(
        boundaries=read_at - started,
        read=demand_at - read_at,
        demand=spots_at - demand_at,
        hot_spots=done - spots_at,
        records=len(found),
        wards=len(ids),
        outside=demand.outside,
        spots=sum(map(len, spots.values())),
    )


@dataclass
class Presence:
    label: str
    seed: int
    weighted: float  # harm-weighted person-hours at hot spots' wards in their peak hours
    covered: float  # harm-weighted share of peak hours with somebody patrolling there
    visits: int
    gaps: int
    objective: float | None


def presence(
    scenario: Scenario, spots: dict[str, list[HotSpot]], rota: Rota
) -> tuple[float, float]:
    """Harm-weighted patrol person-hours in each hot spot's ward during its peak hours, per
    unit of harm share; and the harm-weighted share of its peak hours with someone there."""
    weighted = covered = total = 0.0
    for ward, found in spots.items():
        there = presence_by_hour(rota, ward, scenario.zone)
        for spot in found:
            weighted += spot.harm_share * sum(there[h] for h in spot.peak_hours)
            present = sum(1 for h in spot.peak_hours if there[h] >= 0.5)
            covered += spot.harm_share * present / len(spot.peak_hours)
            total += spot.harm_share
    return weighted / max(total, 1e-9), covered / max(total, 1e-9)


def presence_runs(limit: float, seeds: Sequence[int]) -> list[Presence]:
    hand = load_scenario(SAMPLE)
    built = build_demand(hand, SAMPLE_RECORDS, SAMPLE_WARDS)
    data = with_demand(hand, built.demand, built.hot_spots)
    runs = []
    for seed in seeds:
        for label, scenario in (("hand-typed demand", hand), ("demand from records", data)):
            result = solve(scenario, SolveOptions(time_limit=limit, seed=seed))
            assert result.rota is not None, result.report.explanation
            duties = plan_visits(data, [d.model_copy(deep=True) for d in result.rota.duties])
            weighted, covered = presence(data, built.hot_spots, result.rota)
            runs.append(
                Presence(
                    label,
                    seed,
                    weighted,
                    covered,
                    sum(len(a.visits) for d in duties for a in d.activities),
                    len(spacing_problems(data, duties)),
                    result.report.objective,
                )
            )
    return runs


def report(short: bool) -> list[str]:
    teams, rows = (SHORT_TEAMS, SHORT_RECORDS) if short else (FORCE_TEAMS, FORCE_RECORDS)
    with tempfile.TemporaryDirectory() as folder:
        csv_path, shapes, ids = write_force(Path(folder), teams, rows)
        builds = [build_once(csv_path, shapes, ids) for _ in range(1 if short else BUILD_RUNS)]
    limit, seeds = (SHORT_LIMIT, SEEDS[:1]) if short else (SOLVE_LIMIT, SEEDS)
    runs = presence_runs(limit, seeds)
    first = builds[0]

    def median(what: str) -> float:
        return statistics.median(getattr(b, what) for b in builds)

    lines = [
        DEMAND + " from data",
        "",
        f"`python -m benchmarks.demand{' --short' if short else ''}`, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}. What the records are and how "
        "they count: docs/demand.md.",
        "",
        f"### Building demand and hot spots for a force's year ({first.records:,} records)",
        "",
        f"{teams} teams, {first.wards} wards (one GeoJSON), {first.records:,} records of a "
        "year (`occurred` to the minute, police.uk category, coordinates; generated by "
        f"`benchmarks.incidents`), each placed in its ward by its coordinates; "
        f"{first.outside:,} fell in no ward. Median of {len(builds)} run(s), one process:",
        "",
        "| stage | seconds (median) |",
        "|---|---|",
        f"| read the wards' boundaries | {median('boundaries'):.2f} |",
        f"| read the CSV and place each record in its ward | {median('read'):.1f} |",
        f"| every ward's demand (`demand_from`) | {median('demand'):.1f} |",
        f"| every ward's hot spots (`hot_spots_from`; {first.spots} found) | "
        f"{median('hot_spots'):.1f} |",
        f"| **total** | **{median('total'):.1f}** |",
        "",
        f"Runs: {', '.join(f'{b.total:.1f} s' for b in builds)}.",
        "",
        "### Presence at hot spots: hand-typed demand against demand from records",
        "",
        f"The sample team's week solved for {limit:g} s (2 workers) on each demand, seed by "
        "seed; both rotas scored against the same hot spots (built from "
        "`fixtures/riverside-incidents.csv`): person-hours of patrol in each hot spot's ward "
        "in its peak hours, weighted by the hot spot's share of its ward's harm (a mean over "
        "hot spots); the harm-weighted share of peak hours with somebody patrolling there "
        "(half an hour or more); and the visits `scheduler.visits` plans in the rota, with "
        "the gaps over two hours in patrolled peak time.",
        "",
        "| demand | seed | weighted person-hours at hot spots | peak hours with presence "
        "| visits | gaps over 2 h | objective |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.label} | {run.seed} | {run.weighted:.1f} | {100 * run.covered:.0f}% | "
            f"{run.visits} | {run.gaps} | {run.objective} |"
        )
    hand = [r for r in runs if r.label.startswith("hand")]
    data = [r for r in runs if not r.label.startswith("hand")]
    ratios = [d.weighted / h.weighted for h, d in zip(hand, data, strict=True) if h.weighted]
    visit_ratios = [d.visits / h.visits for h, d in zip(hand, data, strict=True) if h.visits]
    lines += [
        "",
        f"Harm-weighted presence at hot spots in their peak hours, records against hand-typed: "
        f"median ×{statistics.median(ratios):.2f} over {len(ratios)} seed(s) "
        f"({', '.join(f'×{r:.2f}' for r in ratios)}); visits planned ×"
        f"{statistics.median(visit_ratios):.2f}. (The objectives are not comparable: each is "
        "its own demand's.)",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    return part_command(__doc__ or "", DEMAND, report, argv)


if __name__ == "__main__":
    raise SystemExit(main())
