"""Shared by every test: the sample team's week has not begun yet, and the test client's
host name (`testserver`) is one the service answers to."""

from __future__ import annotations

import pytest

import api.main
from tests.support import BEFORE_THE_SAMPLE_WEEK


@pytest.fixture(autouse=True)
def _before_the_sample_week(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.main, "wall_clock", lambda: BEFORE_THE_SAMPLE_WEEK)


@pytest.fixture(autouse=True)
def _testserver_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEATPLAN_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")
