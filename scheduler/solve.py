"""Solve a team's week: run CP-SAT, turn its answer into a `Rota`, explain a failure.

`solve()` is the library's front door. It never raises for an impossible week: the
result then has no rota and a report whose `explanation` names the requirements that
cannot all hold, in a sergeant's words.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import ortools
from ortools.sat.python import cp_model

from scheduler.blocks import assign_patrols, build_duties
from scheduler.model import SCALE, Requirement, WeekModel, build
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


def _stop_when_set(
    cancel: threading.Event, done: threading.Event, solver: cp_model.CpSolver
) -> None:
    while not done.is_set():
        if cancel.wait(0.1):
            solver.stop_search()
            return


def _configure(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    parameters = solver.parameters
    parameters.max_time_in_seconds = options.time_limit
    parameters.num_workers = options.workers
    parameters.random_seed = options.seed
    parameters.relative_gap_limit = options.relative_gap
    parameters.stop_after_first_solution = options.stop_after_first


def _add_hint(week: WeekModel, hint: Rota) -> None:
    """Warm start from a previous rota: same duties, same event attendance."""
    worked = hint.worked()
    attended = hint.attendance()
    for option, var in week.works.items():
        week.model.add_hint(var, (option.staff, option.day, option.template) in worked)
    for key, var in week.attends.items():
        week.model.add_hint(var, key in attended)


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
        _add_hint(week, options.hint)
    solver = cp_model.CpSolver()
    _configure(solver, options)
    callback = _ProgressCallback(progress)
    # Requirements are imposed outright for the real solve: as assumptions they delayed
    # the first rota several-fold. Only an infeasible week goes on to the explanation.
    solving = _with_requirements(week, week.requirements)
    status = _solve_watched(solver, solving, cancel, callback)
    report = SolveReport(
        status=solver.status_name(status),
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
        floored = _hold_presence(week, solving, solver, options, cancel)
        if floored is not None:
            solving, solver = floored
    # Optimal only when the objective meets the bound: CP-SAT also says OPTIMAL when it
    # stops at the gap limit.
    proved = solver.objective_value == solver.best_objective_bound
    report.status = "OPTIMAL" if proved else "FEASIBLE"
    objective = solver.objective_value / SCALE
    bound = solver.best_objective_bound / SCALE
    report.objective = round(objective, 2)
    report.best_bound = round(bound, 2)
    report.gap = round(abs(bound - objective) / max(1.0, abs(bound)), 6)
    if options.continuity_time > 0 and not (cancel is not None and cancel.is_set()):
        solver = _improve_continuity(week, solving, solver, options)
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


def _hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Warm-start `model` from every variable of `solver`'s answer (same variable indexes)."""
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def _solve_watched(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    cancel: threading.Event | None,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> int:
    """`solver.solve(model, callback)`, stopped early if `cancel` is set meanwhile."""
    if cancel is None:
        return solver.solve(model, callback)
    done = threading.Event()
    threading.Thread(target=_stop_when_set, args=(cancel, done, solver), daemon=True).start()
    try:
        return solver.solve(model, callback)
    finally:
        done.set()


def _hold_presence(
    week: WeekModel,
    solving: cp_model.CpModel,
    found: cp_model.CpSolver,
    options: SolveOptions,
    cancel: threading.Event | None = None,
) -> tuple[cp_model.CpModel, cp_model.CpSolver] | None:
    """The presence check: the softer goals may cost at most policy.presence_trade_limit.

    Ward fairness, optional events, unsocial fairness and preferences all take presence
    from where it counts most. First, search for a rota with more than 1 / (1 - limit)
    times the found rota's presence, for a quarter of `options.presence_time` at most. In
    the usual case the rules prove there is none (the LP bound is tight), quickly, and
    the found rota stands (None); so it does if the search finds nothing in its time. If
    there is one, the search goes on to the most presence it can find, and the whole
    objective is re-solved for the rest of the time with presence held at (1 - limit) of
    that at least, warm-started from the presence-only answer (which meets the floor);
    returns that model and its answer. Setting `cancel` stops either search: the found
    rota stands if the first is stopped, the re-solve's best so far if the second is.
    """
    trade = week.scenario.policy.presence_trade_limit
    presence = sum(week.objective_parts.get("presence", []))
    if trade >= 1 or isinstance(presence, int):
        return None
    found_presence = found.value(presence)
    more = solving.clone()
    more.add(presence >= math.floor(found_presence / (1 - trade)) + 1)
    more.maximize(presence)
    _hint_all(more, found)
    search = cp_model.CpSolver()
    _configure(search, options)
    search.parameters.max_time_in_seconds = options.presence_time / 4
    search.parameters.relative_gap_limit = 0
    search.parameters.stop_after_first_solution = False
    began = time.perf_counter()
    if _solve_watched(search, more, cancel) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if cancel is not None and cancel.is_set():
        return None
    floor = math.ceil((1 - trade) * search.objective_value)
    held = solving.clone()
    held.add(presence >= floor)
    _hint_all(held, search)
    resolve = cp_model.CpSolver()
    _configure(resolve, options)
    resolve.parameters.max_time_in_seconds = max(
        0.5, options.presence_time - (time.perf_counter() - began)
    )
    if _solve_watched(resolve, held, cancel) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # not even the hint in time (a loaded machine): the first rota stands
    return held, resolve


def _improve_continuity(
    week: WeekModel, solving: cp_model.CpModel, first: cp_model.CpSolver, options: SolveOptions
) -> cp_model.CpSolver:
    """Last phase: keep the objective at its value, maximise home-ward hours.

    Warm-started from the first answer, so it can only keep or improve continuity; if it
    finds nothing in its time, the first answer stands.
    """
    model = solving.clone()
    _hint_all(model, first)
    model.add(sum(week.objective_terms) >= round(first.objective_value))
    model.maximize(week.continuity)
    second = cp_model.CpSolver()
    _configure(second, options)
    second.parameters.max_time_in_seconds = options.continuity_time
    status = second.solve(model)
    return second if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else first


def _with_requirements(week: WeekModel, requirements: list[Requirement]) -> cp_model.CpModel:
    """A copy of the model with these requirement groups imposed (variables keep their indexes)."""
    model = week.model.clone()
    for requirement in requirements:
        model.add_bool_or([model.get_bool_var_from_proto_index(requirement.literal.index)])
    return model


def _proven_impossible(week: WeekModel, requirements: list[Requirement]) -> bool:
    """Whether the hard rules plus these requirement groups provably cannot all hold."""
    model = _with_requirements(week, requirements)
    model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 2
    return solver.solve(model) == cp_model.INFEASIBLE


def explain_infeasible(week: WeekModel) -> list[str]:
    """A smallest set of requirements that cannot all hold, as sentences.

    Deletion-based: drop each requirement in turn and keep it out if the rest is still
    impossible. What remains is a minimal conflict: relaxing any one of them helps.
    """
    if _proven_impossible(week, []):
        return [
            "The working-time rules alone cannot be met for some staff member this week "
            "(check carry-in from last week, leave and working days against the rest and "
            "rest-day rules)."
        ]
    conflict = list(week.requirements)
    for requirement in list(conflict):
        trial = [r for r in conflict if r is not requirement]
        if _proven_impossible(week, trial):
            conflict = trial
    sentences = [requirement.sentence for requirement in conflict]
    if len(sentences) > 1:
        sentences.append("These cannot all hold at once; relax one of them.")
    else:
        sentences.append("This cannot be met under the team's rules; change it or the rota inputs.")
    return sentences
