"""Pins: the decisions a sergeant has fixed by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import ConfigDict, Field, StrictBool, model_validator

from scheduler.scenario.base import Id, Strict
from scheduler.scenario.times import ClockTime


class Pin(Strict):
    """A sergeant's fixed decision: a duty (and, for it or part of it, a ward), a rest day,
    or attendance at an event. "PC Walsh in Market Square on Thursday's late" is a duty pin
    with a ward; "from 18:00 to 20:00" keeps them there for that part of it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"staff": "pc-walsh", "day": "2026-11-26", "template": "late"},
                {
                    "staff": "pc-walsh",
                    "day": "2026-11-26",
                    "template": "late",
                    "ward": "market-square",
                    "start": "18:00",
                    "end": "20:00",
                },
                {"staff": "pcso-begum", "day": "2026-11-28", "off": True},
                {"staff": "sgt-okoye", "event": "ev-panel-market"},
            ]
        }
    )

    staff: Id
    day: date | None = None
    template: Id | None = Field(None, description="with day: must work this duty")
    ward: Id | None = Field(
        None, description="with a duty: in this ward for it (or from start to end of it)"
    )
    start: ClockTime | None = Field(None, description="with a ward: from this local time")
    end: ClockTime | None = Field(None, description="with a ward: until this local time")
    off: StrictBool = Field(False, description="with day: must not work")
    event: Id | None = Field(None, description="must attend this event")

    @model_validator(mode="after")
    def _one_kind(self) -> Pin:
        kinds = [self.template is not None, self.off, self.event is not None]
        if sum(kinds) != 1:
            raise ValueError("a pin is exactly one of: day+template, day+off, or event")
        if (self.template is not None or self.off) and self.day is None:
            raise ValueError("a duty or rest-day pin needs a day")
        if self.ward is not None and self.template is None:
            raise ValueError("a ward pin is a duty pin with a ward: give its day and template")
        if (self.start is None) != (self.end is None):
            raise ValueError("a ward pin for part of a duty needs both start and end")
        if self.start is not None and self.ward is None:
            raise ValueError("start and end go with a ward: the part of the duty spent there")
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
