"""A team's wards, staff, duty templates and events: create, read, update, delete, and
staff from CSV or XLSX. One router per kind, made by `item_router`; the work is
`api.services.team_data`'s.

Not `from __future__ import annotations`: FastAPI must see each router's item model, which
is a closure variable, as a real annotation.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from api.auth import CallerDep, LedTeamDep
from api.deps import SessionDep
from api.schemas import StaffImport, WeeklyEvent
from api.services import team_data
from api.services.team_data import KINDS


def item_router(kind_name: str) -> APIRouter:
    kind = KINDS[kind_name]
    schema = kind.schema
    router = APIRouter(tags=["team data"])
    base = f"/teams/{{team_id}}/{kind.name}"

    @router.get(base, name=f"list {kind.name}", response_model=list[schema])  # type: ignore[valid-type]
    def list_items(team: LedTeamDep, session: SessionDep) -> list[dict[str, Any]]:
        return team_data.list_items(session, kind, team)

    @router.get(f"{base}/{{item_id}}", name=f"read {kind.name}", response_model=schema)
    def read_item(team: LedTeamDep, item_id: str, session: SessionDep) -> dict[str, Any]:
        return team_data.read_item(session, kind, team, item_id)

    @router.put(f"{base}/{{item_id}}", name=f"write {kind.name}", response_model=schema)
    def write_item(
        team: LedTeamDep,
        item_id: str,
        item: Annotated[schema, Body()],  # type: ignore[valid-type]
        session: SessionDep,
        caller: CallerDep,
    ) -> Any:
        """Create or replace one item; 409 if the team's data would no longer fit together."""
        return team_data.write_item(session, caller, kind, team, item_id, item)

    @router.delete(f"{base}/{{item_id}}", status_code=204, name=f"delete {kind.name}")
    def delete_item(team: LedTeamDep, item_id: str, session: SessionDep, caller: CallerDep) -> None:
        team_data.delete_item(session, caller, kind, team, item_id)

    return router


csv_router = APIRouter(tags=["team data"])


@csv_router.post("/teams/{team_id}/staff.csv", status_code=200)
def import_staff_csv(
    team: LedTeamDep,
    session: SessionDep,
    caller: CallerDep,
    body: Annotated[bytes, Body(media_type="text/csv")],
) -> StaffImport:
    """Create or replace staff from CSV (header: id,name,role,home_ward,patrol_wards,
    contracted_hours,working_days,templates,skills; lists separated by ';'), UTF-8 with or
    without Excel's byte-order mark. All rows or none."""
    return StaffImport(team=team.id, staff=team_data.import_staff_csv(session, caller, team, body))


@csv_router.post("/teams/{team_id}/staff.xlsx", status_code=200)
def import_staff_xlsx(
    team: LedTeamDep,
    session: SessionDep,
    caller: CallerDep,
    body: Annotated[
        bytes,
        Body(media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
) -> StaffImport:
    """Create or replace staff from an XLSX workbook's first sheet, with the CSV's columns
    in its first row. All rows or none; a problem is named by its row number."""
    return StaffImport(team=team.id, staff=team_data.import_staff_xlsx(session, caller, team, body))


@csv_router.post("/teams/{team_id}/events/weekly", status_code=201)
def write_weekly_event(
    team: LedTeamDep,
    body: WeeklyEvent,
    session: SessionDep,
    caller: CallerDep,
) -> list[str]:
    """An event held every week at the same local time (a weekly surgery, "Cuppa with a
    Copper"), `weeks` times in all: the first keeps its id, each repeat is
    `{id}-{date}`; all stored or none. Returns the ids. Each is an event like any other
    afterwards (change or remove one with PUT/DELETE /teams/{team}/events/{id})."""
    return team_data.write_weekly_event(session, caller, team, body.event, body.weeks)


def routers() -> list[APIRouter]:
    return [*(item_router(kind) for kind in KINDS), csv_router]
