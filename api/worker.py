"""The solve worker: a separate process that runs queued jobs one at a time.

All job state lives in the database, so the API process only inserts jobs and reads
them back, a cancel is a flag the worker polls, and a restart can tell which jobs were
cut off (`recover_interrupted`).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from api import tables, versions
from api.db import make_engine
from api.scenarios import ScenarioConflict, assemble_scenario
from api.settings import Settings
from api.versions import add_draft
from scheduler import SolveOptions, solve
from scheduler.replan import REPAIR_OPTIONS, Replan, replan
from scheduler.rota import Rota
from scheduler.solve import Progress

log = logging.getLogger("beatplan.worker")
PROGRESS_EVERY = 0.5  # seconds between progress writes


def recover_interrupted(engine: Engine) -> int:
    """Mark jobs left running by a previous server as failed; queued ones stay queued."""
    with Session(engine) as session:
        result = session.exec(
            update(tables.SolveJob)
            .where(col(tables.SolveJob.status) == tables.JobStatus.RUNNING.value)
            .values(
                status=tables.JobStatus.FAILED.value,
                finished_at=datetime.now(UTC),
                message="interrupted: the server restarted while this job was running; "
                "start a new solve",
            )
        )
        session.commit()
        return result.rowcount or 0


def _claim_next(engine: Engine) -> int | None:
    """Take the oldest queued job; the conditional update makes the claim exclusive."""
    with Session(engine) as session:
        job_id = session.exec(
            select(tables.SolveJob.id)
            .where(col(tables.SolveJob.status) == tables.JobStatus.QUEUED.value)
            .order_by(col(tables.SolveJob.id))
            .limit(1)
        ).first()
        if job_id is None:
            return None
        claimed = session.exec(
            update(tables.SolveJob)
            .where(
                col(tables.SolveJob.id) == job_id,
                col(tables.SolveJob.status) == tables.JobStatus.QUEUED.value,
            )
            .values(status=tables.JobStatus.RUNNING.value, started_at=datetime.now(UTC))
        )
        session.commit()
        return job_id if claimed.rowcount == 1 else None


def _finish(engine: Engine, job_id: int, status: tables.JobStatus, message: str | None) -> None:
    with Session(engine) as session:
        job = session.get(tables.SolveJob, job_id)
        assert job is not None
        job.status = status.value
        job.message = message
        job.finished_at = datetime.now(UTC)
        session.add(job)
        session.commit()


def run_job(engine: Engine, job_id: int, settings: Settings) -> None:
    """Solve one claimed job and store the rota as a new draft version."""
    with Session(engine) as session:
        job = session.get(tables.SolveJob, job_id)
        team = session.get(tables.Team, job.team_id) if job else None
        if job is None or team is None:
            return
        try:
            scenario = assemble_scenario(session, team, job.week_start)
        except ScenarioConflict as error:
            _finish(engine, job_id, tables.JobStatus.FAILED, str(error))
            return
        time_limit = job.time_limit
        replan_request, published, published_number = None, None, None
        if job.kind == "replan":
            replan_request = Replan.model_validate(job.request)
            version = versions.published(session, job.team_id, job.week_start)
            if version is None:
                _finish(engine, job_id, tables.JobStatus.FAILED, "nothing published to repair")
                return
            published, published_number = Rota.model_validate(version.rota), version.number

    cancel = threading.Event()
    keep = threading.Event()  # stopped on request, keeping the best rota found so far
    last_write = [0.0]

    def progress(update_: Progress) -> None:
        if time.monotonic() - last_write[0] < PROGRESS_EVERY:
            return
        last_write[0] = time.monotonic()
        with Session(engine) as session:
            job = session.get(tables.SolveJob, job_id)
            assert job is not None
            job.objective, job.bound, job.elapsed = (
                update_.objective,
                update_.bound,
                round(update_.elapsed, 2),
            )
            session.add(job)
            session.commit()

    def watch_cancel() -> None:
        while not done.is_set():
            with Session(engine) as session:
                job = session.get(tables.SolveJob, job_id)
                if job is not None and (job.cancel_requested or job.stop_requested):
                    if job.stop_requested and not job.cancel_requested:
                        keep.set()
                    cancel.set()
                    return
            done.wait(PROGRESS_EVERY)

    done = threading.Event()
    threading.Thread(target=watch_cancel, daemon=True).start()
    repair = None
    try:
        if replan_request is not None:
            options = replace(REPAIR_OPTIONS, time_limit=time_limit, workers=settings.solve_workers)
            assert published is not None
            result, repair, _ = replan(
                scenario,
                published,
                replan_request,
                options,
                progress=progress,
                cancel=cancel,
                applied=True,  # stored with the week when the repair was asked for
            )
        else:
            result = solve(
                scenario,
                SolveOptions(time_limit=time_limit, workers=settings.solve_workers),
                progress=progress,
                cancel=cancel,
            )
    finally:
        done.set()
    if cancel.is_set() and not (keep.is_set() and result.rota is not None):
        message = "stopped before it found a rota" if keep.is_set() else "cancelled on request"
        _finish(engine, job_id, tables.JobStatus.CANCELLED, message)
        return
    if result.rota is None:
        _finish(engine, job_id, tables.JobStatus.FAILED, " ".join(result.report.explanation))
        return
    with Session(engine) as session:
        job = session.get(tables.SolveJob, job_id)
        assert job is not None
        version = add_draft(session, job.team_id, job.week_start, result.rota, job_id)
        report = result.report
        job.status = tables.JobStatus.SUCCEEDED.value
        job.objective, job.bound, job.elapsed = (
            report.objective,
            report.best_bound,
            report.wall_time,
        )
        job.message = f"{report.status}: draft version {version.number}"
        if keep.is_set():
            job.message = (
                f"stopped on request at {report.wall_time:.1f} s, {report.gap:.2%} from the "
                f"bound: draft version {version.number}"
                if report.gap is not None
                else f"stopped on request: draft version {version.number}"
            )
        if repair is not None:
            job.result = {
                "version": version.number,
                "published_version": published_number,  # the version repaired
                **repair.model_dump(
                    mode="json", include={"changes", "attendance", "presence", "changed_duties"}
                ),
            }
            job.message += f", {repair.changed_duties} duties changed"
        job.finished_at = datetime.now(UTC)
        session.add(job)
        session.commit()


def worker_loop(database_url: str, stop: threading.Event | None = None) -> None:
    """Run queued jobs until stopped (or forever, in the worker process)."""
    settings = Settings(database_url=database_url)
    engine = make_engine(database_url)
    while stop is None or not stop.is_set():
        job_id = _claim_next(engine)
        if job_id is None:
            time.sleep(settings.job_poll_seconds)
            continue
        try:
            run_job(engine, job_id, settings)
        except Exception as error:  # a bug must fail the job, never leave it running
            log.exception("job %s failed", job_id)
            _finish(engine, job_id, tables.JobStatus.FAILED, f"internal error: {error}")


def start_worker(database_url: str) -> multiprocessing.process.BaseProcess:
    """The worker in its own process, so solving never blocks the API."""
    process = multiprocessing.get_context("spawn").Process(
        target=worker_loop, args=(database_url,), name="beatplan-worker", daemon=True
    )
    process.start()
    return process
