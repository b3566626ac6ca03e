"""What a sergeant gives to plan a roster: the period, and what is already known about it.

The team itself (people, duty templates, wards and their demand, the policy) is the week's
`Scenario`, unchanged; a `RosterPeriod` adds the months ahead: the first Monday and the
number of weeks (4 to 26, 13 by default: Police Regulations reg 22 asks three months),
booked leave, courses and court dates, dated demand exceptions (a festival weekend), the
events already planned (ward panels are set months ahead), the team's minimum cover, the
hours each person worked before the period (for the 17-week average), and requests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator, model_validator

from scheduler.scenario import (
    ALL_DAYS,
    ClockTime,
    EngagementEvent,
    Id,
    Scenario,
    Strict,
    Surge,
    Text,
    Weekday,
    clock_minutes,
    parse_clock,
)

AbsenceKind = Literal["leave", "course", "court", "other"]
ABSENCE_CODES: dict[str, str] = {"leave": "AL", "course": "TRG", "court": "CRT", "other": "ABS"}


class RosterAbsence(Strict):
    """Booked days away: annual leave (the days are not worked), or a course or court date
    (worked elsewhere: with `start` and `end` its hours count towards the working-time
    rules and the contract; without, the day is simply not available)."""

    staff: Id
    first: date
    last: date | None = Field(None, description="the last day away; the first day if omitted")
    kind: AbsenceKind = "leave"
    start: ClockTime | None = Field(None, description="a course or court day's start")
    end: ClockTime | None = Field(None, description="a course or court day's end")
    reason: Text | None = None

    @model_validator(mode="after")
    def _sane(self) -> RosterAbsence:
        if self.last is not None and self.last < self.first:
            raise ValueError(
                f"the absence of {self.staff!r} ends ({self.last}) before it starts "
                f"({self.first}); give the last day on or after the first"
            )
        if (self.start is None) != (self.end is None):
            raise ValueError(
                f"the {self.kind} of {self.staff!r} gives only one of start and end; give "
                "both (the hours worked that day) or neither"
            )
        if self.start is not None:
            if self.kind == "leave":
                raise ValueError(
                    f"leave of {self.staff!r} has hours; leave is a whole day not worked, "
                    "so leave out start and end (or use kind course, court or other)"
                )
            assert self.end is not None
            if clock_minutes(self.end) <= clock_minutes(self.start):
                raise ValueError(
                    f"the {self.kind} of {self.staff!r} runs {self.start}-{self.end}; give an "
                    "end after the start on the same day"
                )
        return self

    @property
    def days(self) -> list[date]:
        last = self.last or self.first
        return [self.first + timedelta(days=n) for n in range((last - self.first).days + 1)]

    @property
    def worked(self) -> bool:
        """A course or court day with hours: worked, but not for the team."""
        return self.start is not None


class Cover(Strict):
    """The fewest people the team wants on duty in a window, on the days given: "at least
    4 on duty 07:00-23:00, and at least 1 of them warranted". A goal: each person-hour
    short costs `weight` in presence-hours."""

    days: list[Weekday] = Field(default_factory=lambda: list(ALL_DAYS))
    start: ClockTime
    end: ClockTime = Field(description="at or before the start: the next day")
    min_on_duty: StrictInt = Field(1, ge=0, le=1000)
    min_warranted: StrictInt = Field(0, ge=0, le=1000)
    weight: StrictFloat = Field(5.0, gt=0, le=1000)


class RosterCarry(Strict):
    """What a person worked before the period: the hours of each week before it, the most
    recent last (up to 16 weeks, for the 17-week average), their last duty's end and the
    days worked in a row up to the day before."""

    staff: Id
    weekly_hours: list[StrictFloat] = Field(default_factory=list, max_length=16)
    days_worked_in_a_row: StrictInt = Field(0, ge=0, le=366)
    last_duty_end: datetime | None = Field(
        None, description="when the last duty before the period ended (local if no offset)"
    )
    weekends_worked: list[StrictBool] = Field(
        default_factory=list,
        max_length=26,
        description="for each weekend before the period, the most recent last: worked or not",
    )
    opted_out: StrictBool = Field(
        False, description="opted out of the 48-hour average (WTR reg 5), in writing"
    )

    @field_validator("weekly_hours")
    @classmethod
    def _hours(cls, values: list[float]) -> list[float]:
        if any(not 0 <= value <= 168 for value in values):
            raise ValueError("each week's hours lie between 0 and 168")
        return values


class RosterRequest(Strict):
    """A person asks for a day: off (`off`), or a duty (`template`); a goal of `weight`."""

    staff: Id
    day: date
    template: Id | None = None
    off: StrictBool = False
    weight: StrictInt = Field(1, ge=1, le=10)

    @model_validator(mode="after")
    def _one(self) -> RosterRequest:
        if self.off == (self.template is not None):
            raise ValueError(
                f"the request of {self.staff!r} for {self.day} asks for both a duty and a day "
                "off, or neither; give either template or off: true"
            )
        return self


class DemandException(Surge):
    """More demand in a ward for some dated hours (a festival weekend, the night the clocks
    change): the weight is added to the ward's demand in each hour it touches, as a week's
    surge. The reason is kept for the roster's report."""

    reason: Text = "demand exception"


