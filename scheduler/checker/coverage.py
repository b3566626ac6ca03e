"""Checks of where people are: patrol wards, lone working and ward minimums (rules
`patrol_wards`, `lone_working`, `ward_minimum`)."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from scheduler.checker import wording
from scheduler.checker.context import (
    DAY_NAMES,
    HOUR,
    TOLERANCE,
    Context,
    Violation,
    Visit,
    clock_minutes,
    in_hours,
)
from scheduler.codes import RuleCode
from scheduler.scenario import Window


def patrol_wards(context: Context) -> list[Violation]:
    """Rule `patrol_wards`: a person patrols only their patrol wards, and the ward of an
    event they attend in the hours the event touches (the rest of the event's hours)."""
    found: list[Violation] = []
    for staff_id, visits in context.visits.items():
        person = context.people[staff_id]
        if person.patrol_wards is None:
            continue
        around: dict[str, set[int]] = defaultdict(set)  # ward -> hours its events touch
        for visit in visits:
            if visit.activity.kind == "event" and visit.activity.event in context.events:
                around[visit.activity.ward] |= context.hours_touching(visit.start, visit.end)
        outside: dict[str, list[Visit]] = defaultdict(list)
        for visit in visits:
            ward = visit.activity.ward
            if ward in person.patrol_wards or visit.activity.kind == "event":
                continue
            if not context.hours_touching(visit.start, visit.end) <= around[ward]:
                outside[ward].append(visit)
        for ward_id, stray in outside.items():
            hours = sum(in_hours(visit.end - visit.start) for visit in stray)
            may = ", ".join(context.ward_name(ward) for ward in person.patrol_wards)
            found.append(
                Violation(
                    RuleCode.PATROL_WARDS,
                    staff_id,
                    f"{wording.who(person)} is in {context.ward_name(ward_id)} for {hours:.1f} h "
                    f"(first from {context.when(stray[0].start)}) but may patrol only {may}.",
                )
            )
    return found


def lone_working(context: Context) -> list[Violation]:
    """Rule `lone_working`: in a ward's risk hours a PCSO is never with fewer than the
    group, at any moment (a PCSO there 22:00-22:30 and a PC 22:30-23:00 were never
    together), reported once per hour."""
    group = context.scenario.policy.lone_working_min_group
    found: list[Violation] = []
    # Every hour someone is on duty, past the week's end too (a Sunday night duty's last
    # hours, which the model plans as this week's).
    last = max([context.week_end, *(v.end for vs in context.visits.values() for v in vs)])
    slots = math.ceil(in_hours(last - context.week_start))
    for ward in context.scenario.wards:
        risky = _window_hours(ward.lone_working_windows)
        if not risky:
            continue
        here = [
            visit
            for visits in context.visits.values()
            for visit in visits
            if visit.activity.ward == ward.id
        ]
        for slot in range(slots):
            start = context.week_start + slot * HOUR
            shown = start.astimezone(context.zone)
            if (shown.weekday(), shown.hour) not in risky:
                continue
            alone = _first_alone(context, here, start, start + HOUR, group)
            if alone is None:
                continue
            (begins, ends), present, pcso = alone
            names = " and ".join(wording.who(context.people[staff_id]) for staff_id in present)
            found.append(
                Violation(
                    RuleCode.LONE_WORKING,
                    pcso,
                    f"In {ward.name} {context.period(begins, ends)} only {names} "
                    f"{'is' if len(present) == 1 else 'are'} present; a PCSO there needs "
                    f"a group of at least {group}.",
                )
            )
    return found


def _first_alone(
    context: Context, here: list[Visit], start: datetime, end: datetime, group: int
) -> tuple[tuple[datetime, datetime], list[str], str] | None:
    """The first stretch of [start, end) in which a PCSO is present with fewer than
    `group` people in all (the stretch, who is present, the PCSO), if there is one."""
    cuts = sorted(
        {start, end} | {t for visit in here for t in (visit.start, visit.end) if start < t < end}
    )
    for begins, ends in itertools.pairwise(cuts):
        present = sorted({v.staff for v in here if v.start < ends and begins < v.end})
        pcsos = [s for s in present if context.people[s].role.value == "PCSO"]
        if pcsos and len(present) < group:
            return (begins, ends), present, pcsos[0]
    return None


def _window_hours(windows: Iterable[Window]) -> set[tuple[int, int]]:
    """The (weekday, local hour) pairs covered by weekly windows; past midnight wraps on."""
    covered: set[tuple[int, int]] = set()
    for window in windows:
        start, end = clock_minutes(window.start) // 60, clock_minutes(window.end) // 60
        length = end - start if end > start else end + 24 - start
        for day in window.days:
            first = DAY_NAMES.index(day)
            for hour in range(start, start + length):
                covered.add(((first + hour // 24) % 7, hour % 24))
    return covered


def ward_minimum(context: Context) -> list[Violation]:
    """Rule `ward_minimum`: each ward gets its `min_weekly_hours` of patrol and event time
    within the week (the end of a Sunday night duty, on the next Monday, is next week's)."""
    presence: dict[str, float] = defaultdict(float)
    for visits in context.visits.values():
        for visit in visits:
            inside = min(visit.end, context.week_end) - max(visit.start, context.week_start)
            presence[visit.activity.ward] += max(0.0, in_hours(inside))
    return [
        Violation(
            RuleCode.WARD_MINIMUM,
            None,
            f"{ward.name} gets {presence[ward.id]:.1f} h of visible presence this week; its "
            f"minimum is {wording.number(ward.min_weekly_hours)} h.",
        )
        for ward in context.scenario.wards
        if presence[ward.id] < ward.min_weekly_hours - TOLERANCE
    ]
