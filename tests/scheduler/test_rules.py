"""The shared rostering rules (`scheduler.rules`), each against a brute-force reading.

Every rule is stated on a few days' literals; CP-SAT then enumerates every pattern of days
the rule lets through, which must be exactly the patterns a plain-Python reading of the
rule accepts. Too strict and a lawful pattern goes missing; too loose and an unlawful one
appears. The week model and the Curtois benchmark both build their rules from these.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest
from ortools.sat.python import cp_model

from scheduler import rules

Pattern = tuple[int, ...]


def _allowed(
    days: int, state: Callable[[cp_model.CpModel, list], None], fixed_off: Sequence[int] = ()
) -> set[Pattern]:
    """Every pattern of days worked that CP-SAT finds lawful under `state`. A fixed-off day
    is passed to the rule as the constant 0, as the models do for leave and days off.

    Each pattern must be one solution: a variable the rule adds (a weekend's literal) is
    fixed by the days, not left free to multiply the search's equal answers."""
    model = cp_model.CpModel()
    literals = [model.new_bool_var(f"d{d}") for d in range(days)]
    as_days = [0 if d in fixed_off else literal for d, literal in enumerate(literals)]
    for d in fixed_off:
        model.add(literals[d] == 0)
    state(model, as_days)
    found: list[Pattern] = []

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.append(tuple(self.value(literal) for literal in literals))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    status = solver.solve(model, Collect())
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    assert len(found) == len(set(found)), "a variable the rule adds is left free"
    return set(found)


def _expected(
    days: int, lawful: Callable[[Pattern], bool], fixed_off: Sequence[int] = ()
) -> set[Pattern]:
    return {
        pattern
        for pattern in itertools.product((0, 1), repeat=days)
        if not any(pattern[d] for d in fixed_off) and lawful(pattern)
    }


def _blocks(pattern: Pattern) -> list[tuple[int, int, int]]:
    """(value, first day, length) of each maximal block of equal days."""
    out = []
    for value, group in itertools.groupby(enumerate(pattern), key=lambda item: item[1]):
        group = list(group)
        out.append((value, group[0][0], len(group)))
    return out


def test_never_both_forbids_exactly_the_pairs():
    pairs = [(0, 1), (1, 2), (0, 3)]

    def state(model, days):
        rules.never_both(model, [(days[a], days[b]) for a, b in pairs])

    expected = _expected(4, lambda p: not any(p[a] and p[b] for a, b in pairs))
    assert _allowed(4, state) == expected


@pytest.mark.parametrize("limit", [0, 2, 5, 6])
def test_at_most_caps_the_days_worked(limit: int):
    def state(model, days):
        rules.at_most(model, days, limit)

    assert _allowed(5, state) == _expected(5, lambda p: sum(p) <= limit)


def test_at_most_states_nothing_that_cannot_bind():
    model = cp_model.CpModel()
    days = [model.new_bool_var(f"d{d}") for d in range(3)]
    rules.at_most(model, days, 3)
    assert len(model.proto.constraints) == 0
    rules.at_most(model, days, 2)
    assert len(model.proto.constraints) == 1


@pytest.mark.parametrize("low", [None, 900])
def test_minutes_within_bounds_the_total(low: int | None):
    minutes = [300, 480, 600, 720]

    def state(model, days):
        rules.minutes_within(model, list(zip(minutes, days, strict=True)), low, 1500)

    def lawful(p: Pattern) -> bool:
        total = sum(m for m, worked in zip(minutes, p, strict=True) if worked)
        return (low is None or total >= low) and total <= 1500

    assert _allowed(4, state) == _expected(4, lawful)


@pytest.mark.parametrize("carried", [0, 1, 3, 5])
def test_max_consecutive_counts_the_days_carried_in(carried: int):
    limit, days = 3, 8

    def state(model, literals):
        rules.max_consecutive(model, literals, limit, carried=carried)

    def lawful(p: Pattern) -> bool:
        # Days worked in a row before the first day join a block that starts on it.
        with_carry = (1,) * carried + p
        return all(
            length <= limit
            for value, first, length in _blocks(with_carry)
            if value and first + length > carried  # a block holding a planned day
        )

    assert _allowed(days, state) == _expected(days, lawful)


@pytest.mark.parametrize("working", [True, False])
@pytest.mark.parametrize("fixed_off", [(), (3,)])
def test_min_run_bounds_blocks_inside_the_horizon(working: bool, fixed_off: tuple[int, ...]):
    shortest, days = 3, 8

    def state(model, literals):
        rules.min_run(model, literals, shortest, working=working)

    def lawful(p: Pattern) -> bool:
        return all(
            length >= shortest
            for value, first, length in _blocks(p)
            if value == working and first > 0 and first + length < days  # cut blocks exempt
        )

    assert _allowed(days, state, fixed_off) == _expected(days, lawful, fixed_off)


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_weekends_at_most_counts_a_weekend_with_any_day_worked(limit: int):
    weekends = [(2, 3), (6, 7), (8,)]  # the last cut by the end of the horizon

    def state(model, literals):
        rules.weekends_at_most(model, literals, weekends, limit, "p")

    def lawful(p: Pattern) -> bool:
        return sum(any(p[d] for d in weekend) for weekend in weekends) <= limit

    assert _allowed(9, state) == _expected(9, lawful)


def test_weekends_at_most_skips_a_weekend_that_cannot_be_worked():
    weekends = [(2, 3), (5, 6)]

    def state(model, literals):
        rules.weekends_at_most(model, literals, weekends, 1, "p")

    def lawful(p: Pattern) -> bool:
        return sum(any(p[d] for d in weekend) for weekend in weekends) <= 1

    assert _allowed(7, state, fixed_off=(5, 6)) == _expected(7, lawful, fixed_off=(5, 6))
    assert _allowed(7, state, fixed_off=(5,)) == _expected(7, lawful, fixed_off=(5,))


@pytest.mark.parametrize("worked", range(5))
def test_soft_cover_costs_each_person_short_or_over(worked: int):
    model = cp_model.CpModel()
    assigned = [model.new_bool_var(f"a{i}") for i in range(4)]
    model.add(sum(assigned) == worked)
    cost = rules.soft_cover(model, assigned, 2, under_weight=3, over_weight=5, name="c")
    model.minimize(cost)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value == 3 * max(0, 2 - worked) + 5 * max(0, worked - 2)
