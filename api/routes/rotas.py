"""Rota versions of a team-week: read, by officer or ward, publish, diff."""

from __future__ import annotations

import gzip
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any, NamedTuple

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import col, select

from api import tables, versions
from api.auth import CallerDep, LedTeamDep, audit, caller_of, require_lead
from api.deps import SessionDep, WeekDep, monday
from api.scenarios import ScenarioConflict, assemble_scenario
from scheduler import Rota, RuleCode, Scenario, check

router = APIRouter(tags=["rotas"])
ROTA_CACHE_SIZE = 256  # ~90 kB each for a 30-strong team
Draft, Published = versions.DRAFT, versions.PUBLISHED


def _versions(session: SessionDep, team_id: str, week) -> list[tables.RotaVersion]:  # type: ignore[no-untyped-def]
    query = (
        select(tables.RotaVersion)
        .options(defer(tables.RotaVersion.rota))  # loaded only where a route needs it
        .where(
            col(tables.RotaVersion.team_id) == team_id, col(tables.RotaVersion.week_start) == week
        )
        .order_by(col(tables.RotaVersion.number))
    )
    return list(session.exec(query))


def _version(  # type: ignore[no-untyped-def]
    session: SessionDep, team_id: str, week, number: int | None, *, published_only: bool = False
) -> tables.RotaVersion:
    """A numbered version; without a number the published one, else the newest draft.
    With `published_only` (officers), drafts and superseded versions are not found."""
    return _choose(_versions(session, team_id, week), team_id, week, number, published_only)


def _choose(
    versions: Sequence[Any], team_id: str, week: date, number: int | None, published_only: bool
) -> Any:
    """The rule of `_version` over a team-week's versions in number order."""
    if published_only:
        versions = [v for v in versions if v.status == Published]
    if number is not None:
        chosen = next((v for v in versions if v.number == number), None)
    else:
        chosen = next((v for v in versions if v.status == Published), None) or next(
            (v for v in reversed(versions) if v.status == Draft), None
        )
    if chosen is None:
        which = f"version {number}" if number is not None else "rota"
        raise HTTPException(404, f"no {which} for team {team_id!r}, week of {week}; solve it first")
    return chosen


def version_view(version: tables.RotaVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "created_at": version.created_at,
        "published_at": version.published_at,
        "job": f"/jobs/{version.job_id}" if version.job_id else None,
    }


@router.get("/teams/{team_id}/weeks/{week}/versions")
def list_versions(team: LedTeamDep, week: WeekDep, session: SessionDep) -> list[dict[str, Any]]:
    return [version_view(v) for v in _versions(session, team.id, week)]


