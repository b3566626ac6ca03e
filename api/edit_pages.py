"""Editing the week's rota by hand: a person's day (from the grid) changed to another duty,
a rest day, or swapped with someone, each a new draft whose breaks the week page lists at
once; and "re-solve around my edits".

As every page, an action calls the API's service (`api.services.edits`), so a page can
do nothing the API would refuse; every form posts, then redirects to a page that only
reads.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api.auth import PageCaller
from api.deps import SessionDep, monday
from api.pages import SameOrigin, follow_running, now_of, render
from api.services import edits, versions
from api.services.errors import Conflict
from api.services.scenarios import assemble_scenario
from api.services.team_data import led_team
from api.views import leave_on, span, team_order
from scheduler.edits import DutyEdit
from scheduler.rota import Rota
from scheduler.scenario import describe_validation_error

router = APIRouter(include_in_schema=False)


@router.get("/ui/teams/{team_id}/weeks/{week}/day")
def day_page(
    request: Request,
    team_id: str,
    week: date,
    caller: PageCaller,
    session: SessionDep,
    staff: Annotated[str, Query(max_length=64)],
    day: date,
    version: int,
) -> HTMLResponse:
    """One person's day in a version: what they do, and the forms to change it."""
    team = led_team(session, caller, team_id)
    week = monday(week)
    if not week <= day < week + timedelta(days=7):
        raise HTTPException(422, f"day {day} is not in the week of {week}; pick a day of it")
    shown = versions.chosen(session, team.id, week, version)
    scenario = assemble_scenario(session, team, week)
    people = {person.id: person for person in scenario.staff}
    person = people.get(staff)
    if person is None:
        raise HTTPException(404, f"no {staff!r} in the team; pick a person from the grid")
    rota = Rota.model_validate(shown.rota)
    zone = scenario.zone
    today = {d.staff: d for d in rota.duties if d.day == day}

    def words(staff_id: str) -> str:
        duty = today.get(staff_id)
        if duty is None:
            away = leave_on(people[staff_id].unavailable, day, zone)
            return f"off ({away})" if away else "off"
        return span(duty.start, duty.end, zone)

    duty = today.get(staff)
    wards = {ward.id: ward.name for ward in scenario.wards}
    main = duty.main_ward if duty else None
    return render(
        request,
        "edit_day.html",
        caller=caller,
        team=team,
        week=week,
        day=day,
        shown=shown,
        person=person,
        now=words(staff),
        duty=duty,
        template_names={t.id: t.name for t in scenario.duty_templates},
        templates_=[t for t in scenario.duty_templates if not t.roles or person.role in t.roles],
        wards=wards,
        ward=main or person.home_ward or next(iter(wards)),
        others=[
            (other.id, f"{other.name} ({other.role}): {words(other.id)}")
            for other in sorted(scenario.staff, key=team_order)
            if other.id != staff
        ],
        away=leave_on(person.unavailable, day, zone),
        editable=shown.status != versions.SUPERSEDED,
    )


@router.post("/ui/teams/{team_id}/weeks/{week}/versions/{number}/edit", dependencies=[SameOrigin])
def edit(
    request: Request,
    team_id: str,
    week: date,
    number: int,
    caller: PageCaller,
    session: SessionDep,
    staff: Annotated[str, Form()],
    day: Annotated[date, Form()],
    to: Annotated[str, Form()],
    template: Annotated[str | None, Form()] = None,
    ward: Annotated[str | None, Form()] = None,
    other: Annotated[str | None, Form()] = None,
) -> Response:
    team = led_team(session, caller, team_id)
    try:
        change = DutyEdit.model_validate(
            {"staff": staff, "day": day, "to": to, "template": template or None,
             "ward": ward or None, "other": other or None}
        )  # fmt: skip
    except ValidationError as error:
        raise HTTPException(422, describe_validation_error(error, "edit")) from None
    draft, _ = edits.edit_version(
        session, caller, team, monday(week), number, change, now_of(request)
    )
    return RedirectResponse(
        f"/ui/teams/{team.id}/weeks/{monday(week)}?done=edited&version={draft.number}#edits", 303
    )


@router.post(
    "/ui/teams/{team_id}/weeks/{week}/versions/{number}/keep-edits", dependencies=[SameOrigin]
)
def keep_edits(
    request: Request, team_id: str, week: date, number: int, caller: PageCaller, session: SessionDep
) -> Response:
    team = led_team(session, caller, team_id)
    limit = request.app.state.settings.solve_time_limit
    try:
        job = edits.keep_edits(session, caller, team, monday(week), number, limit, now_of(request))
    except Conflict as error:
        return follow_running(error)
    return RedirectResponse(f"/ui/jobs/{job.id}", 303)
