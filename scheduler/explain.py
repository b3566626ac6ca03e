"""Why a week is impossible, in a sergeant's words: the smallest set of requirement
groups (mandatory events, ward minimums, pins) that cannot all hold."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime

from ortools.sat.python import cp_model

from scheduler.model import Requirement, WeekModel
from scheduler.phases import with_requirements
from scheduler.timegrid import duty_interval


def _proven_impossible(week: WeekModel, requirements: list[Requirement]) -> bool:
    """Whether the hard rules plus these requirement groups provably cannot all hold."""
    model = with_requirements(week, requirements)
    model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 2
    return solver.solve(model) == cp_model.INFEASIBLE


def explain_infeasible(week: WeekModel) -> list[str]:
    """A smallest set of requirements that cannot all hold, as sentences.

    Deletion-based: drop each requirement in turn and keep it out if the rest is still
    impossible. What remains is a minimal conflict: relaxing any one of them helps.
    """
    if _proven_impossible(week, []):
        return [
            "The working-time rules alone cannot be met for some staff member this week "
            "(check carry-in from last week, leave and working days against the rest and "
            "rest-day rules)."
        ]
    conflict = list(week.requirements)
    for requirement in list(conflict):
        trial = [r for r in conflict if r is not requirement]
        if _proven_impossible(week, trial):
            conflict = trial
    sentences = [requirement.sentence for requirement in conflict]
    sentences += _rest_between_pins(week, conflict)
    if len(sentences) > 1:
        sentences.append("These cannot all hold at once; relax one of them.")
    else:
        sentences.append("This cannot be met under the team's rules; change it or the rota inputs.")
    return sentences


def _rest_between_pins(week: WeekModel, conflict: list[Requirement]) -> list[str]:
    """For two duty pins of one person in the conflict that leave too little rest between
    them, the hours they leave and the hours needed."""
    scenario = week.scenario
    templates = {template.id: template for template in scenario.duty_templates}
    pinned: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for item in conflict:
        pin = item.pin
        if pin is None or pin.day is None or pin.template is None:
            continue
        start, end = duty_interval(scenario, templates[pin.template], pin.day)
        pinned[pin.staff].append((start, end, f"{pin.day:%A}'s {templates[pin.template].name}"))
    rest = scenario.policy.min_rest_hours
    sentences = []
    for duties in pinned.values():
        for (_, ended, first), (starts, _, second) in itertools.pairwise(sorted(duties)):
            hours = (starts - ended).total_seconds() / 3600
            if hours < rest:
                sentences.append(
                    f"The pin to {second} ({starts.astimezone(scenario.zone):%H:%M}) leaves "
                    f"{hours:g} h after the pinned {first} (ends "
                    f"{ended.astimezone(scenario.zone):%H:%M}); {rest:g} h are needed."
                )
    return sentences
