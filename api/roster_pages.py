"""The roster pages: a team's rosters, planning one, the roster as one compact grid
(printable on A4 landscape, four weeks a page), publishing it.

As every page (`api.pages`), an action calls the same service as the API's route
(`api.services.jobs.start_roster`, `api.services.rosters.publish`), so a page can do
nothing the API would refuse; every form posts, then redirects to a page that only reads.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import col, select

from api import tables
from api.auth import PageCaller
from api.deps import SessionDep
from api.pages import SameOrigin, follow_running, now_of, render
from api.roster_view import build_roster
from api.services import jobs, rosters
from api.services.errors import Conflict
from api.services.scenarios import assemble_scenario
from api.services.team_data import led_team
from scheduler.roster import Roster, RosterPeriod
from scheduler.scenario import describe_validation_error

router = APIRouter(include_in_schema=False)
NOTICES = {
    "published": "Roster version {version} is published: officers' calendars now carry its "
    "tours and rest days.",
}


@router.get("/ui/teams/{team_id}/rosters")
def rosters_page(
    request: Request, team_id: str, caller: PageCaller, session: SessionDep
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    today = rosters.today_of(team, now_of(request))
    listed = rosters.listed(session, team.id)
    running = session.exec(
        select(tables.SolveJob).where(
            col(tables.SolveJob.team_id) == team.id,
            col(tables.SolveJob.kind) == "roster",
            col(tables.SolveJob.status).in_(tables.ACTIVE_JOB),
        )
    ).all()
    periods: dict[date, list[tables.RosterVersion]] = {}
    for version in listed:
        periods.setdefault(version.start, []).append(version)
    return render(
        request,
        "rosters.html",
        caller=caller,
        team=team,
        periods=periods,
        running=running,
        suggested=rosters.first_monday(rosters.month_ahead(today)),
        limit=request.app.state.settings.roster_time_limit,
    )


@router.post("/ui/teams/{team_id}/rosters/generate", dependencies=[SameOrigin])
async def generate_roster(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    start: Annotated[date, Form(description="the period's first Monday")],
    weeks: Annotated[int, Form(ge=4, le=26)] = 13,
    period_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Plan the roster: a job, followed on its progress page. The file, if given, is the
    period as `beatplan roster` reads it (leave, courses, court, events, cover, carry-in,
    requests); its start and weeks must be the form's."""
    team = led_team(session, caller, team_id)
    data: dict = {"start": start.isoformat(), "weeks": weeks}
    if period_file is not None and period_file.filename:
        try:
            given = json.loads(await period_file.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise HTTPException(
                422, f"{period_file.filename} is not JSON ({error}); give the period's JSON file"
            ) from None
        if not isinstance(given, dict):
            raise HTTPException(422, f"{period_file.filename} is not a period (a JSON object)")
        for field in ("start", "weeks"):
            if field in given and str(given[field]) != str(data[field]):
                raise HTTPException(
                    422,
                    f"{period_file.filename} gives {field} {given[field]}, the form "
                    f"{data[field]}: make them the same",
                )
        data = {**given, **data}
    try:
        period = RosterPeriod.model_validate(data)
    except ValidationError as error:
        raise HTTPException(422, describe_validation_error(error, "roster period")) from None
    limit = request.app.state.settings.roster_time_limit
    try:
        job = jobs.start_roster(session, caller, team, period, limit, now_of(request))
    except Conflict as error:
        return follow_running(error)
    return RedirectResponse(f"/ui/jobs/{job.id}", 303)


@router.get("/ui/teams/{team_id}/rosters/{start}")
def roster_page(
    request: Request,
    team_id: str,
    start: date,
    caller: PageCaller,
    session: SessionDep,
    version: int | None = None,
    done: str | None = None,
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    shown = rosters.chosen(session, team.id, start, version)
    period = RosterPeriod.model_validate(shown.period)
    roster = Roster.model_validate(shown.roster)
    scenario = assemble_scenario(session, team, period.start)
    today = rosters.today_of(team, now_of(request))
    versions_ = [v for v in rosters.listed(session, team.id) if v.start == shown.start]
    # A published roster that superseded another: what changed, with notice and what it owes.
    before = rosters.superseded_by(session, shown) if shown.status == rosters.PUBLISHED else None
    changes = rosters.diff_rosters(session, team, before, shown, today) if before else []
    notice = NOTICES.get(done or "")
    return render(
        request,
        "roster.html",
        caller=caller,
        team=team,
        shown=shown,
        period=period,
        roster=roster,
        sheet=build_roster(scenario, period, roster),
        versions=versions_,
        late=period.start < rosters.month_ahead(today),
        today=today,
        changes=changes,
        changed_from=before.number if before else None,
        staff_names={p.id: p.name for p in scenario.staff},
        notice=notice.format(version=shown.number) if notice else None,
    )


@router.post(
    "/ui/teams/{team_id}/rosters/{start}/versions/{number}/publish", dependencies=[SameOrigin]
)
def publish_roster(
    request: Request,
    team_id: str,
    start: date,
    number: int,
    caller: PageCaller,
    session: SessionDep,
    reason: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    team = led_team(session, caller, team_id)
    rosters.publish(session, caller, team, start, number, now_of(request), reason)
    return RedirectResponse(
        f"/ui/teams/{team.id}/rosters/{start}?version={number}&done=published", 303
    )
