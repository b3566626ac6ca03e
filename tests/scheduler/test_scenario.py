"""The scenario: validation that names the field and the fix, surges, local time."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from scheduler.scenario import EngagementEvent, Team
from tests.support import small_team


def test_scenario_built_from_objects_needs_aware_times():
    """A naive event time given as an object (not JSON) is refused with a clear message."""
    base = small_team()
    naive = EngagementEvent(
        **{
            **base.events[0].model_dump(),
            "start": datetime(2026, 11, 24, 18, 30),
            "end": datetime(2026, 11, 24, 20, 0),
        }
    )
    with pytest.raises(ValidationError, match="without an offset"):
        small_team(team=Team(id="t", name="T"), events=[naive])


@pytest.mark.parametrize(
    ("surge", "problem"),
    [
        ({"ward": "east"}, "unknown ward 'east'"),
        ({"start": "2026-12-01T16:00", "end": "2026-12-01T22:00"}, "outside the week"),
        ({"end": "2026-11-26T15:00"}, "before it starts"),
        ({"weight": 0}, "greater than 0"),
    ],
)
def test_a_bad_surge_is_named(surge: dict, problem: str):
    """A surge in a ward the team does not have, outside the week, backwards or of no
    weight is refused, saying which."""
    good = {"ward": "south", "start": "2026-11-26T16:00", "end": "2026-11-26T22:00", "weight": 3}
    with pytest.raises(ValidationError, match=problem):
        small_team(surges=[{**good, **surge}])


def test_a_surge_across_the_october_change_counts_each_local_hour_once():
    """00:00-03:00 on 25 Oct 2026 is four real hours (01:00 happens twice); each local
    hour's demand gets the surge's weight once, as a window's weight is."""
    surge = {"ward": "south", "start": "2026-10-25T00:00", "end": "2026-10-25T03:00", "weight": 2}
    scenario = small_team(week_start="2026-10-19", events=[], surges=[surge])
    assert scenario.surge_by_local_hour == {("south", 6, hour): 2.0 for hour in (0, 1, 2)}
