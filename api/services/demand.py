"""Demand from data in the service: a team's incident records (and its wards' boundaries)
read, each ward's demand and hot spots built (`scheduler.demand`) and stored with the ward,
and the records themselves dropped: only the counts the team needs are kept
(docs/demand.md, "What is kept"). The pages and the API both call `import_demand`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api import tables
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Invalid
from scheduler.demand import HARM, DemandOptions, demand_and_hot_spots, read_incidents
from scheduler.demand.cli import parse_harm
from scheduler.demand.records import parse_boundaries
from scheduler.scenario import ScenarioError, Ward

MAX_BYTES = 200 * 1024 * 1024  # a force's year is about 60 MB of CSV


@dataclass
class Imported:
    as_of: date
    records: int
    outside: int  # in none of the team's wards, or with no place
    wards: list[Ward]  # as stored


def stored_wards(session: Session, team: tables.Team) -> list[Ward]:
    return [Ward.model_validate(row.spec) for row in _rows(session, team)]


def _rows(session: Session, team: tables.Team) -> list[tables.Ward]:
    return list(
        session.exec(
            select(tables.Ward).where(col(tables.Ward.team_id) == team.id).order_by(tables.Ward.id)
        )
    )


def _text(body: bytes, field: str, what: str) -> str:
    if len(body) > MAX_BYTES:
        raise Invalid.at(
            [field], f"the {what} is over {MAX_BYTES // 2**20} MB; send a year or less"
        )
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise Invalid.at(
            [field, f"line {line}"], f"the {what} is not UTF-8 text; save it as UTF-8"
        ) from None


def import_demand(
    session: Session,
    caller: Caller,
    team: tables.Team,
    records: bytes,
    boundaries: bytes | None = None,
    as_of: date | None = None,
    half_life_months: float = 6.0,
    harm: bytes | None = None,
) -> Imported:
    """Build each ward's demand and hot spots from the records (harm weighed by `HARM`,
    over which `harm` gives the team's own weights: a CSV of category,weight or a JSON
    object) and store them with the wards, in one transaction; `Invalid` names the file,
    the line and the fix, and then nothing is stored. The records are not kept."""
    rows = _rows(session, team)
    if not rows:
        raise Invalid.at(["records"], "the team has no wards yet; add its wards first")
    names = {row.id: row.spec["name"] for row in rows}
    ward_ids = list(names)
    try:
        shapes = (
            parse_boundaries(_text(boundaries, "boundaries", "boundary file"), ward_ids)
            if boundaries
            else None
        )
    except ScenarioError as error:
        raise Invalid.at(["boundaries"], str(error)) from None
    weights = dict(HARM)
    if harm:
        try:
            weights.update(parse_harm(_text(harm, "harm", "harm weights file"), "harm"))
        except ScenarioError as error:
            raise Invalid.at(["harm"], str(error)) from None
    try:
        found = read_incidents(
            _text(records, "records", "records file"),
            ZoneInfo(team.timezone),
            source="records",
            boundaries=shapes,
        )
        options = DemandOptions(as_of=as_of, half_life_months=half_life_months, harm=weights)
        built = demand_and_hot_spots(found, names, options)
    except (ScenarioError, ValueError) as error:
        raise Invalid.at(["records"], str(error)) from None
    demand, spots = built.demand, built.hot_spots
    if not any(ward.records for ward in demand.wards.values()):
        raise Invalid.at(
            ["records"],
            f"none of the {len(found)} records is in one of the team's wards "
            f"({', '.join(ward_ids)}); give their ward ids, or their coordinates with the "
            "wards' boundaries",
        )
    stored = []
    for row in rows:
        spec = dict(row.spec)
        spec["hourly_demand"] = demand.wards[row.id].hourly
        spec["hot_spots"] = [spot.model_dump(mode="json") for spot in spots[row.id]]
        spec["demand_basis"] = demand.basis(row.id).model_dump(mode="json")
        ward = Ward.model_validate(spec)  # as a scenario reads it back
        row.spec = ward.model_dump(mode="json")
        session.add(row)
        stored.append(ward)
    audit(
        session,
        caller,
        "import demand",
        team.id,
        None,
        count=len(found),
        outside=demand.outside,
    )
    session.commit()
    return Imported(as_of=demand.as_of, records=len(found), outside=demand.outside, wards=stored)
