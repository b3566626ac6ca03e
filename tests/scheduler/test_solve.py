"""The solve: its rota, its report, warm starts and cancelling."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

import ortools
import pytest

from scheduler import SolveOptions, SolveStatus, load_scenario, solve
from scheduler.solve import Progress
from tests.support import FIXTURES, RULE_TEST, small_team, solve_checked


def test_hint_from_previous_rota_still_lawful():
    """Re-solving from last answer's hint gives a lawful rota at least as good."""
    scenario = small_team()
    first = solve(scenario, RULE_TEST)
    assert first.rota is not None
    second = solve(scenario, replace(RULE_TEST, hint=first.rota))
    assert second.rota is not None and second.report.objective is not None
    assert (
        second.report.objective >= first.report.objective - 1e-6
        or second.report.status != "OPTIMAL"
    )


def test_duties_are_aware_and_in_week():
    """Every duty has aware start and end and starts within the week."""
    rota = solve_checked(small_team())
    start = datetime.fromisoformat("2026-11-23T00:00+00:00")
    for duty in rota.duties:
        assert duty.start.tzinfo is not None and duty.end.tzinfo is not None
        assert start <= duty.start < start + timedelta(days=7)


def test_cancel_stops_the_search_early():
    """Setting the cancel event ends a 120-second solve long before its limit."""
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    started = time.perf_counter()
    solve(
        load_scenario(FIXTURES / "riverside-dst.json"), SolveOptions(time_limit=120), cancel=cancel
    )
    assert time.perf_counter() - started < 30


def test_the_report_says_how_the_solve_went() -> None:
    """A rota's report: its status, objective within the bound and the gap between them,
    the settings it ran with, and the first rota's time within the whole time; the status
    is written as CP-SAT's name."""
    scenario = small_team()
    seen: list[Progress] = []
    options = SolveOptions(
        time_limit=5, workers=2, seed=3, stop_after_first=True, continuity_time=0, presence_time=0
    )
    result = solve(scenario, options, progress=seen.append)
    report = result.report
    assert result.rota is not None and result.rota.report is report
    assert (result.rota.team, result.rota.week_start) == (scenario.team.id, scenario.week_start)
    assert report.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert report.objective is not None and report.best_bound is not None
    assert report.objective <= report.best_bound
    assert report.gap == pytest.approx(
        (report.best_bound - report.objective) / max(1.0, report.best_bound), abs=1e-4
    )
    assert (report.seed, report.workers, report.time_limit) == (3, 2, 5)
    assert report.ortools_version == ortools.__version__
    assert report.first_solution_time is not None
    assert 0 < report.first_solution_time <= report.wall_time
    assert report.explanation == []
    assert seen and seen[0].objective <= seen[0].bound
    assert json.loads(result.rota.model_dump_json())["report"]["status"] == report.status.value


def test_an_impossible_week_has_no_rota_and_says_why() -> None:
    """With a week's rest of 168 hours nobody may work, so North's 10-hour minimum cannot
    be met: status INFEASIBLE, no rota, no objective, and the explanation names North."""
    result = solve(small_team(policy={"weekly_rest_hours": 168}), SolveOptions(time_limit=5))
    assert result.rota is None
    assert result.report.status is SolveStatus.INFEASIBLE
    assert (result.report.objective, result.report.best_bound, result.report.gap) == (None,) * 3
    assert result.report.explanation[0] == (
        "North must get at least 10 hours of visible presence this week."
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"time_limit": 0}, "time_limit must be positive, got 0"),
        ({"workers": 0}, "workers must be at least 1, got 0"),
        ({"presence_time": -1}, "presence_time must not be negative, got -1"),
        ({"limit": "moon"}, 'limit must be "clock" or "work", got \'moon\''),
    ],
)
def test_impossible_solve_options_are_refused(setting: dict[str, float], message: str) -> None:
    """Options a solve cannot run with are a ValueError naming the option and value."""
    with pytest.raises(ValueError, match=message):
        SolveOptions(**setting)


def test_progress_gap_is_relative_to_the_bound() -> None:
    """A rota worth 90 against a bound of 100 is 10% from it; near zero the gap is taken
    against 1, not the bound."""
    assert Progress(objective=90, bound=100, elapsed=1).gap == pytest.approx(0.1)
    assert Progress(objective=0.2, bound=0.5, elapsed=1).gap == pytest.approx(0.3)
