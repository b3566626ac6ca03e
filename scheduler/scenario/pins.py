"""Pins: the decisions a sergeant has fixed by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import Field, StrictBool, model_validator

from scheduler.scenario.base import Id, Strict


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
