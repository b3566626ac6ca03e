"""Helpers for scheduler tests: a small team builder and a solve-then-check helper."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scheduler import Scenario, SolveOptions, check, load_scenario, solve
from scheduler.codes import RuleCode, SolveStatus
from scheduler.replan import REPAIR_OPTIONS, Repair, Replan, history_of, replan
from scheduler.rota import Rota

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# The Friday before the sample week (Monday 23 November 2026): what the service counts as
# now in the tests (tests/conftest.py), so the week can be solved, repaired and published
# (an ended week is read-only). A test that needs another moment sets `app.state.clock`.
BEFORE_THE_SAMPLE_WEEK = datetime(2026, 11, 20, 12, tzinfo=UTC)


def small_team(**overrides: Any) -> Scenario:
    """Two wards, a PC, a sergeant and two PCSOs; override any top-level field."""
    data: dict[str, Any] = {
        "team": {"id": "test-team", "name": "Test Team"},
        "week_start": "2026-11-23",
        "duty_templates": [
            {"id": "early", "name": "Early", "start": "07:00", "end": "15:00"},
            {"id": "late", "name": "Late", "start": "14:00", "end": "22:00"},
            {
                "id": "night",
                "name": "Night",
                "start": "22:00",
                "end": "06:00",
                "roles": ["PC", "SGT"],
            },
        ],
        "wards": [
            {
                "id": "north",
                "name": "North",
                "demand": [{"start": "08:00", "end": "23:00"}],
                "min_weekly_hours": 10,
                "lone_working_windows": [{"start": "21:00", "end": "23:00"}],
            },
            {
                "id": "south",
                "name": "South",
                "demand": [{"start": "09:00", "end": "20:00", "weight": 2}],
            },
        ],
        "staff": [
            {"id": "pc-ann", "name": "Ann Shah", "role": "PC", "home_ward": "north"},
            {"id": "sgt-bo", "name": "Bo Price", "role": "SGT", "skills": ["prevent"]},
            {
                "id": "pcso-cy",
                "name": "Cy Adeyemi",
                "role": "PCSO",
                "home_ward": "south",
                "contracted_hours": 37,
            },
            {
                "id": "pcso-di",
                "name": "Di Nowak",
                "role": "PCSO",
                "patrol_wards": ["south"],
                "contracted_hours": 24,
                "working_days": ["mon", "tue", "wed"],
            },
        ],
        "events": [
            {
                "id": "panel",
                "name": "North ward panel",
                "ward": "north",
                "place": "Community Hall",
                "start": "2026-11-24T18:30",
                "end": "2026-11-24T20:00",
                "mandatory": True,
                "min_warranted": 1,
            }
        ],
    }
    data.update(overrides)
    return Scenario.model_validate(data)


# Enough for a test of a rule: the main solve alone (and, for a team whose policy asks
# for familiar faces, a short deployment in blocks). The presence check and the phases
# after it have tests of their own (tests/scheduler/test_phases.py, test_solve.py,
# test_continuity.py, tests/benchmarks/test_baselines.py), and each would cost seconds in
# every rule test. Limited by work, not the clock (`SolveOptions.limit`): a test asserts
# what a rota keeps, and a shared, loaded machine must make it slower, not different (1.5
# units of work deploy the sample team in blocks in about 3 s of a quiet machine's search).
RULE_TEST = SolveOptions(
    time_limit=20,
    workers=2,
    continuity_time=0,
    presence_time=0,
    faces_time=1.5,
    limit="work",
)


def solve_checked(scenario: Scenario, time_limit: float = 20) -> Rota:
    """Solve (the main phase), insist on a rota, and run it through the independent
    checker."""
    result = solve(scenario, replace(RULE_TEST, time_limit=time_limit))
    assert result.rota is not None, result.report.explanation
    violations = check(scenario, result.rota)
    assert violations == [], [v.message for v in violations]
    return result.rota


def one_line_exit_2(
    main: Callable[[list[str]], int], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> str:
    """Run the command; it must exit 2 with one readable line on stderr."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("beatplan: error:") and len(err.splitlines()) == 1, err
    return err


