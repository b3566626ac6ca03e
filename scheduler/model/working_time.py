"""The working-time rules: rest between duties, weekly rest, hours, night work, rest days
and days in a row (rules `daily_rest`, `weekly_rest`, `weekly_hours`, `night_work`,
`rest_days`, `consecutive_days`).

The day-indexed ones are stated through `scheduler.rules`, which the Curtois & Qu
benchmark also builds its rosters from.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, timedelta

from ortools.sat.python import cp_model

from scheduler import rules
from scheduler.model.week import EPSILON, WeekModel


def daily_rest(week: WeekModel) -> None:
    """Rule `daily_rest`: two duties closer than the minimum rest (or overlapping) are never
    both worked."""
    min_rest = timedelta(hours=week.scenario.policy.min_rest_hours)
    rules.never_both(
        week.model,
        (
            (week.works[first], week.works[second])
            for options in week.options.values()
            for first in options
            for second in options
            if first.day < second.day and second.start < first.end + min_rest
        ),
    )


def weekly_rest(week: WeekModel) -> None:
    """Rule `weekly_rest`: some stretch of `weekly_rest_hours` in the week is free of duty.

    The longest free stretch starts at the week's start (or the carry-in duty's end) or
    at the end of some duty, so only those starts are candidates.
    """
    scenario = week.scenario
    rest = timedelta(hours=scenario.policy.weekly_rest_hours)
    week_start = scenario.starts_at.astimezone(UTC)
    week_end = scenario.ends_at.astimezone(UTC)
    for person in scenario.staff:
        options = week.options[person.id]
        rest_from = week_start
        if person.carry_in.last_duty_end is not None:
            rest_from = max(rest_from, person.carry_in.last_duty_end.astimezone(UTC))
        starts = sorted({rest_from} | {o.end for o in options if rest_from <= o.end})
        windows = []
        for start in starts:
            if start + rest > week_end:
                continue
            free = week.model.new_bool_var(f"weekly_rest[{person.id},{start:%a%H%M}]")
            for option in options:
                if option.start < start + rest and start < option.end:
                    week.model.add_implication(free, week.works[option].Not())
            windows.append(free)
        week.model.add_bool_or(windows)  # no window at all: the week cannot be lawful


def _duties(week: WeekModel, staff_id: str) -> list[tuple[int, cp_model.IntVar]]:
    """Each duty the person could work, as (real elapsed minutes, worked literal)."""
    return [(option.minutes, week.works[option]) for option in week.options[staff_id]]


def _worked_minutes(week: WeekModel, staff_id: str) -> cp_model.LinearExpr:
    return sum(minutes * works for minutes, works in _duties(week, staff_id))


def weekly_hours(week: WeekModel) -> None:
    """Rule `weekly_hours`: real elapsed minutes, capped by the working-time limit and the
    contract."""
    policy = week.scenario.policy
    for person in week.scenario.staff:
        cap_hours = min(
            policy.max_weekly_hours, person.contracted_hours + policy.max_overtime_hours
        )
        rules.minutes_within(
            week.model, _duties(week, person.id), None, _minutes_at_most(cap_hours)
        )


def _minutes_at_most(hours: float) -> int:
    """A cap in hours as whole minutes, rounded down so the model never exceeds it (47.993 h
    rounded to the nearest minute let a rota the checker refused)."""
    return math.floor(hours * 60 + EPSILON)


def night_work(week: WeekModel) -> None:
    """Rule `night_work`: anyone working a night duty averages at most the night limit per
    24 h over the week."""
    cap = _minutes_at_most(week.scenario.policy.night_work_cap_hours)
    for staff_id, options in week.options.items():
        nights = [week.works[option] for option in options if option.night]
        if not nights:
            continue
        night_worker = week.model.new_bool_var(f"night_worker[{staff_id}]")
        week.model.add_max_equality(night_worker, nights)
        week.model.add(_worked_minutes(week, staff_id) <= cap).only_enforce_if(night_worker)


def _worked_days(week: WeekModel, staff_id: str) -> list[cp_model.LinearExpr]:
    by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
    for option in week.options[staff_id]:
        by_day[option.day].append(week.works[option])
    return [sum(by_day.get(day, [])) for day in week.scenario.days]


def rest_days(week: WeekModel) -> None:
    """Rule `rest_days`: at most 7 - `min_rest_days` of the week's days worked."""
    for staff_id in week.options:
        rules.at_most(
            week.model, _worked_days(week, staff_id), 7 - week.scenario.policy.min_rest_days
        )


def consecutive_days(week: WeekModel) -> None:
    """Rule `consecutive_days`: no run longer than the limit, counting the days worked in a
    row before Monday."""
    for person in week.scenario.staff:
        rules.max_consecutive(
            week.model,
            _worked_days(week, person.id),
            week.scenario.policy.max_consecutive_days,
            carried=person.carry_in.days_worked_in_a_row,
        )
