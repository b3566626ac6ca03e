"""The duties each person could work, and one a day (rule `one_duty_per_day`).

Rules about a duty on its own hold by construction: a `DutyOption` exists only for a
template the person may work (`template`: their role, their own templates), away from their
leave and on their
working days (`unavailable`, and days pinned off: `pinned_off`), inside the PCSO window
(`pcso_window`), no longer than a duty may last (`duty_length`), and a template breaking
the break rule or longer than a duty may last is refused (`break`, `duty_length`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from ortools.sat.python import cp_model

from scheduler.model.week import EPSILON, DutyOption, WeekModel
from scheduler.scenario import WEEKDAYS, Role, Scenario, ScenarioError, Staff, in_pcso_window
from scheduler.timegrid import duty_interval, minutes_in_window

UNSOCIAL_MIN_HOURS = 3  # a duty with this much time in the unsocial window is unsocial


def validate_templates(scenario: Scenario) -> None:
    """A template that breaks the break rule, or lasts longer than a duty may, is bad
    input, not a modelling choice."""
    policy = scenario.policy
    limit = policy.duty_hours_limit
    for template in scenario.duty_templates:
        if template.clock_length_minutes > limit * 60 + EPSILON:
            raise ScenarioError(
                f"duty template {template.id!r} runs {template.start}-{template.end}, "
                f"{template.clock_length_minutes / 60:g} h: a duty may last at most {limit:g} h "
                f"(policy.max_duty_hours {policy.max_duty_hours:g} h, and 24 h less the "
                f"{policy.min_rest_hours:g} h of rest every 24 hours needs); shorten it"
            )
        if (
            template.clock_length_minutes > policy.break_after_hours * 60
            and template.break_minutes < policy.min_break_minutes
        ):
            raise ScenarioError(
                f"duty template {template.id!r} lasts over {policy.break_after_hours:g} h but has "
                f"a {template.break_minutes}-minute break; give it break_minutes >= "
                f"{policy.min_break_minutes}"
            )


def duty_options(
    scenario: Scenario, person: Staff, now: datetime | None = None
) -> list[DutyOption]:
    """Every duty the person could lawfully work this week, judged on its own.

    A duty that starts before `now` (one under way, or worked, when a week is repaired)
    and that an unavailability begins during, ends when that unavailability begins: the
    officer sent home sick or pulled to an aid at 11:00 leaves their 07:00-15:00 duty at
    11:00. Other duties that touch an unavailability are not options."""
    policy = scenario.policy
    options = []
    off_days = {pin.day for pin in scenario.pins if pin.staff == person.id and pin.off}
    for day in scenario.days:
        if person.working_days is not None and WEEKDAYS[day.weekday()] not in person.working_days:
            continue
        if day in off_days:
            continue
        for template in scenario.duty_templates:
            if not template.worked_by(person):
                continue
            if person.role is Role.PCSO and not in_pcso_window(template, scenario.policy):
                continue
            start, end = duty_interval(scenario, template, day)
            if (
                end - start > timedelta(hours=policy.break_after_hours)
                and template.break_minutes < policy.min_break_minutes
            ) or end - start > timedelta(hours=policy.duty_hours_limit):
                continue  # only on a clock-change night can a short template get this long
            if now is not None and start < now:
                end = min(
                    [end]
                    + [
                        gap.start.astimezone(UTC)
                        for gap in person.unavailable
                        if start < gap.start.astimezone(UTC) < end
                    ]
                )
            if any(
                start < gap.end.astimezone(UTC) and gap.start.astimezone(UTC) < end
                for gap in person.unavailable
            ):
                continue
            last_end = person.carry_in.last_duty_end
            if last_end is not None and start - last_end.astimezone(UTC) < timedelta(
                hours=policy.min_rest_hours
            ):
                continue
            night = (
                minutes_in_window(scenario, start, end, policy.night_start, policy.night_end)
                >= policy.night_min_hours * 60
            )
            unsocial = (
                minutes_in_window(scenario, start, end, policy.unsocial_start, policy.unsocial_end)
                >= UNSOCIAL_MIN_HOURS * 60
            )
            options.append(DutyOption(person.id, day, template.id, start, end, night, unsocial))
    return options


def add_duty_options(week: WeekModel, now: datetime | None) -> None:
    """A `works` boolean for each duty each person could work (see `duty_options`)."""
    for person in week.scenario.staff:
        week.options[person.id] = duty_options(week.scenario, person, now)
        for option in week.options[person.id]:
            week.works[option] = week.model.new_bool_var(
                f"works[{person.id},{option.day},{option.template}]"
            )


def one_duty_per_day(week: WeekModel) -> None:
    """Rule `one_duty_per_day`: at most one duty starting on each day per person."""
    for options in week.options.values():
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for option in options:
            by_day[option.day].append(week.works[option])
        for day_vars in by_day.values():
            week.model.add_at_most_one(day_vars)
