"""The search: a quick start, column generation, the full model and an LNS, sharing one best roster.

`solve_instance` runs the parts together until the time limit or until a roster meets a
proven bound, and returns the best roster any of them found.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from benchmarks.curtois.colgen import columns_of, columns_process, values_of
from benchmarks.curtois.instance import Instance, Roster
from benchmarks.curtois.model import RosterModel, build_model, configured_solver
from scheduler.codes import SolveStatus


@dataclass(frozen=True)
class Result:
    roster: Roster | None
    objective: int | None  # as the model sees it
    bound: float  # CP-SAT's proven lower bound
    status: SolveStatus  # OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN
    wall_time: float  # seconds, model building included
    first_solution_time: float | None  # seconds from the start to the first roster


def _roster(instance: Instance, m: RosterModel, values: dict[int, int]) -> Roster:
    return {
        person.id: [
            next(
                (
                    s.id
                    for s in instance.shifts
                    if (var := m.x.get((person.id, d, s.id))) is not None and values[var.index]
                ),
                None,
            )
            for d in range(instance.horizon)
        ]
        for person in instance.staff
    }


class _Incumbent:
    """The best roster so far, shared by the full-model search and the LNS loop."""

    def __init__(self, started: float) -> None:
        self.lock = threading.Lock()
        self.started = started
        self.objective: int | None = None
        self.values: dict[int, int] = {}
        self.first: float | None = None
        self.proved = False

    def offer(self, objective: int, values: dict[int, int]) -> None:
        with self.lock:
            if self.first is None:
                self.first = time.perf_counter() - self.started
            if self.objective is None or objective <= self.objective:
                self.objective, self.values = objective, values

    def get(self) -> tuple[int | None, dict[int, int]]:
        with self.lock:
            return self.objective, self.values


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Hands each roster the full-model search finds to the shared incumbent."""

    def __init__(self, m: RosterModel, incumbent: _Incumbent) -> None:
        super().__init__()
        self.m, self.incumbent = m, incumbent

    def on_solution_callback(self) -> None:
        values = {var.index: int(self.value(var)) for var in self.m.x.values()}
        self.incumbent.offer(round(self.objective_value), values)


# Neighbourhoods of the LNS: some people's whole rosters; everyone over a window of days;
# half the people over a window; everyone over two windows, so that work can move between
# them within each person's totals and weekend limits (instance 7, 60 s, seeds 0 and 1:
# 1085 and 1086 without it, 1064 and 1065 with it). Each has its own size, in (0, 1].
_KINDS = ("staff", "window", "mixed", "windows")
_QUICK_START = 1.0  # seconds for the default portfolio to find a first roster
# Seconds per LNS step. Instance 7, 60 s, six runs each (seeds 0-3, some twice): 1.0 s gave
# 1057-1070 (median 1068.5), 2.0 s gave 1066-1079 (median 1070), 0.5 s 1063-1085. The
# search is noisy, so this is a small, uncertain gain: more steps beat longer ones.
_STEP_LIMIT = 1.0
_GROW, _SHRINK = 1.15, 1.3  # neighbourhood size after a step solved to optimality / not


def _neighbourhood(
    instance: Instance, rng: random.Random, kind: str, size: float
) -> set[tuple[str, int]]:
    """The (person, day) cells one LNS step may change."""
    staff = [p.id for p in instance.staff]
    people, width = len(staff), instance.horizon
    if kind == "staff":
        people = max(2, round(size * len(staff)))
    elif kind == "windows":  # two windows, together `size` of the horizon
        width = max(2, round(size * instance.horizon / 2))
    else:
        width = max(3, round(size * instance.horizon))
        if kind == "mixed":
            people = max(2, round(0.5 * len(staff)))
    chosen = rng.sample(staff, min(people, len(staff)))
    count = 2 if kind == "windows" else 1
    starts = [rng.randrange(0, instance.horizon - width + 1) for _ in range(count)]
    return {(p, d) for p in chosen for start in starts for d in range(start, start + width)}


def _lns_step(
    m: RosterModel, best: dict[int, int], free: set[tuple[str, int]], limit: float, seed: int
) -> tuple[int, int | None, dict[int, int]]:
    """Re-optimise the free cells with everything else fixed to the incumbent."""
    sub = m.model.clone()
    for (person, day, _), var in m.x.items():
        if (person, day) in free:
            sub.add_hint(sub.get_bool_var_from_proto_index(var.index), best[var.index])
        else:
            domain = sub.proto.variables[var.index].domain
            domain[0] = domain[1] = best[var.index]
    solver = configured_solver(limit, 1, seed)
    # The LP with every constraint linearised makes these small problems easy: sub-problems
    # that took 2-10 s (or timed out) at the default level solve in 0.05-0.5 s.
    solver.parameters.linearization_level = 2
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, {}
    values = {var.index: int(solver.value(var)) for var in m.x.values()}
    return status, round(solver.objective_value), values