@cache
def sample_rota() -> Rota:
    """One lawful rota of the sample week, solved once per test process (the main phase,
    to its optimum: a repair from a rota short of it searches its whole budget for what
    the solve left), for tests that need a rota of it rather than a solve."""
    scenario = load_scenario(FIXTURES / "riverside.json")
    options = replace(RULE_TEST, time_limit=60)
    result = solve(scenario, options)
    faces = result.report.faces
    if faces is None or faces.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        # The workers race, so the deployment in blocks may yet find nothing in its work
        # (the plan of duties then stands, breaking the familiar-faces rules): give it more
        result = solve(scenario, replace(options, faces_time=10))
    assert result.rota is not None, result.report.explanation
    broken = check(scenario, result.rota)
    assert broken == [], (result.report.faces, [v.message for v in broken])
    return result.rota


def without_long_days(data: dict[str, Any]) -> dict[str, Any]:
    """The sample's data without the PCSOs' 9 h 15 long days: its 37 h PCSOs then have only
    8 h templates, at most 32 h a week (contracted hours out of reach)."""
    long_days = {"longearly", "longlate"}
    return {
        **data,
        "duty_templates": [t for t in data["duty_templates"] if t["id"] not in long_days],
    }


def lawful_repair(
    scenario: Scenario, rota: Rota, now: datetime, *changes, time_limit: float = 1.5
) -> Repair:
    """Repair with more than the service's budget, limited by work rather than the clock
    (these tests assert what a repair changes, not how fast it is: benchmarks/replan.py
    measures that, so a slow machine must not make them flaky), and a short deployment in
    blocks for the sample team's
    familiar faces; the repair passes the checker and leaves the past as published. One
    thing may fall short, as a sergeant may publish it: a duty under way that had to move
    to another ward at `now` (another rule needed it there: a PCSO left alone where lone
    working is barred), its run before or after the move shorter than a block."""
    # 1.5 units of work: about what the sample's repair did in 4 s of a quiet machine
    options = replace(REPAIR_OPTIONS, time_limit=time_limit, faces_time=1.5, limit="work")
    result, repair, changed = replan(
        scenario, rota, Replan(now=now, changes=list(changes)), options
    )
    assert repair is not None, result.report.explanation
    broken = [
        v
        for v in check(changed, repair.rota)
        if not (v.rule == RuleCode.BLOCK_LENGTH and moved_at(repair.rota, v.staff, now))
        and not (
            v.rule == RuleCode.OWN_WARD_SHARE and short_before(changed, repair.rota, v.staff, now)
        )
    ]
    assert broken == [], (result.report.faces, [v.message for v in broken])
    assert history_of(rota, now) == history_of(repair.rota, now)  # the past never changes
    return repair


def short_before(scenario: Scenario, rota: Rota, staff: str, now: datetime) -> bool:
    """The person's patrol before `now` is short of the own-ward share on its own (the
    published week made it up later), and what they patrol from `now` on keeps the share:
    the repair falls short of it by no more than the past does."""
    continuity = scenario.policy.continuity
    home = next(p.home_ward for p in scenario.staff if p.id == staff)
    assert continuity is not None and home is not None
    before, after = defaultdict(float), defaultdict(float)
    for duty in rota.duties_of(staff):
        for a in duty.activities:
            if a.kind == "patrol":
                before[a.ward] += max(0.0, (min(a.end, now) - a.start).total_seconds())
                after[a.ward] += max(0.0, (a.end - max(a.start, now)).total_seconds())

    def share(minutes: dict[str, float]) -> float:
        total = sum(minutes.values())
        return minutes[home] / total if total else 1.0

    return share(before) < continuity.own_ward_share <= share(after) + 1e-3


def moved_at(rota: Rota, staff: str, now: datetime) -> bool:
    """The person's duty under way at `now` moves to another ward then."""
    for duty in rota.duties_of(staff):
        before = [a for a in duty.activities if a.end == now]
        after = [a for a in duty.activities if a.start == now]
        if duty.start < now < duty.end and before and after:
            return before[0].ward != after[0].ward
    return False
