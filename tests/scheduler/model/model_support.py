"""Helpers for the model's rule tests: whether the model alone lets someone work some duties."""

from __future__ import annotations

from datetime import date, timedelta

from ortools.sat.python import cp_model

from scheduler.model import build
from scheduler.scenario import Scenario

MONDAY = date(2026, 11, 23)  # small_team's week


def can_work(scenario: Scenario, staff: str, duties: list[tuple[int, str]]) -> bool:
    """Whether the model's hard rules let `staff` work these duties ((day of the week,
    template) pairs), requirement groups left free and the objective ignored."""
    week = build(scenario)
    model = week.model.clone()
    model.clear_objective()
    wanted = {(MONDAY + timedelta(days=day), template) for day, template in duties}
    chosen = [
        var
        for option, var in week.works.items()
        if option.staff == staff and (option.day, option.template) in wanted
    ]
    if len(chosen) < len(wanted):
        return False  # some duty is not even an option
    for var in chosen:
        model.add(model.get_bool_var_from_proto_index(var.index) == 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 2
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
