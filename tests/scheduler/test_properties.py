"""Property: over random small teams, every rota the solver returns passes the checker."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scheduler import Scenario, SolveOptions, check, solve

WEEKS = [date(2026, 11, 23), date(2026, 10, 19), date(2026, 3, 23)]  # plain, October, March
TEMPLATES = [
    {"id": "early", "name": "Early", "start": "07:00", "end": "15:00"},
    {"id": "late", "name": "Late", "start": "14:00", "end": "22:00"},
    {"id": "lateb", "name": "Late B", "start": "15:00", "end": "23:00"},
    {
        "id": "latelate",
        "name": "Late-late",
        "start": "18:00",
        "end": "02:00",
        "roles": ["PC", "SGT"],
    },
    {"id": "night", "name": "Night", "start": "22:00", "end": "06:00", "roles": ["PC", "SGT"]},
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    week = draw(st.sampled_from(WEEKS))
    ward_ids = [f"w{i}" for i in range(draw(st.integers(1, 3)))]
    wards = [
        {
            "id": ward,
            "name": f"Ward {ward}",
            "demand": [
                {
                    "start": f"{draw(st.integers(6, 12)):02d}:00",
                    "end": f"{draw(st.integers(16, 23)):02d}:00",
                    "weight": draw(st.sampled_from([0.5, 1, 2, 3])),
                }
            ],
            "min_weekly_hours": draw(st.sampled_from([0, 0, 4, 8])),
            "lone_working_windows": draw(
                st.sampled_from([[], [{"start": "20:00", "end": "23:00"}]])
            ),
            "peak_windows": draw(
                st.sampled_from([[], [{"days": ["fri", "sat"], "start": "20:00", "end": "02:00"}]])
            ),
        }
        for ward in ward_ids
    ]
    staff = []
    for index in range(draw(st.integers(2, 6))):
        role = draw(st.sampled_from(["PC", "PC", "SGT", "PCSO", "PCSO"]))
        person: dict[str, Any] = {
            "id": f"s{index}",
            "name": f"Person {index}",
            "role": role,
            "home_ward": draw(st.sampled_from([None, *ward_ids])),
            "contracted_hours": draw(st.sampled_from([16, 24, 37, 40])),
            "skills": draw(st.sampled_from([[], ["prevent"], ["urdu"]])),
        }
        if draw(st.booleans()):
            person["working_days"] = draw(st.lists(st.sampled_from(DAYS), min_size=1, unique=True))
        if draw(st.booleans()):
            first = draw(st.integers(0, 6))
            start = datetime.combine(week + timedelta(days=first), datetime.min.time())
            person["unavailable"] = [
                {
                    "start": start.isoformat(),
                    "end": (start + timedelta(days=draw(st.integers(1, 3)))).isoformat(),
                }
            ]
        if draw(st.booleans()):
            person["carry_in"] = {
                "last_duty_end": (
                    datetime.combine(week, datetime.min.time())
                    - timedelta(hours=draw(st.integers(0, 10)))
                ).isoformat(),
                "days_worked_in_a_row": draw(st.integers(0, 6)),
            }
        staff.append(person)
    events = []
    for index in range(draw(st.integers(0, 3))):
        day = week + timedelta(days=draw(st.integers(0, 6)))
        hour = draw(st.integers(9, 19))
        start = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=hour, minutes=draw(st.sampled_from([0, 30]))
        )
        events.append(
            {
                "id": f"e{index}",
                "name": f"Event {index}",
                "ward": draw(st.sampled_from(ward_ids)),
                "place": "Hall",
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=draw(st.sampled_from([45, 60, 90])))).isoformat(),
                "min_staff": 1,
                "max_staff": 2,
                "min_warranted": draw(st.integers(0, 1)),
                "required_skills": draw(st.sampled_from([[], ["prevent"]])),
                "mandatory": draw(st.sampled_from([False, False, False, True])),
            }
        )
    return Scenario.model_validate(
        {
            "team": {"id": "prop", "name": "Property team"},
            "week_start": week.isoformat(),
            "duty_templates": draw(
                st.lists(
                    st.sampled_from(TEMPLATES), min_size=1, max_size=5, unique_by=lambda t: t["id"]
                )
            ),
            "wards": wards,
            "staff": staff,
            "events": events,
        }
    )


# A few random weeks in the quick tier; more, in the extra tier (.ci/run).
@pytest.mark.parametrize("examples", [4, pytest.param(30, marks=pytest.mark.extra)])
def test_every_solved_rota_passes_the_checker(examples: int):
    """Whatever the solver returns, through every phase (presence check and continuity
    included), obeys every hard rule; an impossible week is explained."""

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenarios())
    def solved_lawfully(scenario: Scenario) -> None:
        result = solve(scenario, SolveOptions(time_limit=5, workers=2, presence_time=5))
        event(f"status {result.report.status}")
        if result.rota is None:
            assert result.report.status in ("INFEASIBLE", "UNKNOWN")
            assert result.report.explanation, "an impossible week must be explained"
            return
        violations = check(scenario, result.rota)
        assert violations == [], [v.message for v in violations]

    solved_lawfully()
