"""The scenario: one team and one week, the whole input of a solve, checked as a whole
(references between its parts, instants inside the week, pins that agree)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from scheduler.scenario.base import Id, MaybeText, Name, Strict
from scheduler.scenario.coverage import Surge, Ward
from scheduler.scenario.duties import DutyTemplate
from scheduler.scenario.events import EngagementEvent
from scheduler.scenario.pins import Pin
from scheduler.scenario.policy import Policy
from scheduler.scenario.staff import Staff
from scheduler.scenario.times import clock_minutes, local_day, real


class Team(Strict):
    id: Id
    name: Name
    timezone: str = "Europe/London"
    station: MaybeText = ""
    contact: MaybeText = Field(
        "",
        description="how residents reach the team, other than 999 (a phone number, an email, "
        "a drop-in), shown on its public ward pages",
    )

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
        zone_name: object = "Europe/London"
        if isinstance(team, Team):
            zone_name = team.timezone
        elif isinstance(team, dict):
            zone_name = team.get("timezone", zone_name)
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

        def localise_spans(items: object) -> object:
            """Items with `start` and `end` (events, surges, unavailability), localised;
            anything but a list is left for the field's own validation to name."""
            if items is None:
                return []
            if not isinstance(items, list):
                return items
            return [
                {**item, "start": localise(item.get("start")), "end": localise(item.get("end"))}
                if isinstance(item, dict)
                else item
                for item in items
            ]

        data = dict(data)
        for spans in ("events", "surges"):
            if spans in data:
                data[spans] = localise_spans(data[spans])
        people = []
        staff = data.get("staff")
        for person in staff if isinstance(staff, list) else []:
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
        if isinstance(staff, list):
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
            for template in person.templates or []:
                if template not in templates:
                    raise ValueError(
                        f"staff {person.id!r} works unknown duty template {template!r}"
                    )
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
                person = next(p for p in self.staff if p.id == pin.staff)
                allowed = next(t.roles for t in self.duty_templates if t.id == pin.template)
                if allowed is not None and person.role not in allowed:
                    raise ValueError(
                        f"a pin puts {pin.staff!r} ({person.role.value}) on {pin.template!r}, "
                        f"which only {', '.join(r.value for r in allowed)} may work; pin "
                        "another duty"
                    )
                if person.templates is not None and pin.template not in person.templates:
                    raise ValueError(
                        f"a pin puts {pin.staff!r} on {pin.template!r}, which is not one of the "
                        f"templates they work ({', '.join(person.templates)}); pin one of those"
                    )
            if pin.event is not None and pin.event not in events:
                raise ValueError(f"a pin names unknown event {pin.event!r}")
            if pin.ward is not None:
                self._check_ward_pin(pin, wards)
            if pin.day is not None and not 0 <= (pin.day - self.week_start).days < 7:
                raise ValueError(f"pin for {pin.staff!r} on {pin.day} is outside the week")
        return self

    def _check_ward_pin(self, pin: Pin, wards: set[str]) -> None:
        """A ward pin names a ward the person may patrol, for a part of the pinned duty."""
        if pin.ward not in wards:
            raise ValueError(f"a pin puts {pin.staff!r} in unknown ward {pin.ward!r}")
        person = next(p for p in self.staff if p.id == pin.staff)
        if person.patrol_wards is not None and pin.ward not in person.patrol_wards:
            raise ValueError(
                f"a pin puts {pin.staff!r} in {pin.ward!r}, which is not one of the wards they "
                f"patrol ({', '.join(person.patrol_wards)}); pin one of those"
            )
        if pin.start is None or pin.end is None:
            return
        template = next(t for t in self.duty_templates if t.id == pin.template)
        begins = clock_minutes(template.start)
        ends = begins + template.clock_length_minutes
        start = clock_minutes(pin.start)
        start += 1440 if start < begins else 0
        end = clock_minutes(pin.end)
        while end <= start:
            end += 1440
        if not (begins <= start and end <= ends):
            raise ValueError(
                f"a pin puts {pin.staff!r} in {pin.ward!r} from {pin.start} to {pin.end}, "
                f"outside their {template.name} duty ({template.start}-{template.end}); give "
                "times within it"
            )

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
