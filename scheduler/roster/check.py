"""The roster's independent checker: every hard rule of a roster, read again from its days.

`check_roster(team, period, roster)` reads only the input (the team's `Scenario` and the
`RosterPeriod`) and the roster's raw days, and recomputes every instant itself with
`zoneinfo`: it shares no code with the roster model, so a bug there shows up here as a
violation rather than being repeated. Instants are compared and subtracted in UTC only (two
datetimes sharing a `ZoneInfo` subtract as wall-clock times, an hour out on the nights the
clocks change).

What counts as worked: a duty, and a course, court or other day with hours (worked, though
not for the team). A worked span belongs to the local day it starts on, for the rules that
count days (rest days, days in a row, weekends) and for the weekly figures (a Sunday night
duty's hours are its week's, as the week's own rules count them).

It never stops at the first problem: every broken rule is reported as a sentence a sergeant
can act on, naming the person, the dates and the figures to fix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from scheduler.checker import wording
from scheduler.roster.output import Roster, RosterDay
from scheduler.roster.period import ABSENCE_CODES, RosterAbsence, RosterCarry, RosterPeriod
from scheduler.scenario import (
    WEEKDAYS,
    DutyTemplate,
    Role,
    Scenario,
    Staff,
    clock_minutes,
    in_pcso_window,
)

__all__ = ["RULES", "RosterRule", "RosterViolation", "check_roster"]

# Hours are compared with this slack so that float sums such as 3 x 2.6666 h pass.
TOLERANCE = 1e-6
ABSENT_KINDS = ("leave", "course", "court", "other")
NOUNS = {"leave": "leave", "course": "course", "court": "court date", "other": "absence"}
DAY_NOUNS = {**NOUNS, "rest": "rest day", "duty": "duty"}
KIND_WORDS = {
    "leave": "leave",
    "course": "a course",
    "court": "a court date",
    "other": "an absence",
    "rest": "a rest day",
}
LISTED = 6  # dates named in one sentence before "and n more"


class RosterRule(StrEnum):
    """A hard rule of the roster, in the order the checker checks them."""

    REFERENCE = "reference"
    TEMPLATE = "template"
    DUTY_LENGTH = "duty_length"
    BREAK = "break"
    ABSENCE = "absence"
    DAILY_REST = "daily_rest"
    WEEKLY_REST = "weekly_rest"
    REST_DAYS = "rest_days"
    CONSECUTIVE_DAYS = "consecutive_days"
    WEEKLY_HOURS = "weekly_hours"
    NIGHT_WORK = "night_work"
    AVERAGE_HOURS = "average_hours"
    CONTRACT = "contract"
    WEEKENDS = "weekends"


@dataclass(frozen=True)
class RosterViolation:
    """One broken hard rule of the roster, in the sergeant's words."""

    rule: str  # a RosterRule
    staff: str | None  # the staff member it concerns, if it concerns one
    message: str


@dataclass(frozen=True)
class Span:
    """A worked stretch of a known person: a duty, or a course or court day with hours."""

    entry: RosterDay
    day: date  # the local day it starts on
    start: datetime  # UTC
    end: datetime  # UTC
    template: DutyTemplate | None  # a duty's

    @property
    def hours(self) -> float:
        return _hours(self.end - self.start)

    @property
    def noun(self) -> str:
        """'Late', 'course'."""
        if self.template is not None:
            return self.template.name
        return NOUNS.get(self.entry.kind, self.entry.kind)

    @property
    def name(self) -> str:
        """'the Late', 'the course'."""
        return f"the {self.noun}"


@dataclass(frozen=True)
class Week:
    monday: date
    start: datetime  # UTC: Monday 00:00 local
    end: datetime  # UTC: the next Monday 00:00 local

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def next_monday(self) -> date:
        return self.monday + timedelta(days=7)


