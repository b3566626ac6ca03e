"""Why a week is impossible, in a sergeant's words: the smallest set of requirement
groups (mandatory events, ward minimums, pins) that cannot all hold."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model import Requirement, WeekModel
from scheduler.phases import with_requirements


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
    if len(sentences) > 1:
        sentences.append("These cannot all hold at once; relax one of them.")
    else:
        sentences.append("This cannot be met under the team's rules; change it or the rota inputs.")
    return sentences
