"""`beatplan demand`: a team's ward demand built from incident records, shown, and written
into the scenario (`hourly_demand`) for everything downstream."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import date
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.table import Table

from scheduler.demand.hotspots import Built, demand_and_hot_spots
from scheduler.demand.profile import (
    BUSIEST,
    HARM,
    Demand,
    DemandOptions,
    Priority,
    busiest_covered,
)
from scheduler.demand.records import read_boundaries, read_incidents, slug
from scheduler.rota import load_rota
from scheduler.scenario import (
    HotSpot,
    Scenario,
    ScenarioError,
    describe_validation_error,
    load_scenario,
    read_json,
)
from scheduler.summary import presence_by_hour

SHADES = " .:-=+*#%@"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def add_command(commands: argparse._SubParsersAction, positive) -> None:
    demand_cmd = commands.add_parser(
        "demand", help="build the wards' demand by weekday and hour from incident records"
    )
    demand_cmd.add_argument("scenario", type=Path, help="the team's scenario JSON file")
    demand_cmd.add_argument(
        "incidents", type=Path, help="CSV of records: when, category, ward (docs/demand.md)"
    )
    demand_cmd.add_argument(
        "--boundaries", type=Path, help="GeoJSON of the wards (records given by coordinates)"
    )
    demand_cmd.add_argument(
        "--priorities", type=Path, help="JSON list of the ward panels' priorities"
    )
    demand_cmd.add_argument(
        "--harm", type=Path, help="CSV (category,weight) or JSON of harm weights over the defaults"
    )
    demand_cmd.add_argument(
        "--as-of", type=date.fromisoformat, help="count recency back from this day (YYYY-MM-DD)"
    )
    demand_cmd.add_argument(
        "--half-life", type=positive, default=6.0, help="months in which a record's weight halves"
    )
    demand_cmd.add_argument(
        "--rota",
        type=Path,
        help="a rota of the scenario's week (beatplan solve --out): its presence in each "
        "ward's hours, set against the demand",
    )
    demand_cmd.add_argument("-o", "--out", type=Path, help="write the scenario with its demand")
    demand_cmd.add_argument("--quiet", action="store_true", help="no heatmaps")


def run_demand(arguments: argparse.Namespace, check_out, write_out) -> int:
    scenario = load_scenario(arguments.scenario)
    check_out(arguments.out)
    harm = dict(HARM)
    if arguments.harm is not None:
        harm.update(_harm(arguments.harm))
    priorities = _priorities(arguments.priorities) if arguments.priorities else []
    options = DemandOptions(as_of=arguments.as_of, half_life_months=arguments.half_life, harm=harm)
    built = build_demand(scenario, arguments.incidents, arguments.boundaries, options, priorities)
    presence = None
    if arguments.rota is not None:
        rota = load_rota(arguments.rota)
        presence = {
            ward.id: presence_by_hour(rota, ward.id, scenario.zone) for ward in scenario.wards
        }
    out = Console(width=120)
    show(
        scenario,
        built.demand,
        out,
        heatmaps=not arguments.quiet,
        unplaced=built.unplaced,
        presence=presence,
    )
    show_hot_spots(scenario, built.hot_spots, out, placed=built.placed)
    if arguments.out is not None:
        written = with_demand(scenario, built.demand, built.hot_spots)
        write_out(arguments.out, written.model_dump_json(indent=2) + "\n")
        out.print(
            f"Written to {arguments.out}: each ward's hourly_demand and hot spots from these "
            "records."
        )
    return 0


def build_demand(
    scenario: Scenario,
    incidents: Path,
    boundaries: Path | None = None,
    options: DemandOptions | None = None,
    priorities: list[Priority] | None = None,
) -> Built:
    """The team's demand and hot spots from a file of records (`ScenarioError` names what
    cannot be read and the fix)."""
    names = {ward.id: ward.name for ward in scenario.wards}
    shapes = read_boundaries(boundaries, list(names)) if boundaries else None
    records = read_incidents(
        _text(incidents, "incidents CSV"), scenario.zone, source=str(incidents), boundaries=shapes
    )
    return demand_and_hot_spots(records, names, options, priorities or ())


def with_demand(
    scenario: Scenario, demand: Demand, hot_spots: dict[str, list[HotSpot]] | None = None
) -> Scenario:
    """The scenario with each ward's `hourly_demand` from the demand and, where given, its
    hot spots (a ward's old ones replaced), checked again."""
    data = scenario.model_dump(mode="json")
    for ward in data["wards"]:
        ward["hourly_demand"] = demand.wards[ward["id"]].hourly
        ward["demand_basis"] = demand.basis(ward["id"]).model_dump(mode="json")
        if hot_spots is not None:
            ward["hot_spots"] = [
                spot.model_dump(mode="json") for spot in hot_spots.get(ward["id"], [])
            ]
    return Scenario.model_validate(data)


def peak_text(hours: list[int]) -> str:
    """Hours of the week as stretches: "Fri 19:00-Sat 03:00, Sat 19:00-Sun 03:00"."""
    stretches: list[list[int]] = []
    for hour in sorted(hours):
        if stretches and stretches[-1][1] == hour:
            stretches[-1][1] = hour + 1
        else:
            stretches.append([hour, hour + 1])

    def at(hour: int) -> str:
        return f"{DAYS[(hour // 24) % 7]} {hour % 24:02d}:00"

    return ", ".join(
        f"{at(a)}-{at(b)[4:] if a // 24 == b // 24 or (b % 24 == 0 and b - a < 24) else at(b)}"
        for a, b in stretches
    )


def show_hot_spots(
    scenario: Scenario, spots: dict[str, list[HotSpot]], out: Console, placed: int
) -> None:
    if not placed:
        out.print("No record has coordinates, so no hot spots were looked for.")
        return
    table = Table(title="Hot spots: where harm concentrates (cells of 150 m, 5 records or more)")
    for column in ("ward", "hot spot", "at", "records", "ward's harm", "peak hours"):
        table.add_column(column)
    names = {ward.id: ward.name for ward in scenario.wards}
    for ward, found in spots.items():
        for spot in found:
            table.add_row(
                names[ward],
                spot.name,
                f"{spot.latitude:.5f}, {spot.longitude:.5f}",
                str(spot.records),
                f"{100 * spot.harm_share:.0f}%",
                peak_text(spot.peak_hours),
            )
        if not found:
            table.add_row(names[ward], "-", "", "", "", "none stands out")
    out.print(table)


def _text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file; give the path of the {what}") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: a folder; give the path of the {what}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; save the {what} as UTF-8") from None


