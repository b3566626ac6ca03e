"""Checks of each duty on its own: its template, one a day, leave and working days, the
break, its length, the PCSO window (rules `template`, `one_duty_per_day`, `unavailable`,
`break`, `duty_length`, `pcso_window`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from scheduler.checker import wording
from scheduler.checker.context import DAY_NAMES, TOLERANCE, Context, Shift, Violation
from scheduler.codes import RuleCode


def cut_short(context: Context, shift: Shift) -> bool:
    """The duty began at its template's start and ended early, at the moment its person
    became unavailable (a repaired week records that)."""
    start, end = context.span(shift.duty.day, shift.template.start, shift.template.end)
    person = context.people[shift.duty.staff]
    cut_at = {context.utc(absence.start) for absence in person.unavailable}
    return shift.start == start and start < shift.end < end and shift.end in cut_at


def template(context: Context) -> list[Violation]:
    """Rule `template`: a duty runs at its template's times on its day; the role may work
    it, and it is one of the person's templates if they have a list (an arranged template
    only then).

    A duty may end early at the moment the person becomes unavailable during it (sent
    home sick, pulled to an aid): a repaired week records that, and nothing else."""
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        for shift in shifts:
            template, day = shift.template, shift.duty.day
            start, end = context.span(day, template.start, template.end)
            if (shift.start, shift.end) != (start, end) and not cut_short(context, shift):
                found.append(
                    Violation(
                        RuleCode.TEMPLATE,
                        staff_id,
                        f"{wording.who(person)}'s {template.name} duty on {wording.date(day)} runs "
                        f"{context.period(shift.start, shift.end)}, but that template runs "
                        f"{context.period(start, end)} on that day.",
                    )
                )
            roles = [role.value for role in template.roles or []]
            if template.roles is not None and person.role.value not in roles:
                found.append(
                    Violation(
                        RuleCode.TEMPLATE,
                        staff_id,
                        f"{wording.who(person)} works the {template.name} duty on "
                        f"{wording.date(day)}, which is open only to "
                        f"{' and '.join(roles) or 'no one'}.",
                    )
                )
            if person.templates is not None and template.id not in person.templates:
                found.append(
                    Violation(
                        RuleCode.TEMPLATE,
                        staff_id,
                        f"{wording.who(person)} works the {template.name} duty on "
                        f"{wording.date(day)}, which is not one of the templates they work "
                        f"({', '.join(person.templates)}).",
                    )
                )
            elif person.templates is None and template.arranged:
                found.append(
                    Violation(
                        RuleCode.TEMPLATE,
                        staff_id,
                        f"{wording.who(person)} works the {template.name} duty on "
                        f"{wording.date(day)}, which is worked only by arrangement (by staff "
                        "who list it in their templates).",
                    )
                )
    return found


def one_duty_per_day(context: Context) -> list[Violation]:
    """Rule `one_duty_per_day`: one duty starting per local day; duties never overlap."""
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        who = wording.who(context.people[staff_id])
        by_day: dict[date, list[Shift]] = defaultdict(list)
        for shift in shifts:
            by_day[shift.duty.day].append(shift)
        for day, same_day in sorted(by_day.items()):
            if len(same_day) > 1:
                names = ", ".join(shift.template.name for shift in same_day)
                found.append(
                    Violation(
                        RuleCode.ONE_DUTY_PER_DAY,
                        staff_id,
                        f"{who} has {len(same_day)} duties starting on {wording.date(day)} "
                        f"({names}); at most one is allowed.",
                    )
                )
        for index, first in enumerate(shifts):
            for second in shifts[index + 1 :]:
                if second.start < first.end:
                    found.append(
                        Violation(
                            RuleCode.ONE_DUTY_PER_DAY,
                            staff_id,
                            f"{who}'s {first.template.name} duty on {wording.date(first.duty.day)} "
                            f"overlaps their {second.template.name} duty starting "
                            f"{context.when(second.start)}.",
                        )
                    )
    return found


def unavailable(context: Context) -> list[Violation]:
    """Rule `unavailable`: no duty during leave and the like; part-timers on their days only."""
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        for shift in shifts:
            duty = (
                f"{wording.who(person)}'s {shift.template.name} duty on "
                f"{wording.date(shift.duty.day)}"
            )
            for absence in person.unavailable:
                start, end = context.utc(absence.start), context.utc(absence.end)
                if shift.start < end and start < shift.end:
                    found.append(
                        Violation(
                            RuleCode.UNAVAILABLE,
                            staff_id,
                            f"{duty} overlaps their {absence.reason} from {context.when(start)} "
                            f"to {context.when(end)}.",
                        )
                    )
            weekday = DAY_NAMES[shift.duty.day.weekday()]
            if person.working_days is not None and weekday not in person.working_days:
                days = ", ".join(day.capitalize() for day in person.working_days)
                found.append(
                    Violation(
                        RuleCode.UNAVAILABLE,
                        staff_id,
                        f"{duty} falls outside their part-time working days ({days}).",
                    )
                )
    return found


def break_(context: Context) -> list[Violation]:
    """Rule `break`: a duty over `break_after_hours` (real time) has a long enough break."""
    policy = context.scenario.policy
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        for shift in shifts:
            template = shift.template
            too_long = shift.hours > policy.break_after_hours + TOLERANCE
            if too_long and template.break_minutes < policy.min_break_minutes:
                found.append(
                    Violation(
                        RuleCode.BREAK,
                        staff_id,
                        f"{wording.who(context.people[staff_id])}'s {template.name} duty on "
                        f"{wording.date(shift.duty.day)} lasts {shift.hours:.1f} h with a "
                        f"{template.break_minutes}-minute break; a duty over "
                        f"{wording.number(policy.break_after_hours)} h needs at least "
                        f"{policy.min_break_minutes} minutes.",
                    )
                )
    return found


def duty_length(context: Context) -> list[Violation]:
    """Rule `duty_length`: a duty lasts, in real time, at most `max_duty_hours` and at most
    24 h less `min_rest_hours`, so that the daily rest fits in every 24 hours (WTR reg 10:
    11 consecutive hours of rest in each 24-hour period)."""
    policy = context.scenario.policy
    limit = policy.duty_hours_limit
    return [
        Violation(
            RuleCode.DUTY_LENGTH,
            staff_id,
            f"{wording.who(context.people[staff_id])}'s {shift.template.name} duty on "
            f"{wording.date(shift.duty.day)} lasts {shift.hours:.2f} h "
            f"({context.period(shift.start, shift.end)}); a duty may last at most "
            f"{wording.number(limit)} h.",
        )
        for staff_id, shifts in context.shifts.items()
        for shift in shifts
        if shift.hours > limit + TOLERANCE
    ]


def pcso_window(context: Context) -> list[Violation]:
    """Rule `pcso_window`: a PCSO's duty lies inside the PCSO working window of its day."""
    policy = context.scenario.policy
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        if person.role.value != "PCSO":
            continue
        for shift in shifts:
            start, end = context.span(
                shift.duty.day, policy.pcso_window_start, policy.pcso_window_end
            )
            if shift.start < start or shift.end > end:
                found.append(
                    Violation(
                        RuleCode.PCSO_WINDOW,
                        staff_id,
                        f"{wording.who(person)}'s {shift.template.name} duty on "
                        f"{wording.date(shift.duty.day)} runs "
                        f"{context.period(shift.start, shift.end)}, outside the PCSO working "
                        f"window {policy.pcso_window_start}-{policy.pcso_window_end}.",
                    )
                )
    return found
