"""The solve worker: a separate process that runs queued jobs one at a time.

All job state lives in the database, so the API process only inserts jobs and reads
them back, a cancel is a flag the worker polls, and any number of servers (a rolling
restart, replicas behind a load balancer) can share one database: each server's worker
claims queued jobs with a conditional update, so each job runs exactly once.

A running job holds a lease: the worker running it writes its `heartbeat_at` when it
claims it and every `heartbeat_seconds` (5) s while it runs (from a thread of its own, so a long
model build or a slow check still beats). A running job whose heartbeat (or, before the
first, its start) is older than JOB_STALE_AFTER s is *stale*: the server running it has
gone without failing it. A starting server fails stale jobs (`recover_interrupted`), and
so does every server's monitor every SWEEP_EVERY s, so such a job is failed within about
a minute even when no server restarts; a job another live server is running is left
alone. Queued jobs stay queued, for whichever worker claims them first.

A job that has finished never changes again: the worker's writes to a job (progress, the
heartbeat, the final state, the draft) apply only while the job is still *running*, so a
job another process has failed (a server finding it stale, the monitor below) keeps its
verdict. The server watches its own worker (`WorkerProcess.monitor`): if the process dies
(killed, out of memory), the job it was running is failed at once and a new worker
started (after a growing wait if the workers keep dying soon after their start); a server
that stops fails the job its worker was running. The worker in turn exits when its server
has gone, and abandons a job that is no longer *running*.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import Session, col, select

from api import tables
from api.db import make_engine
from api.services import rosters, versions
from api.services.errors import Conflict
from api.services.scenarios import ScenarioConflict, assemble_scenario
from api.settings import Settings
from scheduler import SolveOptions, solve
from scheduler.replan import REPAIR_OPTIONS, Replan, replan
from scheduler.roster import Roster, RosterOptions, RosterPeriod, solve_roster
from scheduler.roster.within import deploy
from scheduler.rota import Rota
from scheduler.solve import Progress, gap_words

log = logging.getLogger("beatplan.worker")
PROGRESS_EVERY = 0.5  # seconds between progress writes
MONITOR_EVERY = 1.0  # seconds between the server's checks that its worker is alive
# A running job with no heartbeat for this long was left by a server that has gone (its
# clock, and the server's, may disagree by a good part of the margin over the heartbeat's
# interval, `Settings.heartbeat_seconds`, at most 30 s).
JOB_STALE_AFTER = 60.0
SWEEP_EVERY = 10.0  # seconds between a server's sweeps for stale running jobs
# A worker that dies within QUICK_DEATH s of its start (its database unreachable, a crash
# at import) is restarted after a wait that doubles with each such death in a row, from
# 1 s up to RESTART_WAIT_MAX s, rather than every second forever; one that lived longer
# is restarted at once.
QUICK_DEATH = 60.0
RESTART_WAIT_MAX = 60.0
WORKER_DIED = "the solve worker stopped unexpectedly (out of memory?); start a new solve"
SERVER_GONE = "interrupted: the server stopped while this job was running; start a new solve"
STALE = (
    "interrupted: the server running this job stopped (no heartbeat for "
    f"{JOB_STALE_AFTER:.0f} s); start a new solve"
)
# The time limit as an API client gives it, for "give the solve more time (...)".
TIME_LIMIT_FIELD = '"time_limit" in the solve request'
_RUNNING = tables.JobStatus.RUNNING.value


def _server_alive() -> bool:
    """False once the process that started this one has gone (in a worker process; a
    worker loop run in the server's own process has no parent to lose)."""
    parent = multiprocessing.parent_process()
    return parent is None or parent.is_alive()


def recover_interrupted(engine: Engine, stale_after: float | None = None) -> int:
    """Fail the running jobs whose heartbeat is older than `stale_after` (JOB_STALE_AFTER) s,
    left by a server that has gone; a job another server is running, and every queued
    job, is left as it is. Run at a server's start and by its monitor; the number failed."""
    stale_after = JOB_STALE_AFTER if stale_after is None else stale_after
    cutoff = datetime.now(UTC) - timedelta(seconds=stale_after)
    heartbeat, started = col(tables.SolveJob.heartbeat_at), col(tables.SolveJob.started_at)
    with Session(engine) as session:
        result = session.exec(
            update(tables.SolveJob)
            .where(
                col(tables.SolveJob.status) == _RUNNING,
                or_(
                    heartbeat < cutoff,
                    and_(heartbeat.is_(None), or_(started.is_(None), started < cutoff)),
                ),
            )
            .values(
                status=tables.JobStatus.FAILED.value, finished_at=datetime.now(UTC), message=STALE
            )
        )
        session.commit()
    failed = result.rowcount or 0
    if failed:
        log.warning("failed %s running job(s) with no heartbeat for %.0f s", failed, stale_after)
    return failed


def _claim_next(engine: Engine, current: Any = None) -> int | None:
    """Take the oldest queued job; the conditional update makes the claim exclusive.

    `current` (shared with the server) names the job before the claim is made, so a worker
    killed at any moment after it leaves no running job the server cannot name."""
    with Session(engine) as session:
        job_id = session.exec(
            select(tables.SolveJob.id)
            .where(col(tables.SolveJob.status) == tables.JobStatus.QUEUED.value)
            .order_by(col(tables.SolveJob.id))
            .limit(1)
        ).first()
        if job_id is None:
            return None
        if current is not None:
            current.value = job_id
        claimed = session.exec(
            update(tables.SolveJob)
            .where(
                col(tables.SolveJob.id) == job_id,
                col(tables.SolveJob.status) == tables.JobStatus.QUEUED.value,
            )
            .values(
                status=tables.JobStatus.RUNNING.value,
                started_at=datetime.now(UTC),
                heartbeat_at=datetime.now(UTC),
            )
        )
        session.commit()
        if claimed.rowcount != 1:
            if current is not None:
                current.value = 0
            return None
        return job_id


@contextmanager
def _heartbeat(engine: Engine, job_id: int, every: float) -> Iterator[None]:
    """Refresh the job's heartbeat every `every` s, from a thread, while the block
    runs; only while the job is still running (a finished job never changes)."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            try:
                with Session(engine) as session:
                    session.exec(
                        update(tables.SolveJob)
                        .where(
                            col(tables.SolveJob.id) == job_id,
                            col(tables.SolveJob.status) == _RUNNING,
                        )
                        .values(heartbeat_at=datetime.now(UTC))
                    )
                    session.commit()
            except Exception:  # a database hiccup: beat again next time
                log.exception("the heartbeat of job %s was not written", job_id)

    thread = threading.Thread(target=beat, name=f"beatplan-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=30)


def _finish(engine: Engine, job_id: int, status: tables.JobStatus, message: str | None) -> bool:
    """End a running job; False (and nothing written) if it is no longer running."""
    with Session(engine) as session:
        ended = session.exec(
            update(tables.SolveJob)
            .where(col(tables.SolveJob.id) == job_id, col(tables.SolveJob.status) == _RUNNING)
            .values(status=status.value, message=message, finished_at=datetime.now(UTC))
        )
        session.commit()
    if ended.rowcount != 1:
        log.warning("job %s was no longer running; left as it was (not %s)", job_id, status)
        return False
    return True


def run_job(engine: Engine, job_id: int, settings: Settings) -> None:
    """Solve one claimed job and store the rota (or a roster job's roster) as a new draft
    version."""
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
        basis = versions.basis(session, job.team_id, job.week_start)  # as the scenario
        time_limit = job.time_limit
        replan_request, published, published_number = None, None, None
        period = RosterPeriod.model_validate(job.request) if job.kind == "roster" else None
        # A week the team's published roster holds is deployed within it: its tours kept
        # unless the week cannot be staffed otherwise (scheduler.roster.within).
        within = rosters.covering(session, job.team_id, job.week_start)
        rostered = Roster.model_validate(within.roster) if within and job.kind == "solve" else None
        within_number = within.number if within else None
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

    def record(objective: float, bound: float | None, elapsed: float) -> None:
        if time.monotonic() - last_write[0] < PROGRESS_EVERY:
            return
        last_write[0] = time.monotonic()
        with Session(engine) as session:
            session.exec(
                update(tables.SolveJob)
                .where(col(tables.SolveJob.id) == job_id, col(tables.SolveJob.status) == _RUNNING)
                .values(objective=objective, bound=bound, elapsed=round(elapsed, 2))
            )
            session.commit()

    def progress(update_: Progress) -> None:
        record(update_.objective, update_.bound, update_.elapsed)

    def watch_cancel() -> None:
        while not done.is_set():
            if not _server_alive():  # nobody left to serve the result: stop, and say so
                server_gone.set()
                cancel.set()
                return
            with Session(engine) as session:
                job = session.get(tables.SolveJob, job_id)
                if job is None or job.status != _RUNNING:  # failed by another process
                    log.warning("job %s is no longer running; abandoning its solve", job_id)
                    cancel.set()
                    return
                if job.cancel_requested or job.stop_requested:
                    if job.stop_requested and not job.cancel_requested:
                        keep.set()
                    cancel.set()
                    return
            done.wait(PROGRESS_EVERY)

    done = threading.Event()
    server_gone = threading.Event()
    threading.Thread(target=watch_cancel, daemon=True).start()
    repair, deployment = None, None
    try:
        if period is not None:
            roster = solve_roster(
                scenario,
                period,
                RosterOptions(
                    time_limit=time_limit,
                    workers=settings.solve_workers,
                    limit=settings.solve_limit_by,
                ),
                cancel=cancel,
                progress=lambda elapsed, objective, bound: record(objective, bound, elapsed),
            )
        elif replan_request is not None:
            options = replace(
                REPAIR_OPTIONS,
                time_limit=time_limit,
                workers=settings.solve_workers,
                limit=settings.solve_limit_by,
                time_limit_name=None,  # a repair's time is the service's, not the caller's
            )
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
            options = SolveOptions(
                time_limit=time_limit,
                workers=settings.solve_workers,
                limit=settings.solve_limit_by,
                time_limit_name=TIME_LIMIT_FIELD,
            )
            if rostered is not None:
                deployment = deploy(
                    scenario,
                    rostered,
                    changes="if-needed",
                    options=options,
                    cancel=cancel,
                    progress=progress,
                )
                result = deployment.result
            else:
                result = solve(scenario, options, progress=progress, cancel=cancel)
    finally:
        done.set()
    if server_gone.is_set():
        _finish(engine, job_id, tables.JobStatus.FAILED, SERVER_GONE)
        return
    if period is not None:
        _store_roster(engine, job_id, period, roster, cancel.is_set(), keep.is_set())
        return
    if cancel.is_set() and not (keep.is_set() and result.rota is not None):
        message = "stopped before it found a rota" if keep.is_set() else "cancelled on request"
        _finish(engine, job_id, tables.JobStatus.CANCELLED, message)
        return
    if result.rota is None:
        _finish(engine, job_id, tables.JobStatus.FAILED, " ".join(result.report.explanation))
        return
    report = result.report
    with Session(engine) as session:
        if not _succeeded(session, job_id, report.objective, report.best_bound, report.wall_time):
            session.rollback()
            log.warning("job %s was no longer running; its rota is not stored", job_id)
            return
        job = session.get(tables.SolveJob, job_id)
        assert job is not None
        version = versions.add_draft(
            session, job.team_id, job.week_start, result.rota, job_id, basis
        )
        job.message = f"{report.status}: draft version {version.number}"
        if keep.is_set():
            job.message = (
                f"stopped on request at {report.wall_time:.1f} s, {report.gap:.2%} from the "
                f"bound: draft version {version.number}"
                if report.gap is not None
                else f"stopped on request: draft version {version.number}"
            )
        if deployment is not None:
            job.result = {
                "roster": {"start": rostered.start.isoformat(), "version": within_number},
                "changes": [change.model_dump(mode="json") for change in deployment.changes],
                "note": deployment.note,
            }
            job.message += (
                f", {len(deployment.changes)} change(s) to the published roster"
                if deployment.changes
                else ", within the published roster: every rostered tour kept"
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
        session.add(job)
        session.commit()


def _succeeded(
    session: Session,
    job_id: int,
    objective: float | None,
    bound: float | None,
    elapsed: float,
) -> bool:
    """Mark the job succeeded, with its figures, if it is still running; False if it is
    not. The job gains its draft in the same transaction, after this conditional update
    (which takes the row's lock), so a job that another process failed gains none."""
    ended = session.exec(
        update(tables.SolveJob)
        .where(col(tables.SolveJob.id) == job_id, col(tables.SolveJob.status) == _RUNNING)
        .values(
            status=tables.JobStatus.SUCCEEDED.value,
            objective=objective,
            bound=bound,
            elapsed=elapsed,
            finished_at=datetime.now(UTC),
        )
    )
    return ended.rowcount == 1


def _store_roster(
    engine: Engine,
    job_id: int,
    period: RosterPeriod,
    roster: Roster,
    cancelled: bool,
    kept: bool,
) -> None:
    """End a roster job: its roster stored as the period's next draft in the transaction
    that marks the job succeeded, or the job failed (no roster, or one the team's data as
    stored now refuses) or cancelled."""
    report = roster.report
    if cancelled and not (kept and roster.days):
        message = "stopped before it found a roster" if kept else "cancelled on request"
        _finish(engine, job_id, tables.JobStatus.CANCELLED, message)
        return
    if not roster.days:
        _finish(engine, job_id, tables.JobStatus.FAILED, " ".join(report.explanation))
        return
    with Session(engine) as session:
        if not _succeeded(session, job_id, report.objective, report.best_bound, report.wall_time):
            session.rollback()
            log.warning("job %s was no longer running; its roster is not stored", job_id)
            return
        job = session.get(tables.SolveJob, job_id)
        team = session.get(tables.Team, job.team_id) if job else None
        assert job is not None and team is not None
        try:
            version = rosters.store_draft(session, team, period, roster)
        except Conflict as error:  # the team changed while it was planned, or a roster
            # overlapping it was published
            session.rollback()
            _finish(engine, job_id, tables.JobStatus.FAILED, str(error))
            return
        below = f", {gap_words(report.gap)}" if report.gap is not None else ""
        how = f"stopped on request at {report.wall_time:.1f} s" if kept else report.status
        job.message = f"{how}{below}: roster draft version {version.number}"
        job.result = {"version": version.number, "start": period.start.isoformat()}
        session.add(job)
        session.commit()


def worker_loop(
    database_url: str, stop: threading.Event | None = None, current: Any = None
) -> None:
    """Run queued jobs until stopped, or (in the worker process) until the server has gone.

    `current`, shared with the server, holds the id of the job being run (0 for none)."""
    settings = Settings(database_url=database_url)
    engine = make_engine(database_url)
    while (stop is None or not stop.is_set()) and _server_alive():
        job_id = _claim_next(engine, current)
        if job_id is None:
            time.sleep(settings.job_poll_seconds)
            continue
        with _heartbeat(engine, job_id, settings.heartbeat_seconds):
            try:
                run_job(engine, job_id, settings)
            except Exception as error:  # a bug must fail the job, never leave it running
                log.exception("job %s failed", job_id)
                _finish(engine, job_id, tables.JobStatus.FAILED, f"internal error: {error}")
        if current is not None:
            current.value = 0
    engine.dispose()


class WorkerProcess:
    """The solve worker in its own process, so solving never blocks the API, watched by
    the server: `check` (every `MONITOR_EVERY` s once `monitor` has started) notices the
    process has died, fails the job it was running at once and starts a new worker, so the
    jobs queued behind it run: at once if the dead one had lived QUICK_DEATH s, else after
    a wait that doubles with each quick death in a row (1, 2, 4 ... RESTART_WAIT_MAX s).
    The monitor also fails stale running jobs, left by servers that have gone, every
    `sweep_every` s."""

    quick_death = QUICK_DEATH
    max_wait = RESTART_WAIT_MAX
    sweep_every = SWEEP_EVERY

    def __init__(self, database_url: str, engine: Engine | None = None) -> None:
        self.database_url = database_url
        self._engine = engine
        self._own_engine: Engine | None = None
        self._context = multiprocessing.get_context("spawn")
        # No lock: the worker alone writes it, and a lock held by a killed worker would
        # never be released.
        self.current = self._context.RawValue("q", 0)
        self._stopping = threading.Event()
        self._monitor: threading.Thread | None = None
        self.wait = 0.0  # seconds waited before the last restart (0: restarted at once)
        self._restart_at: float | None = None  # time.monotonic() of a restart still to come
        self.process = self._start()

    def _start(self) -> multiprocessing.process.BaseProcess:
        self.current.value = 0
        self._started_at = time.monotonic()
        process = self._context.Process(
            target=worker_loop,
            args=(self.database_url, None, self.current),
            name="beatplan-worker",
            daemon=True,
        )
        process.start()
        return process

    def _db(self) -> Engine:
        if self._engine is None:
            self._own_engine = self._own_engine or make_engine(self.database_url)
            return self._own_engine
        return self._engine

    def check(self) -> bool:
        """If the worker has died: fail its job at once, and start a new worker once its
        wait is over. True when a new worker was started."""
        if self._stopping.is_set():
            return False
        now = time.monotonic()
        if self._restart_at is None:
            if self.process.is_alive():
                return False
            self._died(now)
        assert self._restart_at is not None
        if now < self._restart_at:
            return False
        self._restart_at = None
        self.process = self._start()
        log.info("started a new solve worker (pid %s)", self.process.pid)
        return True

    def _died(self, now: float) -> None:
        """Fail the dead worker's job and set when the next worker starts."""
        lived = now - self._started_at
        wait = min(max(2 * self.wait, 1.0), self.max_wait) if lived < self.quick_death else 0.0
        job_id = self.current.value
        log.error(
            "the solve worker (pid %s) stopped unexpectedly (exit code %s) after %.0f s%s; "
            "starting a new one in %.0f s",
            self.process.pid,
            self.process.exitcode,
            lived,
            f" while running job {job_id}" if job_id else "",
            wait,
        )
        if job_id:  # (should this fail, the next check does it all again)
            _finish(self._db(), job_id, tables.JobStatus.FAILED, WORKER_DIED)
        self.wait, self._restart_at = wait, now + wait

    def monitor(self, every: float = MONITOR_EVERY) -> None:
        """Check the worker every `every` seconds, and fail stale running jobs (any
        server's) every `sweep_every` seconds, in a thread, until `stop`."""

        def watch() -> None:
            swept = time.monotonic()
            while not self._stopping.wait(every):
                try:
                    self.check()
                except Exception:  # a database hiccup: try again at the next check
                    log.exception("checking the solve worker failed")
                if time.monotonic() - swept >= self.sweep_every:
                    swept = time.monotonic()
                    try:
                        recover_interrupted(self._db())
                    except Exception:
                        log.exception("failing stale running jobs failed")

        self._monitor = threading.Thread(target=watch, name="beatplan-worker-monitor", daemon=True)
        self._monitor.start()

    def stop(self) -> None:
        """Stop the worker; the job it was running (no other server will finish it) is
        failed at once rather than once its heartbeat has gone stale."""
        self._stopping.set()
        if self._monitor is not None:
            self._monitor.join(timeout=10)
        self.process.terminate()
        self.process.join(timeout=10)
        job_id = self.current.value
        if job_id and not self.process.is_alive():
            try:
                _finish(self._db(), job_id, tables.JobStatus.FAILED, SERVER_GONE)
            except Exception:  # the database gone too: the job goes stale, and is failed
                log.exception("failing job %s of the stopped worker failed", job_id)
        if self._own_engine is not None:
            self._own_engine.dispose()


def start_worker(database_url: str, engine: Engine | None = None) -> WorkerProcess:
    """Start the worker process and the server's watch over it."""
    worker = WorkerProcess(database_url, engine)
    worker.monitor()
    return worker
