"""The pattern rota: a sergeant's spreadsheet, lawful where a spreadsheet can know."""

from __future__ import annotations

from collections import Counter

from benchmarks.rivals.pattern import pattern_rota
from scheduler import Scenario, check


def test_pattern_gives_full_timers_five_duties_in_their_home_ward(sample: Scenario):
    """Five-on, two-off for everyone whose contract covers five 8-hour duties and who has
    no leave; every patrol in the home ward (or around an event, in the event's ward)."""
    rota = pattern_rota(sample)
    events = {event.id: event for event in sample.events}
    checked = 0
    for person in sample.staff:
        duties = rota.duties_of(person.id)
        if person.working_days is None and person.contracted_hours >= 40 and not person.unavailable:
            assert len(duties) == 5, person.id
            checked += 1
        if person.home_ward is None:
            continue
        for duty in duties:
            attended = {events[a.event].ward for a in duty.activities if a.event is not None}
            patrolled = {a.ward for a in duty.activities if a.kind == "patrol"}
            assert patrolled <= {person.home_ward} | attended, (person.id, duty.day)
    assert checked >= 10
    # Days off spread over the week: every day has someone resting.
    worked_by_day = Counter(duty.day for duty in rota.duties)
    assert max(worked_by_day.values()) < len(sample.staff)
    assert min(worked_by_day.values()) > 0


def test_pattern_knows_what_a_spreadsheet_knows(sample: Scenario):
    """Leave, part-time days, contracts, template roles and the PCSO window are kept; what
    it breaks is only what needs a calculation (rest against last week, events, pins)."""
    rules = {violation.rule for violation in check(sample, pattern_rota(sample))}
    assert not rules & {"unavailable", "weekly_hours", "template", "pcso_window", "activity"}
    assert rules <= {
        "daily_rest",
        "consecutive_days",
        "event_staffing",
        "pins",
        "pinned_off",
        "lone_working",
    }
