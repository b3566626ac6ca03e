"""Create, read, update and delete a team's wards, staff, duty templates and events.

One router per kind, made by `item_router`: every item is validated by the scheduler's own
model, and every change is checked against the rest of the team's data (a staff member's
home ward must exist, a ward still in use cannot go), in the same transaction, so a
refused change leaves nothing half-written.

Not `from __future__ import annotations`: FastAPI must see each router's item model, which
is a closure variable, as a real annotation.
"""

import csv
import io
from datetime import date, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel, ValidationError
from sqlmodel import col, delete, select

from api import feeds, tables
from api.auth import CallerDep, LedTeamDep, audit
from api.deps import SessionDep
from api.routes.teams import event_clash
from api.scenarios import check_stored_weeks, monday_of
from scheduler import scenario as model

KINDS: dict[str, tuple[type[tables.TeamItem], type[BaseModel]]] = {
    "wards": (tables.Ward, model.Ward),
    "staff": (tables.StaffMember, model.Staff),
    "duty-templates": (tables.DutyTemplate, model.DutyTemplate),
    "events": (tables.EngagementEvent, model.EngagementEvent),
}


def _week_of(team: tables.Team, item: BaseModel) -> set[date]:
    """The weeks whose scenario holds the event: the week it starts in, and the week
    before too if it starts before Monday noon (a Sunday night duty may attend it)."""
    if isinstance(item, model.EngagementEvent):
        local = item.start.astimezone(ZoneInfo(team.timezone))
        week = monday_of(local.date())
        seam = local.date() == week and local.hour < 12
        return {week, week - timedelta(days=7)} if seam else {week}
    return set()


def _localised(team: tables.Team, event: model.EngagementEvent) -> model.EngagementEvent:
    """Times without an offset are the team's local time, as in a scenario."""
    zone = ZoneInfo(team.timezone)
    return event.model_copy(
        update={
            name: getattr(event, name).replace(tzinfo=zone)
            for name in ("start", "end")
            if getattr(event, name).tzinfo is None
        }
    )


def _row(table: type[tables.TeamItem], team_id: str, item: BaseModel) -> tables.TeamItem:
    spec = item.model_dump(mode="json")
    extra = {"starts_at": item.start} if isinstance(item, model.EngagementEvent) else {}
    return table(team_id=team_id, id=spec["id"], spec=spec, **extra)


def item_router(kind: str) -> APIRouter:
    table, schema = KINDS[kind]
    router = APIRouter(tags=["team data"])
    base = f"/teams/{{team_id}}/{kind}"

    @router.get(base, name=f"list {kind}")
    def list_items(team: LedTeamDep, session: SessionDep) -> list[dict[str, Any]]:
        query = select(table).where(col(table.team_id) == team.id).order_by(col(table.id))
        return [row.spec for row in session.exec(query)]

    @router.get(f"{base}/{{item_id}}", name=f"read {kind}")
    def read_item(team: LedTeamDep, item_id: str, session: SessionDep) -> dict[str, Any]:
        row = session.get(table, (team.id, item_id))
        if row is None:
            raise HTTPException(404, f"no {kind} item {item_id!r} in team {team.id!r}")
        return row.spec

    @router.put(f"{base}/{{item_id}}", name=f"write {kind}")
    def write_item(
        team: LedTeamDep,
        item_id: str,
        item: Annotated[schema, Body()],  # type: ignore[valid-type]
        session: SessionDep,
        caller: CallerDep,
    ) -> dict[str, Any]:
        """Create or replace one item; 409 if the team's data would no longer fit together."""
        if item.id != item_id:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "id"],
                        "msg": f"id {item.id!r} does not match the URL's {item_id!r}",
                        "type": "value_error",
                    }
                ],
            )
        if isinstance(item, model.EngagementEvent):
            item = _localised(team, item)
        old = session.get(table, (team.id, item_id))
        weeks = _week_of(team, item) | (
            _week_of(team, schema.model_validate(old.spec)) if old else set()
        )
        if isinstance(item, model.EngagementEvent):
            clash = event_clash(session, team, weeks, item, "change the event again")
            if clash is not None:
                raise HTTPException(409, clash)
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(_row(table, team.id, item))
        session.flush()
        check_stored_weeks(session, team, weeks)
        if isinstance(item, model.EngagementEvent) and not item.public:
            feeds.withdraw_private(session, team.id, [item.id])
        audit(session, caller, f"write {kind}", team.id, item_id)
        session.commit()
        return item.model_dump(mode="json")

    @router.delete(f"{base}/{{item_id}}", status_code=204, name=f"delete {kind}")
    def delete_item(team: LedTeamDep, item_id: str, session: SessionDep, caller: CallerDep) -> None:
        row = session.get(table, (team.id, item_id))
        if row is None:
            raise HTTPException(404, f"no {kind} item {item_id!r} in team {team.id!r}")
        weeks = _week_of(team, schema.model_validate(row.spec))
        deleted = session.exec(
            delete(table).where(col(table.team_id) == team.id, col(table.id) == item_id)
        )
        if deleted.rowcount == 0:  # a simultaneous delete of the same item got there first
            raise HTTPException(404, f"no {kind} item {item_id!r} in team {team.id!r}")
        check_stored_weeks(session, team, weeks)
        audit(session, caller, f"delete {kind}", team.id, item_id)
        session.commit()

    return router