def _harm(path: Path) -> dict[str, float]:
    """Harm weights from a CSV (category,weight) or a JSON object."""
    return parse_harm(_text(path, "harm weights"), str(path))


def parse_harm(text: str, source: str = "harm weights") -> dict[str, float]:
    """Harm weights from a JSON object of category: weight, or a CSV of category,weight
    rows (a header row "category,weight" allowed); `ScenarioError` names the problem."""
    if text.lstrip().startswith("{"):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"{source}: not JSON ({error}); give an object") from None
        if not isinstance(raw, dict):
            raise ScenarioError(f"{source}: give an object of category: weight")
        rows = [(str(category), weight) for category, weight in raw.items()]
    else:
        rows = []
        for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < 2:
                raise ScenarioError(f"{source} line {line}: give a category and its weight")
            if line == 1 and row[0].strip().lower() == "category":
                continue
            rows.append((row[0], row[1]))
    weights = {}
    for category, weight in rows:
        try:
            value = float(weight)
        except (TypeError, ValueError):
            raise ScenarioError(f"{source}: the weight of {category!r} is not a number") from None
        if not value >= 0:
            raise ScenarioError(f"{source}: the weight of {category!r} must be 0 or more")
        weights[slug(category)] = value
    return weights


def _priorities(path: Path) -> list[Priority]:
    try:
        return TypeAdapter(list[Priority]).validate_python(read_json(path, "priorities"))
    except ValidationError as error:
        raise ScenarioError(f"{path}: {describe_validation_error(error, 'priorities')}") from None


