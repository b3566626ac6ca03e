"""The duties each person may work: the PCSO window keeps PCSOs to the duties inside it."""

from __future__ import annotations

import pytest

from scheduler.scenario import Policy
from tests.scheduler.model.model_support import can_work
from tests.support import small_team, solve_checked


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
