"""The search for a roster at roster size: a first roster week by week, a bound from the
weeks alone beside it, then large neighbourhoods of two weeks.

One CP-SAT run on the whole 13-week model of the sample team (28,000 variables) found a
roster about a third below its bound in a minute: it spent the time in presolve and the
root LP. So (docs/roster.md, "The search"):
1. **First roster**: week by week, each week a small model with what came before carried
   in (`_State.window`), started from the week before moved on a week (`_State.start_from`:
   as it was, or the lawful tours nearest it), solved by one CP-SAT worker with the full LP
   (which reached 1% of a week's bound in about 2 s where two default workers were still 15%
   short) until within 1% of its bound. Weekends worked out of turn cost a little
   (`_weekends_in_turn`), so that the weekend rule does not send everyone home at once.
2. **Bound**: each week alone, with its own rules and objective and none across weeks
   (`build_week_bound`), is a relaxation; the sum of the weeks' bounds, less the contract
   shortfall no roster escapes, bounds the roster. Weeks alike are solved once. With two
   workers or more, it is found beside the first roster, a worker each.
3. **Neighbourhoods**: two consecutive weeks re-planned by every worker, the weeks after
   them that the weekend rule reaches kept as they are, warm-started from a complete hint
   of the roster so far, until the gap to the bound is small enough or the time is up.
Every roster kept has been through the whole model with its tours fixed (`_State.evaluate`),
so it keeps every rule the model states, and its objective is the whole roster's.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from ortools.sat.python import cp_model

from scheduler import phases
from scheduler.model import DutyOption, contract_shortfalls
from scheduler.roster.model import (
    CONTRACT_SHORT_COST,
    UNIT,
    WARRANTED,
    RosterModel,
    build,
    build_week_bound,
    contract_minutes,
    week_scenarios,
    with_carry,
)
from scheduler.roster.period import RosterCarry, RosterPeriod
from scheduler.scenario import Scenario, moved_to

BOUND_SHARE = 0.3  # of the time limit, at most, for the weeks' bounds (one lane)
STEP_SHARE = 0.55  # of the time limit, at most, for the first roster (one lane)
FIRST_SHARE = 0.75  # of the time limit, at most, for each (two lanes or more: side by side)
STEP_SECONDS = 4.0  # at most, for each week of the first roster
MIN_STEP_SECONDS = 0.5  # at least
NEIGHBOURHOOD_SECONDS = 3.0
TURN_COST = 1.0  # presence-hours, for a weekend worked out of turn in the first roster
STEP_GAP = 0.01  # a week of the first roster this close to its bound is done
RETRY_GAP = 0.03  # one this far from it when its time is up is searched again
REPAIR_SECONDS = 0.5  # at most, to find the lawful tours nearest a week's starting tours


@dataclass
class SearchResult:
    roster: RosterModel
    values: list[int] | None  # every variable's value in the best roster, by proto index
    objective: int | None
    bound: int | None  # None: not every week's bound was found in the time
    proved: bool  # the bound is the optimum (every week proved, nothing across weeks binds)
    first_time: float | None
    wall_time: float
    trace: list[tuple[float, int]] = field(default_factory=list)  # (seconds, objective)


def _solver(
    seconds: float, workers: int, seed: int, gap: float = 0.0, limit: str = "clock"
) -> cp_model.CpSolver:
    """A CP-SAT solver for one step of the search, stopped after `seconds` of the clock,
    or with `limit` "work" after that many units of work (`scheduler.phases.limit`)."""
    solver = cp_model.CpSolver()
    phases.limit(solver, limit, max(0.1, seconds))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.relative_gap_limit = gap
    if workers == 1:  # one search with no portfolio behind it: the full LP helps it most
        solver.parameters.linearization_level = 2
    return solver


def search(
    team: Scenario,
    period: RosterPeriod,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    gap: float = 0.005,
    hint: dict[tuple, bool] | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[float, int, int], None] | None = None,
    limit: Literal["clock", "work"] = "clock",
) -> SearchResult:
    """The best roster found in `time_limit` seconds, and the bound it is measured against;
    with `limit` "work", in `time_limit` units of the solver's work, which a loaded
    machine does not shorten (`scheduler.SolveOptions.limit`).

    `hint`: a previous roster's tours, (staff, day, template) -> worked, tried first."""
    started = time.perf_counter()
    work = [0.0]  # the searches' work so far, each worker's (phases.work_done)
    counting = threading.Lock()

    def elapsed() -> float:
        return time.perf_counter() - started

    def used() -> float:
        return work[0] if limit == "work" else elapsed()

    def run(solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
        status = solver.solve(model)
        with counting:
            work[0] += phases.work_done(solver)
        return status

    def stopped() -> bool:
        return used() >= time_limit or (cancel is not None and cancel.is_set())

    period = period.with_team_carry(team)
    weeks = week_scenarios(team, period)
    roster = build(team, period, weeks)
    rng = random.Random(seed)
    count = len(weeks)
    # Each step is one CP-SAT worker with the full LP (`_solver`): on these models it finds
    # better rosters sooner than a portfolio of workers does. With more than one worker,
    # steps run side by side, one a lane.
    lanes = max(1, workers)
    state = _State(team, period, weeks, roster)

    # 2. The bound: each week alone; weeks alike (no leave, exception or event of their own)
    # are solved once. With two lanes or more, it is found beside the first roster.
    keys = [_signature(team, period, weeks, index) for index in range(count)]
    unique = list(dict.fromkeys(keys))
    share = (BOUND_SHARE if lanes == 1 else FIRST_SHARE) * time_limit

    def bound_of(key: str) -> tuple[int | None, bool]:
        if stopped():
            return None, False
        week = build_week_bound(team, period, weeks, keys.index(key))
        solver = _solver(max(1.0, share / len(unique)), 1, seed, gap=gap / 2, limit=limit)
        status = run(solver, week.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False  # no bound known for this week
        return round(solver.best_objective_bound), status == cp_model.OPTIMAL

    def the_bound() -> tuple[int | None, bool]:
        solved = dict(zip(unique, map(bound_of, unique), strict=True))
        if any(solved[key][0] is None for key in unique):
            return None, False
        total = sum(solved[key][0] or 0 for key in keys)
        return total - _unavoidable_contract_cost(team, roster), all(
            solved[key][1] for key in unique
        )

    pool = ThreadPoolExecutor(lanes) if lanes > 1 else None
    try:
        bounding = pool.submit(the_bound) if pool is not None else None

        # 1. The first roster, week by week, each week solved with what came before carried
        # in, started from the week before moved on a week (or the hint).
        budget = (STEP_SHARE if lanes == 1 else FIRST_SHARE) * time_limit
        begun = used()
        every = period.rules.weekends_off_in
        turns = _turns(team, every)
        for index in range(count):
            chosen = state.window(index, index + 1, fixed_after=0, planned_after=False)
            _weekends_in_turn(chosen, index, turns, every)
            if hint is not None:
                start = {key for key, worked in hint.items() if worked}
            elif index > 0:  # weeks are alike: start from the week before, a week on
                start = state.shifted(period.mondays()[index - 1])
            else:
                start = None
            begun_from = state.lawful_start(chosen, start) if start is not None else None
            if begun_from is not None:
                _hint_all(chosen.model, begun_from)
            # each week until it is within STEP_GAP of its bound, or for twice its share of
            # what is left of the budget; one still far from its bound then is searched again
            # from nothing (a hint can hold one worker's search near it) and the better kept:
            # a week left poor costs the weeks after it, which carry its shortfalls on
            left = budget - (used() - begun)
            step_seconds = min(STEP_SECONDS, max(MIN_STEP_SECONDS, 2 * left / (count - index)))
            solver = _solver(step_seconds, 1, seed, gap=STEP_GAP, limit=limit)
            status = run(solver, chosen.model)
            if status == cp_model.UNKNOWN or (
                status == cp_model.FEASIBLE and _step_gap(solver) > RETRY_GAP
            ):
                chosen.model.clear_hints()
                again = _solver(step_seconds, 1, seed + 1, gap=STEP_GAP, limit=limit)
                found = run(again, chosen.model)
                if found in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
                    status == cp_model.UNKNOWN or again.objective_value > solver.objective_value
                ):
                    solver, status = again, found
            if status == cp_model.UNKNOWN:
                # still nothing (a large team in too short a time, whose presolve alone can
                # take the step's time): the week as it started, which keeps every rule, or
                # else no tours at all, which every rule allows
                solver = begun_from or state.lawful_start(chosen, set())
                status = cp_model.FEASIBLE if solver is not None else cp_model.UNKNOWN
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return _none(roster, started, proved=status == cp_model.INFEASIBLE)
            state.take(chosen, solver, last_week=index)
        objective = state.evaluate()
        first_time = elapsed() if objective is not None else None
        bound, proved = bounding.result() if bounding is not None else the_bound()

        # 3. Neighbourhoods of two weeks, with the weeks after them that their rules reach,
        # each from the roster as it stands (every worker on it: one worker alone stayed at
        # its starting roster), kept when the whole roster is better.
        trace = [(round(first_time, 2), objective)] if first_time is not None else []
        if progress is not None and objective is not None:
            progress(elapsed(), objective, bound)
        while objective is not None and not stopped():
            if bound is not None and bound > 0 and (bound - objective) / bound <= gap:
                break
            first = rng.randrange(max(1, count - 1))
            last = min(count, first + 2)
            chosen = state.window(first, last, fixed_after=min(count - last, max(1, every - 1)))
            seconds = min(NEIGHBOURHOOD_SECONDS, time_limit - used())
            if seconds < 0.3:
                break
            current = state.start_from(chosen, state.current())
            solver = _solver(seconds, workers, seed + len(trace), gap=0.0, limit=limit)
            status = run(solver, chosen.model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                continue
            if current is not None and solver.objective_value <= current:
                continue  # nothing better in this neighbourhood
            saved = dict(state.tours), state.values
            state.take(chosen, solver, last_week=last - 1, first_week=first)
            better = state.evaluate()
            if better is None or better <= objective:
                state.tours, state.values = saved
                continue
            objective = better
            trace.append((round(elapsed(), 2), objective))
            if progress is not None:
                progress(elapsed(), objective, bound)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    values = state.values
    return SearchResult(
        roster=roster,
        values=values,
        objective=objective,
        bound=bound,
        proved=proved and objective is not None and bound is not None and objective >= bound,
        first_time=first_time,
        wall_time=elapsed(),
        trace=trace,
    )


def _hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable of the model with its value in the solver's last answer."""
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def _step_gap(solver: cp_model.CpSolver) -> float:
    """How far the solver's answer is from its bound, relatively."""
    bound = solver.best_objective_bound
    return (bound - solver.objective_value) / max(abs(bound), 1.0)


def _turns(team: Scenario, every: int) -> dict[str, int]:
    """Each person's turn for a weekend off, spread through each role group: the weeks
    counted from the period's first whose weekend is theirs off, modulo `every`."""
    turns: dict[str, int] = {}
    for warranted in (True, False):
        group = [p.id for p in team.staff if (p.role in WARRANTED) == warranted]
        turns.update({staff: number % max(1, every) for number, staff in enumerate(group)})
    return turns


def _weekends_in_turn(model: RosterModel, index: int, turns: dict[str, int], every: int) -> None:
    """In a week of the first roster, each weekend worked out of turn costs a little
    (`TURN_COST`). Planned a week at a time, a roster otherwise works everyone the first
    weekends of the period, as presence asks, until the rule (a weekend off in every
    `every`) sends everyone home at once and cover falls short: the sample team's first
    roster lost 7% of its objective so, and 0.1% with turns."""
    if every < 2:
        return
    for staff, worked in model.weekend_worked.items():
        for number, weekend in enumerate(worked):
            if (index + number + turns[staff]) % every == every - 1 and not isinstance(
                weekend, int
            ):
                model.parts["weekends in turn"].append(-round(TURN_COST * UNIT) * weekend)
    model.model.maximize(sum(term for terms in model.parts.values() for term in terms))


class _State:
    """The roster so far, as tours by (staff, day), and models of windows of its weeks."""

    def __init__(
        self, team: Scenario, period: RosterPeriod, weeks: list[Scenario], full: RosterModel
    ) -> None:
        self.team, self.period, self.weeks, self.full = team, period, weeks, full
        self.tours: dict[tuple[str, date], DutyOption] = {}
        self.values: list[int] | None = None
        self.domains = {
            var.index: tuple(full.model.proto.variables[var.index].domain)
            for var in full.works.values()
        }

    def _spans(self, staff: str, before: date) -> list[tuple[date, datetime, datetime]]:
        spans = [
            (d, o.start, o.end) for (s, d), o in self.tours.items() if s == staff and d < before
        ]
        spans += [
            (d, f.start, f.end)
            for (s, d), f in self.full.fixed.items()
            if s == staff and d < before
        ]
        return sorted(spans)

    def window(
        self, first: int, last: int, fixed_after: int, planned_after: bool = True
    ) -> RosterModel:
        """The model of weeks [first, last + fixed_after), what comes before carried in,
        the `fixed_after` weeks after kept as they are (`planned_after` False: the weeks
        after are not planned yet, and do not count towards the contract)."""
        period, team = self.period, self.team
        monday = period.mondays()[first]
        free_until = period.mondays()[last - 1] + timedelta(days=7)
        inside_until = monday + timedelta(weeks=last + fixed_after - first)
        original = {c.staff: c for c in period.carry}
        carry = []
        balance = {}
        for person in team.staff:
            spans = self._spans(person.id, monday)
            before = original.get(person.id)
            hours = list(before.weekly_hours) if before else []
            weekend_history = list(before.weekends_worked) if before else []
            for week in period.mondays()[:first]:
                end = week + timedelta(days=7)
                hours.append(
                    sum((e - s).total_seconds() / 3600 for d, s, e in spans if week <= d < end)
                )
                weekend_history.append(
                    any(
                        d in (week + timedelta(days=5), week + timedelta(days=6))
                        for d, _, _ in spans
                    )
                )
            run = before.days_worked_in_a_row if before and first == 0 else 0
            worked_days = {d for d, _, _ in spans}
            if first > 0:
                day = monday - timedelta(days=1)
                while day in worked_days:
                    run += 1
                    day -= timedelta(days=1)
                if day < period.start and before is not None:
                    run += before.days_worked_in_a_row
            last_end = spans[-1][2] if spans else (before.last_duty_end if before else None)
            carry.append(
                RosterCarry(
                    staff=person.id,
                    weekly_hours=hours[-16:],
                    weekends_worked=weekend_history[-26:],
                    days_worked_in_a_row=run,
                    last_duty_end=last_end,
                    opted_out=bool(before and before.opted_out),
                )
            )
            outside = [
                (s, e)
                for d, s, e in self._spans(person.id, period.end)
                if not monday <= d < inside_until
            ]
            worked = sum((e - s).total_seconds() / 60 for s, e in outside)
            outside_days = [
                d
                for d in period.days
                if (d < monday or (planned_after and d >= inside_until))
                and (person.id, d) not in self.full.away
            ]
            balance[person.id] = round(
                worked - person.contracted_hours * 60 * len(outside_days) / 7
            )
        end = last + fixed_after
        sub = period.model_copy(update={"start": monday, "weeks": end - first, "carry": carry})
        weeks = [with_carry(self.weeks[first], carry), *self.weeks[first + 1 : end]]
        # the first roster's weeks share the period's tolerance out (a week may not use all
        # of it); a neighbourhood of a whole roster has the whole of it, as the period has
        tolerance = None
        if not planned_after:
            tolerance = round(
                period.rules.contract_tolerance_hours * 60 * (last - first) / period.weeks
            )
        outside = {}
        for person in team.staff:
            worked = {
                d
                for d, _, _ in self._spans(person.id, period.end)
                if not monday <= d < inside_until
            }
            nights = sum(
                1
                for (s, d), o in self.tours.items()
                if s == person.id and o.night and not monday <= d < inside_until
            )
            weekends = sum(
                1
                for sat, sun in (
                    (m + timedelta(days=5), m + timedelta(days=6)) for m in period.mondays()
                )
                if not monday <= sat < inside_until and (sat in worked or sun in worked)
            )
            outside[person.id] = (nights, weekends)
        model = build(team, sub, weeks, balance=balance, tolerance=tolerance, outside=outside)
        # the weeks after: as they are
        for option, var in model.works.items():
            if option.day >= free_until:
                tour = self.tours.get((option.staff, option.day))
                model.model.add(var == int(tour is not None and tour.template == option.template))
        return model

    def start_from(self, model: RosterModel, tours: set[tuple[str, date, str]]) -> float | None:
        """Hint every variable of the window's model with these tours (staff, day,
        template), or the lawful tours nearest them (`lawful_start`): a complete, lawful
        hint gives the search its first answer at once. The objective of the hint, or None
        (no hint) if none is found."""
        model.model.clear_hints()
        solver = self.lawful_start(model, tours)
        if solver is None:
            return None
        _hint_all(model.model, solver)
        return solver.objective_value

    def lawful_start(
        self, model: RosterModel, tours: set[tuple[str, date, str]]
    ) -> cp_model.CpSolver | None:
        """The window's model solved with these tours fixed (propagation settles it at
        once), or if they break a rule there (the carry-in of a week moved on) with the
        lawful tours nearest them; None if neither is found. (A hint of no tours held one
        worker's search near it: the sample team's first week stayed at a fifth of its
        bound; so no tours is only the last resort.)"""
        solver = self._fixed(model, tours)
        if solver is None and tours:
            nearest = model.model.clone()
            nearest.clear_hints()
            nearest.maximize(
                sum(
                    v if (o.staff, o.day, o.template) in tours else -v
                    for o, var in model.works.items()
                    for v in [nearest.get_bool_var_from_proto_index(var.index)]
                )
            )
            repair = _solver(REPAIR_SECONDS, 1, 0)
            if repair.solve(nearest) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                tours = {
                    (o.staff, o.day, o.template) for o, v in model.works.items() if repair.value(v)
                }
                solver = self._fixed(model, tours)
        return solver

    @staticmethod
    def _fixed(model: RosterModel, tours: set[tuple[str, date, str]]) -> cp_model.CpSolver | None:
        """The window's model solved with these tours and no others, or None if they break
        one of its rules."""
        fixed = model.model.clone()
        for option, var in model.works.items():
            worked = int((option.staff, option.day, option.template) in tours)
            fixed.add(fixed.get_bool_var_from_proto_index(var.index) == worked)
        solver = _solver(10.0, 1, 0)
        if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return solver

    def current(self) -> set[tuple[str, date, str]]:
        return {(o.staff, o.day, o.template) for o in self.tours.values()}

    def shifted(self, monday: date) -> set[tuple[str, date, str]]:
        """The tours of the week from `monday`, a week on."""
        return {
            (staff, day + timedelta(days=7), o.template)
            for (staff, day), o in self.tours.items()
            if monday <= day < monday + timedelta(days=7)
        }

    def take(
        self,
        model: RosterModel,
        solver: cp_model.CpSolver,
        last_week: int,
        first_week: int | None = None,
    ) -> None:
        """Keep the model's tours for weeks up to `last_week` (from `first_week`, if given:
        the weeks before are unchanged; otherwise those in the model)."""
        mondays = self.period.mondays()
        begin = mondays[first_week] if first_week is not None else model.period.start
        end = mondays[last_week] + timedelta(days=7)
        for key in [k for k in self.tours if begin <= k[1] < end]:
            del self.tours[key]
        for option, var in model.works.items():
            if begin <= option.day < end and solver.value(var):
                self.tours[option.staff, option.day] = option

    def evaluate(self) -> int | None:
        """The whole roster in the full model: its objective, or None if it breaks a rule
        that only the whole period sees."""
        model = self.full.model
        chosen = {(o.staff, o.day, o.template) for o in self.tours.values()}
        for option, var in self.full.works.items():
            value = int((option.staff, option.day, option.template) in chosen)
            domain = model.proto.variables[var.index].domain
            domain.clear()
            domain.extend([value, value])
        solver = _solver(30.0, 1, 0)
        status = solver.solve(model)
        _restore(model, self.domains)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        self.values = [
            solver.value(model.get_int_var_from_proto_index(i))
            for i in range(len(model.proto.variables))
        ]
        return round(solver.objective_value)


def _unavoidable_contract_cost(team: Scenario, roster: RosterModel) -> int:
    """The contract shortfall no roster escapes (the templates cannot give someone their
    contracted hours in any week: `contract_shortfalls`), which the weeks' bounds leave
    out: taken off the bound, it stays a bound."""
    most = {s.staff: s.most_hours for s in contract_shortfalls(team)}
    tolerance = round(roster.period.rules.contract_tolerance_hours * 60)
    cost = 0
    for person in team.staff:
        if person.id not in most:
            continue
        reachable = round(most[person.id] * 60) * roster.period.weeks
        short = contract_minutes(roster, person) - tolerance - reachable
        if short > 0:
            cost += round(CONTRACT_SHORT_COST * UNIT / 4) * math.ceil(short / 15)
    return cost


def _signature(team: Scenario, period: RosterPeriod, weeks: list[Scenario], index: int) -> str:
    """What makes a week's bound its own: the week as data, moved back to the first week
    (the first week also carries in what came before)."""
    data = weeks[index].model_dump(mode="json")
    return json.dumps([index == 0, moved_to(data, period.start)], sort_keys=True, default=str)


def _restore(model: cp_model.CpModel, domains: dict[int, tuple]) -> None:
    for index, domain in domains.items():
        model.proto.variables[index].domain.clear()
        model.proto.variables[index].domain.extend(domain)
    model.clear_hints()


def _none(roster: RosterModel, started: float, proved: bool) -> SearchResult:
    return SearchResult(
        roster=roster,
        values=None,
        objective=None,
        bound=None,
        proved=proved,
        first_time=None,
        wall_time=time.perf_counter() - started,
    )
