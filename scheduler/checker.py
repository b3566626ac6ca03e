"""The independent rota checker: re-verifies every hard rule of docs/rules.md.

`check(scenario, rota)` reads only the raw fields of the input and output models and
recomputes every instant itself with `zoneinfo`, so a bug in the solver or in the time
helpers it shares with the rota builder shows up here as a violation rather than being
repeated. It never stops at the first problem: every broken rule is reported as a
sentence a sergeant can act on.

Instants are compared and subtracted in UTC only: Python subtracts two datetimes that
share a `ZoneInfo` as wall-clock times, which would make an October night duty an hour
too short.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import DutyTemplate, EngagementEvent, Scenario, Staff, Ward, Window

__all__ = ["Violation", "check"]

# Hours are compared with this slack so that float sums such as 3 x 2.6666 h pass.
TOLERANCE = 1e-6
HOUR = timedelta(hours=1)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROLE_TITLES = {"PC": "PC", "SGT": "Sgt", "PCSO": "PCSO"}


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, in the sergeant's words."""

    rule: str  # the rule code from docs/rules.md, e.g. "daily_rest"
    staff: str | None  # the staff member it concerns, if it concerns one
    message: str


@dataclass(frozen=True)
class Shift:
    """A duty of a known person on a known template, with its instants in UTC."""

    duty: Duty
    template: DutyTemplate
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return _hours(self.end - self.start)


@dataclass(frozen=True)
class Visit:
    """An activity of a known person with its instants in UTC."""

    activity: Activity
    staff: str
    shift: Shift
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Context:
    """Lookups and UTC instants shared by the rule checks, built once per check."""

    scenario: Scenario
    rota: Rota
    zone: ZoneInfo
    week_start: datetime
    week_end: datetime
    days: tuple[date, ...]
    people: dict[str, Staff]
    templates: dict[str, DutyTemplate]
    wards: dict[str, Ward]
    events: dict[str, EngagementEvent]
    shifts: dict[str, list[Shift]]  # staff id -> their checkable duties, by start
    visits: dict[str, list[Visit]]  # staff id -> their activities, by start

    def utc(self, instant: datetime) -> datetime:
        """An aware UTC instant; a naive one is read as the team's local time."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=self.zone)
        return instant.astimezone(UTC)

    def hours_touching(self, start: datetime, end: datetime) -> set[int]:
        """The week's hours (whole hours from its start, numbered from 0) that [start, end)
        touches."""
        return set(range((start - self.week_start) // HOUR, -((self.week_start - end) // HOUR)))

    def span(self, day: date, start: str, end: str) -> tuple[datetime, datetime]:
        """Local clock times ("HH:MM", "24:00" allowed) from `day` on, as UTC instants.

        An end at or before the start is on the next day.
        """
        start_minutes, end_minutes = _clock_minutes(start), _clock_minutes(end)
        if end_minutes <= start_minutes:
            end_minutes += 1440
        return self._instant(day, start_minutes), self._instant(day, end_minutes)

    def _instant(self, day: date, minutes: int) -> datetime:
        """`minutes` after local midnight of `day`, as a UTC instant.

        A time in the March gap is read with the offset in force before the gap (fold=0),
        so in UTC it lands after the gap; an October repeated time takes its first
        occurrence.
        """
        day += timedelta(days=minutes // 1440)
        minutes %= 1440
        wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return wall.astimezone(UTC)

    def when(self, instant: datetime) -> str:
        """'Tue 23:00' inside the week; with the date outside it."""
        shown = instant.astimezone(self.zone)
        if self.week_start <= instant < self.week_end:
            return shown.strftime("%a %H:%M")
        return shown.strftime("%a %d %b %H:%M")

    def period(self, start: datetime, end: datetime) -> str:
        """'Wed 10:00-11:00', or 'Mon 22:00-Tue 06:00' across midnight."""
        same_day = start.astimezone(self.zone).date() == end.astimezone(self.zone).date()
        finish = end.astimezone(self.zone).strftime("%H:%M") if same_day else self.when(end)
        return f"{self.when(start)}-{finish}"

    def ward_name(self, ward_id: str) -> str:
        ward = self.wards.get(ward_id)
        return ward.name if ward is not None else ward_id

    def event_name(self, event: EngagementEvent) -> str:
        start, end = self.utc(event.start), self.utc(event.end)
        return f"{event.name} ({self.ward_name(event.ward)}, {self.period(start, end)})"


def check(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every hard-rule violation of `rota` against `scenario`; empty when the rota is valid."""
    context = _context(scenario, rota)
    return [violation for rule in RULES for violation in rule(context)]


