"""Rules `template`, `one_duty_per_day`, `unavailable`, `break`, `duty_length` and
`pcso_window`: each duty on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.rota import Duty
from tests.scheduler.checker.checker_support import (
    AUTUMN,
    MON,
    SAT,
    SPRING,
    SUN,
    TUE,
    WED,
    at,
    broken,
    duty,
    patrol,
    team,
    violations,
)


def test_template_times() -> None:
    """A duty starting at other times than its template's on its day is caught."""
    scenario = team()
    start, end = at(SPRING, "08:00"), at(SPRING, "15:00")
    late_start = duty(scenario, "pc-khan", MON).model_copy(
        update={"start": start, "activities": [patrol("ward-a", start, end)]}
    )
    assert broken(scenario, late_start) == {"template"}


def test_duty_cut_short_only_where_the_person_becomes_unavailable() -> None:
    """A duty may end early exactly when an unavailability of its person begins during
    it (sent home sick mid-duty); ending early otherwise, or at someone else's absence,
    breaks the template."""
    sick = {"start": "2026-03-24T11:00", "end": "2026-03-25T00:00", "reason": "sick"}
    scenario = team(staff={"pc-khan": {"unavailable": [sick]}})
    tuesday = SPRING + timedelta(days=TUE)

    def cut(staff: str, clock: str) -> Duty:
        whole = duty(scenario, staff, TUE)
        end = at(tuesday, clock)
        return whole.model_copy(
            update={"end": end, "activities": [patrol("ward-a", whole.start, end)]}
        )

    assert broken(scenario, cut("pc-khan", "11:00")) == set()
    assert broken(scenario, cut("pc-khan", "10:00")) == {"template"}
    assert broken(scenario, cut("pc-khan", "12:00")) == {"template", "unavailable"}
    assert broken(scenario, cut("sgt-obi", "11:00")) == {"template"}
    assert broken(scenario, duty(scenario, "pc-khan", TUE)) == {"unavailable"}


def test_template_roles() -> None:
    """A person may only work templates that allow their role."""
    scenario = team(duty_templates={"early": {"roles": ["PCSO"]}})
    assert broken(scenario, duty(scenario, "pcso-lee", MON)) == set()
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == {"template"}


def test_template_start_in_spring_gap_moves_forward() -> None:
    """A template time that does not exist (01:00 on 29 Mar) moves on by the gap, to 01:00 UTC."""
    scenario = team(
        duty_templates={"small": {"name": "Small hours", "start": "01:00", "end": "09:00"}}
    )
    gap_duty = duty(scenario, "pc-khan", SUN, "small", ward=None)
    right = gap_duty.model_copy(update={"start": datetime(2026, 3, 29, 1, 0, tzinfo=UTC)})
    early = gap_duty.model_copy(update={"start": datetime(2026, 3, 29, 0, 0, tzinfo=UTC)})
    assert broken(scenario, right) == set()
    assert broken(scenario, early) == {"template"}


def test_one_duty_per_day() -> None:
    """Two duties starting on one day are caught even when rest rules would allow them."""
    scenario = team(policy={"min_rest_hours": 5})
    duties = duty(scenario, "pc-khan", MON), duty(scenario, "pc-khan", MON, "night")
    assert broken(scenario, *duties) == {"one_duty_per_day"}


def test_overlapping_duties() -> None:
    """Overlapping duties are reported once, as one_duty_per_day, not as negative rest."""
    scenario = team()
    duties = (
        duty(scenario, "pc-khan", MON, ward=None),
        duty(scenario, "pc-khan", MON, "late", ward=None),
    )
    found = violations(scenario, *duties)
    assert {violation.rule for violation in found} == {"one_duty_per_day"}
    assert any("overlaps" in violation.message for violation in found)


def test_unavailable_leave() -> None:
    """No duty overlaps the person's leave, training or court."""
    absence = {"start": "2026-03-24T09:00", "end": "2026-03-24T17:00", "reason": "training"}
    scenario = team(staff={"pc-khan": {"unavailable": [absence]}})
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == set()
    assert broken(scenario, duty(scenario, "pc-khan", TUE)) == {"unavailable"}


