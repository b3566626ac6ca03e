"""Published benchmark: the Curtois & Qu shift scheduling instances 1-8.

    python -m benchmarks.curtois                   # instances 1-8, 60 s each, 2 workers, seeds 0-2
    python -m benchmarks.curtois --short           # instance 1 only, 10 s, seed 0
    python -m benchmarks.curtois --instances 5,6 --time-limit 30

Beatplan's own instances are generated, so nobody else has solved them; these are public
(schedulingbenchmarks.org) with best known values from Gurobi, IP&VNS and branch and
price. The module has three independent parts: a loader, an evaluator that re-scores a
roster with plain loops (no solver code, so a modelling slip cannot hide), and a CP-SAT
model stated with the scheduler's own rostering rules (`scheduler.rules`, which also state
the week model's working-time rules) and solved through the scheduler's own solver
configuration (`scheduler.solve`), helped by column generation over whole rosters (GLOP for
the LP, CP-SAT for each person's pricing).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from benchmarks.document import CURTOIS, machine
from scheduler import rules
from scheduler.solve import SolveOptions, _configure

# The instances and best known values ship with the repository (benchmarks/data/curtois,
# copied unchanged from the public benchmark, with its README).
DATA_DIR = Path(
    os.environ.get("BEATPLAN_CURTOIS_DIR", Path(__file__).resolve().parent / "data" / "curtois")
)
HEADING = f"{CURTOIS}: Curtois & Qu instances 1-8"
TARGET_GAP = 0.01  # instances 1-7 must come within 1% of the best known value
TARGET_TIME = 60.0  # ... in this many seconds each (2 workers)
TARGET_INSTANCES = frozenset(range(1, 8))  # instance 8 is reported, not targeted

# ---------------------------------------------------------------------------- instance


@dataclass(frozen=True)
class Shift:
    id: str
    minutes: int
    not_followed_by: tuple[str, ...]


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: tuple[tuple[str, int], ...]  # (shift id, most times it may be worked)
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int

    def max_of(self, shift: str) -> int:
        return dict(self.max_shifts).get(shift, 0)


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Instance:
    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    days_off: tuple[tuple[str, tuple[int, ...]], ...]  # (staff id, days they must not work)
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]

    def shift(self, shift_id: str) -> Shift:
        return next(s for s in self.shifts if s.id == shift_id)

    def days_off_of(self, staff_id: str) -> frozenset[int]:
        return frozenset(d for sid, days in self.days_off if sid == staff_id for d in days)

    def weekends(self) -> list[tuple[int, ...]]:
        """The days of each weekend in the horizon (day 0 is a Monday)."""
        return [
            tuple(d for d in (sat, sat + 1) if d < self.horizon)
            for sat in range(5, self.horizon, 7)
        ]


_SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class _Reader:
    """Turns one file's lines into values, failing with the file and line named."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, problem: str) -> ValueError:
        return ValueError(f"{self.path}: line {line}: {problem}")

    def integer(self, line: int, text: str, what: str, minimum: int = 0) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise self.fail(line, f"{what} must be an integer, got {text.strip()!r}") from None
        if value < minimum:
            raise self.fail(line, f"{what} must be at least {minimum}, got {value}")
        return value

    def fields(self, line: int, text: str, count: int | None, what: str) -> list[str]:
        parts = [p.strip() for p in text.split(",")]
        if count is not None and len(parts) != count:
            raise self.fail(line, f"{what} needs {count} fields, got {len(parts)}: {text!r}")
        return parts


def _sections(reader: _Reader, text: str) -> dict[str, list[tuple[int, str]]]:
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
        elif line.startswith("SECTION_"):
            if line not in _SECTIONS:
                raise reader.fail(number, f"unknown section {line!r}")
            if line in sections:
                raise reader.fail(number, f"section {line} appears twice")
            current = line
            sections[current] = []
        elif current is None:
            raise reader.fail(number, f"data outside a section: {line!r}")
        else:
            sections[current].append((number, line))
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if name not in sections:
            raise ValueError(f"{reader.path}: missing section {name}")
    return sections


