"""Shared by every test: the sample team's week has not begun yet."""

from __future__ import annotations

import pytest

import api.main
from tests.support import BEFORE_THE_SAMPLE_WEEK


@pytest.fixture(autouse=True)
def _before_the_sample_week(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.main, "wall_clock", lambda: BEFORE_THE_SAMPLE_WEEK)
