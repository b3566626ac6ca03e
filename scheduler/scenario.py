"""The scenario: one neighbourhood team's week, as a sergeant describes it.

Everything here is validated input. Rule values live in `Policy` with the defaults of
DOMAIN.md's hard-rule table, so a force can change them without touching code. Times of
day are local to the team (Europe/London); instants given without an offset are read as
local time; every instant is stored aware.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: list[Weekday] = list(WEEKDAYS)

Id = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]  # a letter or digit first: "..", "." or "-x" in a URL path is trouble
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-4]):[0-5][0-9]$")]


def parse_clock(text: str) -> time | None:
    """Turn "HH:MM" into a time; "24:00" (end of day) returns None."""
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24:
        return None
    return time(hours, minutes)


def real(instant: datetime) -> datetime:
    """An instant comparable in real time: Python compares two times in the same zone by
    the wall clock, so 01:30 and 02:30 on the morning the clocks go forward are equal."""
    return instant.astimezone(UTC) if instant.tzinfo is not None else instant


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The day an instant falls on by the team's clock (an event's day, for pins)."""
    return instant.astimezone(zone).date()


def clock_minutes(text: str) -> int:
    """Minutes after local midnight of an "HH:MM" clock time ("24:00" is 1440)."""
    hours, minutes = (int(part) for part in text.split(":"))
    return hours * 60 + minutes