STAFF_CSV_COLUMNS = (
    "id",
    "name",
    "role",
    "home_ward",
    "patrol_wards",
    "contracted_hours",
    "working_days",
    "skills",
)
LIST_COLUMNS = {"patrol_wards", "working_days", "skills"}
NUMBER_COLUMNS = {"contracted_hours"}


def _staff_from_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a Staff dict: lists are ';'-separated, blanks are omitted, numbers
    are read as numbers (Staff's are strict; one that is not stays text, to be refused
    naming the column)."""
    data: dict[str, Any] = {}
    for column in STAFF_CSV_COLUMNS:
        value = (row.get(column) or "").strip()
        if not value:
            continue
        if column in LIST_COLUMNS:
            data[column] = [part.strip() for part in value.split(";") if part.strip()]
        elif column in NUMBER_COLUMNS:
            data[column] = _number(value)
        else:
            data[column] = value
    return data


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


csv_router = APIRouter(tags=["team data"])


@csv_router.post("/teams/{team_id}/staff.csv", status_code=200)
def import_staff_csv(
    team: LedTeamDep,
    session: SessionDep,
    caller: CallerDep,
    body: Annotated[bytes, Body(media_type="text/csv")],
) -> dict[str, Any]:
    """Create or replace staff from CSV (header: id,name,role,home_ward,patrol_wards,
    contracted_hours,working_days,skills; lists separated by ';'), UTF-8 with or
    without Excel's byte-order mark. All rows or none."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise HTTPException(
            422,
            [
                {
                    "loc": ["body", f"line {line}"],
                    "msg": "the file is not UTF-8 text; save it as 'CSV UTF-8' and send it again",
                    "type": "value_error",
                }
            ],
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"id", "name", "role"} - set(reader.fieldnames or [])
    if missing:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["body", "header"],
                    "msg": f"missing column(s): {', '.join(sorted(missing))}",
                    "type": "value_error",
                }
            ],
        )
    people, errors = [], []
    first_line: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        try:
            person = model.Staff.model_validate(_staff_from_row(row))
        except ValidationError as error:
            errors += [
                {
                    "loc": ["body", f"line {line}", *map(str, e["loc"])],
                    "msg": e["msg"],
                    "type": e["type"],
                }
                for e in error.errors()
            ]
            continue
        if person.id in first_line:
            errors.append(
                {
                    "loc": ["body", f"line {line}", "id"],
                    "msg": f"id {person.id!r} is also on line {first_line[person.id]}; "
                    "give each person one row",
                    "type": "value_error",
                }
            )
        first_line.setdefault(person.id, line)
        people.append(person)
    if errors:
        raise HTTPException(422, errors)
    for person in people:
        old = session.get(tables.StaffMember, (team.id, person.id))
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(_row(tables.StaffMember, team.id, person))
    session.flush()
    check_stored_weeks(session, team)
    audit(session, caller, "import staff csv", team.id, None, count=len(people))
    session.commit()
    return {"team": team.id, "staff": len(people)}


def routers() -> list[APIRouter]:
    return [*(item_router(kind) for kind in KINDS), csv_router]
