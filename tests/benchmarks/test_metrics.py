"""The metrics that judge every rota alike, from its activities and the checker."""

from __future__ import annotations

import random
from collections import Counter

from benchmarks.metrics import Metrics, demand_hours_unseen, metrics, presence_score, unmet_by_kind
from benchmarks.rivals.pattern import pattern_rota
from scheduler import Scenario, check
from scheduler.rota import Rota


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
