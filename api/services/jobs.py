"""Solve, repair and roster jobs: queue one (or refuse while another of the team-week
runs), find a caller's job, stop it (keeping the best rota or roster so far) or cancel it.

The job table is the record of every job; the worker (`api.worker`) claims queued ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api import tables
from api.services import rosters
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Conflict, NotFound
from api.services.scenarios import assemble_scenario, refuse_ended
from scheduler.roster import RosterPeriod


def url(job: tables.SolveJob) -> str:
    return f"/jobs/{job.id}"


def active_job(session: Session, team_id: str, week: date) -> tables.SolveJob | None:
    """The team-week's queued or running job, if any (there is at most one)."""
    return session.exec(
        select(tables.SolveJob).where(
            col(tables.SolveJob.team_id) == team_id,
            col(tables.SolveJob.week_start) == week,
            col(tables.SolveJob.status).in_(tables.ACTIVE_JOB),
        )
    ).first()


def busy(session: Session, team_id: str, week: date, what: str) -> Conflict:
    """The refusal of a job because another of the team-week is queued or running:
    `detail` is `{"msg", "job"}`, `job` the running one's URL to follow (None if it ended
    in the meantime)."""
    running = active_job(session, team_id, week)
    return Conflict(
        {
            "msg": f"{what} of this team-week is already queued or running: wait for it "
            "(or stop it) and try again",
            "job": url(running) if running else None,
        }
    )


def queue(session: Session, job: tables.SolveJob, what: str) -> None:
    """Add the job, flushed so it has its id; Conflict (`busy`) if the team-week has one
    queued or running already (the database allows one). The caller commits."""
    session.add(job)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise busy(session, job.team_id, job.week_start, what) from None


def start_solve(
    session: Session,
    caller: Caller,
    team: tables.Team,
    week: date,
    time_limit: float,
    now: datetime,
) -> tables.SolveJob:
    """Queue a solve of the team-week, and commit. One queued or running job per
    team-week; an ended week, or bad stored data, is refused now (Conflict), not left to
    fail the job."""
    refuse_ended(team, week, now)
    assemble_scenario(session, team, week)
    job = tables.SolveJob(
        team_id=team.id, week_start=week, time_limit=time_limit, created_at=datetime.now(UTC)
    )
    queue(session, job, "a solve")
    audit(session, caller, "start solve", team.id, url(job))
    session.commit()
    return job


def start_roster(
    session: Session,
    caller: Caller,
    team: tables.Team,
    period: RosterPeriod,
    time_limit: float,
    now: datetime,
) -> tables.SolveJob:
    """Queue the planning of the team's roster for `period`, and commit; the worker stores
    it as the period's next draft (`rosters.store_draft`). Refused now, not left to fail
    the job: a period that has ended (Conflict), one naming someone not in the team
    (Invalid), bad stored data (Conflict), a published roster of the team overlapping it,
    or another job of the period's first week queued or running (Conflict)."""
    today = rosters.today_of(team, now)
    if period.end <= today:
        raise Conflict(
            f"the period ended on {period.end - timedelta(days=1)}; plan one from "
            f"{rosters.first_monday(today)} or later"
        )
    scenario = assemble_scenario(session, team, period.start)
    rosters.refuse_unknown(scenario, period)
    rosters.refuse_overlap(session, team.id, period)
    job = tables.SolveJob(
        team_id=team.id,
        week_start=period.start,
        time_limit=time_limit,
        created_at=datetime.now(UTC),
        kind="roster",
        request=period.model_dump(mode="json"),
    )
    queue(session, job, "a job")
    audit(session, caller, "start roster", team.id, url(job))
    session.commit()
    return job


def roster_made(job: tables.SolveJob) -> int | None:
    """The number of the roster draft a roster job stored, if it stored one."""
    return (job.result or {}).get("version") if job.kind == "roster" else None


def led_job(session: Session, caller: Caller, job_id: int) -> tables.SolveJob:
    """A job of a team the caller leads. Any other is NotFound as if it did not exist, so
    trying job ids does not tell which teams there are or how busy they are."""
    job = session.get(tables.SolveJob, job_id)
    if job is None or not caller.may_lead(job.team_id):
        raise NotFound(f"no such job: {job_id}")
    return job


def version_made(session: Session, job_id: int) -> int | None:
    """The number of the draft version the job stored, if it stored one."""
    return session.exec(
        select(tables.RotaVersion.number).where(col(tables.RotaVersion.job_id) == job_id)
    ).first()


def request_stop(session: Session, caller: Caller, job_id: int, keep: bool) -> tables.SolveJob:
    """Ask the worker to stop the job, and commit: with `keep`, storing the best rota so
    far as the draft; without, discarding it. A queued job ends cancelled at once (there
    is nothing to keep); a finished one is a Conflict saying how it ended."""
    job = led_job(session, caller, job_id)
    if job.status not in tables.ACTIVE_JOB:
        raise Conflict(_already_finished(session, job, "stop" if keep else "cancel"))
    if keep:
        job.stop_requested = True
    else:
        job.cancel_requested = True
    if job.status == tables.JobStatus.QUEUED.value:
        job.status = tables.JobStatus.CANCELLED.value
        job.finished_at = datetime.now(UTC)
        job.message = "stopped before it started" if keep else "cancelled before it started"
    session.add(job)
    audit(session, caller, "stop solve" if keep else "cancel solve", job.team_id, url(job))
    session.commit()
    return job


def _already_finished(session: Session, job: tables.SolveJob, verb: str) -> str:
    """Why a finished job cannot be stopped or cancelled: its status, and what to do."""
    said = f"job {job.id} has already finished ({job.status}); there is nothing to {verb}"
    if job.kind == "roster":
        made = roster_made(job)
        if made is not None:
            return f"{said}: open it to see its roster, draft version {made}"
        return (
            f"{said}: open it to see how it ended, and plan the roster from "
            f"{job.week_start} again if one is still needed"
        )
    made = version_made(session, job.id or 0)
    if made is not None:
        return (
            f"{said}: open it to see its rota, draft version {made} of the week of {job.week_start}"
        )
    again = "repair" if job.kind == "replan" else "solve"
    return (
        f"{said}: open it to see how it ended, and start a new {again} of the week of "
        f"{job.week_start} if one is still needed"
    )