@dataclass
class Reading:
    """The roster read against the team and the period: lookups and UTC instants."""

    team: Scenario
    period: RosterPeriod
    roster: Roster
    zone: ZoneInfo
    people: dict[str, Staff]
    templates: dict[str, DutyTemplate]
    carry: dict[str, RosterCarry]
    weeks: list[Week]
    entries: dict[str, dict[date, list[RosterDay]]]  # known staff, days of the period
    spans: dict[str, list[Span]]  # known staff: worked spans, by start

    @classmethod
    def of(cls, team: Scenario, period: RosterPeriod, roster: Roster) -> Reading:
        zone = ZoneInfo(team.team.timezone)
        reading = cls(
            team=team,
            period=period,
            roster=roster,
            zone=zone,
            people={person.id: person for person in team.staff},
            templates={template.id: template for template in team.duty_templates},
            carry={carry.staff: carry for carry in period.carry},
            weeks=[],
            entries=defaultdict(lambda: defaultdict(list)),
            spans=defaultdict(list),
        )
        for monday in period.mondays():
            reading.weeks.append(
                Week(
                    monday,
                    reading.instant(monday, "00:00"),
                    reading.instant(monday + timedelta(days=7), "00:00"),
                )
            )
        for entry in roster.days:
            if entry.staff not in reading.people or not period.start <= entry.day < period.end:
                continue  # `reference` says so; no other rule can read it
            reading.entries[entry.staff][entry.day].append(entry)
            span = reading._span(entry)
            if span is not None:
                reading.spans[entry.staff].append(span)
        for spans in reading.spans.values():
            spans.sort(key=lambda span: (span.start, span.end))
        return reading

    def _span(self, entry: RosterDay) -> Span | None:
        """The worked span of a day, if it is one the rules can read."""
        if entry.kind in ("rest", "leave") or entry.start is None or entry.end is None:
            return None
        template = None
        if entry.kind == "duty":
            template = self.templates.get(entry.template or "")
            if template is None:
                return None
        start, end = entry.start.astimezone(UTC), entry.end.astimezone(UTC)
        if end <= start:
            return None
        return Span(entry, start.astimezone(self.zone).date(), start, end, template)

    # Instants and their wording.
    def instant(self, day: date, clock: str) -> datetime:
        """A local clock time ("24:00" is the next midnight) on `day`, as a UTC instant.

        A time in the March gap is read with the offset before the gap (fold=0), so it lands
        an hour later by the new clock; an October repeated time is its first occurrence."""
        minutes = clock_minutes(clock)
        day += timedelta(days=minutes // 1440)
        minutes %= 1440
        wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return wall.astimezone(UTC)

    def interval(self, day: date, start: str, end: str) -> tuple[datetime, datetime]:
        """Clock times from `day` on as UTC instants; an end at or before the start is on
        the next day."""
        end_day = day + timedelta(days=1) if clock_minutes(end) <= clock_minutes(start) else day
        return self.instant(day, start), self.instant(end_day, end)

    def utc(self, instant: datetime) -> datetime:
        """An aware UTC instant; a naive one is the team's local time."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=self.zone)
        return instant.astimezone(UTC)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(UTC).astimezone(self.zone)

    def when(self, instant: datetime) -> str:
        """'Tue 05 Jan 23:00' (with 'BST' or 'GMT' when the clock shows that time twice)."""
        shown = self.local(instant)
        return f"{wording.date(shown.date())} {self._clock(shown)}"

    def _clock(self, shown: datetime) -> str:
        twice = shown.replace(fold=1 - shown.fold).utcoffset() != shown.utcoffset()
        return f"{shown:%H:%M}" + (f" {shown.tzname()}" if twice else "")

    def stretch(self, start: datetime, end: datetime) -> str:
        """'Tue 05 Jan 07:00-15:00', or 'Tue 05 Jan 22:00-Wed 06 Jan 06:00'."""
        first, last = self.local(start), self.local(end)
        if first.date() == last.date():
            return f"{self.when(start)}-{self._clock(last)}"
        return f"{self.when(start)}-{self.when(end)}"

    def week_words(self, week: Week) -> str:
        return f"the week of {wording.date(week.monday)}"

    def spans_in(self, staff: str, week: Week) -> list[Span]:
        """The person's spans starting on the week's days."""
        return [s for s in self.spans.get(staff, []) if week.monday <= s.day < week.next_monday]

    def whole_days_away(self, staff: str) -> set[date]:
        """Days of the period booked away without hours (leave, a day not available)."""
        return {
            day
            for absence in self.period.absences
            if absence.staff == staff and not absence.worked
            for day in absence.days
            if self.period.start <= day < self.period.end
        }


# Wording.
def who(person: Staff) -> str:
    """'PC Ann Shah'; a name that already starts with the rank keeps it."""
    return wording.who(person).removesuffix(f" ({person.id})")


def _hours(span: timedelta) -> float:
    return span.total_seconds() / 3600


def length(hours: float) -> str:
    """9.5 -> '9 h 30 min', 11 -> '11 h', 0.75 -> '45 min'."""
    minutes = round(hours * 60)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    whole, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{sign}{whole} h"
    return f"{sign}{whole} h {rest} min" if whole else f"{sign}{rest} min"


def h(value: float) -> str:
    """A policy figure: '11 h', '37.5 h'."""
    return f"{wording.number(value)} h"


def dates(days: Iterable[date]) -> str:
    listed = [wording.date(day) for day in sorted(days)]
    if len(listed) > LISTED:
        return f"{', '.join(listed[:LISTED])} and {len(listed) - LISTED} more"
    return ", ".join(listed)


def what(entry: RosterDay, templates: dict[str, DutyTemplate]) -> str:
    """What a day shows: 'the Early', 'a rest day', 'leave'."""
    if entry.kind == "duty":
        template = templates.get(entry.template or "")
        return f"the {template.name}" if template is not None else "a duty"
    return KIND_WORDS.get(entry.kind, entry.kind)


def noun(entry: RosterDay, templates: dict[str, DutyTemplate]) -> str:
    """A day after a possessive: "Ann's Early", "Ann's rest day"."""
    template = templates.get(entry.template or "") if entry.kind == "duty" else None
    return template.name if template is not None else DAY_NOUNS.get(entry.kind, entry.kind)


# The rules.
def reference(r: Reading) -> list[RosterViolation]:
    """Rule `reference`: the roster is for this team and period, names only known people
    and templates, and gives every person exactly one well-formed day for every day."""
    found: list[RosterViolation] = []

    def say(staff: str | None, message: str) -> None:
        found.append(RosterViolation(RosterRule.REFERENCE, staff, message))

    team, period, roster = r.team, r.period, r.roster
    if roster.team != team.team.id:
        say(None, f"The roster is for team {roster.team!r} but the team is {team.team.id!r}.")
    if (roster.start, roster.weeks) != (period.start, period.weeks):
        say(
            None,
            f"The roster covers {roster.weeks} weeks from {wording.date(roster.start)} but the "
            f"period is {period.weeks} weeks from {wording.date(period.start)}.",
        )
    unknown: dict[str, int] = defaultdict(int)
    for entry in roster.days:
        if entry.staff not in r.people:
            unknown[entry.staff] += 1
    for staff, count in unknown.items():
        say(
            staff,
            f"The roster has {count} day{'s' * (count != 1)} for {staff!r}, who is not a "
            "member of the team.",
        )
    for kind, items in (("absence", period.absences), ("carry", period.carry)):
        for staff in dict.fromkeys(item.staff for item in items):
            if staff not in r.people:
                words = "books an absence" if kind == "absence" else "carries hours in"
                say(staff, f"The period {words} for {staff!r}, who is not a member of the team.")
    last = period.end - timedelta(days=1)
    for person in team.staff:
        mine = [entry for entry in roster.days if entry.staff == person.id]
        outside = sorted({e.day for e in mine if not period.start <= e.day < period.end})
        if outside:
            say(
                person.id,
                f"The roster gives {who(person)} {dates(outside)}, outside the period "
                f"({wording.date(period.start)} to {wording.date(last)}).",
            )
        entries = r.entries.get(person.id, {})
        missing = [day for day in period.days if not entries.get(day)]
        if len(missing) == len(period.days):
            say(
                person.id,
                f"{who(person)} is not on the roster: every day of the period needs a duty, "
                "a rest day or an absence.",
            )
        elif missing:
            say(
                person.id,
                f"{who(person)} has nothing on {dates(missing)}; every day of the period needs "
                "a duty, a rest day or an absence.",
            )
        for day, day_entries in sorted(entries.items()):
            if len(day_entries) > 1:
                shown = ", ".join(what(e, r.templates) for e in day_entries)
                say(
                    person.id,
                    f"{who(person)} has {len(day_entries)} entries on {wording.date(day)} "
                    f"({shown}); each day has exactly one.",
                )
            for entry in day_entries:
                for problem in _day_problems(r, entry):
                    say(person.id, f"{who(person)}'s {problem}.")
    return found


def _day_problems(r: Reading, entry: RosterDay) -> list[str]:
    """What is wrong with one day's form (not its times: `template` and `absence`)."""
    on = wording.date(entry.day)
    problems: list[str] = []
    has_hours = entry.start is not None or entry.end is not None
    if entry.kind == "duty":
        if entry.template is None:
            problems.append(f"duty on {on} names no template")
        elif entry.template not in r.templates:
            problems.append(
                f"duty on {on} uses template {entry.template!r}, which the team does not define"
            )
        if entry.start is None or entry.end is None:
            problems.append(f"duty on {on} has no start and end")
    else:
        kind = noun(entry, r.templates)
        if entry.template is not None:
            problems.append(f"{kind} on {on} names template {entry.template!r}; only a duty does")
        if entry.kind in ("rest", "leave") and has_hours:
            problems.append(f"{kind} on {on} has hours; {what(entry, r.templates)} has none")
        elif (entry.start is None) != (entry.end is None):
            problems.append(f"{kind} on {on} gives only one of its start and end")
    if entry.start is not None and entry.end is not None and entry.end <= entry.start:
        problems.append(
            f"{noun(entry, r.templates)} on {on} ends ({r.when(entry.end)}) before it starts "
            f"({r.when(entry.start)})"
        )
    code = entry.template if entry.kind == "duty" else ABSENCE_CODES.get(entry.kind, "R")
    if code is not None and entry.code != code:
        problems.append(
            f"{noun(entry, r.templates)} on {on} shows {entry.code!r} on the grid, not {code!r}"
        )
    return problems


def template(r: Reading) -> list[RosterViolation]:
    """Rule `template`: a duty runs at its template's clock times on its local day; the
    person may work the template (role, own templates, arranged ones); a PCSO's template
    lies in the PCSO window; a part-timer works on their working days only."""
    policy = r.team.policy
    found: list[RosterViolation] = []
    for staff, spans in r.spans.items():
        person = r.people[staff]

        def say(message: str, staff: str = staff) -> None:
            found.append(RosterViolation(RosterRule.TEMPLATE, staff, message))

        for span in spans:
            t = span.template
            if t is None:
                continue
            on = wording.date(span.entry.day)
            duty = f"{who(person)}'s {t.name} on {on}"
            may_not = f"{who(person)} may not work the {t.name} on {on}"
            start, end = r.interval(span.entry.day, t.start, t.end)
            if (span.start, span.end) != (start, end):
                say(
                    f"{duty} runs {r.stretch(span.start, span.end)}, but the {t.name} runs "
                    f"{r.stretch(start, end)} that day."
                )
            if not t.worked_by(person):
                say(f"{may_not}: {_why_not(t, person)}.")
            if person.role is Role.PCSO and not in_pcso_window(t, policy):
                say(
                    f"{may_not}: it runs {t.start}-{t.end}, outside the PCSO working window "
                    f"{policy.pcso_window_start}-{policy.pcso_window_end}."
                )
            weekday = WEEKDAYS[span.entry.day.weekday()]
            if person.working_days is not None and weekday not in person.working_days:
                days = ", ".join(day.capitalize() for day in person.working_days)
                say(f"{duty} falls outside their working days ({days}).")
    return found


def _why_not(t: DutyTemplate, person: Staff) -> str:
    if t.roles is not None and person.role not in t.roles:
        roles = " and ".join(role.value for role in t.roles) or "no one"
        return f"it is open only to {roles}"
    if person.templates is not None:
        return f"it is not one of the templates they work ({', '.join(person.templates)})"
    return "it is worked only by arrangement (by staff who list it in their templates)"


def duty_length(r: Reading) -> list[RosterViolation]:
    """Rule `duty_length`: a duty lasts, in real time, at most `max_duty_hours` and at most
    24 h less `min_rest_hours` (on a clock-change night a template can run long)."""
    limit = r.team.policy.duty_hours_limit
    return [
        RosterViolation(
            RosterRule.DUTY_LENGTH,
            staff,
            f"{who(r.people[staff])}'s {span.template.name} on {wording.date(span.entry.day)} "
            f"lasts {length(span.hours)} ({r.stretch(span.start, span.end)}); a duty may last "
            f"at most {h(limit)}.",
        )
        for staff, spans in r.spans.items()
        for span in spans
        if span.template is not None and span.hours > limit + TOLERANCE
    ]


def break_(r: Reading) -> list[RosterViolation]:
    """Rule `break`: a duty over `break_after_hours` (real time) has a long enough break."""
    policy = r.team.policy
    return [
        RosterViolation(
            RosterRule.BREAK,
            staff,
            f"{who(r.people[staff])}'s {span.template.name} on {wording.date(span.entry.day)} "
            f"lasts {length(span.hours)} with a {span.template.break_minutes}-minute break; a "
            f"duty over {h(policy.break_after_hours)} needs at least "
            f"{policy.min_break_minutes} minutes.",
        )
        for staff, spans in r.spans.items()
        for span in spans
        if span.template is not None
        and span.hours > policy.break_after_hours + TOLERANCE
        and span.template.break_minutes < policy.min_break_minutes
    ]


def absence(r: Reading) -> list[RosterViolation]:
    """Rule `absence`: each booked day away shows as its kind (with its booked hours, if
    any) and nothing else; no worked span runs into a whole day away; nobody is shown away
    on a day nothing is booked; no tour overlaps what the team's file makes its people
    unavailable for."""
    found: list[RosterViolation] = []
    booked: dict[tuple[str, date], list[RosterAbsence]] = defaultdict(list)
    for away in r.period.absences:
        for day in away.days:
            if r.period.start <= day < r.period.end:
                booked[away.staff, day].append(away)
    for (staff, day), aways in sorted(booked.items()):
        person = r.people.get(staff)
        if person is None:
            continue
        on = wording.date(day)
        for entry in r.entries.get(staff, {}).get(day, []):
            if all(entry.kind != away.kind for away in aways):
                away = aways[0]
                reason = f" ({away.reason})" if away.reason else ""
                found.append(
                    RosterViolation(
                        RosterRule.ABSENCE,
                        staff,
                        f"{who(person)} is booked on {KIND_WORDS[away.kind]}{reason} on {on}, "
                        f"but the roster shows {what(entry, r.templates)}.",
                    )
                )
                continue
            away = next(away for away in aways if away.kind == entry.kind)
            message = _absence_hours(r, away, entry)
            if message:
                found.append(
                    RosterViolation(RosterRule.ABSENCE, staff, f"{who(person)}'s {message}")
                )
    for staff, entries in r.entries.items():
        person = r.people[staff]
        for day, day_entries in sorted(entries.items()):
            for entry in day_entries:
                if entry.kind in ABSENT_KINDS and all(
                    away.kind != entry.kind for away in booked.get((staff, day), [])
                ):
                    found.append(
                        RosterViolation(
                            RosterRule.ABSENCE,
                            staff,
                            f"{who(person)} is shown on {KIND_WORDS[entry.kind]} on "
                            f"{wording.date(day)}, but none is booked that day.",
                        )
                    )
        for day in sorted(r.whole_days_away(staff)):
            begins, ends = r.instant(day, "00:00"), r.instant(day + timedelta(days=1), "00:00")
            for span in r.spans.get(staff, []):
                if span.entry.day != day and span.start < ends and begins < span.end:
                    kind = next(a.kind for a in booked[staff, day] if not a.worked)
                    found.append(
                        RosterViolation(
                            RosterRule.ABSENCE,
                            staff,
                            f"{who(person)}'s {span.noun} {r.stretch(span.start, span.end)} "
                            f"runs into their {NOUNS[kind]} on "
                            f"{wording.date(day)}; the whole day is booked away.",
                        )
                    )
    # What the team's own file books (its people's unavailability), wherever it falls
    for person in r.team.staff:
        for gap in person.unavailable:
            begins, ends = r.utc(gap.start), r.utc(gap.end)
            for span in r.spans.get(person.id, []):
                if span.start < ends and begins < span.end and span.template is not None:
                    found.append(
                        RosterViolation(
                            RosterRule.ABSENCE,
                            person.id,
                            f"{who(person)}'s {span.noun} {r.stretch(span.start, span.end)} "
                            f"overlaps their {gap.reason} ({r.stretch(begins, ends)}), "
                            "booked in the team's week.",
                        )
                    )
    return found


def _absence_hours(r: Reading, away: RosterAbsence, entry: RosterDay) -> str | None:
    words = NOUNS[away.kind]
    on = wording.date(entry.day)
    if away.start is None or away.end is None:
        if entry.start is not None and entry.end is not None:
            return (
                f"{words} on {on} has hours ({r.stretch(entry.start, entry.end)}), but it is "
                "booked as a whole day away."
            )
        return None
    start, end = r.interval(entry.day, away.start, away.end)
    if entry.start is None or entry.end is None:
        return f"{words} on {on} has no hours, but it is booked {r.stretch(start, end)}."
    if (entry.start.astimezone(UTC), entry.end.astimezone(UTC)) != (start, end):
        return (
            f"{words} on {on} runs {r.stretch(entry.start, entry.end)}, but it is booked "
            f"{r.stretch(start, end)}."
        )
    return None


def daily_rest(r: Reading) -> list[RosterViolation]:
    """Rule `daily_rest`: at least `min_rest_hours` between one worked span's end and the
    next one's start, and after the last duty before the roster."""
    minimum = r.team.policy.min_rest_hours
    found: list[RosterViolation] = []
    for staff, spans in r.spans.items():
        person = r.people[staff]
        carry = r.carry.get(staff)
        before: tuple[str, datetime] | None = None  # what ended last so far, and when
        if carry is not None and carry.last_duty_end is not None:
            before = ("the last duty before the roster", r.utc(carry.last_duty_end))
        for span in spans:
            if before is not None:
                ended, end = before
                rest = _hours(span.start - end)
                starts = f"{span.noun} on {r.when(span.start)}"
                if rest < 0:
                    found.append(
                        RosterViolation(
                            RosterRule.DAILY_REST,
                            staff,
                            f"{who(person)}'s {starts} starts before {ended} ending "
                            f"{r.when(end)} has ended; at least {h(minimum)} are needed "
                            "between them.",
                        )
                    )
                elif rest < minimum - TOLERANCE:
                    found.append(
                        RosterViolation(
                            RosterRule.DAILY_REST,
                            staff,
                            f"{who(person)} has {length(rest)} between {ended} ending "
                            f"{r.when(end)} and the {starts}; at least {h(minimum)} are needed.",
                        )
                    )
            if before is None or span.end > before[1]:
                before = (span.name, span.end)
    return found


def weekly_rest(r: Reading) -> list[RosterViolation]:
    """Rule `weekly_rest`: in every calendar week (Monday 00:00 to Monday 00:00 local), a
    stretch of `weekly_rest_hours` inside the week with no worked span."""
    needed = r.team.policy.weekly_rest_hours
    found: list[RosterViolation] = []
    for person in r.team.staff:
        spans = r.spans.get(person.id, [])
        carry = r.carry.get(person.id)
        carried = (
            r.utc(carry.last_duty_end)
            if carry is not None and carry.last_duty_end is not None
            else None
        )
        for week in r.weeks:
            free_from = week.start if carried is None else max(week.start, carried)
            best = (free_from, free_from)
            for span in spans:
                if span.end <= week.start:
                    continue
                if span.start >= week.end:
                    break
                if span.start - free_from > best[1] - best[0]:
                    best = (free_from, span.start)
                free_from = max(free_from, span.end)
            if free_from < week.end and week.end - free_from > best[1] - best[0]:
                best = (free_from, week.end)
            longest = _hours(best[1] - best[0])
            if longest < needed - TOLERANCE:
                where = f", {r.stretch(*best)}" if longest > 0 else ""
                found.append(
                    RosterViolation(
                        RosterRule.WEEKLY_REST,
                        person.id,
                        f"{who(person)}'s longest time off in {r.week_words(week)} "
                        f"({r.when(week.start)} to {r.when(week.end)}) is {length(longest)}"
                        f"{where}; at least {h(needed)} in one stretch are needed.",
                    )
                )
    return found


def _days_worked(r: Reading, staff: str) -> set[date]:
    return {span.day for span in r.spans.get(staff, [])}


def rest_days(r: Reading) -> list[RosterViolation]:
    """Rule `rest_days`: in each calendar week, at least `min_rest_days` days on which no
    worked span starts."""
    needed = r.team.policy.min_rest_days
    found: list[RosterViolation] = []
    for person in r.team.staff:
        worked = _days_worked(r, person.id)
        for week in r.weeks:
            free = [day for day in week.days if day not in worked]
            if len(free) < needed:
                shown = f": {dates(free)}" if free else ""
                found.append(
                    RosterViolation(
                        RosterRule.REST_DAYS,
                        person.id,
                        f"{who(person)} has {len(free)} rest day{'s' * (len(free) != 1)} in "
                        f"{r.week_words(week)}{shown}; at least {needed} are needed.",
                    )
                )
    return found


def consecutive_days(r: Reading) -> list[RosterViolation]:
    """Rule `consecutive_days`: no run of more than `max_consecutive_days` days worked, the
    days worked in a row before the roster counting."""
    most = r.team.policy.max_consecutive_days
    found: list[RosterViolation] = []
    for person in r.team.staff:
        worked = _days_worked(r, person.id)
        carry = r.carry.get(person.id)
        carried = carry.days_worked_in_a_row if carry is not None else 0
        runs: list[tuple[date, date, int, int]] = []  # first, last, length, carried
        first: date | None = None
        count = carried
        for day in r.period.days:
            if day in worked:
                first = first or day
                count += 1
                continue
            if first is not None:
                runs.append((first, day - timedelta(days=1), count, carried))
            first, count, carried = None, 0, 0
        if first is not None:
            runs.append((first, r.period.days[-1], count, carried))
        for first, last, count, before in runs:
            if count > most:
                earlier = f", after {before} before the roster" if before else ""
                found.append(
                    RosterViolation(
                        RosterRule.CONSECUTIVE_DAYS,
                        person.id,
                        f"{who(person)} works {count} days in a row, {wording.date(first)} to "
                        f"{wording.date(last)}{earlier}; at most {most} are allowed.",
                    )
                )
    return found


def _week_hours(r: Reading, staff: str) -> list[float]:
    """Hours worked in each week of the period (real time, by the day a span starts)."""
    hours = [0.0] * len(r.weeks)
    for span in r.spans.get(staff, []):
        index = (span.day - r.period.start).days // 7
        if 0 <= index < len(hours):
            hours[index] += span.hours
    return hours


def weekly_hours(r: Reading) -> list[RosterViolation]:
    """Rule `weekly_hours`: each week's hours at most the contract plus overtime, and at
    most `max_weekly_hours`."""
    policy = r.team.policy
    found: list[RosterViolation] = []
    for person in r.team.staff:
        limit = min(policy.max_weekly_hours, person.contracted_hours + policy.max_overtime_hours)
        for week, worked in zip(r.weeks, _week_hours(r, person.id), strict=True):
            if worked > limit + TOLERANCE:
                found.append(
                    RosterViolation(
                        RosterRule.WEEKLY_HOURS,
                        person.id,
                        f"{who(person)} works {length(worked)} in {r.week_words(week)}, "
                        f"{length(worked - limit)} over the limit of {h(limit)} "
                        f"({h(person.contracted_hours)} contract + "
                        f"{h(policy.max_overtime_hours)} overtime, at most "
                        f"{h(policy.max_weekly_hours)}).",
                    )
                )
    return found


def night_hours(r: Reading, span: Span) -> float:
    """Real hours of the span inside the nightly window, over every night it touches."""
    policy = r.team.policy
    first = r.local(span.start).date() - timedelta(days=1)
    last = r.local(span.end).date()
    total = 0.0
    for offset in range((last - first).days + 1):
        opens, closes = r.interval(
            first + timedelta(days=offset), policy.night_start, policy.night_end
        )
        total += max(0.0, _hours(min(closes, span.end) - max(opens, span.start)))
    return total


def night_work(r: Reading) -> list[RosterViolation]:
    """Rule `night_work`: in a week a person works a night duty (at least `night_min_hours`
    of night time), they work at most `night_work_cap_hours` in all."""
    policy = r.team.policy
    cap = policy.night_work_cap_hours
    found: list[RosterViolation] = []
    for person in r.team.staff:
        hours = _week_hours(r, person.id)
        for week, worked in zip(r.weeks, hours, strict=True):
            if worked <= cap + TOLERANCE:
                continue
            nights = [
                (span, night)
                for span in r.spans_in(person.id, week)
                if span.template is not None
                and (night := night_hours(r, span)) >= policy.night_min_hours - TOLERANCE
            ]
            if nights:
                span, night = nights[0]
                found.append(
                    RosterViolation(
                        RosterRule.NIGHT_WORK,
                        person.id,
                        f"{who(person)} works nights in {r.week_words(week)} ({span.name} on "
                        f"{wording.date(span.entry.day)} has {length(night)} of night time) and "
                        f"{length(worked)} in the week, {length(worked - cap)} over the "
                        f"{h(cap)} a night worker may work.",
                    )
                )
    return found


def average_hours(r: Reading) -> list[RosterViolation]:
    """Rule `average_hours`: over every run of `reference_weeks` weeks ending in a week of
    the period, the weekly hours average at most `max_weekly_hours`; the weeks before the
    period are carried in (a week not given counts as the contract's hours). Not for a
    person who has opted out."""
    policy, length_weeks = r.team.policy, r.period.rules.reference_weeks
    found: list[RosterViolation] = []
    for person in r.team.staff:
        carry = r.carry.get(person.id)
        if carry is not None and carry.opted_out:
            continue
        history = list(carry.weekly_hours) if carry is not None else []
        hours = _week_hours(r, person.id)
        for last in range(len(r.weeks)):
            first = last - length_weeks + 1
            before = max(0, -first)
            given = history[len(history) - before :] if before else []
            earlier = [person.contracted_hours] * (before - len(given)) + given
            inside = hours[max(0, first) : last + 1]
            total = sum(earlier) + sum(inside)
            allowed = policy.max_weekly_hours * length_weeks
            if total > allowed + TOLERANCE:
                sunday = r.weeks[last].monday + timedelta(days=6)
                carried = (
                    f"{length(sum(earlier))} in the {before} week{'s' * (before != 1)} before "
                    f"the roster and "
                    if before
                    else ""
                )
                found.append(
                    RosterViolation(
                        RosterRule.AVERAGE_HOURS,
                        person.id,
                        f"{who(person)} averages {length(total / length_weeks)} a week over the "
                        f"{length_weeks} weeks to {wording.date(sunday)} ({carried}"
                        f"{length(sum(inside))} in the roster's weeks from "
                        f"{wording.date(r.weeks[max(0, first)].monday)}); the average may be at "
                        f"most {h(policy.max_weekly_hours)}, so {length(total - allowed)} too "
                        "many.",
                    )
                )
    return found


def contract(r: Reading) -> list[RosterViolation]:
    """Rule `contract`: hours over the period at most the contract over the period (a
    seventh of the weekly hours for each day not booked away) plus the tolerance."""
    tolerance = r.period.rules.contract_tolerance_hours
    found: list[RosterViolation] = []
    for person in r.team.staff:
        away = len(r.whole_days_away(person.id))
        days = len(r.period.days) - away
        target = person.contracted_hours * days / 7
        worked = sum(span.hours for span in r.spans.get(person.id, []))
        if worked > target + tolerance + TOLERANCE:
            off = f", less {away} day{'s' * (away != 1)} booked away" if away else ""
            found.append(
                RosterViolation(
                    RosterRule.CONTRACT,
                    person.id,
                    f"{who(person)} works {length(worked)} over the roster; their contract asks "
                    f"{length(target)} ({h(person.contracted_hours)} a week over "
                    f"{len(r.period.days)} days{off}) and at most {h(tolerance)} more is "
                    f"allowed, so {length(worked - target - tolerance)} too many.",
                )
            )
    return found


def weekends(r: Reading) -> list[RosterViolation]:
    """Rule `weekends`: in every run of `weekends_off_in` weekends ending in the period, one
    with no worked span starting on its Saturday or Sunday; the weekends just before the
    period count as the carry-in gives them (`weekends_worked`, the most recent last; one
    not given as off)."""
    every = r.period.rules.weekends_off_in
    if every <= 0:
        return []
    found: list[RosterViolation] = []
    for person in r.team.staff:
        worked = _days_worked(r, person.id)
        carry = r.carry.get(person.id)
        # getattr: the carry's weekends are newer than the rest of it
        history = list(getattr(carry, "weekends_worked", []) or []) if carry else []
        history = history[-(every - 1) :] if every > 1 else []
        # each weekend: its Saturday, and the days of it worked (a carried one: True or [])
        weekends: list[tuple[date, list[date] | bool]] = [
            (r.period.start - timedelta(days=2 + 7 * (len(history) - 1 - n)), bool(before))
            for n, before in enumerate(history)
        ]
        for week in r.weeks:
            saturday = week.monday + timedelta(days=5)
            on = [day for day in (saturday, saturday + timedelta(days=1)) if day in worked]
            weekends.append((saturday, on))
        # at most every - 1 carried: each run holds a weekend of the period
        for first in range(len(weekends) - every + 1):
            run = weekends[first : first + every]
            if not all(days for _, days in run):
                continue
            carried = sum(1 for _, days in run if days is True)
            shown = [day for _, days in run if isinstance(days, list) for day in days]
            before = (
                f"{carried} weekend{'s' * (carried != 1)} before the roster, then "
                if carried
                else ""
            )
            found.append(
                RosterViolation(
                    RosterRule.WEEKENDS,
                    person.id,
                    f"{who(person)} works each of the {every} weekends from "
                    f"{wording.date(run[0][0])} to {wording.date(run[-1][0] + timedelta(days=1))} "
                    f"({before}on {dates(shown)}); at least one full weekend off in every "
                    f"{every} is needed.",
                )
            )
    return found


Check = Callable[[Reading], list[RosterViolation]]

# Each rule's check, in the order they run (and so the order of the violations).
RULES: dict[RosterRule, Check] = {
    RosterRule.REFERENCE: reference,
    RosterRule.TEMPLATE: template,
    RosterRule.DUTY_LENGTH: duty_length,
    RosterRule.BREAK: break_,
    RosterRule.ABSENCE: absence,
    RosterRule.DAILY_REST: daily_rest,
    RosterRule.WEEKLY_REST: weekly_rest,
    RosterRule.REST_DAYS: rest_days,
    RosterRule.CONSECUTIVE_DAYS: consecutive_days,
    RosterRule.WEEKLY_HOURS: weekly_hours,
    RosterRule.NIGHT_WORK: night_work,
    RosterRule.AVERAGE_HOURS: average_hours,
    RosterRule.CONTRACT: contract,
    RosterRule.WEEKENDS: weekends,
}


def check_roster(team: Scenario, period: RosterPeriod, roster: Roster) -> list[RosterViolation]:
    """Every hard-rule violation of `roster` for `team` over `period`; empty when lawful.
    What the team's week carries in counts as the period's carry, as the roster has it."""
    reading = Reading.of(team, period.with_team_carry(team), roster)
    return [violation for rule in RULES.values() for violation in rule(reading)]