class Strict(BaseModel):
    """Base for input models: unknown fields are errors, so typos are caught. Every
    number is a `StrictFloat` or `StrictInt`, every flag a `StrictBool`: lax validation
    would read `true` as 1, "5" as 5 and 1 or "yes" as true, so those are refused naming
    the field (an integer is a float)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Role(StrEnum):
    PC = "PC"
    SGT = "SGT"
    PCSO = "PCSO"

    @property
    def warranted(self) -> bool:
        """Constables and sergeants hold a warrant; PCSOs are police staff."""
        return self is not Role.PCSO


class Window(Strict):
    """A weekly recurring stretch of local time, e.g. Fri and Sat 20:00-03:00.

    An end at or before the start runs past midnight into the next day.
    """

    days: list[Weekday] = Field(default_factory=lambda: list(ALL_DAYS), min_length=1)
    start: ClockTime
    end: ClockTime
    weight: StrictFloat = Field(
        default=1.0, ge=0, le=1000, description="demand weight inside the window"
    )

    @field_validator("start", "end")
    @classmethod
    def _whole_hours(cls, value: str) -> str:
        if not value.endswith(":00"):
            raise ValueError(f"window times are whole hours; use e.g. '18:00', not {value!r}")
        return value

    def local_hours(self) -> set[tuple[int, int]]:
        """(weekday index, local hour) pairs the window covers."""
        start = clock_minutes(self.start) // 60
        end = clock_minutes(self.end) // 60
        length = end - start if end > start else end + 24 - start
        covered: set[tuple[int, int]] = set()
        for day in self.days:
            first = WEEKDAYS.index(day)
            for offset in range(length):
                hour = start + offset
                covered.add(((first + hour // 24) % 7, hour % 24))
        return covered


class Policy(Strict):
    """Rule values: DOMAIN.md's defaults, each configurable per team."""

    min_rest_hours: StrictFloat = Field(
        11, ge=0, le=168, description="rest between duties (WTR reg 10)"
    )
    weekly_rest_hours: StrictFloat = Field(
        24, ge=0, le=168, description="uninterrupted rest in the week (WTR reg 11)"
    )
    max_weekly_hours: StrictFloat = Field(
        48, gt=0, le=168, description="working time cap per week (WTR reg 4)"
    )
    night_start: ClockTime = "23:00"
    night_end: ClockTime = "06:00"
    night_min_hours: StrictFloat = Field(
        3, ge=0, le=24, description="a duty with at least this much night time is night work"
    )
    night_average_hours_per_24h: StrictFloat = Field(
        8, gt=0, le=24, description="night workers average at most this per 24 h (WTR reg 6)"
    )
    min_rest_days: StrictInt = Field(
        2, ge=0, le=7, description="days with no duty starting, per week"
    )
    max_consecutive_days: StrictInt = Field(
        7, ge=1, le=366, description="most days worked in a row"
    )
    break_after_hours: StrictFloat = Field(
        6, ge=0, le=24, description="a duty longer than this needs a break"
    )
    min_break_minutes: StrictInt = Field(20, ge=0, le=1440, description="WTR reg 12")
    pcso_window_start: ClockTime = "07:00"
    pcso_window_end: ClockTime = Field("23:00", description="'24:00' allows PCSOs to midnight")
    lone_working_min_group: StrictInt = Field(
        2,
        ge=1,
        description="in a ward's lone-working risk window a PCSO patrols with at least this many",
    )
    max_overtime_hours: StrictFloat = Field(
        0, ge=0, le=168, description="hours allowed beyond contract"
    )
    unsocial_start: ClockTime = "20:00"
    unsocial_end: ClockTime = "06:00"
    presence_values: list[StrictFloat] = Field(
        default_factory=lambda: [1.0, 0.6, 0.3],
        min_length=1,
        description="value of the 1st, 2nd, 3rd... person in one ward-hour (diminishing)",
    )
    peak_multiplier: StrictFloat = Field(
        2.0, ge=1, le=100, description="demand weight factor in peak windows"
    )
    public_holidays: list[date] = Field(
        default_factory=list, description="bank holidays: compensation for working them differs"
    )
    pcso_rest_day_notice_days: StrictInt = Field(
        5,
        ge=0,
        le=366,
        description="[?] varies by force: a PCSO's rest day worked at under this many clear "
        "days' notice owes overtime plus time off in lieu, otherwise a replacement rest day",
    )
    coverage_target: StrictFloat = Field(
        0.9, ge=0, le=1, description="share of each ward's demand that should have someone present"
    )
    coverage_shortfall_weight: StrictFloat = Field(
        0.5,
        ge=0,
        le=100,
        description="extra value of covering demand in a ward below its target share",
    )
    presence_trade_limit: StrictFloat = Field(
        0.01,
        ge=0,
        le=1,
        description="share of the best demand-weighted presence found that ward fairness, "
        "optional events, unsocial fairness and preferences may cost together (0: presence "
        "first; 1: no limit)",
    )

    @property
    def night_work_cap_hours(self) -> float:
        """Most hours a night worker may work in the week: the nightly average times the
        week's days less its weekly rest (WTR reg 6(5) leaves the weekly rest out of the
        reference period), 8 x 6 = 48 h by default."""
        return self.night_average_hours_per_24h * max(0.0, 7 - self.weekly_rest_hours / 24)

    @field_validator("presence_values")
    @classmethod
    def _diminishing(cls, values: list[float]) -> list[float]:
        if (
            any(later > earlier for earlier, later in itertools.pairwise(values))
            or min(values) < 0
            or max(values) > 1000
        ):
            raise ValueError(
                f"presence_values must be non-negative, non-increasing and at most 1000, "
                f"got {values}"
            )
        return values


class DutyTemplate(Strict):
    """A shift pattern such as early 07:00-15:00; an end at or before the start is next day."""

    id: Id
    name: str
    start: ClockTime
    end: ClockTime
    break_minutes: StrictInt = Field(
        45, ge=0, le=1440, description="refreshment break inside the duty"
    )
    roles: list[Role] | None = Field(None, description="roles that may work it; all if omitted")

    @model_validator(mode="after")
    def _sane(self) -> DutyTemplate:
        if self.start == "24:00":
            raise ValueError(f"duty template {self.id!r} cannot start at 24:00; use 00:00")
        if not (self.start.endswith(":00") and self.end.endswith(":00")):
            # The model plans presence hour by hour: a duty starting or ending inside an
            # hour would be credited with hours it only partly covers.
            raise ValueError(
                f"duty template {self.id!r} runs {self.start}-{self.end}: duties are planned "
                "in whole hours, so a template must start and end on the hour (for example "
                "07:00-15:00)"
            )
        return self

    @property
    def clock_length_minutes(self) -> int:
        """Length by the wall clock (real length differs on DST nights)."""
        start, end = clock_minutes(self.start), clock_minutes(self.end)
        return end - start if end > start else end + 1440 - start


