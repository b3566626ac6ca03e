"""Teams: import a whole scenario, read a team-week's scenario back."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter, HTTPException
from sqlmodel import col, select

from api import tables
from api.deps import SessionDep, TeamDep, WeekDep
from api.scenarios import assemble_scenario, import_scenario
from scheduler.scenario import Pin, Scenario

router = APIRouter(tags=["teams"])


@router.get("/teams")
def list_teams(session: SessionDep) -> list[dict[str, Any]]:
    return [
        {"id": team.id, "name": team.name, "timezone": team.timezone}
        for team in session.exec(select(tables.Team).order_by(tables.Team.id))
    ]


@router.post("/teams/{team_id}/scenario", status_code=201)
def import_team_scenario(team_id: str, scenario: Scenario, session: SessionDep) -> dict[str, Any]:
    """Store a scenario (the same JSON as the command line) in one transaction."""
    if scenario.team.id != team_id:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["body", "team", "id"],
                    "msg": f"team.id {scenario.team.id!r} does not match the URL's {team_id!r}",
                    "type": "value_error",
                }
            ],
        )
    import_scenario(session, scenario)
    session.commit()
    return {
        "team": team_id,
        "week_start": scenario.week_start.isoformat(),
        "wards": len(scenario.wards),
        "staff": len(scenario.staff),
        "events": len(scenario.events),
        "pins": len(scenario.pins),
    }


@router.get("/teams/{team_id}/weeks/{week}/scenario")
def read_scenario(team: TeamDep, week: WeekDep, session: SessionDep) -> Scenario:
    return assemble_scenario(session, team, week)


@router.get("/teams/{team_id}/weeks/{week}/pins")
def list_pins(team: TeamDep, week: WeekDep, session: SessionDep) -> list[dict[str, Any]]:
    query = select(tables.Pin).where(
        col(tables.Pin.team_id) == team.id, col(tables.Pin.week_start) == week
    )
    return [{"id": pin.id, **pin.spec} for pin in session.exec(query.order_by(col(tables.Pin.id)))]


@router.post("/teams/{team_id}/weeks/{week}/pins", status_code=201)
def add_pin(team: TeamDep, week: WeekDep, pin: Pin, session: SessionDep) -> dict[str, Any]:
    """Fix a decision by hand (a duty, a day off, or attendance at an event); the next solve
    respects it. Refused with 409 if it makes the stored week invalid (unknown staff...)."""
    row = tables.Pin(
        team_id=team.id,
        id=f"{week}-{uuid4().hex[:8]}",
        week_start=week,
        spec=pin.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    assemble_scenario(session, team, week)  # raises ScenarioConflict -> 409, rolled back
    session.commit()
    return {"id": row.id, **row.spec}


@router.delete("/teams/{team_id}/weeks/{week}/pins/{pin_id}", status_code=204)
def delete_pin(team: TeamDep, week: WeekDep, pin_id: str, session: SessionDep) -> None:
    row = session.get(tables.Pin, (team.id, pin_id))
    if row is None or row.week_start != week:
        raise HTTPException(404, f"no pin {pin_id!r} in this team-week")
    session.delete(row)
    session.commit()
