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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

import ortools
from ortools.sat.python import cp_model

from scheduler.blocks import assign_patrols, build_duties
from scheduler.codes import SolveStatus
from scheduler.explain import explain_infeasible
from scheduler.model import SCALE, WeekModel, build
from scheduler.model.continuity import block_wards
from scheduler.phases import (
    add_hint,
    configure,
    hold_presence,
    improve_continuity,
    solve_watched,
    with_requirements,
)
from scheduler.rota import FacesReport, Rota, SolveReport
from scheduler.scenario import Scenario
from scheduler.summary import figures
from scheduler.visits import plan_visits

# The familiar-faces phase's seconds when not given: at least 3 (the sample team's first
# deployment comes in under a second), at most 15 (about 98% of the plan's presence kept:
# docs/benchmarks.md, "Familiar faces").
FACES_SECONDS = (3.0, 15.0)


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    hint: Rota | None = None
    relative_gap: float = 0.0  # stop early once this close to the bound (0: prove optimal)
    continuity_time: float = 5.0  # seconds for the continuity phase (0: skip it)
    # Seconds for the familiar-faces phase, when the team's policy asks for continuity
    # (`Policy.continuity`): the main phase's duties deployed in blocks (see `keep_faces`).
    # None: half the time limit, within FACES_SECONDS (a quick solve asked for is deployed
    # quickly too).
    faces_time: float | None = None
    # Seconds for the presence check after the main solve: a quarter at most to find how
    # much presence the rules allow, the rest to re-solve under the policy's
    # presence_trade_limit if the rota fell short of it (0: skip; a repair, a benchmark of
    # parts of the objective).
    presence_time: float = 20.0
    stop_after_first: bool = False  # take the first lawful rota (a late repair)
    # What the seconds above limit: "clock" (wall time), or "work": CP-SAT's deterministic
    # time, each worker's (a unit is 1.5 to 4 s of a quiet 2-core machine), which a loaded
    # machine does not shorten: it takes longer instead of finding less
    # (`scheduler.phases.limit`). Not the same rota every time (the workers still race),
    # but the same effort.
    limit: Literal["clock", "work"] = "clock"
    # How the caller names the time limit, for the explanation when no rota is found in
    # time: the CLI's option by default, the service's JSON field; None if the caller
    # cannot give more (the service's repairs).
    time_limit_name: str | None = "--time-limit"

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError(f"time_limit must be positive, got {self.time_limit}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.faces_time is not None and self.faces_time <= 0:
            raise ValueError(f"faces_time must be positive, got {self.faces_time}")
        if self.limit not in ("clock", "work"):
            raise ValueError(f'limit must be "clock" or "work", got {self.limit!r}')
        if self.presence_time < 0:
            raise ValueError(f"presence_time must not be negative, got {self.presence_time}")

    def amount(self, seconds: float) -> str:
        """`seconds` of this solve's limit, for people: "12 s" or "12 units of work"."""
        return f"{seconds:g} s" if self.limit == "clock" else f"{seconds:g} units of work"

    @property
    def faces_seconds(self) -> float:
        """The familiar-faces phase's seconds: `faces_time`, or half the time limit within
        FACES_SECONDS."""
        if self.faces_time is not None:
            return self.faces_time
        low, high = FACES_SECONDS
        return min(high, max(low, self.time_limit / 2))


@dataclass(frozen=True)
class Progress:
    """A new best rota was found while solving."""

    objective: float
    bound: float
    elapsed: float

    @property
    def gap(self) -> float:
        return abs(self.bound - self.objective) / max(1.0, abs(self.bound))


def gap_words(gap: float | None) -> str:
    """How far a rota (roster) may be from the best possible, for people: "at most 3.2%
    below the best possible". A gap of 100% or more (the costs outweigh the presence so
    far, as early in a search) says only that it is far from it."""
    if gap is None:
        return "how far from the best possible is not known (no bound in the time given)"
    if gap < 0.0005:
        return "the best possible"
    if gap >= 1:
        return "far from the best possible (more than 100% below it): give it more time"
    return f"at most {gap:.1%} below the best possible"


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
    if scenario.policy.continuity is None:
        return solve_built(build(scenario), options, progress, cancel, started=started)
    # Familiar faces: the duties are planned for presence first (the counts move freely
    # from hour to hour, a model CP-SAT proves optimal in seconds); the same duties are
    # then deployed in blocks that keep continuity. As one model, CP-SAT found no rota of
    # the sample team in 60 s (docs/model.md, "Familiar faces").
    planning = replace(options, continuity_time=0)  # continuity is the next phase's
    week = build(scenario, in_blocks=False)
    first = solve_built(week, planning, progress, cancel, started=started)
    if first.rota is None or (cancel is not None and cancel.is_set()):
        return first  # stopped: the rota so far, not deployed (the checker says so)
    return keep_faces(scenario, first.rota, options, cancel, started=started)


def keep_faces(
    scenario: Scenario,
    planned: Rota,
    options: SolveOptions,
    cancel: threading.Event | None = None,
    *,
    now: datetime | None = None,
    started: float | None = None,
    history: Rota | None = None,
    freeze: Callable[[WeekModel], None] | None = None,
) -> SolveResult:
    """The planned rota's duties, deployed for familiar faces (`Policy.continuity`): each
    duty in blocks of one ward, over few wards, dedicated officers mostly at home, a
    ward's own officers at its panel; who attends which event may change. The planned
    rota's report stands for the duties; `report.faces` says how the deployment went and
    what continuity cost. If no deployment keeps the policy, the planned rota is returned
    with the reasons, and the checker names what it breaks.

    A repair (`now`) passes the published rota as `history` (its wards before `now`
    count in the continuity rules) and `freeze`, which keeps what has started."""
    started = time.perf_counter() if started is None else started
    week = build(scenario, now, history=history)
    worked = planned.worked()
    for option, var in week.works.items():
        week.model.add(var == int((option.staff, option.day, option.template) in worked))
    if freeze is not None:
        freeze(week)
    add_hint(week, planned)
    solver = cp_model.CpSolver()
    configure(solver, replace(options, time_limit=options.faces_seconds))
    status = solve_watched(solver, with_requirements(week, week.requirements), cancel)
    if planned.report is None:
        raise ValueError("keep_faces deploys a solved rota, which carries its report")
    report = planned.report.model_copy(deep=True)
    presence_before = {w.ward: w.weighted_presence for w in planned.wards}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        rota = extract_rota(week, solver)
        proved = solver.objective_value == solver.best_objective_bound
        faces = FacesReport(
            status=SolveStatus.OPTIMAL if proved else SolveStatus.FEASIBLE,
            objective=round(solver.objective_value / SCALE, 2),
            best_bound=round(solver.best_objective_bound / SCALE, 2),
            wall_time=round(solver.wall_time, 3),
        )
    else:
        rota = planned.model_copy(deep=True)
        reasons = (
            explain_infeasible(week)
            if status == cp_model.INFEASIBLE
            else [
                f"No deployment in blocks was found within {options.amount(options.faces_seconds)}."
            ]
        )
        faces = FacesReport(
            status=SolveStatus(solver.status_name(status)),
            wall_time=round(solver.wall_time, 3),
            explanation=[
                "These duties cannot be deployed with the team's continuity policy; the "
                "rota is the plan for presence alone, and the checker names what it breaks.",
                *reasons,
            ],
        )
    for ward in rota.wards:
        ward.presence_without_continuity = presence_before.get(ward.ward)
    report.faces = faces
    report.wall_time = round(time.perf_counter() - started, 3)
    rota.report = report
    return SolveResult(rota, report)


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
                f"No rota was found within {options.amount(options.time_limit)}; give the solve "
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
    states = assign_patrols(week, worked, attended, counts, block_wards(week, solver))
    duties = plan_visits(scenario, build_duties(week, worked, states))
    return Rota(
        team=scenario.team.id,
        week_start=scenario.week_start,
        duties=duties,
        **figures(scenario, duties),
        generated_at=datetime.now(UTC).replace(microsecond=0),
    )
