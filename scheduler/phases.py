"""The phases of a solve, each a CP-SAT run on the week model: configure the solver,
warm-start it, impose the requirement groups, solve (stoppably), hold presence against
the softer goals, then improve continuity.

`scheduler.solve` runs them in that order; a repair (`scheduler.replan`) and the Curtois &
Qu benchmark reuse them.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.model import Requirement, WeekModel
from scheduler.model.continuity import hint_blocks
from scheduler.rota import Rota

if TYPE_CHECKING:  # SolveOptions is scheduler.solve's, which runs these phases
    from scheduler.solve import SolveOptions


# With the search limited by its work (`SolveOptions.limit == "work"`), the clock still
# stops a runaway at this many times the limit. On a quiet 2-core machine a unit of work
# took 1.5 s (the sample team's plan of duties) to 4 s (its repair) of each worker's
# search, and twice that on a machine given twice the work it has cores (2026-12-07).
WORK_CLOCK_CAP = 20.0


def limit(solver: cp_model.CpSolver, by: str, seconds: float) -> None:
    """Stop `solver` after `seconds`: of the clock, or with `by` "work" (a solve's or a
    roster's `limit`) units of CP-SAT's deterministic time (its measure of the work each
    worker has done), which a loaded machine does not shorten: the search then takes
    longer instead of finding less."""
    if by == "work":
        solver.parameters.max_deterministic_time = seconds
        solver.parameters.max_time_in_seconds = WORK_CLOCK_CAP * seconds
    else:
        solver.parameters.max_time_in_seconds = seconds


def work_done(solver: cp_model.CpSolver) -> float:
    """A finished search's work, as its limit counts it: CP-SAT sums its workers' work,
    and holds each worker's to the limit."""
    return solver.response_proto.deterministic_time / max(1, solver.parameters.num_workers)


def spent(solver: cp_model.CpSolver, by: str) -> float:
    """What a finished search used of its limit: seconds, or (`by` "work") units of work."""
    return work_done(solver) if by == "work" else solver.wall_time


def configure(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    parameters = solver.parameters
    limit(solver, options.limit, options.time_limit)
    parameters.num_workers = options.workers
    parameters.random_seed = options.seed
    parameters.relative_gap_limit = options.relative_gap
    parameters.stop_after_first_solution = options.stop_after_first
    if options.workers == 1:
        # One worker runs one search, with none of the portfolio's others to fall back
        # on: at the default linearization it found no rota of one generated BCU team in
        # 25 s (2 workers: optimal in 16 s). With the full linear relaxation it was
        # optimal in 5.4 s, and as fast or faster on the four other BCU teams tried
        # (2026-12-06, docs/benchmarks.md's BCU and force runs use 1 worker a team).
        parameters.linearization_level = 2


def add_hint(week: WeekModel, hint: Rota) -> None:
    """Warm start from a previous rota: same duties, same event attendance."""
    worked = hint.worked()
    attended = hint.attendance()
    for option, var in week.works.items():
        week.model.add_hint(var, (option.staff, option.day, option.template) in worked)
    for key, var in week.attends.items():
        week.model.add_hint(var, key in attended)
    if week.blocks:
        hint_blocks(week, hint)


def hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Warm-start `model` from every variable of `solver`'s answer (same variable indexes)."""
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def _stop_when_set(
    cancel: threading.Event, done: threading.Event, solver: cp_model.CpSolver
) -> None:
    while not done.is_set():
        if cancel.wait(0.1):
            solver.stop_search()
            return


def solve_watched(
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


def hold_presence(
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
    hint_all(more, found)
    search = cp_model.CpSolver()
    configure(search, options)
    limit(search, options.limit, options.presence_time / 4)
    search.parameters.relative_gap_limit = 0
    search.parameters.stop_after_first_solution = False
    if solve_watched(search, more, cancel) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if cancel is not None and cancel.is_set():
        return None
    floor = math.ceil((1 - trade) * search.objective_value)
    held = solving.clone()
    held.add(presence >= floor)
    hint_all(held, search)
    resolve = cp_model.CpSolver()
    configure(resolve, options)
    limit(resolve, options.limit, max(0.5, options.presence_time - spent(search, options.limit)))
    if solve_watched(resolve, held, cancel) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # not even the hint in time (a loaded machine): the first rota stands
    return held, resolve


def improve_continuity(
    week: WeekModel, solving: cp_model.CpModel, first: cp_model.CpSolver, options: SolveOptions
) -> cp_model.CpSolver:
    """Last phase: keep the objective at its value, maximise home-ward hours.

    Warm-started from the first answer, so it can only keep or improve continuity; if it
    finds nothing in its time, the first answer stands.
    """
    model = solving.clone()
    hint_all(model, first)
    model.add(sum(week.objective_terms) >= round(first.objective_value))
    model.maximize(week.continuity)
    second = cp_model.CpSolver()
    configure(second, options)
    limit(second, options.limit, options.continuity_time)
    status = second.solve(model)
    return second if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else first


def with_requirements(week: WeekModel, requirements: list[Requirement]) -> cp_model.CpModel:
    """A copy of the model with these requirement groups imposed (variables keep their indexes)."""
    model = week.model.clone()
    for requirement in requirements:
        model.add_bool_or([model.get_bool_var_from_proto_index(requirement.literal.index)])
    return model
