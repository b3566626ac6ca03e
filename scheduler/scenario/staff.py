"""The team's people: their role, wards, hours, leave, carry-in and wishes."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator, model_validator

from scheduler.scenario.base import Id, Label, Name, Strict, Text
from scheduler.scenario.times import Weekday, real


class Role(StrEnum):
    PC = "PC"
    SGT = "SGT"
    PCSO = "PCSO"

    @property
    def warranted(self) -> bool:
        """Constables and sergeants hold a warrant; PCSOs are police staff."""
        return self is not Role.PCSO


class Unavailability(Strict):
    """Leave, training, court, sickness: no duty may overlap it."""

    start: datetime
    end: datetime
    reason: Text = "unavailable"

    @model_validator(mode="after")
    def _ordered(self) -> Unavailability:
        if real(self.end) <= real(self.start):
            raise ValueError(f"unavailability ends ({self.end}) before it starts ({self.start})")
        return self


# A day away in the grids, as duty sheets write it: (code, meaning, words in the reason that
# mark it), the first that matches; the roster's codes (AL, TRG, CRT, ABS) and a repair's
# absence categories (`scheduler.replan.Category`: sick, aid, response, custody, ...)
ABSENCES = (
    ("SICK", "sick", ("sick", "ill")),
    ("AL", "annual leave", ("annual leave", "holiday")),
    ("LV", "other leave", ("leave",)),
    ("TRG", "training or a course", ("training", "course", "refresher")),
    ("CRT", "court", ("court", "witness")),
    ("AID", "mutual aid", ("aid",)),
    ("RESP", "taken to response", ("response",)),
    ("CUST", "custody", ("custody",)),
    ("CTRL", "control room", ("control",)),
)
OTHER_ABSENCE = ("ABS", "away for another reason")


def absence_code(reason: str) -> tuple[str, str]:
    """The code and its meaning for a reason someone is away ("annual leave": AL)."""
    words = reason.lower()
    for code, meaning, marks in ABSENCES:
        if any(re.search(rf"\b{re.escape(mark)}", words) for mark in marks):
            return code, meaning
    return OTHER_ABSENCE


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
    name: Name
    role: Role
    known_as: Name | None = Field(
        None,
        description="the first name residents know them by, for a public ward page that "
        "names its team (policy.public_names); the first word of `name` if omitted",
    )
    collar_number: Label | None = Field(
        None, description="shoulder number, for a public ward page that names by number"
    )
    home_ward: Id | None = Field(None, description="dedicated ward officer's ward")
    patrol_wards: list[Id] | None = Field(None, description="wards they may patrol; all if omitted")
    contracted_hours: StrictFloat = Field(40, gt=0, le=80)
    working_days: list[Weekday] | None = Field(
        None, description="part-time pattern; all if omitted"
    )
    templates: list[Id] | None = Field(
        None,
        description="the duty templates they work (a part-time pattern of shorter days, say); "
        "every template their role may work if omitted",
    )
    skills: list[Label] = Field(default_factory=list)
    unavailable: list[Unavailability] = Field(default_factory=list)
    carry_in: CarryIn = Field(default_factory=CarryIn)
    preferences: list[Preference] = Field(default_factory=list)

    @property
    def first_name(self) -> str:
        return self.known_as or self.name.split()[0]

    def public_name(self, naming: str) -> str:
        """How a public page names them: 'PCSO', 'PCSO Aisha' or 'PCSO 7421' (role only
        when the number is not recorded)."""
        if naming == "first_name":
            return f"{self.role.value} {self.first_name}"
        if naming == "collar_number" and self.collar_number:
            return f"{self.role.value} {self.collar_number}"
        return self.role.value

    @field_validator("patrol_wards")
    @classmethod
    def _none_listed_is_all(cls, wards: list[str] | None) -> list[str] | None:
        """An empty list (a staff CSV cell of ';') means every ward, as omitting it does:
        the model and the checker then read it alike."""
        return wards or None
