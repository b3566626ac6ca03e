"""Checks of the working-time rules: rest between duties, weekly rest, hours, night
work, rest days and days in a row (rules `daily_rest`, `weekly_rest`, `weekly_hours`,
`night_work`, `rest_days`, `consecutive_days`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

from scheduler.checker import wording
from scheduler.checker.context import TOLERANCE, Context, Shift, Violation, in_hours
from scheduler.codes import RuleCode


def daily_rest(context: Context) -> list[Violation]:
    """Rule `daily_rest`: `min_rest_hours` between duties, and after last week's last duty.

    Overlapping duties are left to `one_duty_per_day`, which names them.
    """
    minimum = context.scenario.policy.min_rest_hours
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        carried = person.carry_in.last_duty_end
        gaps: list[tuple[str, datetime, Shift]] = []  # (what ended, when, the next duty)
        if carried is not None and shifts:
            gaps.append(("last week's last duty", context.utc(carried), shifts[0]))
        gaps += [
            (f"the {before.template.name} duty", before.end, after)
            for before, after in pairwise(shifts)
            if after.start >= before.end
        ]
        for ended, end, after in gaps:
            rest = in_hours(after.start - end)
            if rest < minimum - TOLERANCE:
                found.append(
                    Violation(
                        RuleCode.DAILY_REST,
                        staff_id,
                        f"{wording.who(person)} has {rest:.1f} h rest between {ended} ending "
                        f"{context.when(end)} and the {after.template.name} duty starting "
                        f"{context.when(after.start)}; the minimum is {wording.number(minimum)} h.",
                    )
                )
    return found


def weekly_rest(context: Context) -> list[Violation]:
    """Rule `weekly_rest`: an unbroken `weekly_rest_hours` off duty within the week."""
    needed = context.scenario.policy.weekly_rest_hours
    found: list[Violation] = []
    for staff_id, person in context.people.items():
        carried = person.carry_in.last_duty_end
        since = context.week_start
        if carried is not None:
            since = max(since, context.utc(carried))
        free_from, longest = since, 0.0
        for shift in context.shifts.get(staff_id, []):
            longest = max(longest, in_hours(min(shift.start, context.week_end) - free_from))
            free_from = max(free_from, shift.end)
        longest = max(longest, in_hours(context.week_end - free_from))
        if longest < needed - TOLERANCE:
            found.append(
                Violation(
                    RuleCode.WEEKLY_REST,
                    staff_id,
                    f"{wording.who(person)}'s longest time off between {context.when(since)} and "
                    f"{context.when(context.week_end)} is {longest:.1f} h; at least "
                    f"{wording.number(needed)} h in one stretch is required.",
                )
            )
    return found


def weekly_hours(context: Context) -> list[Violation]:
    """Rule `weekly_hours`: real duty hours within contract plus overtime, and the weekly cap."""
    policy = context.scenario.policy
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        worked = sum(shift.hours for shift in shifts)
        limit = min(policy.max_weekly_hours, person.contracted_hours + policy.max_overtime_hours)
        if worked > limit + TOLERANCE:
            found.append(
                Violation(
                    RuleCode.WEEKLY_HOURS,
                    staff_id,
                    f"{wording.who(person)} is on duty for {worked:.1f} h this week; the limit is "
                    f"{wording.number(limit)} h ({wording.number(person.contracted_hours)} h "
                    f"contract + {wording.number(policy.max_overtime_hours)} h overtime, at most "
                    f"{wording.number(policy.max_weekly_hours)} h).",
                )
            )
    return found


def night_work(context: Context) -> list[Violation]:
    """Rule `night_work`: a night worker averages at most `night_average_hours_per_24h`
    over the week's days less its weekly rest (`Policy.night_work_cap_hours`)."""
    policy = context.scenario.policy
    limit = policy.night_work_cap_hours
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        nights = [
            (shift, night)
            for shift in shifts
            if (night := _night_hours(context, shift)) >= policy.night_min_hours - TOLERANCE
        ]
        worked = sum(shift.hours for shift in shifts)
        if nights and worked > limit + TOLERANCE:
            shift, night = nights[0]
            found.append(
                Violation(
                    RuleCode.NIGHT_WORK,
                    staff_id,
                    f"{wording.who(context.people[staff_id])} does night work (the "
                    f"{shift.template.name} duty on {wording.date(shift.duty.day)} has "
                    f"{night:.1f} h of night time) and is on duty for {worked:.1f} h this "
                    f"week; a night worker may work at most {wording.number(limit)} h.",
                )
            )
    return found


def _night_hours(context: Context, shift: Shift) -> float:
    """Real hours of the duty inside the nightly window, over every night it touches."""
    policy = context.scenario.policy
    first = shift.start.astimezone(context.zone).date() - timedelta(days=1)
    last = shift.end.astimezone(context.zone).date()
    total = 0.0
    for offset in range((last - first).days + 1):
        start, end = context.span(
            first + timedelta(days=offset), policy.night_start, policy.night_end
        )
        total += max(0.0, in_hours(min(end, shift.end) - max(start, shift.start)))
    return total


def rest_days(context: Context) -> list[Violation]:
    """Rule `rest_days`: at least `min_rest_days` of the week's days have no duty starting."""
    needed = context.scenario.policy.min_rest_days
    found: list[Violation] = []
    for staff_id, person in context.people.items():
        worked = {shift.duty.day for shift in context.shifts.get(staff_id, [])}
        free = [day for day in context.days if day not in worked]
        if len(free) < needed:
            days = ", ".join(f"{day:%a}" for day in free) or "none"
            found.append(
                Violation(
                    RuleCode.REST_DAYS,
                    staff_id,
                    f"{wording.who(person)} has {len(free)} rest day{'s' * (len(free) != 1)} this "
                    f"week ({days}); at least {needed} are required.",
                )
            )
    return found


def consecutive_days(context: Context) -> list[Violation]:
    """Rule `consecutive_days`: no run over `max_consecutive_days`, counting the carry-in."""
    most = context.scenario.policy.max_consecutive_days
    found: list[Violation] = []
    for staff_id, person in context.people.items():
        worked = {shift.duty.day for shift in context.shifts.get(staff_id, [])}
        runs: list[tuple[int, date, int]] = []  # (length, last day, days carried in)
        length = carried = person.carry_in.days_worked_in_a_row
        last: date | None = None
        for day in context.days:
            if day in worked:
                length, last = length + 1, day
                continue
            if last is not None:
                runs.append((length, last, carried))
            length, carried, last = 0, 0, None
        if last is not None:
            runs.append((length, last, carried))
        for length, last, carried in runs:
            if length > most:
                from_last_week = f", including {carried} from last week" if carried else ""
                found.append(
                    Violation(
                        RuleCode.CONSECUTIVE_DAYS,
                        staff_id,
                        f"{wording.who(person)} works {length} days in a row up to "
                        f"{wording.date(last)}{from_last_week}; the most allowed is {most}.",
                    )
                )
    return found
