"""The team's data in the pages: its staff, wards, duty templates and events, each added,
edited and removed with a form; staff imported from a CSV or XLSX file; leave and other
absences recorded over dates.

Each form is made from the scheduler's own model of the item (`api.forms`) and saved by
the same service as the API's `PUT /teams/{team}/{kind}/{id}`
(`api.services.team_data.write_item`), so a page can store nothing the API would refuse.
A refused form comes back with what was typed and each problem beside its field (422, or
409 when the team's data would no longer fit together); a saved one redirects to the
team's data page, which only reads.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from api import forms, tables, views
from api.auth import PageCaller
from api.deps import SessionDep
from api.pages import SameOrigin, now_of, problems_of, refused_page, render, unprefixed
from api.schemas import TeamSettings
from api.services import team_data
from api.services.access import require_admin
from api.services.errors import DomainError, Invalid, NotFound, field_error
from api.services.scenarios import stored_instant
from api.services.team_data import KINDS, Kind, led_team
from scheduler import scenario as model
from scheduler.scenario.moving import DATE_TIME
from scheduler.scenario.staff import ABSENCES, absence_code

router = APIRouter(include_in_schema=False)

# What each kind is called on the pages: (one, many)
WORDS = {
    "staff": ("person", "Staff"),
    "wards": ("ward", "Wards"),
    "duty-templates": ("duty template", "Duty templates"),
    "events": ("event", "Events"),
}
NOTICES = {
    "created": "Made the team {what}. Add its wards, duty templates and staff below; then "
    "its weeks can be planned.",
    "saved": "Saved {what}.",
    "deleted": "Removed {what}.",
    "imported": "Imported {count} people from {what}: every row was stored.",
    "leave": "Recorded {what}.",
}
# Reasons a person is away, as the leave form offers them; the week's grid and the roster
# write each as its code (AL, TRG, CRT, SICK: `scheduler.scenario.staff.ABSENCES`)
LEAVE_REASONS = ("annual leave", "training", "court", "sick", "other leave")


def _kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(f"no kind of team data {name!r}; the kinds are {', '.join(KINDS)}")
    return kind


@router.get("/ui/teams/{team_id}/setup")
def setup_page(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    done: str | None = None,
    what: str = "",
    count: int = 0,
) -> HTMLResponse:
    """Everything the team's rotas are planned from, with a form for each."""
    team = led_team(session, caller, team_id)
    zone = ZoneInfo(team.timezone)
    items = {name: team_data.list_items(session, kind, team) for name, kind in KINDS.items()}
    items["staff"].sort(key=views.team_order)
    today = now_of(request).astimezone(zone).date()
    events = sorted(
        (_local(event, zone) for event in items["events"]), key=lambda event: event["start"]
    )
    ahead = [event for event in events if event["end"][:10] >= today.isoformat()]
    notice = NOTICES.get(done or "", "").format(what=what, count=count)
    return render(
        request,
        "setup.html",
        caller=caller,
        team=team,
        items=items,
        words=WORDS,
        events_ahead=ahead,
        events_past=len(events) - len(ahead),
        leave=_leave_ahead(items["staff"], team, today),
        reasons=LEAVE_REASONS,
        codes=ABSENCES,
        today=today,
        notice=notice,
        columns=team_data.STAFF_CSV_COLUMNS,
        ward_names={ward["id"]: ward["name"] for ward in items["wards"]},
    )


@router.get("/ui/new-team")
def new_team_page(request: Request, caller: PageCaller, session: SessionDep) -> HTMLResponse:
    """An admin makes a team: its name, zone, station, contact and policy; its wards,
    staff and duty templates are added after, on its data page."""
    require_admin(caller)
    return _team_form(request, caller, None, None)


@router.post("/ui/new-team", dependencies=[SameOrigin])
async def create_team(request: Request, caller: PageCaller, session: SessionDep) -> Response:
    require_admin(caller)
    posted = await request.form()
    return _save_team(request, session, caller, None, posted)