def solve_instance(
    instance: Instance, time_limit: float, workers: int = 2, seed: int = 0
) -> Result:
    """Solve in parts, each CP-SAT solve configured by the scheduler's `configure`:

    1. a quick start (the default portfolio, `workers` threads, about a second);
    2. in a second process, column generation over whole rosters (`colgen`): its LP
       gives a bound, and the full model completes the shifts it settles into rosters;
       then, on a thread for the time left, the full model with `linearization_level=2`
       (its LP bounds too, and sometimes it finds big improvements);
    3. throughout, a large neighbourhood search over people and days, which polishes
       whatever roster is best.
    The best roster any part finds is kept; the search stops once a roster meets a bound.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    m = build_model(instance)
    incumbent = _Incumbent(started)
    quick = configured_solver(min(_QUICK_START, time_limit / 2), workers, seed)
    if quick.solve(m.model, _Reporter(m, incumbent)) == cp_model.OPTIMAL:
        incumbent.proved = True
    bounds = [quick.best_objective_bound]
    solvers: list[cp_model.CpSolver] = []

    def met() -> bool:
        objective, _ = incumbent.get()
        if objective is not None and objective <= max(bounds):
            incumbent.proved = True
        return incumbent.proved

    def full_model() -> None:
        remaining = deadline - time.perf_counter()
        if met() or remaining < 0.1:
            return
        objective, best = incumbent.get()
        hinted = m.model.clone()  # the LNS clones the unhinted model and adds its own hints
        for var in m.x.values() if objective is not None else ():
            hinted.add_hint(hinted.get_bool_var_from_proto_index(var.index), best[var.index])
        full = configured_solver(remaining, max(1, workers - 1), seed)
        full.parameters.linearization_level = 2
        solvers.append(full)
        status = full.solve(hinted, _Reporter(m, incumbent))
        bounds.append(full.best_objective_bound)
        if status == cp_model.OPTIMAL:
            incumbent.proved = True
        elif status == cp_model.INFEASIBLE:
            bounds.append(math.inf)

    thread = threading.Thread(target=full_model, daemon=True)
    objective, best = incumbent.get()
    process, conn = None, None
    if objective is None or incumbent.proved:
        thread.start()  # nothing to generate columns from
    else:
        # Forked where the platform can (it starts at once; no thread of ours is running
        # yet, so the child copies no lock held mid-use), else spawned. The deadline
        # crosses as wall-clock time, which both processes read alike.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        conn, child = context.Pipe(duplex=False)
        ends = time.time() + (deadline - time.perf_counter())
        process = context.Process(
            target=columns_process,
            args=(instance, seed, ends, columns_of(instance, m, best), child),
            daemon=True,
        )
        process.start()
        child.close()  # the parent only reads

    def hear() -> None:
        """Take what the column process has sent; start the full model once it is done
        (or has died)."""
        nonlocal process
        if process is None or conn is None:
            return
        while conn.poll():
            try:
                kind, payload = conn.recv()
            except EOFError:  # the process ended without saying "done"
                break
            if kind == "bound" and payload is not None:
                bounds.append(payload)
            elif kind == "roster" and payload is not None:
                objective, rosters = payload
                incumbent.offer(objective, values_of(m, rosters))
            elif kind == "done":
                process.join()
        if not process.is_alive():
            process = None
            thread.start()

    rng = random.Random(seed)
    sizes = dict.fromkeys(_KINDS, 0.2)
    while not met():
        hear()
        remaining = deadline - time.perf_counter()
        objective, best = incumbent.get()
        if remaining < 0.05 or (objective is None and process is None and not thread.is_alive()):
            break
        if objective is None:
            time.sleep(0.02)
            continue
        kind = rng.choice(_KINDS)
        free = _neighbourhood(instance, rng, kind, sizes[kind])
        status, value, values = _lns_step(
            m, best, free, min(_STEP_LIMIT, remaining), rng.randrange(1 << 30)
        )
        if value is not None and value <= objective:  # equal moves too: drift on plateaus
            incumbent.offer(value, values)
        # Grow a neighbourhood while its steps are solved to optimality, shrink it when
        # they time out: each step stays about as hard as the time allows.
        grown = sizes[kind] * _GROW if status == cp_model.OPTIMAL else sizes[kind] / _SHRINK
        sizes[kind] = min(0.9, max(0.05, grown))
    if process is not None:
        process.kill()
        process.join()
    if conn is not None:
        conn.close()
    for solver in solvers:
        solver.stop_search()
    if thread.is_alive():
        thread.join()
    objective, best = incumbent.get()
    bound = max(bounds)
    wall = time.perf_counter() - started
    if objective is None:
        status_name = SolveStatus.INFEASIBLE if bound == math.inf else SolveStatus.UNKNOWN
        return Result(None, None, bound, status_name, wall, None)
    status_name = (
        SolveStatus.OPTIMAL if incumbent.proved or bound >= objective else SolveStatus.FEASIBLE
    )
    return Result(_roster(instance, m, best), objective, bound, status_name, wall, incumbent.first)
