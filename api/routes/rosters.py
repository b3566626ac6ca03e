"""Rosters of a team: store a planned roster as a draft, read, publish, compare
(`api.services.rosters`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import CallerDep, LedTeamDep
from api.deps import SessionDep
from api.schemas import (
    JobView,
    PublishedRoster,
    RosterChange,
    RosterGenerate,
    RosterPublish,
    RosterUpload,
    RosterVersionView,
    RosterView,
)
from api.services import jobs, rosters

router = APIRouter(tags=["rosters"])


@router.get("/teams/{team_id}/rosters")
def list_rosters(team: LedTeamDep, session: SessionDep) -> list[RosterVersionView]:
    """The team's roster versions, by period and number."""
    return [RosterVersionView.model_validate(v) for v in rosters.listed(session, team.id)]


@router.post("/teams/{team_id}/rosters", status_code=201)
def store_roster(
    team: LedTeamDep,
    caller: CallerDep,
    upload: RosterUpload,
    session: SessionDep,
    response: Response,
) -> RosterVersionView:
    """Store a roster (`beatplan roster`'s output) as its period's next draft: 201. A 409
    names what it breaks for the team as stored now, or the published roster it overlaps."""
    version = rosters.add_draft(session, caller, team, upload.period, upload.roster)
    response.headers["Location"] = (
        f"/teams/{team.id}/rosters/{version.start}?version={version.number}"
    )
    return RosterVersionView.model_validate(version)


@router.post("/teams/{team_id}/rosters/generate", status_code=202)
def generate_roster(
    team: LedTeamDep,
    caller: CallerDep,
    body: RosterGenerate,
    session: SessionDep,
    request: Request,
    response: Response,
) -> JobView:
    """Queue the planning of the team's roster for the period (leave, courses, court,
    events, cover, carry-in, requests as `beatplan roster` reads them): 202 with the job,
    which stores the roster as the period's next draft. One job of the period's first
    week at a time: a second gets 409 with the running one's URL."""
    limit = body.time_limit or request.app.state.settings.roster_time_limit
    job = jobs.start_roster(session, caller, team, body.period, limit, request.app.state.clock())
    response.headers["Location"] = jobs.url(job)
    return JobView.of(job)


@router.get("/teams/{team_id}/rosters/{start}")
def read_roster(
    team: LedTeamDep, start: date, session: SessionDep, version: int | None = None
) -> RosterView:
    """A roster version of the period from `start`: the published one, else the newest
    draft, or `version`."""
    found = rosters.chosen(session, team.id, start, version)
    return RosterView(
        version=RosterVersionView.model_validate(found), period=found.period, roster=found.roster
    )


@router.post("/teams/{team_id}/rosters/{start}/versions/{number}/publish")
def publish_roster(
    team: LedTeamDep,
    start: date,
    number: int,
    body: RosterPublish,
    session: SessionDep,
    caller: CallerDep,
    request: Request,
) -> PublishedRoster:
    """Publish a draft atomically (the published one, if any, is superseded) and bring
    officers' calendars to it. Less than a month before the period starts, a `reason`
    is needed (422 without one); anything but a draft is a 409."""
    now = request.app.state.clock()
    version, changes, deployed = rosters.publish(
        session, caller, team, start, number, now, body.reason
    )
    return PublishedRoster(
        **RosterVersionView.model_validate(version).model_dump(),
        changes=[RosterChange(**change) for change in changes],
        deployed_weeks=deployed,
    )


@router.get("/teams/{team_id}/rosters/{start}/diff")
def diff_rosters(
    team: LedTeamDep,
    start: date,
    session: SessionDep,
    request: Request,
    from_: Annotated[int, Query(alias="from")],
    to: int,
) -> list[RosterChange]:
    """What changed from version `from` to `to` of the period, from today on."""
    today = rosters.today_of(team, request.app.state.clock())
    first = rosters.chosen(session, team.id, start, from_)
    second = rosters.chosen(session, team.id, start, to)
    changes = rosters.diff_rosters(session, team, first, second, today)
    return [RosterChange(**change) for change in changes]