def _context(scenario: Scenario, rota: Rota) -> Context:
    zone = ZoneInfo(scenario.team.timezone)
    start_wall = datetime.combine(scenario.week_start, time(0), tzinfo=zone)
    end_wall = datetime.combine(scenario.week_start + timedelta(days=7), time(0), tzinfo=zone)
    context = Context(
        scenario=scenario,
        rota=rota,
        zone=zone,
        week_start=start_wall.astimezone(UTC),
        week_end=end_wall.astimezone(UTC),
        days=tuple(scenario.week_start + timedelta(days=offset) for offset in range(7)),
        people={person.id: person for person in scenario.staff},
        templates={template.id: template for template in scenario.duty_templates},
        wards={ward.id: ward for ward in scenario.wards},
        events={event.id: event for event in scenario.events},
        shifts=defaultdict(list),
        visits=defaultdict(list),
    )
    # Duties naming an unknown person or template are reported by _check_references
    # and left out of every other rule, which could not interpret them.
    for duty in rota.duties:
        template = context.templates.get(duty.template)
        if duty.staff not in context.people or template is None:
            continue
        shift = Shift(duty, template, context.utc(duty.start), context.utc(duty.end))
        context.shifts[duty.staff].append(shift)
        for activity in duty.activities:
            visit = Visit(
                activity, duty.staff, shift, context.utc(activity.start), context.utc(activity.end)
            )
            context.visits[duty.staff].append(visit)
    for shifts in context.shifts.values():
        shifts.sort(key=lambda shift: shift.start)
    for visits in context.visits.values():
        visits.sort(key=lambda visit: visit.start)
    return context


# ---------------------------------------------------------------- structure of the rota


def _check_references(context: Context) -> list[Violation]:
    """Rule `reference`: the rota is for this team and week and names only known things."""
    scenario, rota = context.scenario, context.rota
    found: list[Violation] = []
    if rota.team != scenario.team.id:
        found.append(
            Violation(
                "reference",
                None,
                f"The rota is for team {rota.team!r} but the scenario is for team "
                f"{scenario.team.id!r}.",
            )
        )
    if rota.week_start != scenario.week_start:
        found.append(
            Violation(
                "reference",
                None,
                f"The rota is for the week of {_date(rota.week_start)} but the scenario is for "
                f"the week of {_date(scenario.week_start)}.",
            )
        )
    for duty in rota.duties:
        person = context.people.get(duty.staff)
        who = _who(person) if person else repr(duty.staff)
        on = f"{who}'s duty on {_date(duty.day)}"
        if person is None:
            found.append(
                Violation(
                    "reference",
                    duty.staff,
                    f"The rota has a duty on {_date(duty.day)} for {duty.staff!r}, "
                    "who is not a member of the team.",
                )
            )
        if duty.template not in context.templates:
            found.append(
                Violation(
                    "reference",
                    duty.staff,
                    f"{on} uses duty template {duty.template!r}, which the scenario does "
                    "not define.",
                )
            )
        if duty.day not in context.days:
            found.append(
                Violation(
                    "reference",
                    duty.staff,
                    f"{on} starts outside the week of {_date(scenario.week_start)}.",
                )
            )
        for activity in duty.activities:
            if activity.ward not in context.wards:
                found.append(
                    Violation(
                        "reference",
                        duty.staff,
                        f"{on} has a {activity.kind} in ward {activity.ward!r}, which is not "
                        "one of the team's wards.",
                    )
                )
            if activity.event is not None and activity.event not in context.events:
                found.append(
                    Violation(
                        "reference",
                        duty.staff,
                        f"{on} attends event {activity.event!r}, which is not in the scenario.",
                    )
                )
    return found


