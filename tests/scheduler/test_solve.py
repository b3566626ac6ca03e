"""The solve: its rota, its report, warm starts and cancelling."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from scheduler import SolveOptions, load_scenario, solve
from tests.support import FIXTURES, small_team, solve_checked


def test_hint_from_previous_rota_still_lawful():
    """Re-solving from last answer's hint gives a lawful rota at least as good."""
    scenario = small_team()
    first = solve(scenario, SolveOptions(time_limit=20))
    assert first.rota is not None
    second = solve(scenario, SolveOptions(time_limit=20, hint=first.rota))
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