@router.get("/ui/teams/{team_id}/setup/team")
def team_page(
    request: Request, team_id: str, caller: PageCaller, session: SessionDep
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    stored = team_data.settings_of(team).model_dump(mode="json")
    return _team_form(request, caller, team, stored)


@router.post("/ui/teams/{team_id}/setup/team", dependencies=[SameOrigin])
async def save_team(
    request: Request, team_id: str, caller: PageCaller, session: SessionDep
) -> Response:
    team = led_team(session, caller, team_id)
    posted = await request.form()
    return _save_team(request, session, caller, team, posted)


@router.get("/ui/teams/{team_id}/setup/{kind_name}/new")
def new_item_page(
    request: Request, team_id: str, kind_name: str, caller: PageCaller, session: SessionDep
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    kind = _kind(kind_name)
    return _item_form(request, session, caller, team, kind, None, None)


@router.get("/ui/teams/{team_id}/setup/{kind_name}/{item_id}")
def item_page(
    request: Request,
    team_id: str,
    kind_name: str,
    item_id: str,
    caller: PageCaller,
    session: SessionDep,
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    kind = _kind(kind_name)
    item = team_data.read_item(session, kind, team, item_id)
    local = _local(item, ZoneInfo(team.timezone))
    return _item_form(request, session, caller, team, kind, item_id, local)


@router.post("/ui/teams/{team_id}/setup/staff-file", dependencies=[SameOrigin])
async def import_staff(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    staff_file: Annotated[UploadFile, File()],
) -> Response:
    """Create or replace staff from a CSV or XLSX file: all rows or none."""
    team = led_team(session, caller, team_id)
    body = await staff_file.read()
    name = staff_file.filename or "the file"
    try:
        if name.lower().endswith(".xlsx") or body[:2] == b"PK":
            count = team_data.import_staff_xlsx(session, caller, team, body)
        else:
            count = team_data.import_staff_csv(session, caller, team, body)
    except DomainError as error:
        session.rollback()
        return refused_page(request, caller, team, error, f"Nothing from {name} was stored")
    return RedirectResponse(
        f"/ui/teams/{team.id}/setup?done=imported&what={_quoted(name)}&count={count}#staff", 303
    )


@router.post("/ui/teams/{team_id}/setup/leave", dependencies=[SameOrigin])
def record_leave(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    staff: Annotated[str, Form()],
    first_day: Annotated[date, Form()],
    last_day: Annotated[date, Form()],
    reason: Annotated[str, Form(max_length=model.base.TEXT_LENGTH)],
) -> Response:
    """Someone is away for whole days, first to last: added to their unavailability,
    which every week and roster planned from now on keeps them off."""
    team = led_team(session, caller, team_id)
    kind = KINDS["staff"]
    person = team_data.read_item(session, kind, team, staff)
    zone = ZoneInfo(team.timezone)
    try:
        if last_day < first_day:
            raise Invalid.at(
                ["last_day"], f"the last day ({last_day}) is before the first ({first_day})"
            )
        away = model.Unavailability(
            start=datetime.combine(first_day, time(0), zone),
            end=datetime.combine(last_day + timedelta(days=1), time(0), zone),
            reason=reason.strip() or "other leave",
        )
        absences = [*person.get("unavailable", []), away.model_dump(mode="json")]
        updated = model.Staff.model_validate({**person, "unavailable": absences})
        team_data.write_item(session, caller, kind, team, staff, updated)
    except ValidationError as error:
        session.rollback()
        problem = Invalid([field_error([], e["msg"]) for e in error.errors()])
        return refused_page(request, caller, team, problem, "The leave was not recorded")
    except DomainError as error:
        session.rollback()
        return refused_page(request, caller, team, error, "The leave was not recorded")
    code, _ = absence_code(away.reason)
    days = (last_day - first_day).days + 1
    what = (
        f"{away.reason} ({code}) for {person['name']}, {days} day{'s' * (days != 1)} "
        f"from {first_day:%a %d %b %Y}"
    )
    return _done(team.id, "leave", what, "leave")


@router.post("/ui/teams/{team_id}/setup/{kind_name}", dependencies=[SameOrigin])
async def save_item(
    request: Request, team_id: str, kind_name: str, caller: PageCaller, session: SessionDep
) -> Response:
    """Create an item (`editing` blank) or replace the one named by `editing`."""
    team = led_team(session, caller, team_id)
    kind = _kind(kind_name)
    posted = await request.form()
    editing = forms.text(posted, "editing") or None
    data = forms.read(kind.schema, posted)
    if editing is not None:
        team_data.read_item(session, kind, team, editing)  # 404 if it went meanwhile
        data["id"] = editing
    elif not data.get("id") and isinstance(data.get("name"), str):
        data["id"] = _new_id(session, kind, team.id, data["name"])
    elif data.get("id") and session.get(kind.table, (team.id, data["id"])) is not None:
        problem = field_error(
            ["id"], f"{data['id']!r} is taken by another {WORDS[kind.name][0]}; choose another"
        )
        return _item_form(request, session, caller, team, kind, None, data, [problem], 409)
    weekly = forms.text(posted, "weeks") or "1"
    if not weekly.isdigit() or not 1 <= int(weekly) <= team_data.MAX_REPEATS:
        problem = field_error(["weeks"], f"a number of weeks, 1 to {team_data.MAX_REPEATS}")
        return _item_form(
            request, session, caller, team, kind, editing, data, [problem], 422, weeks=weekly
        )
    try:
        item = kind.schema.model_validate(data)
    except ValidationError as error:
        return _item_form(request, session, caller, team, kind, editing, data, error.errors(), 422)
    try:
        if isinstance(item, model.EngagementEvent) and editing is None and int(weekly) > 1:
            made = team_data.write_weekly_event(session, caller, team, item, int(weekly))
            what = f"{len(made)} weekly events {item.name}"
            return _done(team.id, "saved", what, kind.name)
        team_data.write_item(session, caller, kind, team, item.id, item)  # type: ignore[attr-defined]
    except DomainError as error:
        session.rollback()
        return _item_form(
            request, session, caller, team, kind, editing, data, problems_of(error), error.status
        )
    what = f"{WORDS[kind.name][0]} {data.get('name', item.id)}"  # type: ignore[attr-defined]
    return _done(team.id, "saved", what, kind.name)


@router.post("/ui/teams/{team_id}/setup/{kind_name}/{item_id}/delete", dependencies=[SameOrigin])
def delete_item(
    request: Request,
    team_id: str,
    kind_name: str,
    item_id: str,
    caller: PageCaller,
    session: SessionDep,
) -> Response:
    team = led_team(session, caller, team_id)
    kind = _kind(kind_name)
    item = team_data.read_item(session, kind, team, item_id)
    try:
        team_data.delete_item(session, caller, kind, team, item_id)
    except DomainError as error:
        session.rollback()
        local = _local(item, ZoneInfo(team.timezone))
        return _item_form(
            request, session, caller, team, kind, item_id, local, problems_of(error), error.status
        )
    what = f"{WORDS[kind.name][0]} {item.get('name', item_id)}"
    return _done(team.id, "deleted", what, kind.name)


def _save_team(
    request: Request,
    session: Session,
    caller: Any,
    team: tables.Team | None,
    posted: FormData,
) -> Response:
    """Save the team's settings form (a new team when `team` is None)."""
    data = {
        "team": forms.read(model.Team, posted, "team."),
        "policy": forms.read(model.Policy, posted, "policy."),
    }
    if team is not None:
        data["team"]["id"] = team.id
    elif data["team"].get("id") and session.get(tables.Team, data["team"]["id"]) is not None:
        problem = field_error(["team", "id"], f"{data['team']['id']!r} is taken; choose another")
        return _team_form(request, caller, None, data, [problem], 409)
    try:
        settings = TeamSettings.model_validate(data)
    except ValidationError as error:
        return _team_form(request, caller, team, data, error.errors(), 422)
    try:
        saved, created = team_data.save_team(session, caller, settings.team, settings.policy)
    except DomainError as error:
        session.rollback()
        return _team_form(request, caller, team, data, problems_of(error), error.status)
    if created:
        return _done(saved.id, "created", saved.name)
    return _done(saved.id, "saved", "the team's settings")


def _team_form(
    request: Request,
    caller: Any,
    team: tables.Team | None,
    stored: dict[str, Any] | None,
    errors: list[Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    stored = stored or {}
    team_fields = forms.inputs(model.Team, stored.get("team"), "team.")
    for field in team_fields:
        field.readonly = team is not None and field.name in ("team.id", "team.timezone")
    policy_fields = forms.inputs(model.Policy, stored.get("policy"), "policy.")
    loose = forms.place_errors(
        [*team_fields, *policy_fields], [unprefixed(error) for error in errors or []]
    )
    return render(
        request,
        "setup_team.html",
        status,
        caller=caller,
        team=team,
        team_fields=team_fields,
        policy_fields=policy_fields,
        problems=loose,
        erred=bool(errors),
    )


# -- helpers --------------------------------------------------------------------------------


def _item_form(
    request: Request,
    session: Session,
    caller: Any,
    team: tables.Team,
    kind: Kind,
    editing: str | None,
    item: dict[str, Any] | None,
    errors: list[Any] | None = None,
    status: int = 200,
    weeks: str = "1",
) -> HTMLResponse:
    fields = forms.inputs(kind.schema, item, refs=_refs(session, team))
    for field in fields:
        if field.name == "id":
            field.readonly = editing is not None
            if editing is None:
                field.required = False
                field.help = (
                    "a short name for links and files (letters, digits, - _ .); "
                    "made from the name if left blank"
                )
    problems = [unprefixed(error) for error in errors or []]
    weeks_error = "; ".join(p["msg"] for p in problems if p["loc"] == ["weeks"])
    loose = forms.place_errors(fields, [p for p in problems if p["loc"] != ["weeks"]])
    one, many = WORDS[kind.name]
    return render(
        request,
        "setup_item.html",
        status,
        caller=caller,
        team=team,
        kind=kind.name,
        one=one,
        many=many,
        editing=editing,
        title=(item or {}).get("name", editing),
        fields=fields,
        problems=loose,
        erred=bool(errors),
        weeks=weeks,
        weeks_error=weeks_error,
    )


def _refs(session: Session, team: tables.Team) -> forms.Refs:
    """The fields that name the team's wards and duty templates, chosen by name."""
    wards = _names(session, tables.Ward, team.id)
    duties = _names(session, tables.DutyTemplate, team.id)
    return {
        "home_ward": wards,
        "patrol_wards": wards,
        "ward": wards,
        "templates": duties,
        "template": duties,
    }


def _names(session: Session, table: type[tables.TeamItem], team_id: str) -> dict[str, str]:
    rows = session.exec(select(table).where(col(table.team_id) == team_id).order_by(col(table.id)))
    return {row.id: row.spec.get("name", row.id) for row in rows}


def _done(team_id: str, done: str, what: str, anchor: str = "") -> RedirectResponse:
    target = f"/ui/teams/{team_id}/setup?done={done}&what={_quoted(what)}"
    return RedirectResponse(target + (f"#{anchor}" if anchor else ""), 303)


def _quoted(text: str) -> str:
    return quote(text[:200], safe="")


def _new_id(session: Session, kind: Kind, team_id: str, name: str) -> str:
    """An id made from a name ("Aisha Khan": "aisha-khan"), numbered if taken."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or WORDS[kind.name][0][:4]
    taken = set(session.exec(select(kind.table.id).where(col(kind.table.team_id) == team_id)).all())
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _local(item: Any, zone: ZoneInfo) -> Any:
    """An item with every instant that carries an offset written as the team's local
    time without one, as a form's date-and-time input holds it (a naive time is the
    team's local time, as in a scenario)."""
    if isinstance(item, dict):
        return {key: _local(value, zone) for key, value in item.items()}
    if isinstance(item, list):
        return [_local(value, zone) for value in item]
    if isinstance(item, str) and DATE_TIME.match(item):
        instant = datetime.fromisoformat(item)
        if instant.tzinfo is not None:
            return instant.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")
    return item


def _leave_ahead(
    staff: list[dict[str, Any]], team: tables.Team, today: date
) -> list[dict[str, Any]]:
    """Everyone's absences that have not ended, soonest first, in the team's local time."""
    zone = ZoneInfo(team.timezone)
    rows = []
    for person in staff:
        for away in person.get("unavailable", []):
            start = stored_instant(away["start"], team).astimezone(zone)
            end = stored_instant(away["end"], team).astimezone(zone)
            if end.date() < today:
                continue
            last = (end - timedelta(minutes=1)).date() if end.time() == time(0) else end.date()
            reason = away.get("reason", "unavailable")
            rows.append(
                {
                    "who": person.get("name", person["id"]),
                    "staff": person["id"],
                    "start": start,
                    "last": last,
                    "whole_days": start.time() == time(0) and end.time() == time(0),
                    "end": end,
                    "reason": reason,
                    "code": absence_code(reason)[0],
                }
            )
    return sorted(rows, key=lambda row: row["start"])