def _check_activities(context: Context) -> list[Violation]:
    """Rule `activity`: activities lie inside their duty, never overlap, and match events."""
    found: list[Violation] = []
    for staff_id, visits in context.visits.items():
        who = _who(context.people[staff_id])
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
            found += [Violation("activity", staff_id, f"{what} {problem}.") for problem in problems]
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
    return problems


# ---------------------------------------------------------------------------- duties


def _check_template(context: Context) -> list[Violation]:
    """Rule `template`: a duty runs at its template's times on its day; the role may work it.

    A duty may end early at the moment the person becomes unavailable during it (sent
    home sick, pulled to an aid): a repaired week records that, and nothing else."""
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        cut_at = {context.utc(absence.start) for absence in person.unavailable}
        for shift in shifts:
            template, day = shift.template, shift.duty.day
            start, end = context.span(day, template.start, template.end)
            cut_short = shift.start == start and start < shift.end < end and shift.end in cut_at
            if (shift.start, shift.end) != (start, end) and not cut_short:
                found.append(
                    Violation(
                        "template",
                        staff_id,
                        f"{_who(person)}'s {template.name} duty on {_date(day)} runs "
                        f"{context.period(shift.start, shift.end)}, but that template runs "
                        f"{context.period(start, end)} on that day.",
                    )
                )
            roles = [role.value for role in template.roles or []]
            if template.roles is not None and person.role.value not in roles:
                found.append(
                    Violation(
                        "template",
                        staff_id,
                        f"{_who(person)} works the {template.name} duty on {_date(day)}, which "
                        f"is open only to {' and '.join(roles) or 'no one'}.",
                    )
                )
    return found


def _check_one_duty_per_day(context: Context) -> list[Violation]:
    """Rule `one_duty_per_day`: one duty starting per local day; duties never overlap."""
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        who = _who(context.people[staff_id])
        by_day: dict[date, list[Shift]] = defaultdict(list)
        for shift in shifts:
            by_day[shift.duty.day].append(shift)
        for day, same_day in sorted(by_day.items()):
            if len(same_day) > 1:
                names = ", ".join(shift.template.name for shift in same_day)
                found.append(
                    Violation(
                        "one_duty_per_day",
                        staff_id,
                        f"{who} has {len(same_day)} duties starting on {_date(day)} ({names}); "
                        "at most one is allowed.",
                    )
                )
        for index, first in enumerate(shifts):
            for second in shifts[index + 1 :]:
                if second.start < first.end:
                    found.append(
                        Violation(
                            "one_duty_per_day",
                            staff_id,
                            f"{who}'s {first.template.name} duty on {_date(first.duty.day)} "
                            f"overlaps their {second.template.name} duty starting "
                            f"{context.when(second.start)}.",
                        )
                    )
    return found


def _check_unavailable(context: Context) -> list[Violation]:
    """Rule `unavailable`: no duty during leave and the like; part-timers on their days only."""
    found: list[Violation] = []
    for staff_id, shifts in context.shifts.items():
        person = context.people[staff_id]
        for shift in shifts:
            duty = f"{_who(person)}'s {shift.template.name} duty on {_date(shift.duty.day)}"
            for absence in person.unavailable:
                start, end = context.utc(absence.start), context.utc(absence.end)
                if shift.start < end and start < shift.end:
                    found.append(
                        Violation(
                            "unavailable",
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
                        "unavailable",
                        staff_id,
                        f"{duty} falls outside their part-time working days ({days}).",
                    )
                )
    return found


# ------------------------------------------------------------------------- working time


