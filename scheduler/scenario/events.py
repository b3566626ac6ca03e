"""Engagement events: ward panels, school gates, faith visits, and who they need."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from scheduler.scenario.base import Id, Label, Name, Strict, Text
from scheduler.scenario.times import real


class EngagementEvent(Strict):
    """A ward panel, Cuppa with a Copper, school gate, faith visit, Prevent panel..."""

    id: Id
    name: Name
    kind: Label = "engagement"
    ward: Id
    place: Text
    start: datetime
    end: datetime
    min_staff: StrictInt = Field(1, ge=0, le=1000)
    max_staff: StrictInt = Field(2, ge=1, le=1000)
    min_warranted: StrictInt = Field(0, ge=0, le=1000)
    required_skills: list[Label] = Field(
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
