"""Checks of the rota's own structure: it is for this team and week, names only known
things, and its activities fit their duties (rules `reference` and `activity`)."""

from __future__ import annotations

from scheduler.checker import wording
from scheduler.checker.context import Context, Violation, Visit
from scheduler.codes import RuleCode


def reference(context: Context) -> list[Violation]:
    """Rule `reference`: the rota is for this team and week and names only known things."""
    scenario, rota = context.scenario, context.rota
    found: list[Violation] = []
    if rota.team != scenario.team.id:
        found.append(
            Violation(
                RuleCode.REFERENCE,
                None,
                f"The rota is for team {rota.team!r} but the scenario is for team "
                f"{scenario.team.id!r}.",
            )
        )
    if rota.week_start != scenario.week_start:
        found.append(
            Violation(
                RuleCode.REFERENCE,
                None,
                f"The rota is for the week of {wording.date(rota.week_start)} but the scenario "
                f"is for the week of {wording.date(scenario.week_start)}.",
            )
        )
    for duty in rota.duties:
        person = context.people.get(duty.staff)
        who = wording.who(person) if person else repr(duty.staff)
        on = f"{who}'s duty on {wording.date(duty.day)}"
        if person is None:
            found.append(
                Violation(
                    RuleCode.REFERENCE,
                    duty.staff,
                    f"The rota has a duty on {wording.date(duty.day)} for {duty.staff!r}, "
                    "who is not a member of the team.",
                )
            )
        if duty.template not in context.templates:
            found.append(
                Violation(
                    RuleCode.REFERENCE,
                    duty.staff,
                    f"{on} uses duty template {duty.template!r}, which the scenario does "
                    "not define.",
                )
            )
        if duty.day not in context.days:
            found.append(
                Violation(
                    RuleCode.REFERENCE,
                    duty.staff,
                    f"{on} starts outside the week of {wording.date(scenario.week_start)}.",
                )
            )
        for activity in duty.activities:
            if activity.ward not in context.wards:
                found.append(
                    Violation(
                        RuleCode.REFERENCE,
                        duty.staff,
                        f"{on} has a {activity.kind} in ward {activity.ward!r}, which is not "
                        "one of the team's wards.",
                    )
                )
            if activity.event is not None and activity.event not in context.events:
                found.append(
                    Violation(
                        RuleCode.REFERENCE,
                        duty.staff,
                        f"{on} attends event {activity.event!r}, which is not in the scenario.",
                    )
                )
    return found


def activity(context: Context) -> list[Violation]:
    """Rule `activity`: activities lie inside their duty, never overlap, and match events."""
    found: list[Violation] = []
    for staff_id, visits in context.visits.items():
        who = wording.who(context.people[staff_id])
        latest: Visit | None = None  # the activity so far that ends last
        for visit in visits:
            activity = visit.activity
            problems = _activity_problems(context, visit)
            if latest is not None and visit.start < latest.end:
                problems.append(
                    f"overlaps their {latest.activity.kind} in "
                    f"{context.ward_name(latest.activity.ward)} ending {context.when(latest.end)}"
                )
            if latest is None or visit.end > latest.end:
                latest = visit
            what = (
                f"{who}'s {activity.kind} in {context.ward_name(activity.ward)} "
                f"{context.period(visit.start, visit.end)}"
            )
            found += [
                Violation(RuleCode.ACTIVITY, staff_id, f"{what} {problem}.") for problem in problems
            ]
    return found


def _activity_problems(context: Context, visit: Visit) -> list[str]:
    """What is wrong with one activity on its own (unknown events are `reference`'s)."""
    activity, shift = visit.activity, visit.shift
    problems: list[str] = []
    if visit.end <= visit.start:
        problems.append("does not last any time")
    if visit.start < shift.start or visit.end > shift.end:
        problems.append(
            f"lies outside their {shift.template.name} duty "
            f"({context.period(shift.start, shift.end)})"
        )
    event = context.events.get(activity.event) if activity.event is not None else None
    if activity.kind == "patrol" and activity.event is not None:
        problems.append(f"is a patrol but names event {activity.event!r}")
    elif activity.kind == "event" and activity.event is None:
        problems.append("is an event activity that names no event")
    elif activity.kind == "event" and event is not None:
        if (visit.start, visit.end) != (context.utc(event.start), context.utc(event.end)):
            problems.append(f"does not match the times of {context.event_name(event)}")
        if activity.ward != event.ward:
            problems.append(
                f"is for {event.name}, which takes place in {context.ward_name(event.ward)}"
            )
    return problems + _visit_problems(context, visit)


def _visit_problems(context: Context, visit: Visit) -> list[str]:
    """Hot-spot visits: in a patrol, inside it, one after another, to the ward's hot spots."""
    activity = visit.activity
    if not activity.visits:
        return []
    if activity.kind != "patrol":
        return ["plans hot-spot visits, which only a patrol makes"]
    ward = context.wards.get(activity.ward)
    spots = {spot.id: spot for spot in ward.hot_spots} if ward is not None else {}
    problems: list[str] = []
    previous_end = None
    for planned in sorted(activity.visits, key=lambda v: context.utc(v.start)):
        start, end = context.utc(planned.start), context.utc(planned.end)
        what = f"visit to {planned.hot_spot!r} {context.period(start, end)}"
        spot = spots.get(planned.hot_spot)
        if spot is None:
            problems.append(f"plans a {what}, not a hot spot of the ward")
        if not visit.start <= start < end <= visit.end:
            problems.append(f"plans a {what} outside the patrol")
        if previous_end is not None and start < previous_end:
            problems.append(f"plans a {what} overlapping the visit before it")
        previous_end = end if previous_end is None else max(previous_end, end)
    return problems
