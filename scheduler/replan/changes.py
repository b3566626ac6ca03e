"""What happened to a published week, and the week with it applied: absences (sickness,
abstraction), new or changed events, demand surges and a sergeant's pins, made at `now`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from scheduler.rota import Duty, Rota
from scheduler.scenario import (
    EngagementEvent,
    Id,
    Pin,
    Scenario,
    Unavailability,
    describe_validation_error,
    local_day,
)
from scheduler.scenario import Surge as WeekSurge

Category = Literal[
    "sick", "aid", "response", "custody", "control-room", "court", "training", "other"
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Absence(Strict):
    """Someone unavailable from..to: sick, or abstracted to other duties."""

    kind: Literal["absence"] = "absence"
    staff: Id
    start: AwareDatetime
    end: AwareDatetime
    category: Category

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end <= self.start:
            raise ValueError(
                f"the absence of {self.staff!r} ends ({self.end}) no later than it starts "
                f"({self.start}); give an end after the start"
            )
        return self


class EventChange(Strict):
    """A new engagement event, or a changed one (same id), mandatory ones included."""

    kind: Literal["event"] = "event"
    event: EngagementEvent

    @model_validator(mode="after")
    def _aware(self) -> EventChange:
        for name in ("start", "end"):
            if getattr(self.event, name).tzinfo is None:
                raise ValueError(
                    f"event {self.event.id!r} {name} has no offset; give it as in a repair's "
                    "other times, e.g. '2026-11-25T10:00:00+00:00'"
                )
        return self


class Surge(WeekSurge):
    """More demand in a ward for some hours (a reassurance patrol after an incident). It
    becomes one of the week's `surges`, so later repairs and solves of the week keep it."""

    kind: Literal["surge"] = "surge"
    start: AwareDatetime
    end: AwareDatetime


class PinChange(Strict):
    """A sergeant's decision for the rest of the week."""

    kind: Literal["pin"] = "pin"
    pin: Pin


Change = Annotated[Absence | EventChange | Surge | PinChange, Field(discriminator="kind")]


class Replan(Strict):
    """What happened, and when the repair is made."""

    now: AwareDatetime
    changes: list[Change] = Field(min_length=1)


def apply_changes(
    scenario: Scenario, published: Rota, replan: Replan
) -> tuple[Scenario, list[Duty]]:
    """The week with the changes applied, and the published duties already started
    (fixed). An absence starts no earlier than `now` (what happened before is history);
    one that starts during a duty under way ends that duty then (`model.duty_options`),
    unless the person is at an event that has begun: they leave when it ends."""
    now = replan.now
    week = f"the week of {scenario.week_start:%d %b %Y}"
    if now >= scenario.ends_at:
        raise ValueError(f"the repair's now ({now}) is after {week} has ended; nothing can change")
    fixed = started_duties(published, now)
    data = scenario.model_dump(mode="python")
    staff = {person["id"]: person for person in data["staff"]}
    events = {event["id"]: event for event in data["events"]}
    wards = {ward["id"] for ward in data["wards"]}
    for change in replan.changes:
        if isinstance(change, Absence):
            if change.staff not in staff:
                raise ValueError(f"absence of unknown staff member {change.staff!r}")
            if change.end <= scenario.starts_at or scenario.ends_at <= change.start:
                raise ValueError(
                    f"the absence of {change.staff!r} ({change.start:%d %b %Y}) is outside "
                    f"{week}; send it with the repair of its own week"
                )
            start = max(change.start, now)
            for activity in (a for d in fixed if d.staff == change.staff for a in d.activities):
                if activity.kind == "event" and activity.start < now and activity.start <= start:
                    start = max(start, activity.end)
            if start < change.end:
                staff[change.staff]["unavailable"].append(
                    Unavailability(start=start, end=change.end, reason=change.category)
                )
        elif isinstance(change, EventChange):
            if change.event.start < now:
                raise ValueError(f"event {change.event.id!r} starts before the repair ({now})")
            events[change.event.id] = change.event.model_dump(mode="python")
        elif isinstance(change, Surge):
            if change.ward not in wards:
                raise ValueError(f"surge in unknown ward {change.ward!r}")
            data["surges"].append(change.model_dump(mode="python", exclude={"kind"}))
        else:
            data["pins"].append(change.pin.model_dump(mode="python"))
    data["events"] = list(events.values())
    _refuse_clashing_pins(scenario, replan, events)
    try:
        return Scenario.model_validate(data), fixed
    except ValidationError as error:  # one line, as every other bad input
        raise ValueError(describe_validation_error(error, "changes")) from None


def _refuse_clashing_pins(scenario: Scenario, replan: Replan, events: dict[str, dict]) -> None:
    """A pin of the changes that repeats or contradicts one of the week's pins or an
    earlier one of the changes (`Pin.clashes_with`; events as the changes leave them) is
    bad input, not an impossible week."""

    def event_day(event_id: str) -> date | None:
        event = events.get(event_id)
        return local_day(event["start"], scenario.zone) if event else None

    earlier = [(f"the week's pins[{n}]", pin) for n, pin in enumerate(scenario.pins)]
    for index, change in enumerate(replan.changes):
        if not isinstance(change, PinChange):
            continue
        for name, other in earlier:
            if change.pin.clashes_with(other, event_day):
                given = other.model_dump(mode="json", exclude_defaults=True)
                raise ValueError(
                    f"the pin in changes[{index}] repeats or contradicts {name} {given}: one "
                    "pin per person and day (a duty or a rest day) and per person and event, "
                    "and no rest day on the day of a pinned event; leave one of them out"
                )
        earlier.append((f"changes[{index}]", change.pin))


def started_duties(published: Rota, now: datetime) -> list[Duty]:
    """The published duties that have started by `now` (they are history)."""
    return [duty for duty in published.duties if duty.start < now]
