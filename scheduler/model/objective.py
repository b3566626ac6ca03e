"""The objective: presence with diminishing returns, then the softer goals; and
continuity, the second-phase objective.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.week import SCALE, PatrolClass, WeekModel, covering_slot, presence

UNSOCIAL_FAIRNESS_WEIGHT = 20  # the k-th unsocial duty of one person costs k-1 times this
PREFERENCE_WEIGHT = 15  # per preference weight point met

# The objective's parts, in the order their terms are summed
OBJECTIVE_PARTS = (
    "presence",  # demand-weighted, with diminishing returns per ward-hour
    "ward fairness",  # demand covered short of each ward's coverage target costs extra
    "optional events",  # each staffed optional event is worth its value
    "unsocial fairness",  # each further unsocial duty for one person costs more
    "preferences",  # met or broken duty preferences
    "familiar faces",  # own-ward share and own officers at ward events, when goals (soft)
)


def add_objective(week: WeekModel) -> None:
    """Maximise the sum of OBJECTIVE_PARTS; each part's terms are kept in `objective_parts`."""
    scenario = week.scenario
    values = scenario.policy.presence_values
    model = week.model
    parts = week.objective_parts = {name: [] for name in OBJECTIVE_PARTS}
    terms = parts["presence"]
    # Diminishing returns: a ladder of booleans first >= second >= ..., falling values.
    coverage_by_ward: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    for ward, slot in sorted(week.present):
        # presence is credited for the part of the hour the slot is (a 07:30 start)
        demand = scenario.demand_weight(ward, week.grid.local_keys[slot]) * _hours(week, slot)
        if demand <= 0:
            continue
        ladder = [model.new_bool_var(f"present[{ward},{slot},{k}]") for k in range(len(values))]
        for higher, lower in itertools.pairwise(ladder):
            model.add_implication(lower, higher)
        model.add(sum(ladder) <= presence(week, ward, slot))
        terms += [
            round(SCALE * demand * value) * rung
            for rung, value in zip(ladder, values, strict=False)
        ]
        if slot < week.grid.week_slots:
            coverage_by_ward[ward].append(round(SCALE * demand) * ladder[0])
    # Fairness across wards: each ward's share of demand covered should reach the target;
    # demand left uncovered below the target costs extra, so quiet wards are not starved.
    policy = scenario.policy
    for ward in scenario.wards:
        total = sum(
            round(
                SCALE
                * scenario.demand_weight(ward.id, week.grid.local_keys[slot])
                * _hours(week, slot)
            )
            for slot in range(week.grid.week_slots)
        )
        target = round(policy.coverage_target * total)
        if target <= 0:
            continue
        # In whole demand-hours, which keeps the objective integral and the LP coarse.
        shortfall = model.new_int_var(0, target // SCALE + 1, f"coverage_shortfall[{ward.id}]")
        model.add(SCALE * shortfall >= target - sum(coverage_by_ward[ward.id]))
        parts["ward fairness"].append(-round(SCALE * policy.coverage_shortfall_weight) * shortfall)
    for event in scenario.events:
        if not event.mandatory:
            parts["optional events"].append(round(SCALE * event.value) * week.staffed[event.id])
    # Fairness within a role: each further unsocial duty for one person costs more (the
    # k-th costs k-1 units), so they spread across people without coupling everyone.
    for person in scenario.staff:
        unsocial = [week.works[o] for o in week.options[person.id] if o.unsocial]
        if len(unsocial) < 2:
            continue
        ladder = [model.new_bool_var(f"unsocial[{person.id},{k}]") for k in range(len(unsocial))]
        for higher, lower in itertools.pairwise(ladder):
            model.add_implication(lower, higher)
        model.add(sum(ladder) == sum(unsocial))
        parts["unsocial fairness"] += [
            -UNSOCIAL_FAIRNESS_WEIGHT * k * rung for k, rung in enumerate(ladder)
        ]
    parts["preferences"] += _preference_terms(week)
    parts["familiar faces"] += week.soft_terms
    week.objective_terms = [term for name in OBJECTIVE_PARTS for term in parts[name]]
    model.maximize(sum(week.objective_terms))


def add_continuity(week: WeekModel) -> None:
    """Minutes dedicated ward officers can spend in their own ward: the second-phase
    objective.

    Per class, ward and slot, patrol up to the number of that ward's dedicated officers on
    duty counts; the patrol-block step then sends those officers home first. As part of
    the main objective this slowed the proof several-fold, so the solve maximises it
    afterwards with presence held at its optimum (`scheduler.solve`). With the policy's
    continuity, the blocks' own rules do this (`scheduler.model.continuity`).
    """
    dedicated: dict[tuple[PatrolClass, str], list[str]] = defaultdict(list)
    for person in week.scenario.staff:
        if person.home_ward is not None:
            dedicated[week.classes[person.id], person.home_ward].append(person.id)
    at_home_terms = []
    for (patrol, ward, slot), count in week.patrol.items():
        on_duty = covering_slot(week, dedicated.get((patrol, ward), []), slot)
        if not on_duty:
            continue
        at_home = week.model.new_int_var(0, len(on_duty), f"at_home[{ward},{slot}]")
        week.model.add(at_home <= count)
        week.model.add(at_home <= sum(on_duty))
        at_home_terms.append(week.grid.slot_minutes(slot) * at_home)
    week.continuity = sum(at_home_terms)


def _hours(week: WeekModel, slot: int) -> float:
    return week.grid.slot_minutes(slot) / 60


def _preference_terms(week: WeekModel) -> list[cp_model.LinearExprT]:
    terms: list[cp_model.LinearExprT] = []
    for person in week.scenario.staff:
        for preference in person.preferences:
            matching = [
                week.works[option]
                for option in week.options[person.id]
                if (preference.template in (None, option.template))
                and (preference.day in (None, option.day))
            ]
            sign = 1 if preference.want else -1
            terms += [sign * PREFERENCE_WEIGHT * preference.weight * var for var in matching]
    return terms
