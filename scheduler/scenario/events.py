"""Engagement events: ward panels, school gates, faith visits, and who they need."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

from scheduler.scenario.base import Id, Label, MaybeText, Name, Strict, Text
from scheduler.scenario.staff import Role, Staff
from scheduler.scenario.times import real


class Seat(Strict):
    """A place at an event that one person fills, holding all it asks: "a warranted
    officer who speaks Urdu" is roles PC and SGT with the skill urdu. Each seat needs its
    own attendee (two seats, two people), `count` times."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"roles": ["PC", "SGT"], "skills": ["urdu"]},
                {"roles": ["PCSO"], "count": 2},
            ]
        }
    )

    roles: list[Role] | None = Field(
        None,
        description="the roles that may fill it (PC and SGT: a warranted officer); any if omitted",
    )
    skills: list[Label] = Field(default_factory=list, description="all held by the one person")
    count: StrictInt = Field(1, ge=1, le=1000, description="how many such places")

    def fits(self, person: Staff) -> bool:
        """Whether the person may fill it: their role, and every skill."""
        role_fits = self.roles is None or person.role in self.roles
        return role_fits and all(skill in person.skills for skill in self.skills)

    def words(self) -> str:
        """'a PC or SGT with the skill 'urdu'', as a sergeant reads it."""
        roles = " or ".join(role.value for role in self.roles) if self.roles else "anyone"
        who = f"{self.count} x {roles}" if self.count > 1 else f"a {roles}"
        if self.roles == [Role.PC, Role.SGT] or self.roles == [Role.SGT, Role.PC]:
            who = f"{self.count} warranted officers" if self.count > 1 else "a warranted officer"
        skills = " and ".join(f"'{skill}'" for skill in self.skills)
        return f"{who} with the skill {skills}" if skills else who


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
    seats: list[Seat] = Field(
        default_factory=list,
        description="places one person each must fill, holding all each asks (a warranted "
        "officer who speaks Urdu), each by a different attendee",
        examples=[[{"roles": ["PC", "SGT"], "skills": ["urdu"]}, {"roles": ["PCSO"]}]],
    )
    mandatory: StrictBool = False
    value: StrictFloat = Field(
        1.0,
        ge=0,
        le=1000,
        description="worth of an optional event, in demand-weighted presence hours",
    )
    public: StrictBool = True
    audience: MaybeText = Field(
        "",
        description="who a public event is for, when not everyone (a school assembly: "
        "'pupils and parents of St Mark's Primary'); public pages and feeds say so",
    )

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
        seats = sum(seat.count for seat in self.seats)
        if seats > self.max_staff:
            raise ValueError(
                f"event {self.id!r}: its seats need {seats} people, more than its max_staff "
                f"{self.max_staff}; raise max_staff or drop a seat"
            )
        return self