@router.get(
    "/teams/{team_id}/weeks/{week}/rota",
    responses={200: {"content": {"application/json": {}}}, 304: {"description": "unchanged"}},
    openapi_extra={"security": [{"HTTPBearer": []}]},
)
async def read_rota(
    team_id: Annotated[str, Path(max_length=64)],
    week: date,
    request: Request,
    version: int | None = None,
) -> Response:
    """The rota with its coverage figures, as `{"version": ..., "rota": ...}`.

    The hot read of the service, done on the event loop without a thread-pool hop (the
    hop cost a third of the throughput): one indexed query of a few columns chooses the
    version, and the response comes from a per-process cache of encoded rotas, gzipped
    for clients that accept it. A stored rota never changes and a version's status fixes
    its other fields, so (version, status) is both the cache key and the ETag: a client
    that holds the current one gets 304. It takes no FastAPI dependencies (their solving
    was nearly half of its cost): it signs the caller in and checks the week itself."""
    require_lead(await caller_of(request), team_id)
    encoded = _rota_response(request.app, team_id, monday(week), version)
    headers = {"ETag": encoded.tag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if encoded.tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(encoded.gzipped, media_type="application/json", headers=headers)
    return Response(encoded.body, media_type="application/json", headers=headers)


@dataclass(frozen=True)
class EncodedRota:
    tag: str
    body: bytes
    gzipped: bytes


_Version = tables.RotaVersion
_STATES = (
    sa.select(_Version.id, _Version.number, _Version.status)  # type: ignore[arg-type]
    .where(
        col(_Version.team_id) == sa.bindparam("team_id"),
        col(_Version.week_start) == sa.bindparam("week"),
    )
    .order_by(col(_Version.number))
)
_FULL = sa.select(  # a version not yet in the cache
    _Version.number,  # type: ignore[arg-type]
    _Version.status,
    _Version.created_at,
    _Version.published_at,
    _Version.job_id,
    _Version.rota,
).where(col(_Version.id) == sa.bindparam("id"))
_TEAM = sa.select(tables.Team.id).where(col(tables.Team.id) == sa.bindparam("id"))  # type: ignore[arg-type]


class _State(NamedTuple):
    id: int
    number: int
    status: str


@lru_cache(maxsize=4)
def _driver_sql(dialect: sa.Dialect) -> tuple[str, tuple[str, ...] | None]:
    compiled = _STATES.compile(dialect=dialect)
    return str(compiled), compiled.positiontup


def _rota_response(app: Any, team_id: str, week: date, number: int | None) -> EncodedRota:
    """The chosen version, encoded. Its (id, number, status) are read through the driver
    directly, skipping SQLAlchemy's statement and result layers (a fifth of the cost of
    this read); the full row only for a version not yet in the cache."""
    engine: sa.Engine = app.state.engine
    cache: OrderedDict[tuple[int, str], EncodedRota] = app.state.rota_cache
    sql, order = _driver_sql(engine.dialect)
    values = {"team_id": team_id, "week": week.isoformat() if engine.name == "sqlite" else week}
    parameters = tuple(values[name] for name in order) if order else values
    with engine.connect() as connection:
        states = [_State(*row) for row in connection.exec_driver_sql(sql, parameters)]
        if not states and connection.execute(_TEAM, {"id": team_id}).first() is None:
            raise HTTPException(404, f"no team {team_id!r}; import its scenario first")
        chosen = _choose(states, team_id, week, number, False)
        key = (chosen.id, chosen.status)
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        row = connection.execute(_FULL, {"id": chosen.id}).one()
    body = json.dumps(
        {"version": version_view(row), "rota": row.rota},
        separators=(",", ":"),
        default=datetime.isoformat,
    ).encode()
    cache[key] = encoded = EncodedRota(f'"v{chosen.id}-{chosen.status}"', body, gzip.compress(body))
    if len(cache) > ROTA_CACHE_SIZE:
        cache.popitem(last=False)
    return encoded


@router.get("/teams/{team_id}/weeks/{week}/rota/staff/{staff_id}")
def read_staff_rota(
    team_id: str,
    week: WeekDep,
    staff_id: str,
    session: SessionDep,
    caller: CallerDep,
    version: int | None = None,
) -> dict[str, Any]:
    """One person's duties: for the team's sergeants, admins, and that officer."""
    if not caller.may_read_duties_of(team_id, staff_id):
        raise HTTPException(
            403,
            "only the team's sergeants, an admin and the officer themselves may read these duties",
        )
    officer = not caller.may_lead(team_id)
    rota = _version(session, team_id, week, version, published_only=officer).rota
    if session.get(tables.StaffMember, (team_id, staff_id)) is None:
        raise HTTPException(404, f"no staff member {staff_id!r} in team {team_id!r}")
    return {
        "staff": staff_id,
        "duties": [d for d in rota["duties"] if d["staff"] == staff_id],
        "summary": next((s for s in rota["staff"] if s["staff"] == staff_id), None),
    }


@router.get("/teams/{team_id}/weeks/{week}/rota/wards/{ward_id}")
def read_ward_rota(
    team: LedTeamDep, week: WeekDep, ward_id: str, session: SessionDep, version: int | None = None
) -> dict[str, Any]:
    rota = _version(session, team.id, week, version).rota
    coverage = next((w for w in rota["wards"] if w["ward"] == ward_id), None)
    if coverage is None:
        raise HTTPException(404, f"no ward {ward_id!r} in this rota")
    blocks = [
        {"staff": duty["staff"], **activity}
        for duty in rota["duties"]
        for activity in duty["activities"]
        if activity["ward"] == ward_id
    ]
    return {"ward": ward_id, "coverage": coverage, "activities": blocks}


@router.post("/teams/{team_id}/weeks/{week}/versions/{number}/publish")
def publish(
    team: LedTeamDep, week: WeekDep, number: int, session: SessionDep, caller: CallerDep
) -> dict[str, Any]:
    """Publish a draft atomically: the published one (if any) becomes superseded. A
    published version never changes; publishing anything but a draft is a 409."""
    version = _version(session, team.id, week, number)
    if version.status != Draft:
        raise HTTPException(
            409, f"version {number} is {version.status}; only a draft can be published"
        )
    _refuse_stale(session, team, week, version)
    try:
        versions.publish(session, version)
        session.flush()
        following = _following_week_breaks(session, team, week)
        audit(session, caller, "publish", team.id, f"{week} v{number}")
        session.commit()
    except (versions.PublishConflict, IntegrityError):
        session.rollback()
        raise HTTPException(
            409, f"version {number} or another one was published at the same moment; reload"
        ) from None
    session.refresh(version)
    return {**version_view(version), "following_week_breaks": following}


# Requirements a sergeant may knowingly publish short of: a ward minimum, an event's
# staffing, their own pins to a duty or an event. Every other rule protects a person or
# names the team's data, and so does a day pinned off (`pinned_off`: time off agreed).
COVERAGE_RULES = frozenset({RuleCode.WARD_MINIMUM, RuleCode.EVENT_STAFFING, RuleCode.PINS})
STALE_SHOWN = 3


def _refuse_stale(
    session: SessionDep, team: tables.Team, week: date, version: tables.RotaVersion
) -> None:
    """409 if the draft no longer fits the week as it now stands: leave or sickness
    recorded, a pin, last week's published finish, a deleted person since it was made."""
    broken = _person_breaks(assemble_scenario(session, team, week), version.rota)
    if broken:
        shown = "; ".join(broken[:STALE_SHOWN])
        more = f" (and {len(broken) - STALE_SHOWN} more)" if len(broken) > STALE_SHOWN else ""
        raise HTTPException(
            409,
            f"version {version.number} no longer fits the week as it stands, so it was not "
            f"published: {shown}{more}. Generate or repair the week again and publish the "
            "new draft.",
        )


def _person_breaks(scenario: Scenario, stored: dict[str, Any]) -> list[str]:
    """What a stored rota breaks that no sergeant may publish: every rule but the
    coverage ones."""
    rota = Rota.model_validate(stored)
    return [v.message for v in check(scenario, rota) if v.rule not in COVERAGE_RULES]


def _following_week_breaks(session: SessionDep, team: tables.Team, week: date) -> list[str]:
    """What the following week's published rota now breaks, as its carry-in comes from
    this week's (a later finish on Sunday night, a longer run of days): it is published
    all the same, since that week can only be repaired from this one, and the sergeant
    is told to repair it."""
    later = week + timedelta(days=7)
    published = versions.published(session, team.id, later)
    if published is None:
        return []
    try:
        return _person_breaks(assemble_scenario(session, team, later), published.rota)
    except ScenarioConflict as error:
        return [str(error)]


def _duty_key(duty: dict[str, Any]) -> tuple[str, str]:
    return duty["staff"], duty["day"]


def _duty_summary(duty: dict[str, Any]) -> dict[str, Any]:
    return {
        "template": duty["template"],
        "start": duty["start"],
        "end": duty["end"],
        "wards": sorted({a["ward"] for a in duty["activities"]}),
        "events": sorted({a["event"] for a in duty["activities"] if a["event"]}),
    }


def duty_summaries(  # type: ignore[no-untyped-def]
    session: SessionDep, team_id: str, week, number: int
) -> dict[tuple[str, str], dict[str, Any]]:
    """A version's duties, summarised (times, wards, events), by (staff, day)."""
    return {
        _duty_key(d): _duty_summary(d)
        for d in _version(session, team_id, week, number).rota["duties"]
    }


@router.get("/teams/{team_id}/weeks/{week}/diff")
def diff_versions(
    team: LedTeamDep,
    week: WeekDep,
    session: SessionDep,
    from_: Annotated[int, Query(alias="from")],
    to: int,
) -> dict[str, Any]:
    """What changed between two versions, per person and day."""
    before = duty_summaries(session, team.id, week, from_)
    after = duty_summaries(session, team.id, week, to)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        changes.append(
            {"staff": key[0], "day": key[1], "change": kind, "before": old, "after": new}
        )
    return {"from": from_, "to": to, "changes": changes}
