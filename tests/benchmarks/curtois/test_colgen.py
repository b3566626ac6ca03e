"""Column generation: its bound, the rosters it completes and its score, against the evaluator."""

from __future__ import annotations

import multiprocessing
import random
import time

import pytest

from benchmarks.curtois.colgen import _Columns, columns_process
from benchmarks.curtois.evaluator import evaluate
from benchmarks.curtois.instance import instance_path, load_instance
from benchmarks.curtois.search import solve_instance
from tests.benchmarks.curtois.curtois_support import needs_data


@needs_data
def test_column_generation_bounds_and_completes_instance_2():
    """The set-partitioning side, run in this process: its bound may not pass the proven
    optimum 828 and must be close to it (a slip in the duals or the pricing loosens it at
    once), and the rosters it completes must be lawful and scored as the evaluator does."""
    instance = load_instance(instance_path(2))
    start = solve_instance(instance, time_limit=0.5, workers=1).roster
    assert start is not None
    reader, writer = multiprocessing.Pipe(duplex=False)
    columns_process(instance, 0, time.time() + 30, _as_columns(start), writer)
    messages = []
    while reader.poll():
        messages.append(reader.recv())
    assert [kind for kind, _ in messages] == ["bound", "roster", "roster", "done"]
    bound = messages[0][1]
    assert bound is not None and 0.99 * 828 <= bound <= 828
    for _, completed in messages[1:3]:
        assert completed is not None
        objective, rosters = completed
        roster = {sid: [None] * instance.horizon for sid in rosters}
        for sid, column in rosters.items():
            for day, shift in column:
                roster[sid][day] = shift
        evaluation = evaluate(instance, roster)
        assert evaluation.violations == ()
        assert objective == evaluation.objective >= bound


def _as_columns(roster: dict[str, list[str | None]]) -> dict[str, frozenset]:
    """A roster (each person's shift or None, day by day) as the column process's columns."""
    return {sid: frozenset((d, s) for d, s in enumerate(days) if s) for sid, days in roster.items()}


@needs_data
@pytest.mark.parametrize("number", [2, 7])
def test_column_score_is_the_evaluators_under_and_over_cover(number: int):
    """`_Columns.score` (what the column process reports for its rosters) equals the
    evaluator's objective on random rosters, which miss requests and leave shifts both
    short and over-staffed, so every weight in it is exercised."""
    instance = load_instance(instance_path(number))
    columns = _Columns(instance, seed=0)
    rng = random.Random(number)
    shifts = [None, *(s.id for s in instance.shifts)]
    for _ in range(20):
        roster = {
            p.id: [rng.choice(shifts) for _ in range(instance.horizon)] for p in instance.staff
        }
        counts = {
            (c.day, c.shift): sum(days[c.day] == c.shift for days in roster.values())
            for c in instance.cover
        }
        assert any(counts[c.day, c.shift] > c.requirement for c in instance.cover)
        assert any(counts[c.day, c.shift] < c.requirement for c in instance.cover)
        assert columns.score(_as_columns(roster)) == evaluate(instance, roster).objective
