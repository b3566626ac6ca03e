"""scheduler.scenario.moved_to: a scenario moved by whole weeks keeps its clock times."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from scheduler.scenario import Scenario, moved_to
from tests.support import FIXTURES


def test_dates_move_by_whole_weeks_and_local_times_stay():
    data = {
        "team": {"id": "t", "name": "T", "timezone": "Europe/London"},
        "week_start": "2026-10-19",
        "pins": [{"staff": "a", "day": "2026-10-24", "off": True}],
        "events": [
            {"start": "2026-10-20T18:30:00", "end": "2026-10-20T20:00"},  # naive: local
            {"start": "2026-10-20T17:30:00Z", "end": "2026-10-20T19:00:00+00:00"},  # BST
        ],
        "name": "2026-10-19 is not a date when it is part of a longer text",
    }
    moved = moved_to(data, date(2026, 11, 23))
    assert moved["week_start"] == "2026-11-23"
    assert moved["pins"][0]["day"] == "2026-11-28"
    assert moved["events"][0] == {"start": "2026-11-24T18:30:00", "end": "2026-11-24T20:00:00"}
    start = datetime.fromisoformat(moved["events"][1]["start"])
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (18, 30, 0)  # GMT
    assert moved["name"] == data["name"]
    assert data["week_start"] == "2026-10-19"  # a copy: the original is unchanged


def test_the_sample_week_moved_a_year_on_is_the_same_week_a_year_on():
    data = json.loads((FIXTURES / "riverside.json").read_text())
    scenario = Scenario.model_validate(moved_to(data, date(2027, 11, 22)))
    original = Scenario.model_validate(data)
    assert scenario.week_start == date(2027, 11, 22)
    assert [e.start.astimezone(scenario.zone).time() for e in scenario.events] == [
        e.start.astimezone(original.zone).time() for e in original.events
    ]
    assert all(scenario.starts_at <= e.start < scenario.ends_at for e in scenario.events)


def test_a_week_that_does_not_start_on_a_monday_is_refused():
    with pytest.raises(ValueError, match="is a Tuesday; weeks start on a Monday"):
        moved_to({"week_start": "2026-11-23"}, date(2026, 11, 24))