def show(
    scenario: Scenario,
    demand: Demand,
    out: Console,
    heatmaps: bool = True,
    unplaced: int = 0,
    presence: dict[str, list[float]] | None = None,
) -> None:
    """Each ward's demand, what made it, and (with `heatmaps`) its week as shades; with
    `presence` (person-hours by hour of the week, a ward), the week's presence under each
    day's shades, as digits."""
    table = Table(title=f"Demand from records up to {demand.as_of:%d %b %Y}")
    for column in ("ward", "records", "timed / day / month", "most harm from", "priorities"):
        table.add_column(column)
    names = {ward.id: ward.name for ward in scenario.wards}
    for ward in demand.wards.values():
        table.add_row(
            names[ward.ward],
            str(ward.records),
            f"{ward.timed} / {ward.day_only} / {ward.month_only}",
            ", ".join(
                f"{c.category} {100 * c.harm_share:.0f}% ({c.records})"
                for c in demand.basis(ward.ward).categories[:3]
            )
            or "-",
            "; ".join(p.reason for p in ward.priorities) or "-",
        )
    out.print(table)
    if demand.outside:
        without = f" ({unplaced} of them with no place given)" if unplaced else ""
        out.print(f"{demand.outside} record(s) in none of the team's wards were left out{without}.")
    untimed = {c: w for c, w in sorted(demand.profiles.items()) if w != "its own"}
    if untimed and any(w.day_only or w.month_only for w in demand.wards.values()):
        out.print(
            "Records without their hour were spread by: "
            + ", ".join(f"{c} ({w} profile)" for c, w in untimed.items())
        )
    if not heatmaps:
        return
    top = max((v for w in demand.wards.values() for v in w.hourly), default=0.0) or 1.0
    for ward in demand.wards.values():
        out.print(f"\n{names[ward.ward]}: demand by hour (00-23), darkest {top:.2f}")
        there = presence.get(ward.ward) if presence is not None else None
        if there is not None:
            covered = busiest_covered(ward.hourly, there)
            out.print(
                f"  the rota's presence below each day (people, . none): {sum(there):.0f} "
                "person-hours"
                + (
                    f", somebody there in {covered:.0%} of its {BUSIEST} busiest hours"
                    if covered is not None
                    else ""
                ),
                highlight=False,
            )
        for day, name in enumerate(DAYS):
            row = ward.hourly[day * 24 : day * 24 + 24]
            shades = "".join(
                SHADES[min(len(SHADES) - 1, round((len(SHADES) - 1) * v / top))] for v in row
            )
            out.print(f"  {name} |{shades}|", markup=False, highlight=False)
            if there is not None:
                people = "".join(
                    "." if v < 0.5 else ("+" if v >= 9.5 else str(round(v)))
                    for v in there[day * 24 : day * 24 + 24]
                )
                out.print(f"      |{people}|", markup=False, highlight=False)


def summary_lines(scenario: Scenario, built: Built) -> list[str]:
    """A line a ward: its records, what made most of its harm, its hot spots."""
    lines = []
    for ward in scenario.wards:
        made = built.demand.wards[ward.id]
        first = next(iter(built.demand.basis(ward.id).categories), None)
        most = f", most harm from {first.category} ({100 * first.harm_share:.0f}%)" if first else ""
        spots = built.hot_spots.get(ward.id, [])
        where = (
            f"; {len(spots)} hot spot(s) of "
            + ", ".join(str(spot.records) for spot in spots)
            + " records"
            if spots
            else "; no hot spot stands out"
        )
        lines.append(f"  {ward.name}: {made.records} records{most}{where}")
    return lines
