"""Rostering rules over day-indexed duty literals, stated once.

The week model (`scheduler.model`) states its working-time rules with these functions, and
so does any roster built on the same rules: the Curtois & Qu benchmark
(`benchmarks/curtois/`) turns a published multi-week instance into calls to them. A rule
written here is therefore tested twice: by the week's checker and by an independent
evaluator of a public benchmark with known optima.

A *day* is what a person works that day: a literal (or a sum of at-most-one duty literals,
which is 0 or 1), or the constant 0/False where they cannot work at all (leave, a day off).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ortools.sat.python import cp_model

Literal = cp_model.IntVar | bool
Day = cp_model.LinearExprT  # 0 or 1: a literal, a sum of at-most-one literals, or 0


def never_both(
    model: cp_model.CpModel, pairs: Iterable[tuple[cp_model.IntVar, cp_model.IntVar]]
) -> None:
    """Forbidden successions: for each pair, at most one of the two duties is worked (a
    shift not followed by another the next day; two duties closer than the minimum rest)."""
    for first, second in pairs:
        model.add_bool_or([first.Not(), second.Not()])


def at_most(model: cp_model.CpModel, days: Sequence[Day], limit: int) -> None:
    """At most `limit` of these 0/1 days or duties are worked (a cap on one duty type, or
    the days worked between rest days). Stated only where it can bind."""
    if len(days) > limit:
        model.add(sum(days) <= limit)


def minutes_within(
    model: cp_model.CpModel,
    duties: Iterable[tuple[int, cp_model.IntVar]],
    low: int | None,
    high: int,
) -> None:
    """The minutes of the duties worked, as (minutes, literal), lie in [low, high]; no lower
    bound when `low` is None."""
    total = sum(minutes * literal for minutes, literal in duties)
    model.add_linear_constraint(total, cp_model.INT_MIN if low is None else low, high)


def max_consecutive(
    model: cp_model.CpModel, days: Sequence[Day], limit: int, carried: int = 0
) -> None:
    """No run of more than `limit` days worked, counting `carried` days worked in a row just
    before the first day: every window of limit + 1 days holds a day off."""
    for last in range(len(days)):
        first = max(0, last - limit)
        before = max(0, limit - last)  # the window's days that fall before the first day
        allowed = limit - min(carried, before)
        window = days[first : last + 1]
        if len(window) > allowed:
            model.add(sum(window) <= allowed)


def min_run(model: cp_model.CpModel, days: Sequence[Day], shortest: int, working: bool) -> None:
    """Every block of days worked (`working`) or of days off is at least `shortest` long.

    A block cut by the first or last day is exempt: its other part lies outside what is
    being planned. Each shorter block is forbidden by one clause: for a block of days worked,
    "off, on x k, off" may not happen."""

    def worked(d: int) -> Literal:
        return bool(days[d]) if isinstance(days[d], int) else days[d]

    def block(d: int) -> Literal:  # the day belongs to the kind of block being bounded
        return worked(d) if working else _negate(worked(d))

    for length in range(1, shortest):
        for start in range(1, len(days) - length):
            inside = [_negate(block(d)) for d in range(start, start + length)]
            _add_clause(model, [block(start - 1), *inside, block(start + length)])


def weekends_at_most(
    model: cp_model.CpModel,
    days: Sequence[Day],
    weekends: Iterable[Sequence[int]],
    limit: int,
    name: str,
) -> None:
    """At most `limit` weekends worked, a weekend (its day indices) counting as worked if
    any of its days is."""
    worked_weekends = []
    for weekend in weekends:
        worked = [days[d] for d in weekend if not isinstance(days[d], int)]
        if not worked:
            continue
        literal = model.new_bool_var(f"weekend_{name}_{weekend[0]}")
        for day in worked:
            model.add_implication(day, literal)
        model.add_bool_or([literal.Not(), *worked])  # exactly "some day of it worked"
        worked_weekends.append(literal)
    at_most(model, worked_weekends, limit)


def soft_cover(
    model: cp_model.CpModel,
    assigned: Sequence[cp_model.IntVar],
    requirement: int,
    under_weight: int,
    over_weight: int,
    name: str,
) -> cp_model.LinearExprT:
    """The cost of covering a duty with the `assigned` literals worked, against a wanted
    number: under_weight per person short, over_weight per person over.

    n + under - over == requirement with integer slacks: one variable per side and a tight
    LP, rather than a boolean per missing or extra person."""
    under = model.new_int_var(0, requirement, f"under_{name}")
    over = model.new_int_var(0, max(0, len(assigned) - requirement), f"over_{name}")
    model.add(sum(assigned) + under - over == requirement)
    return under_weight * under + over_weight * over


def _negate(literal: Literal) -> Literal:
    return not literal if isinstance(literal, bool) else literal.Not()


def _add_clause(model: cp_model.CpModel, literals: list[Literal]) -> None:
    """Add a clause, dropping constant-false literals; skip it if one is constant true."""
    if any(lit is True for lit in literals):
        return
    model.add_bool_or([lit for lit in literals if not isinstance(lit, bool)])
