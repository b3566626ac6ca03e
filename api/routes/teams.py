"""Teams: import a whole scenario, read a team-week's scenario back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Response
from sqlmodel import col, select

from api import tables
from api.auth import CallerDep, LedTeamDep, audit, require_lead
from api.deps import SessionDep, WeekDep
from api.scenarios import assemble_scenario, import_scenario
from scheduler.model import contract_shortfalls
from scheduler.scenario import EngagementEvent, Pin, Scenario, local_day

router = APIRouter(tags=["teams"])


@router.get("/teams")
def list_teams(session: SessionDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The teams the caller leads (all, for an admin; their own, for an officer)."""
    teams = session.exec(select(tables.Team).order_by(col(tables.Team.id)))
    return [
        {"id": team.id, "name": team.name, "timezone": team.timezone}
        for team in teams
        if caller.may_lead(team.id) or caller.user.team_id == team.id
    ]


@router.post("/teams/{team_id}/scenario", status_code=201)
def import_team_scenario(
    team_id: str, scenario: Scenario, session: SessionDep, caller: CallerDep
) -> dict[str, Any]:
    """Store a scenario (the same JSON as the command line) in one transaction. An admin
    may create a team this way; a sergeant may replace the data of a team they lead."""
    require_lead(caller, team_id)
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
    audit(session, caller, "import scenario", team_id, str(scenario.week_start))
    session.commit()
    return {
        "team": team_id,
        "week_start": scenario.week_start.isoformat(),
        "wards": len(scenario.wards),
        "staff": len(scenario.staff),
        "events": len(scenario.events),
        "pins": len(scenario.pins),
        # who the duty templates can never give their contracted hours in a week
        "contract_shortfalls": [asdict(item) for item in contract_shortfalls(scenario)],
    }


@router.get("/teams/{team_id}/weeks/{week}/scenario", response_model=Scenario)
def read_scenario(team: LedTeamDep, week: WeekDep, session: SessionDep) -> Response:
    # Sent as it is, not validated again as a response: a week holding pins stored
    # before the import refused clashing ones must still be readable (Scenario._pins_agree).
    scenario = assemble_scenario(session, team, week)
    return Response(scenario.model_dump_json(), media_type="application/json")


@router.get("/teams/{team_id}/weeks/{week}/pins")
def list_pins(team: LedTeamDep, week: WeekDep, session: SessionDep) -> list[dict[str, Any]]:
    query = select(tables.Pin).where(
        col(tables.Pin.team_id) == team.id, col(tables.Pin.week_start) == week
    )
    return [{"id": pin.id, **pin.spec} for pin in session.exec(query.order_by(col(tables.Pin.id)))]


@router.post("/teams/{team_id}/weeks/{week}/pins", status_code=201)
def add_pin(
    team: LedTeamDep, week: WeekDep, pin: Pin, session: SessionDep, caller: CallerDep
) -> dict[str, Any]:
    """Fix a decision by hand (a duty, a day off, or attendance at an event); the next solve
    respects it. Refused with 409 if it makes the stored week invalid (unknown staff...),
    or if the person already has a pin for that day (a duty or a rest day) or that event:
    remove that one first."""
    clash = clashing_pin(session, team, week, pin)
    if clash is not None:
        raise HTTPException(409, clash_message(session, team, clash))
    row = tables.Pin(
        team_id=team.id,
        id=f"{week}-{uuid4().hex[:8]}",
        week_start=week,
        spec=pin.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    assemble_scenario(session, team, week)  # raises ScenarioConflict -> 409, rolled back
    audit(session, caller, "add pin", team.id, row.id, **row.spec)
    session.commit()
    return {"id": row.id, **row.spec}


def event_days(
    session: SessionDep, team: tables.Team, events: dict[str, EngagementEvent] | None = None
) -> Callable[[str], date | None]:
    """An event's local day, from `events` or else the stored events (None if unknown)."""
    zone = ZoneInfo(team.timezone)
    changed = events or {}

    def event_day(event_id: str) -> date | None:
        if event_id in changed:
            return local_day(changed[event_id].start, zone)
        event = session.get(tables.EngagementEvent, (team.id, event_id))
        return local_day(event.starts_at, zone) if event else None

    return event_day


def clashing_pin(
    session: SessionDep,
    team: tables.Team,
    week: date,
    pin: Pin,
    events: dict[str, EngagementEvent] | None = None,
    stored: str | None = None,
) -> tables.Pin | None:
    """The team-week's stored pin that the new one repeats or contradicts, if any
    (`Pin.clashes_with`). `events` are event versions to use instead of the stored ones
    (a repair's new or changed events); `stored` is the pin's own id if it is stored
    (it does not clash with itself)."""
    event_day = event_days(session, team, events)
    query = select(tables.Pin).where(
        col(tables.Pin.team_id) == team.id, col(tables.Pin.week_start) == week
    )
    for row in session.exec(query.order_by(col(tables.Pin.id))):
        if row.id != stored and pin.clashes_with(Pin.model_validate(row.spec), event_day):
            return row
    return None


def event_clash(
    session: SessionDep, team: tables.Team, weeks: set[date], event: EngagementEvent, then: str
) -> str | None:
    """What is wrong if the event, as given (moved to another day), puts a stored pin to
    it in clash with another stored pin of that person's (a rest day on its new day),
    naming that pin, as the pins API does; None if nothing."""
    query = select(tables.Pin).where(
        col(tables.Pin.team_id) == team.id, col(tables.Pin.week_start).in_(sorted(weeks))
    )
    for row in session.exec(query.order_by(col(tables.Pin.id))).all():
        if row.spec.get("event") == event.id:
            pin = Pin.model_validate(row.spec)
            other = clashing_pin(session, team, row.week_start, pin, {event.id: event}, row.id)
            if other is not None:
                day = local_day(event.start, ZoneInfo(team.timezone))
                return (
                    f"{event.name} on {day:%a %d %b %Y} would clash with a pin of someone "
                    f"pinned to attend it (pin {row.id}): "
                    f"{clash_message(session, team, other, then)}"
                )
    return None


def pin_words(session: SessionDep, team: tables.Team, pin: Pin) -> str:
    """A pin in a sergeant's words: who, and what it pins them to."""

    def name(table: type[tables.TeamItem], item: str) -> str:
        found = session.get(table, (team.id, item))
        return found.spec.get("name", item) if found else item

    who = f"{name(tables.StaffMember, pin.staff)} ({pin.staff})"
    if pin.event is not None:
        what = f"is already pinned to attend {name(tables.EngagementEvent, pin.event)}"
    else:
        assert pin.day is not None
        duty = "off" if pin.off else f"works {name(tables.DutyTemplate, pin.template or '')}"
        what = f"already has a pin on {pin.day:%a %d %b %Y} ({duty})"
    return f"{who} {what}"


def clash_message(
    session: SessionDep, team: tables.Team, row: tables.Pin, then: str = "pin again"
) -> str:
    """Names the pin already there, and the fix."""
    old = Pin.model_validate(row.spec)
    return f"{pin_words(session, team, old)}: pin {row.id}; remove that pin first, then {then}"


@router.delete("/teams/{team_id}/weeks/{week}/pins/{pin_id}", status_code=204)
def delete_pin(
    team: LedTeamDep, week: WeekDep, pin_id: str, session: SessionDep, caller: CallerDep
) -> None:
    row = session.get(tables.Pin, (team.id, pin_id))
    if row is None or row.week_start != week:
        raise HTTPException(404, f"no pin {pin_id!r} in this team-week")
    session.delete(row)
    audit(session, caller, "delete pin", team.id, pin_id, **row.spec)
    session.commit()