def _check_daily_rest(context: Context) -> list[Violation]:
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
            rest = _hours(after.start - end)
            if rest < minimum - TOLERANCE:
                found.append(
                    Violation(
                        "daily_rest",
                        staff_id,
                        f"{_who(person)} has {rest:.1f} h rest between {ended} ending "
                        f"{context.when(end)} and the {after.template.name} duty starting "
                        f"{context.when(after.start)}; the minimum is {_number(minimum)} h.",
                    )
                )
    return found


def _check_weekly_rest(context: Context) -> list[Violation]:
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
            longest = max(longest, _hours(min(shift.start, context.week_end) - free_from))
            free_from = max(free_from, shift.end)
        longest = max(longest, _hours(context.week_end - free_from))
        if longest < needed - TOLERANCE:
            found.append(
                Violation(
                    "weekly_rest",
                    staff_id,
                    f"{_who(person)}'s longest time off between {context.when(since)} and "
                    f"{context.when(context.week_end)} is {longest:.1f} h; at least "
                    f"{_number(needed)} h in one stretch is required.",
                )
            )
    return found


def _check_weekly_hours(context: Context) -> list[Violation]:
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
                    "weekly_hours",
                    staff_id,
                    f"{_who(person)} is on duty for {worked:.1f} h this week; the limit is "
                    f"{_number(limit)} h ({_number(person.contracted_hours)} h contract + "
                    f"{_number(policy.max_overtime_hours)} h overtime, at most "
                    f"{_number(policy.max_weekly_hours)} h).",
                )
            )
    return found


def _check_night_work(context: Context) -> list[Violation]:
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
                    "night_work",
                    staff_id,
                    f"{_who(context.people[staff_id])} does night work (the "
                    f"{shift.template.name} duty on {_date(shift.duty.day)} has {night:.1f} h "
                    f"of night time) and is on duty for {worked:.1f} h this week; a night "
                    f"worker may work at most {_number(limit)} h.",
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
        total += max(0.0, _hours(min(end, shift.end) - max(start, shift.start)))
    return total


def _check_rest_days(context: Context) -> list[Violation]:
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
                    "rest_days",
                    staff_id,
                    f"{_who(person)} has {len(free)} rest day{'s' * (len(free) != 1)} this "
                    f"week ({days}); at least {needed} are required.",
                )
            )
    return found


def _check_consecutive_days(context: Context) -> list[Violation]:
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
                        "consecutive_days",
                        staff_id,
                        f"{_who(person)} works {length} days in a row up to {_date(last)}"
                        f"{from_last_week}; the most allowed is {most}.",
                    )
                )
    return found


def _check_break(context: Context) -> list[Violation]:
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
                        "break",
                        staff_id,
                        f"{_who(context.people[staff_id])}'s {template.name} duty on "
                        f"{_date(shift.duty.day)} lasts {shift.hours:.1f} h with a "
                        f"{template.break_minutes}-minute break; a duty over "
                        f"{_number(policy.break_after_hours)} h needs at least "
                        f"{policy.min_break_minutes} minutes.",
                    )
                )
    return found


def _check_pcso_window(context: Context) -> list[Violation]:
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
                        "pcso_window",
                        staff_id,
                        f"{_who(person)}'s {shift.template.name} duty on {_date(shift.duty.day)} "
                        f"runs {context.period(shift.start, shift.end)}, outside the "
                        f"PCSO working window {policy.pcso_window_start}-"
                        f"{policy.pcso_window_end}.",
                    )
                )
    return found


# ------------------------------------------------------------------------ wards and events


def _check_patrol_wards(context: Context) -> list[Violation]:
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
            hours = sum(_hours(visit.end - visit.start) for visit in stray)
            may = ", ".join(context.ward_name(ward) for ward in person.patrol_wards)
            found.append(
                Violation(
                    "patrol_wards",
                    staff_id,
                    f"{_who(person)} is in {context.ward_name(ward_id)} for {hours:.1f} h "
                    f"(first from {context.when(stray[0].start)}) but may patrol only {may}.",
                )
            )
    return found


