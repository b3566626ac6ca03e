"""Fixtures the benchmark tests share: the sample team and its greedy rota."""

from __future__ import annotations

import pytest

from benchmarks.rivals.greedy import greedy_rota
from scheduler import Scenario, load_scenario
from scheduler.rota import Rota
from tests.support import FIXTURES


@pytest.fixture(scope="module")
def sample() -> Scenario:
    return load_scenario(FIXTURES / "riverside.json")


@pytest.fixture(scope="module")
def sample_greedy(sample: Scenario) -> Rota:
    return greedy_rota(sample)
