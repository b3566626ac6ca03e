"""The duties each person may work: the PCSO window keeps PCSOs to the duties inside it."""

from __future__ import annotations

from scheduler.scenario import Policy
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