def _check_event_staffing(context: Context) -> list[Violation]:
    """Rule `event_staffing`: attended events have enough of the right people, all on duty."""
    attendance: dict[str, dict[str, list[Visit]]] = defaultdict(lambda: defaultdict(list))
    for staff_id, visits in context.visits.items():
        for visit in visits:
            if visit.activity.kind == "event" and visit.activity.event is not None:
                attendance[visit.activity.event][staff_id].append(visit)
    found: list[Violation] = []
    for event in context.scenario.events:
        attendees = attendance.get(event.id, {})
        if not event.mandatory and not attendees:
            continue
        found += _event_problems(context, event, attendees)
    return found


def _event_problems(
    context: Context, event: EngagementEvent, attendees: dict[str, list[Visit]]
) -> list[Violation]:
    """What is wrong with one attended (or mandatory) event's staffing."""
    kind = "mandatory" if event.mandatory else "optional"
    name = f"The {kind} event {context.event_name(event)}"
    people = [context.people[staff_id] for staff_id in attendees]
    count = len(people)
    warranted = sum(person.role.value != "PCSO" for person in people)
    problems: list[str] = []
    if count < event.min_staff:
        problems.append(
            f"has {count} attendee{'s' * (count != 1)} but needs at least {event.min_staff}"
        )
    if count > event.max_staff:
        problems.append(f"has {count} attendees but allows at most {event.max_staff}")
    if warranted < event.min_warranted:
        problems.append(
            f"has {warranted} warranted officer{'s' * (warranted != 1)} but needs at least "
            f"{event.min_warranted}"
        )
    held = {skill for person in people for skill in person.skills}
    for skill in event.required_skills:
        if skill not in held:
            problems.append(f"has no attendee with the skill {skill!r}")
    found = [Violation("event_staffing", None, f"{name} {problem}.") for problem in problems]
    start, end = context.utc(event.start), context.utc(event.end)
    for staff_id, visits in attendees.items():
        who = _who(context.people[staff_id])
        if len(visits) > 1:
            found.append(
                Violation(
                    "event_staffing",
                    staff_id,
                    f"{who} has {len(visits)} activities for {event.name}; one is expected.",
                )
            )
        for visit in visits:
            shift = visit.shift
            if not (shift.start <= start and end <= shift.end):
                found.append(
                    Violation(
                        "event_staffing",
                        staff_id,
                        f"{who} attends {context.event_name(event)} but their "
                        f"{shift.template.name} duty ({context.period(shift.start, shift.end)}) "
                        "does not cover it.",
                    )
                )
    return found


def _check_lone_working(context: Context) -> list[Violation]:
    """Rule `lone_working`: in a ward's risk hours a PCSO is never with fewer than the group."""
    group = context.scenario.policy.lone_working_min_group
    found: list[Violation] = []
    # Every hour someone is on duty, past the week's end too (a Sunday night duty's last
    # hours, which the model plans as this week's).
    last = max([context.week_end, *(v.end for vs in context.visits.values() for v in vs)])
    slots = math.ceil(_hours(last - context.week_start))
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
            present = sorted(
                {visit.staff for visit in here if visit.start < start + HOUR and start < visit.end}
            )
            pcsos = [
                staff_id for staff_id in present if context.people[staff_id].role.value == "PCSO"
            ]
            if pcsos and len(present) < group:
                names = " and ".join(_who(context.people[staff_id]) for staff_id in present)
                found.append(
                    Violation(
                        "lone_working",
                        pcsos[0],
                        f"In {ward.name} {context.period(start, start + HOUR)} only {names} "
                        f"{'is' if len(present) == 1 else 'are'} present; a PCSO there needs "
                        f"a group of at least {group}.",
                    )
                )
    return found