class RosterRules(Strict):
    """Rules that need more than a week (DOMAIN.md, "The roster"), with their defaults."""

    reference_weeks: StrictInt = Field(
        17, ge=1, le=52, description="WTR reg 4: the reference period of the 48-hour average"
    )
    weekends_off_in: StrictInt = Field(
        3, ge=0, le=26, description="at least one full weekend off in every this many; 0: none"
    )
    contract_tolerance_hours: StrictFloat = Field(
        8.0, ge=0, le=200, description="hours over the period a roster may differ from contract"
    )
    forward_rotation_weight: StrictFloat = Field(
        1.0, ge=0, le=100, description="cost of each step back (a late, then an early)"
    )
    nights_fairness_weight: StrictFloat = Field(
        2.0,
        ge=0,
        le=100,
        description="cost of each night between the most and the fewest in a role group",
    )
    weekend_fairness_weight: StrictFloat = Field(
        4.0,
        ge=0,
        le=100,
        description="cost of each weekend between the most and the fewest in a role group",
    )


class RosterPeriod(Strict):
    """The months a roster plans, and what is known of them."""

    start: date = Field(description="the Monday the roster starts on")
    weeks: StrictInt = Field(13, ge=4, le=26)
    absences: list[RosterAbsence] = Field(default_factory=list)
    demand_exceptions: list[DemandException] = Field(default_factory=list)
    events: list[EngagementEvent] = Field(
        default_factory=list, description="events already planned in the period"
    )
    weekly_events: list[Id] = Field(
        default_factory=list,
        description="ids of the team week's events that recur every week of the period",
    )
    cover: list[Cover] = Field(default_factory=list)
    carry: list[RosterCarry] = Field(default_factory=list)
    requests: list[RosterRequest] = Field(default_factory=list)
    rules: RosterRules = Field(default_factory=RosterRules)

    @field_validator("start")
    @classmethod
    def _monday(cls, value: date) -> date:
        if value.weekday() != 0:
            raise ValueError(f"{value} is a {value:%A}; a roster starts on a Monday")
        return value

    @model_validator(mode="after")
    def _before_and_once(self) -> RosterPeriod:
        # What is carried in came before the period: a night duty of the Sunday before may
        # end on its first morning, not later
        latest = datetime.combine(self.start, time(12))
        for carry in self.carry:
            end = carry.last_duty_end
            if end is not None and end.replace(tzinfo=None) > latest:
                raise ValueError(
                    f"the carry-in of {carry.staff!r} says their last duty before the period "
                    f"ended {end:%a %d %b %Y %H:%M}, inside the period (from "
                    f"{self.start:%a %d %b %Y}); give the end of their last duty before it"
                )
        # A day's booked hours are one stretch: two would leave one of them unread
        worked: dict[tuple[str, date], RosterAbsence] = {}
        for absence in self.absences:
            if absence.start is None:
                continue
            for day in absence.days:
                other = worked.setdefault((absence.staff, day), absence)
                if other is not absence:
                    raise ValueError(
                        f"{absence.staff!r} has two bookings with hours on {day:%a %d %b %Y} "
                        f"({other.kind} {other.start}-{other.end}, {absence.kind} "
                        f"{absence.start}-{absence.end}); book the day once, from the first "
                        "start to the last end"
                    )
        return self

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(7 * self.weeks)]

    @property
    def end(self) -> date:
        """The day after the last."""
        return self.start + timedelta(days=7 * self.weeks)

    def mondays(self) -> list[date]:
        return [self.start + timedelta(weeks=n) for n in range(self.weeks)]

    def unknown_references(self, team: Scenario) -> list[tuple[tuple[str | int, ...], str, str]]:
        """(where in the period, the id, what it should be) of each id the period uses that
        the team does not have: a person (absences, carry-in, requests), a ward (events,
        demand exceptions) or a duty template (requests). What it should be is "staff",
        "ward" or "duty template". (A weekly event the team's week lacks is not one: in the
        service that week is the period's first, whose stored events may not hold it.)"""
        known = self.known_ids(team)
        found: list[tuple[tuple[str | int, ...], str, str]] = []
        for field in ("absences", "carry", "requests"):
            for index, item in enumerate(getattr(self, field)):
                if item.staff not in known["staff"]:
                    found.append(((field, index, "staff"), item.staff, "staff"))
        for field in ("events", "demand_exceptions"):
            for index, item in enumerate(getattr(self, field)):
                if item.ward not in known["ward"]:
                    found.append(((field, index, "ward"), item.ward, "ward"))
        for index, request in enumerate(self.requests):
            if request.template is not None and request.template not in known["duty template"]:
                found.append((("requests", index, "template"), request.template, "duty template"))
        return found

    def hours_lost_to_the_clocks(self, team: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
        """(where in the period, why) of each course or court day whose hours the clocks
        going forward leave no real time for in the team's zone: 01:30-02:00 on the March
        night the clocks skip from 01:00 to 02:00 (in Europe/London)."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        for index, absence in enumerate(self.absences):
            if absence.start is None or absence.end is None:
                continue
            begins, ends = parse_clock(absence.start), parse_clock(absence.end)
            assert begins is not None and ends is not None  # a course ends on its own day
            for day in absence.days:
                start = datetime.combine(day, begins, tzinfo=team.zone).astimezone(UTC)
                end = datetime.combine(day, ends, tzinfo=team.zone).astimezone(UTC)
                if end <= start:
                    found.append(
                        (
                            ("absences", index, "start"),
                            f"the {absence.kind} of {absence.staff!r} on {day:%a %d %b %Y} "
                            f"runs {absence.start}-{absence.end}, which is no time at all "
                            f"there: the clocks go forward that night ({team.team.timezone}); "
                            "give times outside the hour they skip",
                        )
                    )
                    break
        return found

    @staticmethod
    def known_ids(team: Scenario) -> dict[str, list[str]]:
        """The team's ids of each kind `unknown_references` names, sorted."""
        return {
            "staff": sorted(p.id for p in team.staff),
            "ward": sorted(w.id for w in team.wards),
            "duty template": sorted(t.id for t in team.duty_templates),
        }

    def with_team_carry(self, team: Scenario) -> RosterPeriod:
        """The period with what the team's week carries in (each person's last duty's end
        and days worked in a row) for anyone the period gives no carry, when the team's
        week is the period's first: the week a sergeant describes is the roster's start."""
        if team.week_start != self.start:
            return self
        given = {c.staff for c in self.carry}
        added = [
            RosterCarry(
                staff=person.id,
                days_worked_in_a_row=person.carry_in.days_worked_in_a_row,
                last_duty_end=person.carry_in.last_duty_end,
            )
            for person in team.staff
            if person.id not in given
            and (person.carry_in.last_duty_end is not None or person.carry_in.days_worked_in_a_row)
        ]
        return self.model_copy(update={"carry": [*self.carry, *added]}) if added else self
