"""Solve jobs: start one (202), follow its progress, stop it (keeping the best rota so
far) or cancel it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, Response
from pydantic import StrictFloat
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api import tables
from api.auth import Caller, CallerDep, LedTeamDep, audit
from api.deps import RowId, SessionDep, WeekDep
from api.scenarios import assemble_scenario

router = APIRouter(tags=["solve jobs"])


def job_view(job: tables.SolveJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "url": f"/jobs/{job.id}",
        "team": job.team_id,
        "week_start": job.week_start.isoformat(),
        "status": job.status,
        "progress": {"objective": job.objective, "bound": job.bound, "elapsed": job.elapsed},
        "message": job.message,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "cancel_requested": job.cancel_requested,
        "stop_requested": job.stop_requested,
        "kind": job.kind,
        "repair": job.result,  # a repair's changed duties, attendance, presence
    }


def active_job(session: Session, team_id: str, week: date) -> tables.SolveJob | None:
    """The team-week's queued or running job, if any (there is at most one)."""
    return session.exec(
        select(tables.SolveJob).where(
            col(tables.SolveJob.team_id) == team_id,
            col(tables.SolveJob.week_start) == week,
            col(tables.SolveJob.status).in_(tables.ACTIVE_JOB),
        )
    ).first()


def busy(session: Session, team_id: str, week: date, what: str) -> HTTPException:
    """The 409 for a job refused because another of the team-week is queued or running:
    `detail` is `{"msg", "job"}`, `job` the running one's URL to follow (None if it ended
    in the meantime)."""
    running = active_job(session, team_id, week)
    url = f"/jobs/{running.id}" if running else None
    return HTTPException(
        409,
        {
            "msg": f"{what} of this team-week is already queued or running: wait for it "
            "(or stop it) and try again",
            "job": url,
        },
    )


@router.post("/teams/{team_id}/weeks/{week}/solve", status_code=202)
def start_solve(
    team: LedTeamDep,
    caller: CallerDep,
    week: WeekDep,
    session: SessionDep,
    request: Request,
    response: Response,
    time_limit: Annotated[StrictFloat | None, Body(embed=True, gt=0, le=3600)] = None,
) -> dict[str, Any]:
    """Queue a solve of the team-week. One queued or running job per team-week: a second
    request gets 409 with the running job's URL."""
    assemble_scenario(session, team, week)  # bad stored data is a 409 now, not a failed job
    job = tables.SolveJob(
        team_id=team.id,
        week_start=week,
        time_limit=time_limit or request.app.state.settings.solve_time_limit,
        created_at=datetime.now(UTC),
    )
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise busy(session, team.id, week, "a solve") from None
    audit(session, caller, "start solve", team.id, f"/jobs/{job.id}")
    session.commit()
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_view(job)


def _job(session: Session, caller: Caller, job_id: int) -> tables.SolveJob:
    """A job of a team the caller leads. Any other is 404 as if it did not exist, so
    trying job ids does not tell which teams there are or how busy they are."""
    job = session.get(tables.SolveJob, job_id)
    if job is None or not caller.may_lead(job.team_id):
        raise HTTPException(404, f"no such job: {job_id}")
    return job


@router.get("/jobs/{job_id}")
def read_job(job_id: RowId, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    return job_view(_job(session, caller, job_id))


@router.post("/jobs/{job_id}/cancel", status_code=202)
def cancel_job(job_id: RowId, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    """Ask the worker to stop and discard what it found; a queued job is cancelled at once."""
    return _request_stop(job_id, session, caller, keep=False)


@router.post("/jobs/{job_id}/stop", status_code=202)
def stop_job(job_id: RowId, session: SessionDep, caller: CallerDep) -> dict[str, Any]:
    """Ask the worker to stop now and store the best rota found so far as the draft (a
    sergeant content with the gap need not wait for the time limit). A queued job, or one
    that has found no rota yet, ends cancelled: there is nothing to keep."""
    return _request_stop(job_id, session, caller, keep=True)


def _request_stop(job_id: int, session: Session, caller: Caller, keep: bool) -> dict[str, Any]:
    job = _job(session, caller, job_id)
    if job.status not in tables.ACTIVE_JOB:
        raise HTTPException(409, _already_finished(session, job, "stop" if keep else "cancel"))
    if keep:
        job.stop_requested = True
    else:
        job.cancel_requested = True
    if job.status == tables.JobStatus.QUEUED.value:
        job.status = tables.JobStatus.CANCELLED.value
        job.finished_at = datetime.now(UTC)
        job.message = "stopped before it started" if keep else "cancelled before it started"
    session.add(job)
    audit(session, caller, "stop solve" if keep else "cancel solve", job.team_id, f"/jobs/{job.id}")
    session.commit()
    return job_view(job)


def _already_finished(session: Session, job: tables.SolveJob, verb: str) -> str:
    """Why a finished job cannot be stopped or cancelled: its status, and what to do."""
    said = f"job {job.id} has already finished ({job.status}); there is nothing to {verb}"
    made = session.exec(
        select(tables.RotaVersion.number).where(col(tables.RotaVersion.job_id) == job.id)
    ).first()
    if made is not None:
        return (
            f"{said}: open it to see its rota, draft version {made} of the week of {job.week_start}"
        )
    again = "repair" if job.kind == "replan" else "solve"
    return (
        f"{said}: open it to see how it ended, and start a new {again} of the week of "
        f"{job.week_start} if one is still needed"
    )