def in_pcso_window(template: DutyTemplate, policy: Policy) -> bool:
    """Whether a PCSO may work the template: it lies in the PCSO working window by the
    clock of its day. A template or a window ending at or before its start runs on past
    midnight (a window of 07:00-02:00 allows a late to 01:00)."""
    start, end = clock_minutes(template.start), clock_minutes(template.end)
    end += 1440 if end <= start else 0
    window_start = clock_minutes(policy.pcso_window_start)
    window_end = clock_minutes(policy.pcso_window_end)
    window_end += 1440 if window_end <= window_start else 0
    return window_start <= start and end <= window_end


class Ward(Strict):
    """A ward, with when and how much visible presence matters there."""

    id: Id
    name: str
    demand: list[Window] = Field(
        default_factory=list,
        description="demand windows; overlapping windows add up. Ignored if hourly_demand given",
    )
    hourly_demand: list[StrictFloat] | None = Field(
        None, description="168 weights, Monday 00:00 local onwards"
    )
    min_weekly_hours: StrictFloat = Field(
        0, ge=0, le=10_000, description="visible presence hours the ward must get"
    )
    peak_windows: list[Window] = Field(default_factory=list)
    lone_working_windows: list[Window] = Field(
        default_factory=list, description="hours in which PCSOs may not patrol alone here"
    )
    station: str | None = None

    @field_validator("hourly_demand")
    @classmethod
    def _full_week(cls, values: list[float] | None) -> list[float] | None:
        if values is not None and (len(values) != 168 or min(values) < 0 or max(values) > 1000):
            raise ValueError(
                "hourly_demand needs 168 weights from 0 to 1000 (Mon 00:00 onwards), "
                f"got {len(values)} from {min(values, default=0):g} to {max(values, default=0):g}"
            )
        return values

    @cached_property
    def demand_by_local_hour(self) -> dict[tuple[int, int], float]:
        """Demand weight for each (weekday, hour) of the week, peaks not included."""
        if self.hourly_demand is not None:
            return {
                (index // 24, index % 24): weight for index, weight in enumerate(self.hourly_demand)
            }
        weights: dict[tuple[int, int], float] = {}
        for window in self.demand:
            for key in window.local_hours():
                weights[key] = weights.get(key, 0.0) + window.weight
        return weights

    @cached_property
    def peak_hours(self) -> set[tuple[int, int]]:
        return {key for window in self.peak_windows for key in window.local_hours()}

    @cached_property
    def lone_working_hours(self) -> set[tuple[int, int]]:
        return {key for window in self.lone_working_windows for key in window.local_hours()}


class Unavailability(Strict):
    """Leave, training, court, sickness: no duty may overlap it."""

    start: datetime
    end: datetime
    reason: str = "unavailable"

    @model_validator(mode="after")
    def _ordered(self) -> Unavailability:
        if real(self.end) <= real(self.start):
            raise ValueError(f"unavailability ends ({self.end}) before it starts ({self.start})")
        return self


class CarryIn(Strict):
    """What last week leaves behind for this week's rest rules."""

    last_duty_end: datetime | None = None
    days_worked_in_a_row: StrictInt = Field(
        0, ge=0, le=366, description="up to and including last Sunday"
    )


class Preference(Strict):
    """A wish: to work (want=true) or not work (want=false) a template and/or a day."""

    template: Id | None = None
    day: date | None = None
    want: StrictBool = False
    weight: StrictInt = Field(1, ge=1, le=10)

    @model_validator(mode="after")
    def _something(self) -> Preference:
        if self.template is None and self.day is None:
            raise ValueError("a preference names a template, a day, or both")
        return self


class Staff(Strict):
    id: Id
    name: str
    role: Role
    home_ward: Id | None = Field(None, description="dedicated ward officer's ward")
    patrol_wards: list[Id] | None = Field(None, description="wards they may patrol; all if omitted")
    contracted_hours: StrictFloat = Field(40, gt=0, le=80)
    working_days: list[Weekday] | None = Field(
        None, description="part-time pattern; all if omitted"
    )
    skills: list[str] = Field(default_factory=list)
    unavailable: list[Unavailability] = Field(default_factory=list)
    carry_in: CarryIn = Field(default_factory=CarryIn)
    preferences: list[Preference] = Field(default_factory=list)

    @field_validator("patrol_wards")
    @classmethod
    def _none_listed_is_all(cls, wards: list[str] | None) -> list[str] | None:
        """An empty list (a staff CSV cell of ';') means every ward, as omitting it does:
        the model and the checker then read it alike."""
        return wards or None


class EngagementEvent(Strict):
    """A ward panel, Cuppa with a Copper, school gate, faith visit, Prevent panel..."""

    id: Id
    name: str
    kind: str = "engagement"
    ward: Id
    place: str
    start: datetime
    end: datetime
    min_staff: StrictInt = Field(1, ge=0, le=1000)
    max_staff: StrictInt = Field(2, ge=1, le=1000)
    min_warranted: StrictInt = Field(0, ge=0, le=1000)
    required_skills: list[str] = Field(
        default_factory=list, description="each skill must be held by at least one attendee"
    )
    mandatory: StrictBool = False
    value: StrictFloat = Field(
        1.0,
        ge=0,
        le=1000,
        description="worth of an optional event, in demand-weighted presence hours",
    )
    public: StrictBool = True

    @model_validator(mode="after")
    def _consistent(self) -> EngagementEvent:
        if real(self.end) <= real(self.start):
            raise ValueError(
                f"event {self.id!r} ends before it starts, or as it starts in real time (the "
                "hour the clocks skip in March does not exist); give an end after the start"
            )
        if self.max_staff < self.min_staff:
            raise ValueError(
                f"event {self.id!r}: max_staff {self.max_staff} is below min_staff {self.min_staff}"
            )
        if self.min_warranted > self.max_staff:
            raise ValueError(
                f"event {self.id!r}: min_warranted {self.min_warranted} exceeds "
                f"max_staff {self.max_staff}"
            )
        return self


class Pin(Strict):
    """A sergeant's fixed decision: a duty, a rest day, or attendance at an event."""

    staff: Id
    day: date | None = None
    template: Id | None = Field(None, description="with day: must work this duty")
    off: StrictBool = Field(False, description="with day: must not work")
    event: Id | None = Field(None, description="must attend this event")

    @model_validator(mode="after")
    def _one_kind(self) -> Pin:
        kinds = [self.template is not None, self.off, self.event is not None]
        if sum(kinds) != 1:
            raise ValueError("a pin is exactly one of: day+template, day+off, or event")
        if (self.template is not None or self.off) and self.day is None:
            raise ValueError("a duty or rest-day pin needs a day")
        return self

    def clashes_with(self, other: Pin, event_day: Callable[[str], date | None]) -> bool:
        """Whether the two pins repeat or contradict each other (one must go): the same
        person's duty or rest-day pins on the same day, their pins to the same event, or
        a rest day pinned on the day of an event they are pinned to. `event_day` gives an
        event's local day (None for an unknown event)."""
        if other.staff != self.staff:
            return False
        if self.event is not None:
            return other.event == self.event or (other.off and event_day(self.event) == other.day)
        if other.event is not None:
            return self.off and event_day(other.event) == self.day
        return other.day == self.day


class Surge(Strict):
    """More demand in a ward for some hours of this week (a reassurance patrol after an
    incident): the weight is added to the ward's demand in each hour the surge touches."""

    ward: str
    start: datetime
    end: datetime
    weight: StrictFloat = Field(
        2.0, gt=0, le=1000, description="demand weight added in those hours"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Surge:
        if real(self.end) <= real(self.start):
            raise ValueError(f"surge ends ({self.end}) before it starts ({self.start})")
        return self


class Team(Strict):
    id: Id
    name: str
    timezone: str = "Europe/London"
    station: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}; use e.g. 'Europe/London'") from error
        return value


class Scenario(Strict):
    """One team and one week: the whole input of a solve."""

    team: Team
    week_start: date = Field(description="the Monday the week starts on")
    policy: Policy = Field(default_factory=Policy)
    duty_templates: list[DutyTemplate] = Field(min_length=1)
    wards: list[Ward] = Field(min_length=1)
    staff: list[Staff] = Field(min_length=1)
    events: list[EngagementEvent] = Field(default_factory=list)
    pins: list[Pin] = Field(default_factory=list)
    surges: list[Surge] = Field(
        default_factory=list, description="extra demand in a ward for some hours of this week"
    )

    @model_validator(mode="before")
    @classmethod
    def _localise_naive_instants(cls, data: object) -> object:
        """Read instants without an offset as the team's local time."""
        if not isinstance(data, dict):
            return data
        team = data.get("team")
        zone_name = (
            team.timezone
            if isinstance(team, Team)
            else (team or {}).get("timezone", "Europe/London")
        )
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            return data  # Team's own validator names the problem.

        def localise(value: object) -> object:
            if isinstance(value, str):
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    return value
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
            if isinstance(value, datetime) and value.tzinfo is None:
                return value.replace(tzinfo=zone)
            return value

        def localise_spans(items: list[object] | None) -> list[object]:
            """Items with `start` and `end` (events, surges, unavailability), localised."""
            return [
                {**item, "start": localise(item.get("start")), "end": localise(item.get("end"))}
                if isinstance(item, dict)
                else item
                for item in items or []
            ]

        data = dict(data)
        for spans in ("events", "surges"):
            if spans in data:
                data[spans] = localise_spans(data[spans])
        people = []
        for person in data.get("staff") or []:
            if isinstance(person, dict):
                person = dict(person)
                person["unavailable"] = localise_spans(person.get("unavailable"))
                carry = person.get("carry_in")
                if isinstance(carry, dict) and carry.get("last_duty_end") is not None:
                    person["carry_in"] = {
                        **carry,
                        "last_duty_end": localise(carry["last_duty_end"]),
                    }
            people.append(person)
        if "staff" in data:
            data["staff"] = people
        return data

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        instants = [(f"event {e.id!r}", e.start) for e in self.events]
        instants += [(f"event {e.id!r}", e.end) for e in self.events]
        instants += [
            (f"surge in {s.ward!r}", instant) for s in self.surges for instant in (s.start, s.end)
        ]
        for person in self.staff:
            instants += [
                (f"staff {person.id!r} unavailability", u.start) for u in person.unavailable
            ]
            instants += [(f"staff {person.id!r} unavailability", u.end) for u in person.unavailable]
            if person.carry_in.last_duty_end is not None:
                instants.append((f"staff {person.id!r} carry_in", person.carry_in.last_duty_end))
        for place, instant in instants:
            if instant.tzinfo is None:
                raise ValueError(
                    f"{place} has a time without an offset ({instant}); build it from JSON/dicts "
                    "(read as team-local time) or give an aware datetime"
                )
        if not 2000 <= self.week_start.year <= 2099:
            raise ValueError(f"week_start {self.week_start} is outside 2000-2099; check the year")
        if self.week_start.weekday() != 0:
            raise ValueError(
                f"week_start {self.week_start} is a {self.week_start:%A}; give the Monday"
            )
        for person in self.staff:
            ended = person.carry_in.last_duty_end
            if ended is not None and real(ended) > real(self.starts_at) + timedelta(days=1):
                raise ValueError(
                    f"staff {person.id!r} carry_in.last_duty_end ({ended:%Y-%m-%d %H:%M}) is "
                    f"after the week of {self.week_start} begins; give when their last duty "
                    "before this week ended"
                )
        for kind, items in (
            ("duty template", self.duty_templates),
            ("ward", self.wards),
            ("staff member", self.staff),
            ("event", self.events),
        ):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"two {kind}s have the id {item.id!r}; ids must be unique")
                seen.add(item.id)
        wards = {ward.id for ward in self.wards}
        templates = {template.id for template in self.duty_templates}
        people = {person.id for person in self.staff}
        events = {event.id for event in self.events}
        for person in self.staff:
            for ward in [person.home_ward, *(person.patrol_wards or [])]:
                if ward is not None and ward not in wards:
                    raise ValueError(f"staff {person.id!r} names unknown ward {ward!r}")
            for preference in person.preferences:
                if preference.template is not None and preference.template not in templates:
                    raise ValueError(
                        f"staff {person.id!r} prefers unknown duty template {preference.template!r}"
                    )
                if (
                    preference.day is not None
                    and not 0 <= (preference.day - self.week_start).days < 7
                ):
                    raise ValueError(
                        f"staff {person.id!r} has a preference for {preference.day}, outside the "
                        f"week of {self.week_start}"
                    )
        for event in self.events:
            if event.ward not in wards:
                raise ValueError(f"event {event.id!r} is in unknown ward {event.ward!r}")
            if not (
                self.starts_at <= event.start and event.end <= self.ends_at + timedelta(hours=12)
            ):
                raise ValueError(
                    f"event {event.id!r} ({event.start:%Y-%m-%d %H:%M}) is outside the week "
                    f"of {self.week_start}"
                )
        for surge in self.surges:
            if surge.ward not in wards:
                raise ValueError(f"a surge is in unknown ward {surge.ward!r}")
            if surge.end <= self.starts_at or self.ends_at <= surge.start:
                raise ValueError(
                    f"a surge in {surge.ward!r} ({surge.start:%Y-%m-%d %H:%M}) is outside the "
                    f"week of {self.week_start}"
                )
        for pin in self.pins:
            if pin.staff not in people:
                raise ValueError(f"a pin names unknown staff member {pin.staff!r}")
            if pin.template is not None and pin.template not in templates:
                raise ValueError(f"a pin names unknown duty template {pin.template!r}")
            if pin.template is not None:
                role = next(p.role for p in self.staff if p.id == pin.staff)
                allowed = next(t.roles for t in self.duty_templates if t.id == pin.template)
                if allowed is not None and role not in allowed:
                    raise ValueError(
                        f"a pin puts {pin.staff!r} ({role.value}) on {pin.template!r}, which "
                        f"only {', '.join(r.value for r in allowed)} may work; pin another duty"
                    )
            if pin.event is not None and pin.event not in events:
                raise ValueError(f"a pin names unknown event {pin.event!r}")
            if pin.day is not None and not 0 <= (pin.day - self.week_start).days < 7:
                raise ValueError(f"pin for {pin.staff!r} on {pin.day} is outside the week")
        return self

    @model_validator(mode="after")
    def _pins_agree(self, info: ValidationInfo) -> Scenario:
        """Two pins of one person that repeat or contradict each other are bad input. Not
        checked on a week assembled from stored data (`context={"stored": True}`): pins
        stored before this check must not lock the sergeant out of the week that holds
        them; its solve explains the clash as an impossible week, and a pin can go."""
        if info.context and info.context.get("stored"):
            return self
        event_days = {event.id: local_day(event.start, self.zone) for event in self.events}
        for (first, earlier), (second, pin) in itertools.combinations(enumerate(self.pins), 2):
            if pin.clashes_with(earlier, event_days.get):
                event = pin.event or earlier.event
                if pin.event is not None and pin.event == earlier.event:
                    what = f"pin {pin.staff!r} to event {event!r}"
                elif event is not None:
                    day = pin.day or earlier.day
                    what = f"fix {pin.staff!r} on {day} (a rest day, and event {event!r})"
                else:
                    what = f"fix {pin.staff!r} on {pin.day}"
                raise ValueError(f"pins[{first}] and pins[{second}] both {what}; keep one")
        return self

    def with_policy(self, **changes: object) -> Scenario:
        """This scenario with some policy settings changed, checked as a scenario file's
        would be: `scenario.with_policy(presence_trade_limit=1.0)`."""
        policy = Policy.model_validate(self.policy.model_dump() | changes)
        return self.model_copy(update={"policy": policy})

    # Derived time facts, shared by the model and the rota. The checker recomputes its own.
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.team.timezone)

    @property
    def days(self) -> list[date]:
        return [self.week_start + timedelta(days=offset) for offset in range(7)]

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.week_start, time(0), tzinfo=self.zone)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.week_start + timedelta(days=7), time(0), tzinfo=self.zone)

    def ward(self, ward_id: str) -> Ward:
        return next(ward for ward in self.wards if ward.id == ward_id)

    @cached_property
    def surge_by_local_hour(self) -> dict[tuple[str, int, int], float]:
        """Surge weight per (ward, weekday, hour) of this week: each surge adds its weight
        once to every local hour it touches (the October hour that happens twice too)."""
        weights: dict[tuple[str, int, int], float] = {}
        for surge in self.surges:
            touched = set()
            instant = surge.start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
            while instant < surge.end:
                local = instant.astimezone(self.zone)
                offset = (local.date() - self.week_start).days
                if 0 <= offset < 7:
                    touched.add((surge.ward, offset, local.hour))
                instant += timedelta(hours=1)
            for key in touched:
                weights[key] = weights.get(key, 0.0) + surge.weight
        return weights

    def has_demand(self, ward_id: str) -> bool:
        """Whether the ward has any demand this week (its own or a surge's)."""
        return any(self.ward(ward_id).demand_by_local_hour.values()) or any(
            surge.ward == ward_id for surge in self.surges
        )

    def demand_weight(self, ward_id: str, key: tuple[int, int]) -> float:
        """Demand weight of a ward at a local (weekday, hour), surges added, peak windows
        multiplied."""
        ward = self.ward(ward_id)
        weight = ward.demand_by_local_hour.get(key, 0.0)
        weight += self.surge_by_local_hour.get((ward_id, *key), 0.0)
        if key in ward.peak_hours:
            weight = max(weight, 1.0) * self.policy.peak_multiplier
        return weight


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (raises `ScenarioError` with a readable message)."""
    from pydantic import ValidationError

    source = Path(path)
    raw = read_json(source, "scenario")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(f"{source}: {describe_validation_error(error)}") from error


def read_json(source: Path, what: str) -> object:
    """A JSON file's content; `ScenarioError` naming the file, the problem and the fix
    if it cannot be read (missing, a folder, unreadable, not UTF-8, not JSON)."""
    try:
        # utf-8-sig: a byte-order mark (Windows' "UTF-8 with BOM") is not an error
        return json.loads(source.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as error:
        raise ScenarioError(
            f"{source}: no such file; give the path of a {what} JSON file"
        ) from error
    except IsADirectoryError as error:
        raise ScenarioError(f"{source}: a folder; give the path of a {what} JSON file") from error
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"{source}: not UTF-8 text (byte {error.start}); save the {what} as UTF-8 JSON"
        ) from error
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"{source}: not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    except RecursionError as error:
        raise ScenarioError(f"{source}: JSON nested too deeply to be a {what}") from error
    except OSError as error:
        raise ScenarioError(
            f"{source}: cannot be read ({error.strerror or error}); check the path and its "
            "permissions"
        ) from error


def describe_validation_error(error: object, whole: str = "scenario") -> str:
    """One line naming the first problem's place (`whole`, if it is the whole input) and
    fix, and how many more there are."""
    errors = error.errors()  # type: ignore[attr-defined]
    first = errors[0]
    place = ".".join(str(part) for part in first["loc"]) or whole
    message = first["msg"].removeprefix("Value error, ")
    more = (
        f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        if len(errors) > 1
        else ""
    )
    return f"{place}: {message}{more}"


class ScenarioError(ValueError):
    """Bad input a user can fix; the message says what and where."""
