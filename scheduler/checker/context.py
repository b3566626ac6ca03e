"""What every rule check reads: the rota's duties and activities as UTC instants.

`Context.of(scenario, rota)` reads only the raw fields of the input and output models and
recomputes every instant itself with `zoneinfo`, so a bug in the solver or in the time
helpers it shares with the rota builder shows up as a violation rather than being
repeated.

Instants are compared and subtracted in UTC only: Python subtracts two datetimes that
share a `ZoneInfo` as wall-clock times, which would make an October night duty an hour
too short.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.codes import RuleCode
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import DutyTemplate, EngagementEvent, Scenario, Staff, Ward

# Hours are compared with this slack so that float sums such as 3 x 2.6666 h pass.
TOLERANCE = 1e-6
HOUR = timedelta(hours=1)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, in the sergeant's words."""

    rule: RuleCode  # the rule's code in docs/rules.md, e.g. RuleCode.DAILY_REST
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
        return in_hours(self.end - self.start)


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

    @classmethod
    def of(cls, scenario: Scenario, rota: Rota) -> Context:
        """The context of checking `rota` against `scenario`."""
        zone = ZoneInfo(scenario.team.timezone)
        start_wall = datetime.combine(scenario.week_start, time(0), tzinfo=zone)
        end_wall = datetime.combine(scenario.week_start + timedelta(days=7), time(0), tzinfo=zone)
        context = cls(
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
        # Duties naming an unknown person or template are reported by the `reference`
        # check and left out of every other rule, which could not interpret them.
        for duty in rota.duties:
            template = context.templates.get(duty.template)
            if duty.staff not in context.people or template is None:
                continue
            shift = Shift(duty, template, context.utc(duty.start), context.utc(duty.end))
            context.shifts[duty.staff].append(shift)
            for activity in duty.activities:
                visit = Visit(
                    activity,
                    duty.staff,
                    shift,
                    context.utc(activity.start),
                    context.utc(activity.end),
                )
                context.visits[duty.staff].append(visit)
        for shifts in context.shifts.values():
            shifts.sort(key=lambda shift: shift.start)
        for visits in context.visits.values():
            visits.sort(key=lambda visit: visit.start)
        return context

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
        start_minutes, end_minutes = clock_minutes(start), clock_minutes(end)
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


def clock_minutes(clock: str) -> int:
    """Minutes after local midnight of an "HH:MM" clock time ("24:00" is 1440)."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def in_hours(span: timedelta) -> float:
    return span.total_seconds() / 3600
