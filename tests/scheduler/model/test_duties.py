"""The duties each person may work: the PCSO window keeps PCSOs to the duties inside it;
quarter-hour duties, credited for the part of each hour; no duty longer than the limit."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler import check, solve
from scheduler.model import build, duty_options
from scheduler.scenario import Policy, Scenario, ScenarioError
from tests.scheduler.model.model_support import can_work
from tests.support import RULE_TEST, small_team, solve_checked


def test_pcso_window_keeps_pcsos_to_earlies():
    """A PCSO window ending at 15:00 leaves PCSOs only the early duty."""
    rota = solve_checked(small_team(policy=Policy(pcso_window_end="15:00").model_dump()))
    assert {d.template for d in rota.duties if d.staff.startswith("pcso")} <= {"early"}


def test_a_pcso_window_past_midnight_lets_pcsos_work():
    """A PCSO window of 07:00-02:00 runs on past midnight: PCSOs work earlies and lates
    (a model that read it as ending at 02:00 the same day gave them no duty at all)."""
    rota = solve_checked(small_team(policy=Policy(pcso_window_end="02:00").model_dump()))
    for pcso in ("pcso-cy", "pcso-di"):
        assert rota.duties_of(pcso), f"{pcso} has no duty"
        assert {d.template for d in rota.duties_of(pcso)} <= {"early", "late"}


@pytest.mark.parametrize(
    ("duties", "lawful"),
    [
        ([(0, "early")], True),
        ([(0, "early"), (1, "night")], True),
        ([(0, "early"), (0, "night")], False),
    ],
    ids=["one", "one-a-day", "two-on-monday"],
)
def test_one_duty_per_day_on_the_model_alone(duties: list[tuple[int, str]], lawful: bool) -> None:
    """With no rest rule in the way, one duty a day is lawful, two starting on one day
    (Monday's early and night) are not."""
    scenario = small_team(events=[], policy={"min_rest_hours": 0})
    assert can_work(scenario, "pc-ann", duties) is lawful


def test_a_pcso_has_no_duty_outside_the_pcso_window() -> None:
    """The night template (PC and SGT only) and any duty past the PCSO window's end are
    not even options for a PCSO (rules `template` and `pcso_window`, by construction)."""
    assert not can_work(small_team(events=[]), "pcso-cy", [(0, "night")])
    narrow = small_team(events=[], policy={"pcso_window_end": "15:00"})
    assert can_work(narrow, "pcso-cy", [(0, "early")])
    assert not can_work(narrow, "pcso-cy", [(0, "late")])


def _one_pc_one_hour(template: dict) -> Scenario:
    """One PC, one ward wanting presence only on Monday 07:00-08:00, one template."""
    return Scenario.model_validate(
        {
            "team": {"id": "t", "name": "T"},
            "week_start": "2026-11-23",
            "duty_templates": [{"id": "early", "name": "Early", **template}],
            "wards": [
                {
                    "id": "north",
                    "name": "North",
                    "demand": [{"days": ["mon"], "start": "07:00", "end": "08:00"}],
                }
            ],
            "staff": [{"id": "pc-ann", "name": "Ann Shah", "role": "PC"}],
        }
    )


@pytest.mark.parametrize(
    ("start", "end", "presence"),
    [("07:00", "15:00", 1.0), ("07:30", "15:30", 0.5), ("07:15", "16:30", 0.75)],
)
def test_a_duty_at_a_quarter_hour_is_credited_for_the_part_of_the_hour(
    start: str, end: str, presence: float
):
    """Presence is credited for the part of each hour a person is there: a duty from 07:30
    gives the 07:00 hour half its demand."""
    scenario = _one_pc_one_hour({"start": start, "end": end, "break_minutes": 45})
    result = solve(scenario, RULE_TEST)
    assert result.rota is not None and check(scenario, result.rota) == []
    (duty,) = [d for d in result.rota.duties if d.day == date(2026, 11, 23)]
    assert (duty.start.strftime("%H:%M"), duty.end.strftime("%H:%M")) == (start, end)
    (coverage,) = result.rota.wards
    assert coverage.weighted_presence == pytest.approx(presence)
    assert coverage.demand_covered == pytest.approx(presence)


def test_a_template_longer_than_a_duty_may_last_is_refused_when_solved():
    """A 14 h template is refused as bad input naming the limit and the fix (the
    scenario also holds the policy, so the check waits for the solve)."""
    scenario = _one_pc_one_hour({"start": "07:00", "end": "21:00", "break_minutes": 60})
    with pytest.raises(ScenarioError, match="a duty may last at most 12 h") as refused:
        build(scenario)
    assert "07:00-21:00, 14 h" in str(refused.value) and "shorten it" in str(refused.value)


def test_a_part_time_pattern_keeps_a_person_to_their_templates():
    """Someone with their own `templates` works only those; an `arranged` template is
    worked only by staff who list it, not by everyone their role allows."""
    data = small_team().model_dump(mode="json")
    data["duty_templates"].append(
        {"id": "short", "name": "Short day", "start": "10:00", "end": "16:00", "arranged": True}
    )
    data["staff"][3]["templates"] = ["short"]  # pcso-di: 24 h over Mon-Wed
    scenario = Scenario.model_validate(data)
    options = {person.id: duty_options(scenario, person) for person in scenario.staff}
    assert {o.template for o in options["pcso-di"]} == {"short"}
    assert "short" not in {o.template for o in options["pcso-cy"]}
    rota = solve_checked(scenario)
    assert {d.template for d in rota.duties_of("pcso-di")} <= {"short"}
