"""Beatplan against its rivals, and what its objective trades for presence (`solve_parts`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from benchmarks.baselines import solve_parts
from benchmarks.metrics import presence_score
from benchmarks.rivals.pattern import pattern_rota
from scheduler import Scenario, SolveOptions, check, solve
from scheduler.rota import Rota
from scheduler.scenario import Policy
from tests.support import small_team


@pytest.mark.extra  # a long solve: the extra tier (.ci/run)
def test_beatplan_is_at_least_the_greedy_on_the_sample(sample: Scenario, sample_greedy: Rota):
    """The model maximises the same presence (plus events and fairness terms): solved close
    to optimal it must not fall below the greedy, which it beats by about 1%."""
    result = solve(sample, SolveOptions(time_limit=60, relative_gap=0.002, continuity_time=0))
    assert result.rota is not None
    assert check(sample, result.rota) == []
    ours = presence_score(sample, result.rota)
    greedy = presence_score(sample, sample_greedy)
    assert ours >= greedy
    assert ours >= 1.2 * presence_score(sample, pattern_rota(sample))


@pytest.mark.extra  # a long solve: the extra tier (.ci/run)
def test_presence_alone_is_solved_under_every_rule_and_scores_its_objective():
    """`solve_parts`: Beatplan's model for presence alone gives a lawful rota whose
    presence is the solve's objective and at least that of the whole objective's rota."""
    scenario = small_team()
    options = SolveOptions(time_limit=20, workers=2)
    alone = solve_parts(scenario, ("presence",), options)
    whole = solve(scenario, options)
    assert alone.rota is not None and whole.rota is not None
    assert alone.report.status == "OPTIMAL", alone.report
    assert check(scenario, alone.rota) == []
    assert presence_score(scenario, alone.rota) == pytest.approx(alone.report.objective, abs=0.01)
    assert presence_score(scenario, alone.rota) >= presence_score(scenario, whole.rota) - 0.01


@pytest.fixture(scope="module")
def stretched_team(sample: Scenario) -> Scenario:
    from benchmarks.scale import stretched

    return stretched(sample)


@pytest.fixture(scope="module")
def most_presence(stretched_team: Scenario) -> float:
    """The most presence every hard rule allows the stretched team (proved)."""
    alone = solve_parts(stretched_team, ("presence",), SolveOptions(time_limit=30))
    assert alone.report.status == "OPTIMAL", alone.report
    return alone.report.objective


@pytest.mark.extra  # a long solve: the extra tier (.ci/run)
@pytest.mark.parametrize("limit", [0.01, 0.0])
def test_the_softer_goals_cost_no_more_presence_than_the_policy_allows(
    stretched_team: Scenario, most_presence: float, limit: float
):
    """On the stretched team, ward fairness alone would cost about 2.5% of presence (the
    benchmark's trade-off table): with the limit, the rota keeps (1 - limit) of the most
    presence the rules allow, every rule still holding. A short main solve is enough:
    the presence check holds the floor whatever the main phase found."""
    scenario = stretched_team.with_policy(presence_trade_limit=limit)
    result = solve(scenario, SolveOptions(time_limit=5, continuity_time=0, presence_time=20))
    assert result.rota is not None, result.report
    assert check(scenario, result.rota) == []
    assert presence_score(scenario, result.rota) >= (1 - limit) * most_presence - 0.01


@pytest.mark.extra  # a long solve: the extra tier (.ci/run)
def test_without_the_limit_fairness_costs_more_presence(
    stretched_team: Scenario, most_presence: float
):
    """What the limit guards against: with no limit (1) the same solve gives up more than
    1% of presence for the softer goals; so the test above can fail."""
    scenario = stretched_team.with_policy(presence_trade_limit=1.0)
    result = solve(scenario, SolveOptions(time_limit=20, continuity_time=0))
    assert result.rota is not None and check(scenario, result.rota) == []
    assert presence_score(scenario, result.rota) < 0.99 * most_presence


def test_the_presence_limit_is_a_share():
    with pytest.raises(ValidationError, match="presence_trade_limit"):
        Policy(presence_trade_limit=1.5)
    with pytest.raises(ValidationError, match="presence_trade_limit"):
        Policy(presence_trade_limit=-0.1)
    with pytest.raises(ValueError, match="presence_time"):
        SolveOptions(presence_time=-1)


def test_with_policy_changes_only_the_named_settings_and_checks_them(sample: Scenario):
    changed = sample.with_policy(presence_trade_limit=1.0)
    assert changed.policy.presence_trade_limit == 1.0
    assert changed.policy.model_dump(exclude={"presence_trade_limit"}) == sample.policy.model_dump(
        exclude={"presence_trade_limit"}
    )
    assert changed.model_dump(exclude={"policy"}) == sample.model_dump(exclude={"policy"})
    with pytest.raises(ValidationError, match="presence_trade_limit"):
        sample.with_policy(presence_trade_limit=1.5)
    with pytest.raises(ValidationError, match="presence_traed_limit"):
        sample.with_policy(presence_traed_limit=0.5)