def _window_hours(windows: Iterable[Window]) -> set[tuple[int, int]]:
    """The (weekday, local hour) pairs covered by weekly windows; past midnight wraps on."""
    covered: set[tuple[int, int]] = set()
    for window in windows:
        start, end = _clock_minutes(window.start) // 60, _clock_minutes(window.end) // 60
        length = end - start if end > start else end + 24 - start
        for day in window.days:
            first = DAY_NAMES.index(day)
            for hour in range(start, start + length):
                covered.add(((first + hour // 24) % 7, hour % 24))
    return covered


def _check_ward_minimum(context: Context) -> list[Violation]:
    """Rule `ward_minimum`: each ward gets its `min_weekly_hours` of patrol and event time
    within the week (the end of a Sunday night duty, on the next Monday, is next week's)."""
    presence: dict[str, float] = defaultdict(float)
    for visits in context.visits.values():
        for visit in visits:
            inside = min(visit.end, context.week_end) - max(visit.start, context.week_start)
            presence[visit.activity.ward] += max(0.0, _hours(inside))
    return [
        Violation(
            "ward_minimum",
            None,
            f"{ward.name} gets {presence[ward.id]:.1f} h of visible presence this week; its "
            f"minimum is {_number(ward.min_weekly_hours)} h.",
        )
        for ward in context.scenario.wards
        if presence[ward.id] < ward.min_weekly_hours - TOLERANCE
    ]


def _check_pins(context: Context) -> list[Violation]:
    """Rule `pins`: pinned duties worked exactly and pinned events attended; rule
    `pinned_off`: a day pinned off (time off agreed) has no duty. The two have their own
    codes because a sergeant may publish short of a pinned duty but never work someone
    on agreed time off."""
    found: list[Violation] = []
    for pin in context.scenario.pins:
        person = context.people.get(pin.staff)
        if person is None:
            continue
        who = _who(person)
        on_day = [shift for shift in context.shifts.get(pin.staff, []) if shift.duty.day == pin.day]
        worked = " and ".join(f"the {shift.template.name} duty" for shift in on_day)
        problem, rule = None, "pins"
        if pin.template is not None and [shift.template.id for shift in on_day] != [pin.template]:
            pinned = context.templates[pin.template].name
            problem = f"is pinned to the {pinned} duty on {_date(pin.day)} but " + (
                f"works {worked}" if worked else "has no duty that day"
            )
        elif pin.off and on_day:
            problem, rule = f"is pinned off on {_date(pin.day)} but works {worked}", "pinned_off"
        elif pin.event is not None and not any(
            visit.activity.kind == "event" and visit.activity.event == pin.event
            for visit in context.visits.get(pin.staff, [])
        ):
            problem = (
                f"is pinned to attend {context.event_name(context.events[pin.event])} but does not"
            )
        if problem is not None:
            found.append(Violation(rule, pin.staff, f"{who} {problem}."))
    return found


RULES: tuple[Callable[[Context], list[Violation]], ...] = (
    _check_references,
    _check_activities,
    _check_template,
    _check_one_duty_per_day,
    _check_unavailable,
    _check_daily_rest,
    _check_weekly_rest,
    _check_weekly_hours,
    _check_night_work,
    _check_rest_days,
    _check_consecutive_days,
    _check_break,
    _check_pcso_window,
    _check_patrol_wards,
    _check_event_staffing,
    _check_lone_working,
    _check_ward_minimum,
    _check_pins,
)


# ------------------------------------------------------------------------------ wording


def _clock_minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _hours(span: timedelta) -> float:
    return span.total_seconds() / 3600


def _number(value: float) -> str:
    """11.0 -> '11', 7.5 -> '7.5'."""
    return f"{value:g}"


def _date(day: date) -> str:
    return day.strftime("%a %d %b")


def _who(person: Staff) -> str:
    """'PC Amir Khan (pc-khan)'; a name that already starts with the rank keeps it."""
    title = ROLE_TITLES.get(person.role.value, person.role.value)
    first_word = (person.name.split() or [""])[0].rstrip(".").upper()
    titled = (
        person.name if first_word in {"PC", "SGT", "PCSO", "SERGEANT"} else f"{title} {person.name}"
    )
    return f"{titled} ({person.id})"
