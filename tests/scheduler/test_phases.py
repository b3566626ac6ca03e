"""The solve's phases on the week model: solver settings, warm starts, and requirement
groups imposed on a copy that keeps every variable where it was."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from ortools.sat.python import cp_model

from scheduler import SolveOptions
from scheduler.model import build
from scheduler.phases import (
    WORK_CLOCK_CAP,
    add_hint,
    configure,
    hint_all,
    improve_continuity,
    with_requirements,
)
from scheduler.rota import Duty, Rota
from tests.support import small_team


def test_configure_takes_the_options_settings() -> None:
    """Time limit, workers, seed, gap and first-rota-only reach CP-SAT's parameters."""
    solver = cp_model.CpSolver()
    options = SolveOptions(
        time_limit=7, workers=1, seed=5, relative_gap=0.02, stop_after_first=True
    )
    configure(solver, options)
    parameters = solver.parameters
    assert parameters.max_time_in_seconds == 7
    assert (parameters.num_workers, parameters.random_seed) == (1, 5)
    assert parameters.relative_gap_limit == 0.02
    assert parameters.stop_after_first_solution
    assert parameters.max_deterministic_time == math.inf  # the clock alone limits it


def test_a_search_limited_by_work_counts_work_and_the_clock_only_stops_a_runaway() -> None:
    """`limit="work"`: the seconds are CP-SAT's deterministic time (which a loaded
    machine does not shorten); the clock stops it only at WORK_CLOCK_CAP times that. A
    phase that sets its own limit (the continuity phase) keeps to the same measure."""
    solver = cp_model.CpSolver()
    configure(solver, SolveOptions(time_limit=7, limit="work"))
    assert solver.parameters.max_deterministic_time == 7
    assert solver.parameters.max_time_in_seconds == 7 * WORK_CLOCK_CAP
    week = build(small_team())
    first = cp_model.CpSolver()
    options = SolveOptions(time_limit=5, continuity_time=0.5, limit="work")
    configure(first, options)
    solving = with_requirements(week, week.requirements)
    assert first.solve(solving) == cp_model.OPTIMAL
    second = improve_continuity(week, solving, first, options)
    assert second.parameters.max_deterministic_time == 0.5
    assert second.parameters.max_time_in_seconds == 0.5 * WORK_CLOCK_CAP


def test_requirements_are_imposed_on_a_copy() -> None:
    """Each requirement group adds one clause to a copy of the model; the model itself and
    the variables' indexes are untouched, so a copy's answer reads the model's variables."""
    week = build(small_team())
    before = len(week.model.proto.constraints)
    imposed = with_requirements(week, week.requirements)
    assert len(week.requirements) == 2  # the panel and North's minimum
    assert len(imposed.proto.constraints) == before + 2
    assert len(week.model.proto.constraints) == before
    assert len(imposed.proto.variables) == len(week.model.proto.variables)


def test_a_previous_rota_hints_its_duties() -> None:
    """A rota's duties hint their `works` variables true and every other duty false; each
    attendance variable is hinted too."""
    scenario = small_team()
    week = build(scenario)
    start = datetime(2026, 11, 23, 7, tzinfo=UTC)
    early = Duty(
        staff="pc-ann",
        day=date(2026, 11, 23),
        template="early",
        start=start,
        end=start.replace(hour=15),
    )
    add_hint(week, Rota(team=scenario.team.id, week_start=scenario.week_start, duties=[early]))
    given = week.model.proto.solution_hint
    hint = dict(zip(given.vars, given.values, strict=True))
    assert len(hint) == len(week.works) + len(week.attends)
    hinted_true = [option for option, var in week.works.items() if hint[var.index] == 1]
    assert [(o.staff, o.day, o.template) for o in hinted_true] == [
        ("pc-ann", date(2026, 11, 23), "early")
    ]


def test_an_answer_hints_every_variable() -> None:
    """After a solve, `hint_all` hints every variable of the model with the answer's value."""
    week = build(small_team())
    solver = cp_model.CpSolver()
    configure(solver, SolveOptions(time_limit=5, stop_after_first=True))
    assert solver.solve(week.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    hint_all(week.model, solver)
    hint = week.model.proto.solution_hint
    assert list(hint.vars) == list(range(len(week.model.proto.variables)))
    assert list(hint.values) == [
        solver.value(v) for v in map(week.model.get_int_var_from_proto_index, hint.vars)
    ]