def load_instance(path: str | Path) -> Instance:
    """Read one instance file; a bad file raises ValueError naming the file, line and problem."""
    path = Path(path)
    reader = _Reader(path)
    sections = _sections(reader, path.read_text(encoding="utf-8"))

    horizon_lines = sections["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise ValueError(f"{path}: SECTION_HORIZON must hold one line, got {len(horizon_lines)}")
    horizon = reader.integer(*horizon_lines[0], "horizon", minimum=1)

    shifts: list[Shift] = []
    pending_followers: list[tuple[int, str]] = []
    for number, line in sections["SECTION_SHIFTS"]:
        sid, minutes, followers = reader.fields(number, line, 3, "a shift")
        if not sid or any(s.id == sid for s in shifts):
            raise reader.fail(number, f"shift id {sid!r} is empty or repeated")
        names = tuple(f.strip() for f in followers.split("|") if f.strip())
        pending_followers.extend((number, f) for f in names)
        shifts.append(Shift(sid, reader.integer(number, minutes, "shift length", 1), names))
    shift_ids = {s.id for s in shifts}
    for number, follower in pending_followers:
        if follower not in shift_ids:
            raise reader.fail(number, f"unknown shift {follower!r} in NotFollowedBy")

    def shift_id(number: int, text: str) -> str:
        if text not in shift_ids:
            raise reader.fail(number, f"unknown shift {text!r}")
        return text

    staff: list[Staff] = []
    for number, line in sections["SECTION_STAFF"]:
        parts = reader.fields(number, line, 8, "a staff line")
        sid = parts[0]
        if not sid or any(s.id == sid for s in staff):
            raise reader.fail(number, f"staff id {sid!r} is empty or repeated")
        limits: dict[str, int] = {}
        for item in filter(None, (p.strip() for p in parts[1].split("|"))):
            name, equals, count = item.partition("=")
            if not equals:
                raise reader.fail(number, f"MaxShifts item {item!r} is not SHIFT=count")
            limits[shift_id(number, name.strip())] = reader.integer(number, count, "MaxShifts")
        numbers = [reader.integer(number, p, f"field {i + 3}") for i, p in enumerate(parts[2:])]
        max_minutes, min_minutes, max_cons, min_cons, min_off, max_weekends = numbers
        if min_minutes > max_minutes or min_cons > max_cons:
            raise reader.fail(number, "a minimum exceeds its maximum")
        staff.append(
            Staff(
                sid,
                tuple((s.id, limits.get(s.id, 0)) for s in shifts),
                max_minutes,
                min_minutes,
                max_cons,
                min_cons,
                min_off,
                max_weekends,
            )
        )
    staff_ids = {s.id for s in staff}

    def staff_id(number: int, text: str) -> str:
        if text not in staff_ids:
            raise reader.fail(number, f"unknown staff {text!r}")
        return text

    def day(number: int, text: str) -> int:
        value = reader.integer(number, text, "day")
        if value >= horizon:
            raise reader.fail(number, f"day {value} is outside the {horizon}-day horizon")
        return value

    days_off: list[tuple[str, tuple[int, ...]]] = []
    for number, line in sections.get("SECTION_DAYS_OFF", []):
        parts = reader.fields(number, line, None, "a days-off line")
        days_off.append((staff_id(number, parts[0]), tuple(day(number, p) for p in parts[1:] if p)))

    def requests(name: str) -> tuple[Request, ...]:
        found = []
        for number, line in sections.get(name, []):
            who, when, what, weight = reader.fields(number, line, 4, "a request")
            found.append(
                Request(
                    staff_id(number, who),
                    day(number, when),
                    shift_id(number, what),
                    reader.integer(number, weight, "weight"),
                )
            )
        return tuple(found)

    cover: list[Cover] = []
    for number, line in sections["SECTION_COVER"]:
        when, what, need, under, over = reader.fields(number, line, 5, "a cover line")
        cover.append(
            Cover(
                day(number, when),
                shift_id(number, what),
                reader.integer(number, need, "requirement"),
                reader.integer(number, under, "under weight"),
                reader.integer(number, over, "over weight"),
            )
        )
    return Instance(
        name=path.stem,
        horizon=horizon,
        shifts=tuple(shifts),
        staff=tuple(staff),
        days_off=tuple(days_off),
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover=tuple(cover),
    )


def instance_path(number: int) -> Path:
    return DATA_DIR / f"Instance{number}.txt"


def best_known() -> dict[int, int]:
    """Best known objective per instance number, from the benchmark's `best_known.csv`."""
    values: dict[int, int] = {}
    for line in (DATA_DIR / "best_known.csv").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            number, value, *_ = line.split(",")
            values[int(number)] = int(value)
    return values


# --------------------------------------------------------------------------- evaluator

Roster = dict[str, list[str | None]]  # staff id -> the shift worked each day (None: off)


@dataclass(frozen=True)
class Evaluation:
    objective: int
    on_request_penalty: int
    off_request_penalty: int
    cover_penalty: int
    violations: tuple[str, ...]


def _blocks(flags: Sequence[bool]) -> Iterator[tuple[bool, int, int]]:
    """(value, first day, length) of each maximal run of equal values."""
    start = 0
    for day in range(1, len(flags) + 1):
        if day == len(flags) or flags[day] != flags[start]:
            yield flags[start], start, day - start
            start = day


def evaluate(instance: Instance, roster: Roster) -> Evaluation:
    """Score a roster and list every broken hard rule, straight from the README's rules.

    Written with plain loops over the roster and no solver code, so that it checks the
    model rather than repeating it.
    """
    horizon = instance.horizon
    shift_ids = {s.id for s in instance.shifts}
    minutes = {s.id: s.minutes for s in instance.shifts}
    forbidden_next = {s.id: set(s.not_followed_by) for s in instance.shifts}
    violations: list[str] = []
    for sid in roster:
        if sid not in {s.id for s in instance.staff}:
            violations.append(f"{sid}: not a member of staff")

    for person in instance.staff:
        sid = person.id
        days = list(roster.get(sid, [None] * horizon))
        if len(days) != horizon:
            violations.append(f"{sid}: roster has {len(days)} days, horizon is {horizon}")
            days = (days + [None] * horizon)[:horizon]
        for d, shift in enumerate(days):
            if shift is not None and shift not in shift_ids:
                violations.append(f"{sid} day {d}: unknown shift {shift!r}")
                days[d] = None
        working = [shift is not None for shift in days]

        for d in range(horizon - 1):
            today, tomorrow = days[d], days[d + 1]
            if today is not None and tomorrow is not None and tomorrow in forbidden_next[today]:
                violations.append(f"{sid} day {d}: {tomorrow} may not follow {today}")
        for shift in instance.shifts:
            count = sum(1 for s in days if s == shift.id)
            if count > person.max_of(shift.id):
                violations.append(
                    f"{sid}: works {shift.id} {count} times, at most {person.max_of(shift.id)}"
                )
        total = sum(minutes[s] for s in days if s is not None)
        if total > person.max_minutes:
            violations.append(f"{sid}: {total} minutes, more than {person.max_minutes}")
        if total < person.min_minutes:
            violations.append(f"{sid}: {total} minutes, fewer than {person.min_minutes}")

        for works, start, length in _blocks(working):
            inside = start > 0 and start + length < horizon  # touches neither end
            span = f"days {start}-{start + length - 1}"
            if works and length > person.max_consecutive:
                violations.append(
                    f"{sid}: works {length} days in a row ({span}), "
                    f"at most {person.max_consecutive}"
                )
            if works and inside and length < person.min_consecutive:
                violations.append(
                    f"{sid}: works {length} days in a row ({span}), "
                    f"at least {person.min_consecutive}"
                )
            if not works and inside and length < person.min_days_off:
                violations.append(
                    f"{sid}: {length} days off in a row ({span}), at least {person.min_days_off}"
                )

        weekends = sum(1 for weekend in instance.weekends() if any(working[d] for d in weekend))
        if weekends > person.max_weekends:
            violations.append(f"{sid}: works {weekends} weekends, at most {person.max_weekends}")
        for d in sorted(instance.days_off_of(sid)):
            if working[d]:
                violations.append(f"{sid} day {d}: works a day off")

    def works(staff: str, day: int, shift: str) -> bool:
        days = roster.get(staff, [])
        return day < len(days) and days[day] == shift

    on_penalty = sum(r.weight for r in instance.on_requests if not works(r.staff, r.day, r.shift))
    off_penalty = sum(r.weight for r in instance.off_requests if works(r.staff, r.day, r.shift))
    cover_penalty = 0
    for c in instance.cover:
        n = sum(1 for person in instance.staff if works(person.id, c.day, c.shift))
        cover_penalty += c.under_weight * max(0, c.requirement - n)
        cover_penalty += c.over_weight * max(0, n - c.requirement)
    return Evaluation(
        objective=on_penalty + off_penalty + cover_penalty,
        on_request_penalty=on_penalty,
        off_request_penalty=off_penalty,
        cover_penalty=cover_penalty,
        violations=tuple(violations),
    )


# ------------------------------------------------------------------------------ solver


@dataclass(frozen=True)
class Result:
    roster: Roster | None
    objective: int | None  # as the model sees it
    bound: float  # CP-SAT's proven lower bound
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN
    wall_time: float  # seconds, model building included
    first_solution_time: float | None  # seconds from the start to the first roster


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[str, int], cp_model.IntVar | int] = field(default_factory=dict)


