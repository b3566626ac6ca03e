"""Solve jobs: start one (202), follow its progress, stop it (keeping the best rota so
far) or cancel it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from pydantic import StrictFloat

from api.auth import CallerDep, LedTeamDep
from api.deps import RowId, SessionDep, WeekDep
from api.schemas import JobView
from api.services import jobs

router = APIRouter(tags=["solve jobs"])


@router.post("/teams/{team_id}/weeks/{week}/solve", status_code=202)
def start_solve(
    team: LedTeamDep,
    caller: CallerDep,
    week: WeekDep,
    session: SessionDep,
    request: Request,
    response: Response,
    time_limit: Annotated[StrictFloat | None, Body(embed=True, gt=0, le=3600)] = None,
) -> JobView:
    """Queue a solve of the team-week. One queued or running job per team-week: a second
    request gets 409 with the running job's URL."""
    limit = time_limit or request.app.state.settings.solve_time_limit
    job = jobs.start_solve(session, caller, team, week, limit, request.app.state.clock())
    response.headers["Location"] = jobs.url(job)
    return JobView.of(job)


@router.get("/jobs/{job_id}")
def read_job(job_id: RowId, session: SessionDep, caller: CallerDep) -> JobView:
    return JobView.of(jobs.led_job(session, caller, job_id))


@router.post("/jobs/{job_id}/cancel", status_code=202)
def cancel_job(job_id: RowId, session: SessionDep, caller: CallerDep) -> JobView:
    """Ask the worker to stop and discard what it found; a queued job is cancelled at once."""
    return JobView.of(jobs.request_stop(session, caller, job_id, keep=False))


@router.post("/jobs/{job_id}/stop", status_code=202)
def stop_job(job_id: RowId, session: SessionDep, caller: CallerDep) -> JobView:
    """Ask the worker to stop now and store the best rota found so far as the draft (a
    sergeant content with the gap need not wait for the time limit). A queued job, or one
    that has found no rota yet, ends cancelled: there is nothing to keep."""
    return JobView.of(jobs.request_stop(session, caller, job_id, keep=True))
