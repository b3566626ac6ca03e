"""The search proves the known optima, even when its column process fails."""

from __future__ import annotations

import pytest

from benchmarks.curtois.evaluator import evaluate
from benchmarks.curtois.instance import instance_path, load_instance
from benchmarks.curtois.search import solve_instance
from tests.benchmarks.curtois.curtois_support import needs_data


@needs_data
def test_solver_reaches_the_optimum_of_instance_1():
    """607 is proven optimal; the evaluator, not the model, must agree on it."""
    instance = load_instance(instance_path(1))
    result = solve_instance(instance, time_limit=20, workers=2)
    assert result.roster is not None
    evaluation = evaluate(instance, result.roster)
    assert evaluation.violations == ()
    assert evaluation.objective == result.objective == 607
    assert result.bound <= 607


@needs_data
@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_search_goes_on_if_the_column_process_dies(monkeypatch: pytest.MonkeyPatch):
    """A column process that fails before sending anything costs its bound and rosters,
    not the solve: the full model still starts and proves instance 2's optimum."""

    def fails(*args: object) -> None:
        raise RuntimeError("column generation failed on purpose")

    monkeypatch.setattr("benchmarks.curtois.search.columns_process", fails)
    instance = load_instance(instance_path(2))
    result = solve_instance(instance, time_limit=30, workers=2)
    assert result.roster is not None
    assert evaluate(instance, result.roster).objective == result.objective == 828
    assert result.status == "OPTIMAL"
