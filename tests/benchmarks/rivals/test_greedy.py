"""The marginal-gain greedy: it breaks no rule, only leaves requirements unmet."""

from __future__ import annotations

import pytest

from benchmarks.rivals.greedy import REQUIREMENT_RULES, greedy_rota
from scheduler import Scenario, check, load_scenario
from scheduler.generate import generate_instance
from tests.support import FIXTURES, small_team


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(load_scenario(FIXTURES / "riverside.json"), id="sample"),
        pytest.param(load_scenario(FIXTURES / "riverside-dst.json"), id="sample-october"),
        pytest.param(load_scenario(FIXTURES / "riverside-infeasible.json"), id="infeasible"),
        pytest.param(generate_instance("bcu", seed=3)[4], id="bcu-team"),
        pytest.param(small_team(), id="small"),
    ],
)
def test_greedy_breaks_no_rule_only_leaves_requirements_unmet(scenario: Scenario):
    rota = greedy_rota(scenario)
    violations = check(scenario, rota)
    assert {v.rule for v in violations} <= REQUIREMENT_RULES, [v.message for v in violations]
    assert rota.duties, "the greedy works somebody"
