"""The week's real-time grid: hour slots in UTC across both clock changes, and where
duties, events and nightly windows fall on it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scheduler.scenario import DutyTemplate, Scenario
from scheduler.timegrid import TimeGrid, as_local, duty_interval, local_instant, minutes_in_window
from tests.support import small_team

AUTUMN, SPRING, PLAIN = "2026-10-19", "2026-03-23", "2026-11-23"  # clocks back, forward, none


def week(start: str) -> Scenario:
    return small_team(week_start=start, events=[])


def template(scenario: Scenario, template_id: str) -> DutyTemplate:
    return next(item for item in scenario.duty_templates if item.id == template_id)


@pytest.mark.parametrize(
    ("start", "week_slots", "sunday_one_am"),
    [(PLAIN, 168, 1), (AUTUMN, 169, 2), (SPRING, 167, 0)],
    ids=["plain", "october", "march"],
)
def test_a_week_has_one_slot_per_real_hour(start: str, week_slots: int, sunday_one_am: int) -> None:
    """The October week has 169 real hours (01:00 on Sunday happens twice), the March week
    167 (it never happens), each followed by a day of overflow for Sunday night duties."""
    grid = TimeGrid.of(week(start))
    assert (grid.week_slots, grid.slots) == (week_slots, week_slots + 24)
    assert len(grid.local_keys) == grid.slots
    assert grid.local_keys[: grid.week_slots].count((6, 1)) == sunday_one_am
    assert grid.local_keys[grid.week_slots] == (0, 0)  # the overflow starts next Monday 00:00


def test_slots_are_counted_from_monday_midnight_local_in_utc() -> None:
    """In British Summer Time the week starts at 23:00 UTC on Sunday; slot arithmetic
    is real time, so the repeated 01:00 on 25 October gets slots of its own."""
    grid = TimeGrid.of(week(AUTUMN))
    assert grid.origin == datetime(2026, 10, 18, 23, tzinfo=UTC)
    assert grid.slot_start(1) == datetime(2026, 10, 19, 0, tzinfo=UTC)
    first = grid.first_slot(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    second = grid.first_slot(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    assert second == first + 1
    assert grid.local_keys[first] == grid.local_keys[second] == (6, 1)


def test_slots_touching_count_every_hour_a_span_reaches_within_the_grid() -> None:
    """An event from 10:15 to 11:15 touches the 10:00 and 11:00 slots; a span reaching
    past the grid is cut at its ends."""
    scenario = week(PLAIN)
    grid = TimeGrid.of(scenario)
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    assert grid.slots_touching(
        monday.replace(hour=10, minute=15), monday.replace(hour=11, minute=15)
    ) == range(10, 12)
    assert grid.slots_touching(monday - timedelta(hours=3), monday + timedelta(hours=2)) == range(
        0, 2
    )
    assert grid.slots_touching(
        monday + timedelta(days=7, hours=20), monday + timedelta(days=9)
    ) == range(188, 192)


@pytest.mark.parametrize(
    ("start", "night", "hours", "night_minutes"),
    [
        (PLAIN, date(2026, 11, 28), 8, 7 * 60),
        (AUTUMN, date(2026, 10, 24), 9, 8 * 60),
        (SPRING, date(2026, 3, 28), 7, 6 * 60),
    ],
    ids=["plain", "october", "march"],
)
def test_a_night_duty_lasts_its_real_hours(
    start: str, night: date, hours: int, night_minutes: int
) -> None:
    """A 22:00-06:00 duty starting on the clock-change Saturday lasts 9 real hours in
    October and 7 in March, and holds an hour more or less of the 23:00-06:00 night."""
    scenario = week(start)
    begins, ends = duty_interval(scenario, template(scenario, "night"), night)
    assert ends - begins == timedelta(hours=hours)
    assert minutes_in_window(scenario, begins, ends, "23:00", "06:00") == night_minutes


def test_local_clock_times_that_do_not_exist_or_happen_twice() -> None:
    """01:30 on 29 March does not exist and moves forward by the gap (to 02:30 BST, 01:30
    UTC); 01:30 on 25 October happens twice and is the first (BST); 24:00 is the next
    midnight."""
    spring, autumn = week(SPRING), week(AUTUMN)
    assert local_instant(spring, date(2026, 3, 29), "01:30") == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert local_instant(autumn, date(2026, 10, 25), "01:30") == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert local_instant(autumn, date(2026, 10, 25), "24:00") == datetime(
        2026, 10, 26, 0, tzinfo=UTC
    )


def test_local_times_with_fixed_offsets_subtract_in_real_time() -> None:
    """Two instants either side of the October change, shown in local time, are still 9
    real hours apart (one ZoneInfo would make it 8)."""
    zone = week(AUTUMN).zone
    start = as_local(datetime(2026, 10, 24, 21, tzinfo=UTC), zone)
    end = as_local(datetime(2026, 10, 25, 6, tzinfo=UTC), zone)
    assert (start.hour, end.hour) == (22, 6)
    assert end - start == timedelta(hours=9)


def test_a_duty_inside_an_hour_cuts_its_hour_in_two_every_day() -> None:
    """A 07:30-15:30 template cuts 07:00-08:00 and 15:00-16:00 of each day in two, so
    everyone on duty is on duty for the whole of every slot; the rest stay hours."""
    data = week(PLAIN).model_dump(mode="json")
    data["duty_templates"].append({"id": "half", "name": "Half", "start": "07:30", "end": "15:30"})
    grid = TimeGrid.of(Scenario.model_validate(data))
    assert grid.week_slots == 168 + 2 * 7
    monday_seven = grid.first_slot(datetime(2026, 11, 23, 7, tzinfo=UTC))
    assert [grid.slot_minutes(monday_seven + k) for k in range(3)] == [30, 30, 60]
    assert grid.local_keys[monday_seven] == grid.local_keys[monday_seven + 1] == (0, 7)
    assert grid.slot_end(monday_seven) == datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    touched = grid.slots_touching(
        datetime(2026, 11, 23, 7, 30, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    )
    assert list(touched) == [monday_seven + 1]
    assert sum(grid.slot_minutes(slot) for slot in range(grid.week_slots)) == 168 * 60
