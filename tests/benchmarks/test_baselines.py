"""The baselines Beatplan is judged against, and the metrics that judge every rota alike."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from pydantic import ValidationError

from benchmarks.baselines import (
    REQUIREMENT_RULES,
    Metrics,
    demand_hours_unseen,
    greedy_rota,
    metrics,
    pattern_rota,
    presence_score,
    solve_parts,
    unmet_by_kind,
)
from scheduler import Scenario, SolveOptions, check, load_scenario, solve
from scheduler.generate import generate_instance
from scheduler.rota import Rota
from scheduler.scenario import Policy
from tests.support import FIXTURES, small_team


@pytest.fixture(scope="module")
def sample() -> Scenario:
    return load_scenario(FIXTURES / "riverside.json")


@pytest.fixture(scope="module")
def sample_greedy(sample: Scenario) -> Rota:
    return greedy_rota(sample)


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


def test_empty_rota_has_no_presence(sample: Scenario):
    empty = Rota(team=sample.team.id, week_start=sample.week_start, duties=[])
    assert presence_score(sample, empty) == 0
    judged = metrics(sample, empty)
    assert judged.presence == 0 and all(ratio == 0 for ratio in judged.ratios)
    unseen, demand_hours = demand_hours_unseen(sample, empty.duties)
    assert unseen == demand_hours > 7 * len(sample.wards)  # every ward has daily demand


def test_adding_a_duty_never_lowers_presence_nor_hides_it(sample: Scenario, sample_greedy: Rota):
    duties = list(sample_greedy.duties)
    random.Random(7).shuffle(duties)
    previous, unseen_before = 0.0, demand_hours_unseen(sample, [])[0]
    for count in range(1, len(duties) + 1, 3):
        partial = sample_greedy.model_copy(update={"duties": duties[:count]})
        score = presence_score(sample, partial)
        assert score >= previous - 1e-6
        unseen = demand_hours_unseen(sample, partial.duties)[0]
        assert unseen <= unseen_before  # nor leaves more hours unseen
        previous, unseen_before = score, unseen
    assert previous > 0 and unseen_before < demand_hours_unseen(sample, [])[0]


def test_unmet_counts_are_the_checkers_violations(sample: Scenario):
    """The pattern rota breaks rules; metrics counts exactly what the checker reports."""
    rota = pattern_rota(sample)
    violations = check(sample, rota)
    judged = metrics(sample, rota)
    assert judged.unmet == len(violations) > 0
    rules = Counter(v.rule for v in violations)
    assert judged.events == rules["event_staffing"]
    assert judged.minimums == rules["ward_minimum"]
    assert judged.pairs == rules["lone_working"]
    assert judged.rest == sum(
        rules[r] for r in ("daily_rest", "weekly_rest", "rest_days", "consecutive_days")
    )
    assert unmet_by_kind(violations) == {
        "events": judged.events,
        "minimums": judged.minimums,
        "pairs": judged.pairs,
        "rest": judged.rest,
        "other": judged.other,
    }


def test_metrics_of_several_teams_add_up(sample: Scenario, sample_greedy: Rota):
    one = metrics(sample, sample_greedy)
    both = Metrics.combine([one, metrics(sample, pattern_rota(sample))])
    assert both.presence > one.presence
    assert len(both.ratios) == 2 * len(sample.wards)
    assert 0 < one.spread_min <= one.spread_max and one.spread_cv >= 0


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