def build_model(instance: Instance) -> _Model:
    """A boolean x[person, day, shift] for each shift a person could work (days off and
    shift types they may never work have no variable), rules per person, cover slack."""
    m = _Model(cp_model.CpModel())
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


def _add_staff_rules(m: _Model, instance: Instance, person: Staff) -> None:
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


def _roster(instance: Instance, m: _Model, values: dict[int, int]) -> Roster:
    return {
        person.id: [
            next(
                (
                    s.id
                    for s in instance.shifts
                    if (var := m.x.get((person.id, d, s.id))) is not None and values[var.index]
                ),
                None,
            )
            for d in range(instance.horizon)
        ]
        for person in instance.staff
    }


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    """A solver set up by the scheduler's own configuration code, so this benchmark
    exercises what `scheduler.solve` runs."""
    solver = cp_model.CpSolver()
    _configure(solver, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    return solver


class _Incumbent:
    """The best roster so far, shared by the full-model search and the LNS loop."""

    def __init__(self, started: float) -> None:
        self.lock = threading.Lock()
        self.started = started
        self.objective: int | None = None
        self.values: dict[int, int] = {}
        self.first: float | None = None
        self.proved = False

    def offer(self, objective: int, values: dict[int, int]) -> None:
        with self.lock:
            if self.first is None:
                self.first = time.perf_counter() - self.started
            if self.objective is None or objective <= self.objective:
                self.objective, self.values = objective, values

    def get(self) -> tuple[int | None, dict[int, int]]:
        with self.lock:
            return self.objective, self.values


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Hands each roster the full-model search finds to the shared incumbent."""

    def __init__(self, m: _Model, incumbent: _Incumbent) -> None:
        super().__init__()
        self.m, self.incumbent = m, incumbent

    def on_solution_callback(self) -> None:
        values = {var.index: int(self.value(var)) for var in self.m.x.values()}
        self.incumbent.offer(round(self.objective_value), values)


# Neighbourhoods of the LNS: some people's whole rosters; everyone over a window of days;
# half the people over a window; everyone over two windows, so that work can move between
# them within each person's totals and weekend limits (instance 7, 60 s, seeds 0 and 1:
# 1085 and 1086 without it, 1064 and 1065 with it). Each has its own size, in (0, 1].
_KINDS = ("staff", "window", "mixed", "windows")
_QUICK_START = 1.0  # seconds for the default portfolio to find a first roster
# Seconds per LNS step. Instance 7, 60 s, six runs each (seeds 0-3, some twice): 1.0 s gave
# 1057-1070 (median 1068.5), 2.0 s gave 1066-1079 (median 1070), 0.5 s 1063-1085. The
# search is noisy, so this is a small, uncertain gain: more steps beat longer ones.
_STEP_LIMIT = 1.0
_GROW, _SHRINK = 1.15, 1.3  # neighbourhood size after a step solved to optimality / not


def _neighbourhood(
    instance: Instance, rng: random.Random, kind: str, size: float
) -> set[tuple[str, int]]:
    """The (person, day) cells one LNS step may change."""
    staff = [p.id for p in instance.staff]
    people, width = len(staff), instance.horizon
    if kind == "staff":
        people = max(2, round(size * len(staff)))
    elif kind == "windows":  # two windows, together `size` of the horizon
        width = max(2, round(size * instance.horizon / 2))
    else:
        width = max(3, round(size * instance.horizon))
        if kind == "mixed":
            people = max(2, round(0.5 * len(staff)))
    chosen = rng.sample(staff, min(people, len(staff)))
    count = 2 if kind == "windows" else 1
    starts = [rng.randrange(0, instance.horizon - width + 1) for _ in range(count)]
    return {(p, d) for p in chosen for start in starts for d in range(start, start + width)}


def _lns_step(
    m: _Model, best: dict[int, int], free: set[tuple[str, int]], limit: float, seed: int
) -> tuple[int, int | None, dict[int, int]]:
    """Re-optimise the free cells with everything else fixed to the incumbent."""
    sub = m.model.clone()
    for (person, day, _), var in m.x.items():
        if (person, day) in free:
            sub.add_hint(sub.get_bool_var_from_proto_index(var.index), best[var.index])
        else:
            domain = sub.proto.variables[var.index].domain
            domain[0] = domain[1] = best[var.index]
    solver = _solver(limit, 1, seed)
    # The LP with every constraint linearised makes these small problems easy: sub-problems
    # that took 2-10 s (or timed out) at the default level solve in 0.05-0.5 s.
    solver.parameters.linearization_level = 2
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, {}
    values = {var.index: int(solver.value(var)) for var in m.x.values()}
    return status, round(solver.objective_value), values


def solve_instance(
    instance: Instance, time_limit: float, workers: int = 2, seed: int = 0
) -> Result:
    """Solve in parts, each CP-SAT solve configured by the scheduler's `_configure`:

    1. a quick start (the default portfolio, `workers` threads, about a second);
    2. in a second process, column generation over whole rosters (`_Columns`): its LP
       gives a bound, and the full model completes the shifts it settles into rosters;
       then, on a thread for the time left, the full model with `linearization_level=2`
       (its LP bounds too, and sometimes it finds big improvements);
    3. throughout, a large neighbourhood search over people and days, which polishes
       whatever roster is best.
    The best roster any part finds is kept; the search stops once a roster meets a bound.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    m = build_model(instance)
    incumbent = _Incumbent(started)
    quick = _solver(min(_QUICK_START, time_limit / 2), workers, seed)
    if quick.solve(m.model, _Reporter(m, incumbent)) == cp_model.OPTIMAL:
        incumbent.proved = True
    bounds = [quick.best_objective_bound]
    solvers: list[cp_model.CpSolver] = []

    def met() -> bool:
        objective, _ = incumbent.get()
        if objective is not None and objective <= max(bounds):
            incumbent.proved = True
        return incumbent.proved

    def full_model() -> None:
        remaining = deadline - time.perf_counter()
        if met() or remaining < 0.1:
            return
        objective, best = incumbent.get()
        hinted = m.model.clone()  # the LNS clones the unhinted model and adds its own hints
        for var in m.x.values() if objective is not None else ():
            hinted.add_hint(hinted.get_bool_var_from_proto_index(var.index), best[var.index])
        full = _solver(remaining, max(1, workers - 1), seed)
        full.parameters.linearization_level = 2
        solvers.append(full)
        status = full.solve(hinted, _Reporter(m, incumbent))
        bounds.append(full.best_objective_bound)
        if status == cp_model.OPTIMAL:
            incumbent.proved = True
        elif status == cp_model.INFEASIBLE:
            bounds.append(math.inf)

    thread = threading.Thread(target=full_model, daemon=True)
    objective, best = incumbent.get()
    process, conn = None, None
    if objective is None or incumbent.proved:
        thread.start()  # nothing to generate columns from
    else:
        # Forked where the platform can (it starts at once; no thread of ours is running
        # yet, so the child copies no lock held mid-use), else spawned. The deadline
        # crosses as wall-clock time, which both processes read alike.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        conn, child = context.Pipe(duplex=False)
        ends = time.time() + (deadline - time.perf_counter())
        process = context.Process(
            target=_columns_process,
            args=(instance, seed, ends, _columns_of(instance, m, best), child),
            daemon=True,
        )
        process.start()
        child.close()  # the parent only reads

    def hear() -> None:
        """Take what the column process has sent; start the full model once it is done
        (or has died)."""
        nonlocal process
        if process is None or conn is None:
            return
        while conn.poll():
            try:
                kind, payload = conn.recv()
            except EOFError:  # the process ended without saying "done"
                break
            if kind == "bound" and payload is not None:
                bounds.append(payload)
            elif kind == "roster" and payload is not None:
                objective, rosters = payload
                incumbent.offer(objective, _values_of(m, rosters))
            elif kind == "done":
                process.join()
        if not process.is_alive():
            process = None
            thread.start()

    rng = random.Random(seed)
    sizes = dict.fromkeys(_KINDS, 0.2)
    while not met():
        hear()
        remaining = deadline - time.perf_counter()
        objective, best = incumbent.get()
        if remaining < 0.05 or (objective is None and process is None and not thread.is_alive()):
            break
        if objective is None:
            time.sleep(0.02)
            continue
        kind = rng.choice(_KINDS)
        free = _neighbourhood(instance, rng, kind, sizes[kind])
        status, value, values = _lns_step(
            m, best, free, min(_STEP_LIMIT, remaining), rng.randrange(1 << 30)
        )
        if value is not None and value <= objective:  # equal moves too: drift on plateaus
            incumbent.offer(value, values)
        # Grow a neighbourhood while its steps are solved to optimality, shrink it when
        # they time out: each step stays about as hard as the time allows.
        grown = sizes[kind] * _GROW if status == cp_model.OPTIMAL else sizes[kind] / _SHRINK
        sizes[kind] = min(0.9, max(0.05, grown))
    if process is not None:
        process.kill()
        process.join()
    if conn is not None:
        conn.close()
    for solver in solvers:
        solver.stop_search()
    if thread.is_alive():
        thread.join()
    objective, best = incumbent.get()
    bound = max(bounds)
    wall = time.perf_counter() - started
    if objective is None:
        status_name = "INFEASIBLE" if bound == math.inf else "UNKNOWN"
        return Result(None, None, bound, status_name, wall, None)
    status_name = "OPTIMAL" if incumbent.proved or bound >= objective else "FEASIBLE"
    return Result(_roster(instance, m, best), objective, bound, status_name, wall, incumbent.first)


# ------------------------------------------------------------------- column generation

Column = frozenset[tuple[int, str]]  # one person's whole roster: the (day, shift) cells worked
_DUAL_SCALE = 10_000  # the pricing objective is integer: duals are rounded to 1/10,000
_COMPLETE_LIMIT = 10.0  # seconds for the full model to complete the LP's settled shifts


class _Pricer:
    """One person's rules alone (the same builder as the full model, with no cover), to
    find the roster with the lowest reduced cost under the LP's prices."""

    def __init__(self, instance: Instance, person: Staff) -> None:
        alone = replace(
            instance,
            staff=(person,),
            cover=(),
            on_requests=tuple(r for r in instance.on_requests if r.staff == person.id),
            off_requests=tuple(r for r in instance.off_requests if r.staff == person.id),
        )
        self.m = build_model(alone)
        self.cells = {(day, shift): var for (_, day, shift), var in self.m.x.items()}
        self.on = {(r.day, r.shift): r.weight for r in alone.on_requests}
        self.off = {(r.day, r.shift): r.weight for r in alone.off_requests}

    def cost(self, column: Column) -> int:
        """The person's request penalty for working exactly these cells."""
        missed = sum(w for cell, w in self.on.items() if cell not in column)
        return missed + sum(w for cell, w in self.off.items() if cell in column)

    def price(
        self, duals: dict[tuple[int, str], float], limit: float, seed: int
    ) -> tuple[bool, list[Column]]:
        """Minimise cost minus the cover duals of the cells worked. Returns whether that
        minimum was proved, and every roster the search passed through (best last)."""
        terms = [
            (
                _DUAL_SCALE * (self.off.get(cell, 0) - self.on.get(cell, 0))
                - round(_DUAL_SCALE * duals.get(cell, 0.0))
            )
            * var
            for cell, var in self.cells.items()
        ]
        self.m.model.minimize(sum(terms))
        found: list[Column] = []
        cells = self.cells

        class Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                found.append(frozenset(c for c, var in cells.items() if self.value(var)))

        solver = _solver(limit, 1, seed)
        solver.parameters.linearization_level = 2
        status = solver.solve(self.m.model, Collect())
        return status == cp_model.OPTIMAL, found


class _Columns:
    """Set partitioning over whole rosters, as branch and price does: choose one roster
    (column) per person, with cover slack. Its LP, grown by pricing each person's rules,
    is much tighter than the full model's (instance 7: 1054.1, where the full model's LP
    proves 1046-1050), and the shifts it settles are a good neighbourhood to search."""

    def __init__(self, instance: Instance, seed: int) -> None:
        self.instance, self.seed = instance, seed
        self.pricers = {p.id: _Pricer(instance, p) for p in instance.staff}
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        infinity = self.lp.infinity()
        self.objective = self.lp.Objective()
        self.objective.SetMinimization()
        self.one_each = {p.id: self.lp.Constraint(1, 1) for p in instance.staff}
        self.rows = {}
        for c in instance.cover:
            row = self.lp.Constraint(c.requirement, c.requirement)
            under, over = self.lp.NumVar(0, infinity, ""), self.lp.NumVar(0, infinity, "")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            self.objective.SetCoefficient(under, c.under_weight)
            self.objective.SetCoefficient(over, c.over_weight)
            self.rows[c.day, c.shift] = row
        self.columns: dict[str, dict[Column, pywraplp.Variable]] = {
            p.id: {} for p in instance.staff
        }

    def add(self, staff: str, column: Column) -> bool:
        """Add a roster for one person; True if it is new."""
        if column in self.columns[staff]:
            return False
        var = self.lp.NumVar(0, self.lp.infinity(), "")
        self.objective.SetCoefficient(var, self.pricers[staff].cost(column))
        self.one_each[staff].SetCoefficient(var, 1)
        for cell in column:
            if cell in self.rows:
                self.rows[cell].SetCoefficient(var, 1)
        self.columns[staff][column] = var
        return True

    def lower_bound(self, deadline: float) -> int | None:
        """Solve the LP and price until no person has a better roster. Returns the
        Lagrangian lower bound of the last round, rounded up, if every pricing in it was
        proved; None if not, or if the deadline came first."""
        while time.perf_counter() < deadline:
            if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
                return None
            bound: float | None = self.objective.Value()
            duals = {cell: row.dual_value() for cell, row in self.rows.items()}
            # Read before any column is added: adding one invalidates the LP's solution.
            convexity = {staff: row.dual_value() for staff, row in self.one_each.items()}
            new = []
            for staff, pricer in self.pricers.items():
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                proved, found = pricer.price(duals, min(1.0, remaining), self.seed)
                reduced = [
                    pricer.cost(col) - sum(duals.get(cell, 0.0) for cell in col) - convexity[staff]
                    for col in found
                ]
                new += [(staff, col) for col, rc in zip(found, reduced, strict=True) if rc < -1e-6]
                if bound is not None and proved and reduced:
                    # The pricing optimum is exact for rounded duals; each of up to
                    # `horizon` rounded terms is off by at most half a unit.
                    bound += min(0.0, reduced[-1] - self.instance.horizon / _DUAL_SCALE)
                else:
                    bound = None
            if not new:  # the LP's solution is still the one `settled` reads
                return None if bound is None else math.ceil(bound - 1e-6)
            for staff, col in new:
                self.add(staff, col)
        return None

    def settled(self) -> dict[tuple[str, int, str], int]:
        """The shifts the LP has decided, from its last solution: worked in rosters
        chosen with weight at least 0.99 in all (1), or in rosters of weight 0.01 at
        most (0)."""
        shares: dict[tuple[str, int, str], float] = {}
        for staff, columns in self.columns.items():
            for column, var in columns.items():
                share = var.solution_value()
                for day, shift in column:
                    shares[staff, day, shift] = shares.get((staff, day, shift), 0.0) + share
        return {
            (staff, day, shift): 1 if share >= 0.99 else 0
            for staff, pricer in self.pricers.items()
            for day, shift in pricer.cells
            if (share := shares.get((staff, day, shift), 0.0)) >= 0.99 or share <= 0.01
        }

    def score(self, rosters: dict[str, Column]) -> int:
        """The objective of one roster per person: their request penalties, and cover."""
        total = sum(self.pricers[staff].cost(column) for staff, column in rosters.items())
        for c in self.instance.cover:
            n = sum((c.day, c.shift) in column for column in rosters.values())
            total += c.under_weight * max(0, c.requirement - n)
            total += c.over_weight * max(0, n - c.requirement)
        return total

    def complete(
        self, settled: dict[tuple[str, int, str], int], limit: float
    ) -> tuple[int, dict[str, Column]] | None:
        """The best rosters the full model finds in `limit` seconds that keep `settled`,
        with their objective."""
        m = build_model(self.instance)
        for key, value in settled.items():
            m.model.add(m.x[key] == value)
        solver = _solver(max(0.1, limit), 1, self.seed)
        solver.parameters.linearization_level = 2
        if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        rosters = _columns_of(
            self.instance, m, {var.index: int(solver.value(var)) for var in m.x.values()}
        )
        return self.score(rosters), rosters


def _columns_process(
    instance: Instance, seed: int, ends: float, start: dict[str, Column], conn: Connection
) -> None:
    """Column generation, in its own process so that its Python work does not hold up
    the search's. Sends ("bound", int | None); then ("roster", (objective, rosters) | None)
    twice: the rosters that keep every shift the LP settled (solved in a second or two),
    then those that keep only the shifts it settled as worked (slower, and often better);
    then ("done", None). `ends` is the wall-clock time (`time.time()`) to stop by."""
    deadline = time.perf_counter() + (ends - time.time())
    columns = _Columns(instance, seed)
    for staff, column in start.items():
        columns.add(staff, column)
    bound = columns.lower_bound(deadline)
    conn.send(("bound", bound))
    if bound is not None:
        settled = columns.settled()
        worked = {key: value for key, value in settled.items() if value}
        for fixed in (settled, worked):
            limit = min(_COMPLETE_LIMIT, deadline - time.perf_counter())
            conn.send(("roster", columns.complete(fixed, limit) if limit > 0.1 else None))
    conn.send(("done", None))


def _columns_of(instance: Instance, m: _Model, values: dict[int, int]) -> dict[str, Column]:
    """Each person's roster as a column (someone who never works gets an empty one)."""
    rosters: dict[str, set[tuple[int, str]]] = {p.id: set() for p in instance.staff}
    for (staff, day, shift), var in m.x.items():
        if values.get(var.index):
            rosters[staff].add((day, shift))
    return {staff: frozenset(cells) for staff, cells in rosters.items()}


def _values_of(m: _Model, rosters: dict[str, Column]) -> dict[int, int]:
    return {
        var.index: int((day, shift) in rosters[staff]) for (staff, day, shift), var in m.x.items()
    }


# ------------------------------------------------------------------------------ report


@dataclass(frozen=True)
class Run:
    number: int
    instance: Instance
    result: Result
    evaluation: Evaluation | None
    time_limit: float
    seed: int = 0


def run(number: int, time_limit: float, workers: int = 2, seed: int = 0) -> Run:
    """Load, solve and re-score one instance."""
    instance = load_instance(instance_path(number))
    result = solve_instance(instance, time_limit, workers=workers, seed=seed)
    evaluation = None if result.roster is None else evaluate(instance, result.roster)
    return Run(number, instance, result, evaluation, time_limit, seed)


def _within_target(run: Run, best: int | None) -> bool:
    evaluation = run.evaluation
    return (
        evaluation is not None
        and not evaluation.violations
        and best is not None
        and evaluation.objective <= best * (1 + TARGET_GAP)
        and run.time_limit <= TARGET_TIME
    )


def _verdict(runs: Sequence[Run], best: int | None) -> str:
    """ "yes" only if every seed's roster is lawful and within 1% of the best known value."""
    if runs[0].number not in TARGET_INSTANCES:
        return "reported"
    met = sum(_within_target(r, best) for r in runs)
    if met == len(runs):
        return "yes"
    return f"MISSED ({met} of {len(runs)} seeds within 1%)"


def _row(runs: Sequence[Run], best: int | None) -> str:
    """One table row summarising every seed of one instance."""
    first_run = runs[0]
    scores = [r.evaluation.objective for r in runs if r.evaluation is not None]
    median = "none" if not scores else f"{statistics.median(scores):g}"
    per_seed = ", ".join(
        "none" if r.evaluation is None else str(r.evaluation.objective) for r in runs
    )
    if scores and best:
        gaps = [100 * (score - best) / best for score in scores]
        median_gap, worst_gap = f"{statistics.median(gaps):.1f}", f"{max(gaps):.1f}"
        if len(scores) < len(runs):
            worst_gap = "no roster"
    else:
        median_gap = worst_gap = "-"
    bound = max(r.result.bound for r in runs)
    firsts = [t for r in runs if (t := r.result.first_solution_time) is not None]
    first = "-" if not firsts else f"{statistics.median(firsts):.2f}"
    wall = statistics.median([r.result.wall_time for r in runs])
    violations = sum(len(r.evaluation.violations) for r in runs if r.evaluation is not None)
    return (
        f"| {first_run.number} | {len(first_run.instance.staff)} | {first_run.instance.horizon} "
        f"| {len(first_run.instance.shifts)} | {best if best is not None else '-'} | {median} "
        f"| {per_seed} | {median_gap} | {worst_gap} | {bound:.0f} | {first} | {wall:.1f} "
        f"| {violations} | {_verdict(runs, best)} |"
    )


def report(
    short: bool = False,
    instances: Sequence[int] | None = None,
    time_limit: float | None = None,
    workers: int = 2,
    seeds: Sequence[int] | None = None,
) -> list[str]:
    """Markdown lines for docs/benchmarks.md. Full: instances 1-8, 60 s each, seeds 0-2;
    short: instance 1, 10 s, seed 0."""
    numbers = list(instances or ([1] if short else range(1, 9)))
    limit = time_limit or (10.0 if short else TARGET_TIME)
    seeds = list(seeds or ([0] if short else [0, 1, 2]))
    known = best_known()
    runs = {n: [run(n, limit, workers=workers, seed=seed) for seed in seeds] for n in numbers}
    lines = [
        HEADING,
        "",
        f"Generated by `python -m benchmarks.curtois{' --short' if short else ''}` (or "
        f"`benchmarks.run`) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}.",
        "",
        "Curtois & Qu's public nurse-rostering benchmark (schedulingbenchmarks.org, instances "
        f"1-8), {workers} workers and {limit:g} s per instance, once per seed "
        f"({', '.join(map(str, seeds))}); every roster is re-scored and re-checked by an "
        "independent evaluator. The search is randomised, so one run proves little: the table "
        "gives the median and every seed's objective. The loader turns each instance into "
        "the scheduler's rostering rules (`scheduler.rules`: forbidden successions, caps per "
        "shift type, minutes within bounds, days in a row, shortest blocks worked and off, "
        "weekends, cover with under and over weights), the same functions that state the week "
        "model's rest, hours, rest-day and days-in-a-row rules, and solves it with the "
        "scheduler's solver configuration (`scheduler.solve`). The instances are multi-week, "
        "which a week `Scenario` does not hold, so they reach the rules directly rather than "
        "through one; days off have no variable, as leave has none in the week. Alongside a "
        "large-neighbourhood search and the full model, a second process runs column "
        "generation over whole rosters (each person's pricing problem is their rules in "
        "CP-SAT; the master LP is OR-Tools' GLOP): its LP gives the bound, and CP-SAT "
        "completes the shifts that LP settles into the starting rosters.",
        "",
        "| instance | staff | days | shift types | best known | Beatplan objective (median) "
        "| each seed | median gap to best known (%) | worst gap (%) | best bound "
        "| first feasible, median (s) | wall, median (s) | hard-rule violations, all seeds "
        "| target met? |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines.extend(_row(runs[n], known.get(n)) for n in numbers)
    lines.append("")
    lines.append(
        "Target: instances 1-7 within 1% of the best known value in 60 s each, met here only "
        "if every seed is; instance 8 is reported. Bound: the highest lower bound proved in "
        "any seed's run, by CP-SAT or by the column generation's LP."
    )
    ones = runs.get(1)
    if ones is None:
        lines.append("Instance 1 was not run, so the evaluator's reproduction of 607 is unchecked.")
    elif all(r.evaluation is not None and r.evaluation.objective == 607 for r in ones):
        lines.append(
            "The independent evaluator re-scored instance 1's roster at 607, reproducing the "
            "proven optimum (so it reads the rules and objective as the published studies do)."
        )
    else:
        scores = [None if r.evaluation is None else r.evaluation.objective for r in ones]
        lines.append(
            f"The independent evaluator scored instance 1's rosters at {scores}, not the proven "
            "optimum 607."
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="instance 1 only, 10 s")
    parser.add_argument("--instances", help="comma-separated instance numbers, e.g. 1,2,5")
    parser.add_argument("--time-limit", type=float, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", help="comma-separated solver seeds (default 0,1,2; short: 0)")
    args = parser.parse_args(argv)
    numbers = [int(n) for n in args.instances.split(",")] if args.instances else None
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else None
    lines = report(args.short, numbers, args.time_limit, args.workers, seeds)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
