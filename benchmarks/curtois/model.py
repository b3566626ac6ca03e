"""The CP-SAT model of an instance, stated with the scheduler's own rostering rules.

One boolean per (person, day, shift) a person could work, each person's hard rules from
`scheduler.rules` (the functions that also state the week model's working-time rules),
and the requests and cover as the objective. Every solver here is configured by the
scheduler's own code (`scheduler.phases.configure`), so the benchmark exercises what Beatplan runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from benchmarks.curtois.instance import Instance, Staff
from scheduler import rules
from scheduler.phases import configure
from scheduler.solve import SolveOptions


@dataclass
class RosterModel:
    model: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[str, int], cp_model.IntVar | int] = field(default_factory=dict)


def build_model(instance: Instance) -> RosterModel:
    """A boolean x[person, day, shift] for each shift a person could work (days off and
    shift types they may never work have no variable), rules per person, cover slack."""
    m = RosterModel(cp_model.CpModel())
    model = m.model
    for person in instance.staff:
        off = instance.days_off_of(person.id)
        for d in range(instance.horizon):
            choices = []
            for shift in instance.shifts:
                if d not in off and person.max_of(shift.id) > 0:
                    var = model.new_bool_var(f"x_{person.id}_{d}_{shift.id}")
                    m.x[person.id, d, shift.id] = var
                    choices.append(var)
            if choices:
                work = model.new_bool_var(f"work_{person.id}_{d}")
                model.add(sum(choices) == work)  # at most one shift a day
                m.work[person.id, d] = work
            else:
                m.work[person.id, d] = 0
        _add_staff_rules(m, instance, person)

    objective: list[cp_model.LinearExprT] = []
    for r in instance.on_requests:
        var = m.x.get((r.staff, r.day, r.shift))
        objective.append(r.weight if var is None else r.weight * (1 - var))
    for r in instance.off_requests:
        var = m.x.get((r.staff, r.day, r.shift))
        if var is not None:
            objective.append(r.weight * var)
    for c in instance.cover:
        assigned = [
            var for p in instance.staff if (var := m.x.get((p.id, c.day, c.shift))) is not None
        ]
        objective.append(
            rules.soft_cover(
                model, assigned, c.requirement, c.under_weight, c.over_weight, f"{c.day}_{c.shift}"
            )
        )
    model.minimize(sum(objective))
    return m


def _add_staff_rules(m: RosterModel, instance: Instance, person: Staff) -> None:
    """The person's hard rules, each stated by the scheduler's own rule (`scheduler.rules`)."""
    model, horizon = m.model, instance.horizon
    work = [m.work[person.id, d] for d in range(horizon)]
    rules.never_both(
        model,
        (
            (today, tomorrow)
            for d in range(horizon - 1)
            for shift in instance.shifts
            if (today := m.x.get((person.id, d, shift.id))) is not None
            for follower in shift.not_followed_by
            if (tomorrow := m.x.get((person.id, d + 1, follower))) is not None
        ),
    )
    for shift in instance.shifts:
        worked = [m.x[key] for d in range(horizon) if (key := (person.id, d, shift.id)) in m.x]
        rules.at_most(model, worked, person.max_of(shift.id))
    duties = [
        (shift.minutes, var)
        for d in range(horizon)
        for shift in instance.shifts
        if (var := m.x.get((person.id, d, shift.id))) is not None
    ]
    rules.minutes_within(model, duties, person.min_minutes, person.max_minutes)
    rules.max_consecutive(model, work, person.max_consecutive)
    # Blocks cut by the start or end of the horizon are exempt, as the README says.
    rules.min_run(model, work, person.min_consecutive, working=True)
    rules.min_run(model, work, person.min_days_off, working=False)
    rules.weekends_at_most(model, work, instance.weekends(), person.max_weekends, person.id)


def configured_solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    """A solver set up by the scheduler's own configuration code, so this benchmark
    exercises what `scheduler.solve` runs (through `scheduler.phases.configure`)."""
    solver = cp_model.CpSolver()
    configure(solver, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    return solver
