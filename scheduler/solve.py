"""Solve a team's week: run CP-SAT, turn its answer into a `Rota`, explain a failure.

`solve()` is the library's front door. It never raises for an impossible week: the
result then has no rota and a report whose `explanation` names the requirements that
cannot all hold, in a sergeant's words (`scheduler.explain`). The CP-SAT runs themselves
are `scheduler.phases`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import ortools
from ortools.sat.python import cp_model

from scheduler.blocks import assign_patrols, build_duties
from scheduler.codes import SolveStatus
from scheduler.explain import explain_infeasible
from scheduler.model import SCALE, WeekModel, build
from scheduler.phases import (
    add_hint,
    configure,
    hold_presence,
    improve_continuity,
    solve_watched,
    with_requirements,
)
from scheduler.rota import Rota, SolveReport
from scheduler.scenario import Scenario
from scheduler.summary import figures


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    hint: Rota | None = None
    relative_gap: float = 0.0  # stop early once this close to the bound (0: prove optimal)
    continuity_time: float = 5.0  # seconds for the continuity phase (0: skip it)
    # Seconds for the presence check after the main solve: a quarter at most to find how
    # much presence the rules allow, the rest to re-solve under the policy's
    # presence_trade_limit if the rota fell short of it (0: skip; a repair, a benchmark of
    # parts of the objective).
    presence_time: float = 20.0
    stop_after_first: bool = False  # take the first lawful rota (a late repair)
    # How the caller names the time limit, for the explanation when no rota is found in
    # time: the CLI's option by default, the service's JSON field; None if the caller
    # cannot give more (the service's repairs).
    time_limit_name: str | None = "--time-limit"

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError(f"time_limit must be positive, got {self.time_limit}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.presence_time < 0:
            raise ValueError(f"presence_time must not be negative, got {self.presence_time}")


@dataclass(frozen=True)
class Progress:
    """A new best rota was found while solving."""

    objective: float
    bound: float
    elapsed: float

    @property
    def gap(self) -> float:
        return abs(self.bound - self.objective) / max(1.0, abs(self.bound))


@dataclass(frozen=True)
class SolveResult:
    rota: Rota | None
    report: SolveReport


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self._report = report
        self.first_solution_time: float | None = None

    def on_solution_callback(self) -> None:
        progress = Progress(
            self.objective_value / SCALE, self.best_objective_bound / SCALE, self.wall_time
        )
        if self.first_solution_time is None:
            self.first_solution_time = self.wall_time
        if self._report is not None:
            self._report(progress)


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> SolveResult:
    """Find a lawful rota that maximises visible presence; explain if there is none.

    Setting `cancel` (from any thread) stops the search; the best rota so far, if any,
    is returned.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    return solve_built(build(scenario), options, progress, cancel, started=started)


def solve_built(
    week: WeekModel,
    options: SolveOptions,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    *,
    started: float | None = None,
) -> SolveResult:
    """`solve` for a model already built (and perhaps extended, as re-planning does)."""
    started = time.perf_counter() if started is None else started
    if options.hint is not None:
        add_hint(week, options.hint)
    solver = cp_model.CpSolver()
    configure(solver, options)
    callback = _ProgressCallback(progress)
    # Requirements are imposed outright for the real solve: as assumptions they delayed
    # the first rota several-fold. Only an infeasible week goes on to the explanation.
    solving = with_requirements(week, week.requirements)
    status = solve_watched(solver, solving, cancel, callback)
    report = SolveReport(
        status=SolveStatus(solver.status_name(status)),
        wall_time=round(time.perf_counter() - started, 3),
        first_solution_time=callback.first_solution_time,
        seed=options.seed,
        workers=options.workers,
        time_limit=options.time_limit,
        ortools_version=ortools.__version__,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.INFEASIBLE:
            report.explanation = explain_infeasible(week)
        else:
            more_time = (
                f"more time ({options.time_limit_name}) or " if options.time_limit_name else ""
            )
            report.explanation = [
                f"No rota was found within {options.time_limit:g} s; give the solve "
                f"{more_time}fewer hard requirements."
            ]
        return SolveResult(None, report)
    if options.presence_time > 0 and not (cancel is not None and cancel.is_set()):
        floored = hold_presence(week, solving, solver, options, cancel)
        if floored is not None:
            solving, solver = floored
    # Optimal only when the objective meets the bound: CP-SAT also says OPTIMAL when it
    # stops at the gap limit.
    proved = solver.objective_value == solver.best_objective_bound
    report.status = SolveStatus.OPTIMAL if proved else SolveStatus.FEASIBLE
    objective = solver.objective_value / SCALE
    bound = solver.best_objective_bound / SCALE
    report.objective = round(objective, 2)
    report.best_bound = round(bound, 2)
    report.gap = round(abs(bound - objective) / max(1.0, abs(bound)), 6)
    if options.continuity_time > 0 and not (cancel is not None and cancel.is_set()):
        solver = improve_continuity(week, solving, solver, options)
    rota = extract_rota(week, solver)
    report.wall_time = round(time.perf_counter() - started, 3)
    rota.report = report
    return SolveResult(rota, report)


def extract_rota(week: WeekModel, solver: cp_model.CpSolver) -> Rota:
    scenario = week.scenario
    worked = [option for option, var in week.works.items() if solver.boolean_value(var)]
    attended = {key for key, var in week.attends.items() if solver.boolean_value(var)}
    counts = {key: solver.value(var) for key, var in week.patrol.items()}
    states = assign_patrols(week, worked, attended, counts)
    duties = build_duties(week, worked, states)
    return Rota(
        team=scenario.team.id,
        week_start=scenario.week_start,
        duties=duties,
        **figures(scenario, duties),
        generated_at=datetime.now(UTC).replace(microsecond=0),
    )
