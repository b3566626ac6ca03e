"""The published-benchmark section: its table, and a target met only when every seed meets it."""

from __future__ import annotations

from benchmarks.curtois.evaluator import Evaluation
from benchmarks.curtois.instance import instance_path, load_instance
from benchmarks.curtois.search import Result
from benchmarks.curtois.section import Run, _row, report
from tests.benchmarks.curtois.curtois_support import needs_data


def _cells(row: str) -> list[str]:
    """A Markdown table row's cells, stripped."""
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


@needs_data
def test_short_report_table():
    lines = report(short=True)
    assert lines[0] == "## Published benchmark: Curtois & Qu instances 1-8"
    rows = [line for line in lines if line.startswith("| 1 |")]
    assert len(rows) == 1
    cells = _cells(rows[0])
    assert cells[4] == "607" and cells[5] == "607" and cells[6] == "607"  # best, median, seed 0
    assert cells[12] == "0", "no hard-rule violation"
    assert cells[13] == "yes"
    assert any("607" in line and "evaluator" in line for line in lines)


def _fake_run(
    number: int,
    objective: int,
    seed: int,
    violations: tuple[str, ...] = (),
    first: float | None = 0.5,
) -> Run:
    instance = load_instance(instance_path(number))
    result = Result({}, objective, 1000.0, "FEASIBLE", 60.0, first)
    evaluation = Evaluation(objective, 0, 0, objective, violations)
    return Run(number, instance, result, evaluation, 60.0, seed)


@needs_data
def test_a_target_is_met_only_if_every_seed_meets_it():
    """One seed outside 1% (or one with a broken rule) fails the row; the median alone
    would hide it."""
    within = 1066  # best known 1056: 1% is 1066.56
    cells = _row([_fake_run(7, 1056, 0), _fake_run(7, within, 1), _fake_run(7, within, 2)], 1056)
    assert cells.rstrip(" |").endswith("yes")
    row = _row([_fake_run(7, 1056, 0), _fake_run(7, 1067, 1), _fake_run(7, within, 2)], 1056)
    cells = _cells(row)
    assert cells[5] == "1066" and cells[6] == "1056, 1067, 1066"
    assert cells[13] == "MISSED (2 of 3 seeds within 1%)"
    broken = [_fake_run(7, 1056, 0, ("A: works 6 days in a row",))]
    assert "MISSED (0 of 1" in _row(broken, 1056)
    assert _row([_fake_run(8, 2000, 0)], 1308).rstrip(" |").endswith("reported")


@needs_data
def test_a_first_roster_at_0_seconds_counts_in_the_median():
    """0.0 s is a time, not a missing one: (0.0, 0.0, 0.5) has median 0.00, not 0.50."""
    runs = [_fake_run(1, 607, seed, first=first) for seed, first in enumerate((0.0, 0.0, 0.5))]
    assert _cells(_row(runs, 607))[10] == "0.00"
    runs = [_fake_run(1, 607, 0, first=None), _fake_run(1, 607, 1, first=0.25)]
    assert _cells(_row(runs, 607))[10] == "0.25"
