"""Column generation over whole rosters, as branch and price does, for a bound and a start.

The master LP (OR-Tools' GLOP) chooses one roster (column) per person with cover slack;
each person's pricing problem is their rules alone in CP-SAT. Its bound is much tighter
than the full model's LP, and the shifts it settles are a good neighbourhood to complete.
It runs in its own process (`columns_process`) beside the search.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from multiprocessing.connection import Connection

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from benchmarks.curtois.instance import Instance, Staff
from benchmarks.curtois.model import RosterModel, build_model, configured_solver

Column = frozenset[tuple[int, str]]  # one person's whole roster: the (day, shift) cells worked
_DUAL_SCALE = 10_000  # the pricing objective is integer: duals are rounded to 1/10,000
_COMPLETE_LIMIT = 10.0  # seconds for the full model to complete the LP's settled shifts


class _Pricer:
    """One person's rules alone (the same builder as the full model, with no cover), to
    find the roster with the lowest reduced cost under the LP's prices."""

    def __init__(self, instance: Instance, person: Staff) -> None:
        alone = replace(
            instance,
            staff=(person,),
            cover=(),
            on_requests=tuple(r for r in instance.on_requests if r.staff == person.id),
            off_requests=tuple(r for r in instance.off_requests if r.staff == person.id),
        )
        self.m = build_model(alone)
        self.cells = {(day, shift): var for (_, day, shift), var in self.m.x.items()}
        self.on = {(r.day, r.shift): r.weight for r in alone.on_requests}
        self.off = {(r.day, r.shift): r.weight for r in alone.off_requests}

    def cost(self, column: Column) -> int:
        """The person's request penalty for working exactly these cells."""
        missed = sum(w for cell, w in self.on.items() if cell not in column)
        return missed + sum(w for cell, w in self.off.items() if cell in column)

    def price(
        self, duals: dict[tuple[int, str], float], limit: float, seed: int
    ) -> tuple[bool, list[Column]]:
        """Minimise cost minus the cover duals of the cells worked. Returns whether that
        minimum was proved, and every roster the search passed through (best last)."""
        terms = [
            (
                _DUAL_SCALE * (self.off.get(cell, 0) - self.on.get(cell, 0))
                - round(_DUAL_SCALE * duals.get(cell, 0.0))
            )
            * var
            for cell, var in self.cells.items()
        ]
        self.m.model.minimize(sum(terms))
        found: list[Column] = []
        cells = self.cells

        class Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                found.append(frozenset(c for c, var in cells.items() if self.value(var)))

        solver = configured_solver(limit, 1, seed)
        solver.parameters.linearization_level = 2
        status = solver.solve(self.m.model, Collect())
        return status == cp_model.OPTIMAL, found


