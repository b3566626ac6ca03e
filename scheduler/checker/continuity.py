"""Checks of familiar faces, when the policy asks for continuity: a duty's time in one
ward lasts at least a block (rule `block_length`), a duty visits few wards (rule
`wards_per_duty`), and, when the policy makes them rules rather than goals, dedicated ward
officers patrol mostly in their own ward (rule `own_ward_share`) and a ward panel has one
of its ward's own officers (rule `own_officers`).

A duty's *run* in a ward is its consecutive activities there, patrol and events alike,
from the first's start to the last's end.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from scheduler.checker import wording
from scheduler.checker.context import TOLERANCE, Context, Shift, Violation, Visit, in_hours
from scheduler.checker.duties import cut_short
from scheduler.codes import RuleCode


def runs(visits: list[Visit]) -> list[tuple[str, datetime, datetime]]:
    """(ward, start, end) of each run of consecutive activities in one ward, in order."""
    found: list[tuple[str, datetime, datetime]] = []
    for visit in sorted(visits, key=lambda v: v.start):
        ward = visit.activity.ward
        if found and found[-1][0] == ward:
            found[-1] = (ward, found[-1][1], max(found[-1][2], visit.end))
        else:
            found.append((ward, visit.start, visit.end))
    return found


def _by_shift(context: Context) -> dict[tuple[str, datetime], tuple[Shift, list[Visit]]]:
    shifts: dict[tuple[str, datetime], tuple[Shift, list[Visit]]] = {}
    for staff_id, visits in context.visits.items():
        for visit in visits:
            key = (staff_id, visit.shift.start)
            shifts.setdefault(key, (visit.shift, []))[1].append(visit)
    return shifts


def _on(context: Context, shift: Shift) -> str:
    return f"{wording.date(shift.duty.day)}'s {shift.template.name} duty"


def block_length(context: Context) -> list[Violation]:
    """Rule `block_length`: in a duty that moves between wards, each run lasts at least
    `min_block_minutes` (a duty that stays in one ward may be shorter, and so may the last
    run of a duty cut short when its person became unavailable)."""
    continuity = context.scenario.policy.continuity
    if continuity is None:
        return []
    minimum = timedelta(minutes=continuity.min_block_minutes)
    found = []
    for (staff_id, _), (shift, visits) in _by_shift(context).items():
        pieces = runs(visits)
        if len(pieces) < 2:
            continue
        if cut_short(context, shift):
            pieces = pieces[:-1]
        for ward, start, end in pieces:
            if end - start < minimum - timedelta(seconds=1):
                hours = wording.number(round(in_hours(end - start), 2))
                when = context.period(start, end)
                found.append(
                    Violation(
                        RuleCode.BLOCK_LENGTH,
                        staff_id,
                        f"{wording.who(context.people[staff_id])} is in "
                        f"{context.ward_name(ward)} for only {hours} h ({when}) "
                        f"on {_on(context, shift)}; a duty "
                        f"that moves between wards stays in each at least "
                        f"{wording.number(continuity.min_block_minutes / 60)} h.",
                    )
                )
    return found


def wards_per_duty(context: Context) -> list[Violation]:
    """Rule `wards_per_duty`: a duty's activities are in at most `max_wards_per_duty`
    wards."""
    continuity = context.scenario.policy.continuity
    if continuity is None:
        return []
    found = []
    for (staff_id, _), (shift, visits) in _by_shift(context).items():
        wards = list(dict.fromkeys(visit.activity.ward for visit in visits))
        if len(wards) > continuity.max_wards_per_duty:
            names = ", ".join(context.ward_name(ward) for ward in wards)
            found.append(
                Violation(
                    RuleCode.WARDS_PER_DUTY,
                    staff_id,
                    f"{wording.who(context.people[staff_id])} visits {len(wards)} wards on "
                    f"{_on(context, shift)} ({names}); a duty visits at most "
                    f"{continuity.max_wards_per_duty}.",
                )
            )
    return found


def patrol_minutes(context: Context, staff_id: str) -> dict[str, float]:
    """Minutes of patrol per ward over the week."""
    minutes: dict[str, float] = defaultdict(float)
    for visit in context.visits.get(staff_id, []):
        if visit.activity.kind == "patrol":
            minutes[visit.activity.ward] += (visit.end - visit.start).total_seconds() / 60
    return minutes


def own_ward_share(context: Context) -> list[Violation]:
    """Rule `own_ward_share` (when the policy makes it a rule): a dedicated ward officer
    spends at least `own_ward_share` of their patrol time in their own ward."""
    continuity = context.scenario.policy.continuity
    if continuity is None or not continuity.hard or continuity.own_ward_share <= 0:
        return []
    found = []
    for person in context.scenario.staff:
        home = person.home_ward
        if home is None or (person.patrol_wards is not None and home not in person.patrol_wards):
            continue
        minutes = patrol_minutes(context, person.id)
        total = sum(minutes.values())
        if total <= 0:
            continue
        share = minutes.get(home, 0.0) / total
        if share < continuity.own_ward_share - TOLERANCE:
            found.append(
                Violation(
                    RuleCode.OWN_WARD_SHARE,
                    person.id,
                    f"{wording.who(person)} patrols {context.ward_name(home)}, their own "
                    f"ward, for {share:.0%} of their patrol time; a dedicated ward officer "
                    f"spends at least {continuity.own_ward_share:.0%} there.",
                )
            )
    return found


def own_officers(context: Context) -> list[Violation]:
    """Rule `own_officers` (when the policy makes it a rule): an attended event of a kind
    the policy lists has one of its ward's dedicated officers among its attendees, if the
    ward has any."""
    continuity = context.scenario.policy.continuity
    if continuity is None or not continuity.hard:
        return []
    attendees: dict[str, set[str]] = defaultdict(set)
    for staff_id, visits in context.visits.items():
        for visit in visits:
            if visit.activity.kind == "event" and visit.activity.event is not None:
                attendees[visit.activity.event].add(staff_id)
    found = []
    for event in context.scenario.events:
        there = attendees.get(event.id)
        if event.kind not in continuity.own_officers_at or not there:
            continue
        own = [p for p in context.scenario.staff if p.home_ward == event.ward]
        if own and not any(person.id in there for person in own):
            found.append(
                Violation(
                    RuleCode.OWN_OFFICERS,
                    None,
                    f"{context.event_name(event)} has none of "
                    f"{context.ward_name(event.ward)}'s own ward officers among its "
                    f"attendees; one of them attends a {event.kind}.",
                )
            )
    return found
