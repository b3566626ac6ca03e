"""Teams: import a whole scenario, read a team-week's scenario back, pin decisions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Request, Response, UploadFile

from api.auth import CallerDep, LedTeamDep
from api.deps import SessionDep, WeekDep, json_body, json_body_schema
from api.schemas import (
    DemandImport,
    ImportedScenario,
    StoredPin,
    TeamSettings,
    TeamView,
    WardDemandView,
)
from api.services import demand, pins, team_data
from api.services.access import require_lead
from api.services.errors import Invalid
from api.services.scenarios import assemble_scenario
from scheduler.scenario import Pin, Scenario

router = APIRouter(tags=["teams"])


@router.get("/teams")
def list_teams(session: SessionDep, caller: CallerDep) -> list[TeamView]:
    """The teams the caller leads (all, for an admin; their own, for an officer)."""
    return [TeamView.model_validate(team) for team in team_data.teams_of(session, caller)]


async def _scenario_body(
    team_id: Annotated[str, Path(max_length=64)], request: Request, caller: CallerDep
) -> Scenario:
    """The scenario in the body, read only once the caller may lead the team: nobody else
    gets the validator's work (or its messages)."""
    require_lead(caller, team_id)
    return await json_body(request, Scenario)


@router.post("/teams/{team_id}/scenario", status_code=201, openapi_extra=json_body_schema(Scenario))
def import_team_scenario(
    team_id: Annotated[str, Path(max_length=64)],
    scenario: Annotated[Scenario, Depends(_scenario_body)],
    session: SessionDep,
    caller: CallerDep,
) -> ImportedScenario:
    """Store a scenario (the same JSON as the command line) in one transaction. An admin
    may create a team this way; a sergeant may replace the data of a team they lead."""
    shortfalls = team_data.import_team_scenario(session, caller, team_id, scenario)
    return ImportedScenario(
        team=team_id,
        week_start=scenario.week_start,
        wards=len(scenario.wards),
        staff=len(scenario.staff),
        events=len(scenario.events),
        pins=len(scenario.pins),
        # who the duty templates can never give their contracted hours in a week
        contract_shortfalls=[asdict(item) for item in shortfalls],
    )


@router.get("/teams/{team_id}")
def read_team(team: LedTeamDep) -> TeamSettings:
    """The team's settings and policy, as `PUT /teams/{team}` takes them."""
    return team_data.settings_of(team)


async def _settings_body(
    team_id: Annotated[str, Path(max_length=64)], request: Request, caller: CallerDep
) -> TeamSettings:
    require_lead(caller, team_id)  # as for a scenario: only those who may get the messages
    return await json_body(request, TeamSettings)


@router.put(
    "/teams/{team_id}",
    responses={201: {"description": "the team was created"}},
    openapi_extra=json_body_schema(TeamSettings),
)
def save_team(
    team_id: Annotated[str, Path(max_length=64)],
    settings: Annotated[TeamSettings, Depends(_settings_body)],
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> TeamView:
    """Create a team (an admin; 201) with no wards, staff or duty templates yet, or
    replace a team's name, station, contact and policy (its sergeants). Its time zone is
    fixed once made."""
    if settings.team.id != team_id:
        raise Invalid.at(
            ["body", "team", "id"],
            f"team.id {settings.team.id!r} does not match the URL's {team_id!r}",
        )
    team, created = team_data.save_team(session, caller, settings.team, settings.policy)
    if created:
        response.status_code = 201
    return TeamView.model_validate(team)


@router.get("/teams/{team_id}/weeks/{week}/scenario", response_model=Scenario)
def read_scenario(team: LedTeamDep, week: WeekDep, session: SessionDep) -> Response:
    # Sent as it is, not validated again as a response: a week holding pins stored
    # before the import refused clashing ones must still be readable (Scenario._pins_agree).
    scenario = assemble_scenario(session, team, week)
    return Response(scenario.model_dump_json(), media_type="application/json")


@router.get("/teams/{team_id}/weeks/{week}/pins")
def list_pins(team: LedTeamDep, week: WeekDep, session: SessionDep) -> list[StoredPin]:
    return [
        StoredPin.model_validate(pins.view(row)) for row in pins.stored_pins(session, team.id, week)
    ]


@router.post("/teams/{team_id}/weeks/{week}/pins", status_code=201)
def add_pin(
    team: LedTeamDep, week: WeekDep, pin: Pin, session: SessionDep, caller: CallerDep
) -> StoredPin:
    """Fix a decision by hand (a duty, a day off, or attendance at an event); the next solve
    respects it. Refused with 409 if it makes the stored week invalid (unknown staff...),
    or if the person already has a pin for that day (a duty or a rest day) or that event:
    remove that one first."""
    row = pins.add_pin(session, caller, team, week, pin)
    return StoredPin.model_validate(pins.view(row))


@router.delete("/teams/{team_id}/weeks/{week}/pins/{pin_id}", status_code=204)
def delete_pin(
    team: LedTeamDep, week: WeekDep, pin_id: str, session: SessionDep, caller: CallerDep
) -> None:
    pins.delete_pin(session, caller, team, week, pin_id)


def _demand_view(ward) -> WardDemandView:
    return WardDemandView(
        ward=ward.id,
        name=ward.name,
        hourly_demand=ward.hourly_demand,
        basis=ward.demand_basis,
        hot_spots=ward.hot_spots,
    )


@router.post("/teams/{team_id}/demand")
async def import_demand(
    team: LedTeamDep,
    session: SessionDep,
    caller: CallerDep,
    records: Annotated[UploadFile, File(description="CSV of incident records (docs/demand.md)")],
    boundaries: Annotated[
        UploadFile | None, File(description="GeoJSON of the wards, for records by coordinates")
    ] = None,
    as_of: Annotated[date | None, Form(description="count recency back from this day")] = None,
    half_life: Annotated[float, Form(gt=0, le=120, description="months to halve")] = 6.0,
    harm: Annotated[
        UploadFile | None,
        File(description="the team's harm weights over the defaults: CSV category,weight or JSON"),
    ] = None,
) -> DemandImport:
    """Build each ward's demand by weekday and hour, and its hot spots, from a CSV of
    incident records, and store them with the wards (the next solve plans on them); the
    records are not kept. All or nothing: a file that cannot be read is refused naming
    its line and the fix."""
    body = await records.read()
    shapes = await boundaries.read() if boundaries is not None else None
    weights = await harm.read() if harm is not None else None
    done = demand.import_demand(
        session, caller, team, body, shapes or None, as_of, half_life, weights or None
    )
    return DemandImport(
        team=team.id,
        as_of=done.as_of,
        records=done.records,
        outside=done.outside,
        wards=[_demand_view(ward) for ward in done.wards],
    )


@router.get("/teams/{team_id}/demand")
def read_demand(team: LedTeamDep, session: SessionDep) -> list[WardDemandView]:
    """Each ward's demand, what it was built from, and its hot spots (for its sergeants:
    hot spots are never public)."""
    return [_demand_view(ward) for ward in demand.stored_wards(session, team)]