class _Columns:
    """Set partitioning over whole rosters, as branch and price does: choose one roster
    (column) per person, with cover slack. Its LP, grown by pricing each person's rules,
    is much tighter than the full model's (instance 7: 1054.1, where the full model's LP
    proves 1046-1050), and the shifts it settles are a good neighbourhood to search."""

    def __init__(self, instance: Instance, seed: int) -> None:
        self.instance, self.seed = instance, seed
        self.pricers = {p.id: _Pricer(instance, p) for p in instance.staff}
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        infinity = self.lp.infinity()
        self.objective = self.lp.Objective()
        self.objective.SetMinimization()
        self.one_each = {p.id: self.lp.Constraint(1, 1) for p in instance.staff}
        self.rows = {}
        for c in instance.cover:
            row = self.lp.Constraint(c.requirement, c.requirement)
            under, over = self.lp.NumVar(0, infinity, ""), self.lp.NumVar(0, infinity, "")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            self.objective.SetCoefficient(under, c.under_weight)
            self.objective.SetCoefficient(over, c.over_weight)
            self.rows[c.day, c.shift] = row
        self.columns: dict[str, dict[Column, pywraplp.Variable]] = {
            p.id: {} for p in instance.staff
        }

    def add(self, staff: str, column: Column) -> bool:
        """Add a roster for one person; True if it is new."""
        if column in self.columns[staff]:
            return False
        var = self.lp.NumVar(0, self.lp.infinity(), "")
        self.objective.SetCoefficient(var, self.pricers[staff].cost(column))
        self.one_each[staff].SetCoefficient(var, 1)
        for cell in column:
            if cell in self.rows:
                self.rows[cell].SetCoefficient(var, 1)
        self.columns[staff][column] = var
        return True

    def lower_bound(self, deadline: float) -> int | None:
        """Solve the LP and price until no person has a better roster. Returns the
        Lagrangian lower bound of the last round, rounded up, if every pricing in it was
        proved; None if not, or if the deadline came first."""
        while time.perf_counter() < deadline:
            if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
                return None
            bound: float | None = self.objective.Value()
            duals = {cell: row.dual_value() for cell, row in self.rows.items()}
            # Read before any column is added: adding one invalidates the LP's solution.
            convexity = {staff: row.dual_value() for staff, row in self.one_each.items()}
            new = []
            for staff, pricer in self.pricers.items():
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                proved, found = pricer.price(duals, min(1.0, remaining), self.seed)
                reduced = [
                    pricer.cost(col) - sum(duals.get(cell, 0.0) for cell in col) - convexity[staff]
                    for col in found
                ]
                new += [(staff, col) for col, rc in zip(found, reduced, strict=True) if rc < -1e-6]
                if bound is not None and proved and reduced:
                    # The pricing optimum is exact for rounded duals; each of up to
                    # `horizon` rounded terms is off by at most half a unit.
                    bound += min(0.0, reduced[-1] - self.instance.horizon / _DUAL_SCALE)
                else:
                    bound = None
            if not new:  # the LP's solution is still the one `settled` reads
                return None if bound is None else math.ceil(bound - 1e-6)
            for staff, col in new:
                self.add(staff, col)
        return None

    def settled(self) -> dict[tuple[str, int, str], int]:
        """The shifts the LP has decided, from its last solution: worked in rosters
        chosen with weight at least 0.99 in all (1), or in rosters of weight 0.01 at
        most (0)."""
        shares: dict[tuple[str, int, str], float] = {}
        for staff, columns in self.columns.items():
            for column, var in columns.items():
                share = var.solution_value()
                for day, shift in column:
                    shares[staff, day, shift] = shares.get((staff, day, shift), 0.0) + share
        return {
            (staff, day, shift): 1 if share >= 0.99 else 0
            for staff, pricer in self.pricers.items()
            for day, shift in pricer.cells
            if (share := shares.get((staff, day, shift), 0.0)) >= 0.99 or share <= 0.01
        }

    def score(self, rosters: dict[str, Column]) -> int:
        """The objective of one roster per person: their request penalties, and cover."""
        total = sum(self.pricers[staff].cost(column) for staff, column in rosters.items())
        for c in self.instance.cover:
            n = sum((c.day, c.shift) in column for column in rosters.values())
            total += c.under_weight * max(0, c.requirement - n)
            total += c.over_weight * max(0, n - c.requirement)
        return total

    def complete(
        self, settled: dict[tuple[str, int, str], int], limit: float
    ) -> tuple[int, dict[str, Column]] | None:
        """The best rosters the full model finds in `limit` seconds that keep `settled`,
        with their objective."""
        m = build_model(self.instance)
        for key, value in settled.items():
            m.model.add(m.x[key] == value)
        solver = configured_solver(max(0.1, limit), 1, self.seed)
        solver.parameters.linearization_level = 2
        if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        rosters = columns_of(
            self.instance, m, {var.index: int(solver.value(var)) for var in m.x.values()}
        )
        return self.score(rosters), rosters


def columns_process(
    instance: Instance, seed: int, ends: float, start: dict[str, Column], conn: Connection
) -> None:
    """Column generation, in its own process so that its Python work does not hold up
    the search's. Sends ("bound", int | None); then ("roster", (objective, rosters) | None)
    twice: the rosters that keep every shift the LP settled (solved in a second or two),
    then those that keep only the shifts it settled as worked (slower, and often better);
    then ("done", None). `ends` is the wall-clock time (`time.time()`) to stop by."""
    deadline = time.perf_counter() + (ends - time.time())
    columns = _Columns(instance, seed)
    for staff, column in start.items():
        columns.add(staff, column)
    bound = columns.lower_bound(deadline)
    conn.send(("bound", bound))
    if bound is not None:
        settled = columns.settled()
        worked = {key: value for key, value in settled.items() if value}
        for fixed in (settled, worked):
            limit = min(_COMPLETE_LIMIT, deadline - time.perf_counter())
            conn.send(("roster", columns.complete(fixed, limit) if limit > 0.1 else None))
    conn.send(("done", None))


def columns_of(instance: Instance, m: RosterModel, values: dict[int, int]) -> dict[str, Column]:
    """Each person's roster as a column (someone who never works gets an empty one)."""
    rosters: dict[str, set[tuple[int, str]]] = {p.id: set() for p in instance.staff}
    for (staff, day, shift), var in m.x.items():
        if values.get(var.index):
            rosters[staff].add((day, shift))
    return {staff: frozenset(cells) for staff, cells in rosters.items()}


def values_of(m: RosterModel, rosters: dict[str, Column]) -> dict[int, int]:
    return {
        var.index: int((day, shift) in rosters[staff]) for (staff, day, shift), var in m.x.items()
    }
