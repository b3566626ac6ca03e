"""From the model's counts to named patrol blocks: dedicated ward officers go home first,
hours in one ward merge into one block, an event's hour is split around it, and the
duties made pass the checker's structure rules (which the model leaves to this step)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scheduler.blocks import add_piece, assign_patrols, build_duties, event_slot_pieces
from scheduler.checker import check
from scheduler.codes import RuleCode
from scheduler.model import DutyOption, WeekModel, build
from scheduler.rota import Activity, Rota
from tests.support import small_team

MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)  # London on UTC


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def worked(week: WeekModel, staff: str, day: date, template: str) -> DutyOption:
    return next(o for o in week.options[staff] if o.day == day and o.template == template)


def blocks(activities: list[Activity]) -> list[tuple[str, str, int, int]]:
    """(kind, ward, start hour, end hour) of each activity."""
    return [(a.kind, a.ward, a.start.hour, a.end.hour) for a in activities]


def test_counts_become_named_blocks_with_dedicated_officers_at_home() -> None:
    """Ann and Bo (one patrol class) on Monday's early; the model wants one of them in
    North and one in South until 11:00, then two in South. Ann, North's dedicated officer,
    takes North; each person's hours in one ward make one block; Bo's first hour, which
    no count asks for, is station time."""
    week = build(small_team(events=[]))
    patrol = week.classes["pc-ann"]
    assert week.classes["sgt-bo"] == patrol
    counts = {(patrol, "north", slot): 1 for slot in range(7, 11)}
    counts |= {(patrol, "south", slot): 1 for slot in range(8, 11)}
    counts |= {(patrol, "south", slot): 2 for slot in range(11, 15)}
    duties_worked = [worked(week, s, MONDAY, "early") for s in ("pc-ann", "sgt-bo")]
    states = assign_patrols(week, duties_worked, set(), counts)
    assert {slot: states["pc-ann"][slot] for slot in (7, 10, 11)} == {
        7: ("patrol", "north"),
        10: ("patrol", "north"),
        11: ("patrol", "south"),
    }
    assert 7 not in states["sgt-bo"]
    ann, bo = build_duties(week, duties_worked, states)
    assert (ann.staff, bo.staff) == ("pc-ann", "sgt-bo")
    assert blocks(ann.activities) == [("patrol", "north", 7, 11), ("patrol", "south", 11, 15)]
    assert blocks(bo.activities) == [("patrol", "south", 8, 15)]


def test_an_event_hour_is_split_around_the_event_in_its_ward() -> None:
    """Bo at the North ward panel (Tuesday 18:30-20:00) on a late: he patrols North from
    18:00 until it starts, and the duties made pass the checker's `reference`,
    `activity` and `patrol_wards` rules."""
    scenario = small_team()
    week = build(scenario)
    late = [worked(week, "sgt-bo", TUESDAY, "late")]
    states = assign_patrols(week, late, {("sgt-bo", "panel")}, {})
    (duty,) = build_duties(week, late, states)
    assert [(a.kind, a.ward, a.event, a.start, a.end) for a in duty.activities] == [
        ("patrol", "north", None, at(TUESDAY, 18), at(TUESDAY, 18, 30)),
        ("event", "north", "panel", at(TUESDAY, 18, 30), at(TUESDAY, 20)),
    ]
    rota = Rota(team=scenario.team.id, week_start=scenario.week_start, duties=[duty])
    structure = {RuleCode.REFERENCE, RuleCode.ACTIVITY, RuleCode.PATROL_WARDS}
    assert [v.message for v in check(scenario, rota) if v.rule in structure] == []


def test_event_slot_pieces_patrol_before_and_after_the_event() -> None:
    """An event from 10:15 to 10:45 splits its hour into patrol, event, patrol; the next
    hour of an event running on past it is no piece of its own (the event is whole)."""
    event = (
        small_team()
        .events[0]
        .model_copy(update={"start": at(TUESDAY, 10, 15), "end": at(TUESDAY, 10, 45)})
    )
    pieces = event_slot_pieces(event, at(TUESDAY, 10), at(TUESDAY, 11))
    assert [(kind, start.minute, end.minute) for kind, _, _, start, end in pieces] == [
        ("patrol", 0, 15),
        ("event", 15, 45),
        ("patrol", 45, 0),
    ]
    running_on = event.model_copy(update={"end": at(TUESDAY, 12)})
    assert event_slot_pieces(running_on, at(TUESDAY, 11), at(TUESDAY, 12)) == []


def test_a_patrol_continuing_in_the_same_ward_lengthens_the_block() -> None:
    """Consecutive patrol pieces in one ward merge; another ward, or a gap, starts a new
    block."""
    zone = small_team().zone
    activities: list[Activity] = []
    add_piece(activities, "patrol", "north", None, at(MONDAY, 7), at(MONDAY, 8), zone)
    add_piece(activities, "patrol", "north", None, at(MONDAY, 8), at(MONDAY, 9), zone)
    add_piece(activities, "patrol", "south", None, at(MONDAY, 9), at(MONDAY, 10), zone)
    add_piece(activities, "patrol", "south", None, at(MONDAY, 11), at(MONDAY, 12), zone)
    assert blocks(activities) == [
        ("patrol", "north", 7, 9),
        ("patrol", "south", 9, 10),
        ("patrol", "south", 11, 12),
    ]
