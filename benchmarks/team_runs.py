"""Team runs: one team's solve in its own worker process, measured; many across processes.

A run records what the solver part's tables show: status, objective and bound, when the
first lawful rota came and when one came within 1% of the final bound, wall time, the
process's peak memory and the checker's verdict, and keeps the rota for the baselines.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import threading
import time
from dataclasses import dataclass, field

from scheduler import Rota, Scenario, SolveOptions, check, solve
from scheduler.solve import Progress


@dataclass(frozen=True)
class TeamRun:
    team: str
    status: str
    objective: float
    bound: float
    first_feasible: float | None
    within_1pct: float | None
    wall: float
    peak_mib: float
    violations: int | None  # None: no rota to check
    rota: Rota | None = field(default=None, repr=False)  # reused by the baselines


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    time_limit: float
    workers: int
    seed: int = 0
    gap: float = 0.0
    deadline: float | None = None  # wall-clock time.time() by which the solve must stop
    after_first: float | None = None  # stop this many seconds after the first rota


def solve_team(job: Job) -> TeamRun:
    """Solve one team in a worker process and measure it."""
    scenario = job.scenario
    limit = job.time_limit
    if job.deadline is not None:
        limit = max(1.0, min(limit, job.deadline - time.time()))
    history: list[Progress] = []
    cancel = threading.Event()
    timers: list[threading.Timer] = []

    def progress(update: Progress) -> None:
        history.append(update)
        if job.after_first is not None and not timers:
            timer = threading.Timer(job.after_first, cancel.set)
            timer.daemon = True
            timer.start()
            timers.append(timer)

    started = time.perf_counter()
    result = solve(
        scenario,
        SolveOptions(
            time_limit=limit,
            workers=job.workers,
            seed=job.seed,
            relative_gap=job.gap,
            continuity_time=0,
        ),
        progress=progress,
        cancel=cancel,
    )
    wall = time.perf_counter() - started
    for timer in timers:
        timer.cancel()
    report = result.report
    bound = report.best_bound if report.best_bound is not None else float("nan")
    # Time to a rota provably within 1% of optimal: judged against the final bound.
    within = next(
        (p.elapsed for p in history if abs(bound - p.objective) <= 0.01 * max(1.0, abs(bound))),
        None,
    )
    return TeamRun(
        team=scenario.team.id,
        status=report.status,
        objective=report.objective if report.objective is not None else float("nan"),
        bound=bound,
        first_feasible=report.first_solution_time,
        within_1pct=within,
        wall=wall,
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        violations=len(check(scenario, result.rota)) if result.rota else None,
        rota=result.rota,
    )


def run_teams(
    jobs: list[Job], processes: int, *, fresh: bool = True
) -> tuple[list[TeamRun], float]:
    """Solve teams in parallel worker processes; total wall time.

    `fresh`: one new process per team, so each team's peak memory is its own. A force's
    hundred teams reuse their processes instead: starting Python and OR-Tools a hundred
    times would cost more than many teams' solves.
    """
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    runs: list[TeamRun] = []
    with context.Pool(processes, maxtasksperchild=1 if fresh else None) as pool:
        for run in pool.imap(solve_team, jobs, chunksize=1):
            runs.append(run)
            if len(jobs) >= 20 and len(runs) % 10 == 0:  # a long run says how far it is
                print(
                    f"benchmarks.run: {len(runs)}/{len(jobs)} teams solved with {processes} "
                    f"process(es), {time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    return runs, time.perf_counter() - started
