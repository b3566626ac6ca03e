"""Fixtures the benchmark tests share: the sample team and its greedy rota."""

from __future__ import annotations

import pytest

from benchmarks.document import sample_plan
from benchmarks.rivals.greedy import greedy_rota
from scheduler import Scenario
from scheduler.rota import Rota


@pytest.fixture(scope="module")
def sample() -> Scenario:
    """The sample team as the benchmarks measure it: its plan, without familiar faces
    (the rivals do not deploy in blocks; tests/scheduler/test_continuity.py and the faces
    benchmark's test cover the deployment)."""
    return sample_plan()


@pytest.fixture(scope="module")
def sample_greedy(sample: Scenario) -> Rota:
    return greedy_rota(sample)