def test_unavailable_part_time_days() -> None:
    """A part-timer works only on their working days."""
    scenario = team(staff={"pcso-lee": {"working_days": ["mon", "tue"], "contracted_hours": 16}})
    assert broken(scenario, duty(scenario, "pcso-lee", TUE)) == set()
    assert broken(scenario, duty(scenario, "pcso-lee", WED)) == {"unavailable"}


@pytest.mark.parametrize(
    ("start", "expected"), [("07:00", {"break"}), ("09:00", set())], ids=["8h", "6h"]
)
def test_break(start: str, expected: set[str]) -> None:
    """A duty over 6 h needs a 20-minute break; a 15-minute one is too short."""
    scenario = team(duty_templates={"early": {"start": start, "break_minutes": 15}})
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == expected


@pytest.mark.parametrize(
    ("template", "window_end", "expected"),
    [
        ("night", "23:00", {"pcso_window"}),
        ("late-late", "23:00", {"pcso_window"}),
        ("late-late", "24:00", set()),
    ],
)
def test_pcso_window(template: str, window_end: str, expected: set[str]) -> None:
    """A PCSO's duty lies in the PCSO window; a 24:00 window end allows duties to midnight."""
    scenario = team(
        policy={"pcso_window_end": window_end},
        duty_templates={"late-late": {"name": "Late-late", "start": "16:00", "end": "24:00"}},
    )
    assert broken(scenario, duty(scenario, "pcso-lee", MON, template)) == expected


@pytest.mark.parametrize(
    ("week", "template", "hours", "expected"),
    [
        (SPRING, {"start": "08:00", "end": "20:00"}, 12, set()),
        (SPRING, {"start": "07:00", "end": "20:00"}, 13, {"duty_length"}),
        (AUTUMN, {"start": "20:00", "end": "08:00", "overnight": True}, 13, {"duty_length"}),
    ],
    ids=["12h", "13h", "october-night"],
)
def test_duty_length(week, template: dict, hours: int, expected: set[str]) -> None:
    """A duty lasts at most 12 h in real time (policy.max_duty_hours): an October night
    of 12 h by the clock lasts 13 and breaks it, as a 13 h day does (written by hand:
    the scenario refuses such a template only when it is solved)."""
    scenario = team(week, duty_templates={"night": {**template, "break_minutes": 60}})
    night = duty(scenario, "pc-khan", SAT, "night")
    assert night.hours == hours
    assert broken(scenario, night) == expected


def test_a_duty_may_last_no_longer_than_the_rest_every_24_hours_leaves() -> None:
    """With 12 h of daily rest, no duty may last over 12 h even if policy allowed 14 (WTR
    reg 10: the rest must fit in every 24-hour period)."""
    scenario = team(
        policy={"max_duty_hours": 14, "min_rest_hours": 12},
        duty_templates={"night": {"start": "07:00", "end": "19:30", "break_minutes": 60}},
    )
    found = violations(scenario, duty(scenario, "pc-khan", MON, "night"))
    assert [violation.rule for violation in found] == ["duty_length"]
    assert "lasts 12.50 h" in found[0].message and "at most 12 h" in found[0].message


def test_template_of_ones_own_and_by_arrangement() -> None:
    """A person with their own templates works only those; an arranged template only by
    someone who lists it."""
    scenario = team(
        duty_templates={"late": {"arranged": True}},
        staff={"pcso-lee": {"templates": ["late"]}},
    )
    assert broken(scenario, duty(scenario, "pcso-lee", MON, "early")) == {"template"}
    assert broken(scenario, duty(scenario, "pcso-lee", MON, "late")) == set()
    found = violations(scenario, duty(scenario, "pc-khan", MON, "late"))
    assert [v.rule for v in found] == ["template"] and "by arrangement" in found[0].message
