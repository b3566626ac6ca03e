"""Duty templates: the shift patterns people work, and which of them PCSOs may work."""

from __future__ import annotations

from pydantic import ConfigDict, Field, StrictBool, StrictInt, model_validator

from scheduler.scenario.base import Id, Name, Strict
from scheduler.scenario.policy import Policy
from scheduler.scenario.staff import Role, Staff
from scheduler.scenario.times import ClockTime, clock_minutes

QUARTER_HOURS = (0, 15, 30, 45)
OVERNIGHT_PLAUSIBLE_HOURS = 12  # past midnight and longer than this: likely typed backwards


class DutyTemplate(Strict):
    """A shift pattern such as early 07:00-15:00 or 07:15-16:30 (any quarter hour); an end
    at or before the start is next day."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "early", "name": "Early", "start": "07:00", "end": "15:00"},
                {
                    "id": "longearly",
                    "name": "Long early",
                    "start": "07:00",
                    "end": "16:15",
                    "break_minutes": 60,
                    "roles": ["PCSO"],
                },
                {"id": "night", "name": "Night", "start": "22:00", "end": "07:00"},
                {
                    "id": "nightlong",
                    "name": "Long night",
                    "start": "19:00",
                    "end": "07:00",
                    "overnight": True,
                    "roles": ["PC", "SGT"],
                },
                {
                    "id": "school",
                    "name": "School hours",
                    "start": "09:30",
                    "end": "15:00",
                    "break_minutes": 30,
                    "arranged": True,
                },
            ]
        }
    )

    id: Id
    name: Name
    start: ClockTime
    end: ClockTime
    arranged: StrictBool = Field(
        False,
        description="worked only by staff who list it in their `templates` (a part-time or "
        "flexible-working arrangement), not by everyone its roles allow",
    )
    overnight: StrictBool = Field(
        False,
        description="it runs past midnight on purpose; needed when that makes it over 12 h "
        "(22:00-14:00 unmarked is taken for 14:00-22:00 typed the wrong way round)",
    )
    break_minutes: StrictInt = Field(
        45, ge=0, le=1440, description="refreshment break inside the duty"
    )
    roles: list[Role] | None = Field(None, description="roles that may work it; all if omitted")

    @model_validator(mode="after")
    def _sane(self) -> DutyTemplate:
        if self.start == "24:00":
            raise ValueError(f"duty template {self.id!r} cannot start at 24:00; use 00:00")
        for clock in (self.start, self.end):
            if clock_minutes(clock) % 60 not in QUARTER_HOURS:
                raise ValueError(
                    f"duty template {self.id!r} runs {self.start}-{self.end}: duties start and "
                    f"end on a quarter hour (:00, :15, :30 or :45), and {clock} is not one"
                )
        if (
            clock_minutes(self.end) <= clock_minutes(self.start)
            and not self.overnight
            and self.clock_length_minutes > OVERNIGHT_PLAUSIBLE_HOURS * 60
        ):
            raise ValueError(
                f"duty template {self.id!r} runs {self.start}-{self.end}, which is "
                f"{self.clock_length_minutes / 60:g} h past midnight: if you meant "
                f"{self.end}-{self.start}, swap start and end; if it does run overnight, "
                "mark it overnight: true"
            )
        return self

    def worked_by(self, person: Staff) -> bool:
        """Whether the person may work it: their role may, and it is one of their own
        `templates` if they have that list (an `arranged` one only then)."""
        if self.roles is not None and person.role not in self.roles:
            return False
        if person.templates is not None:
            return self.id in person.templates
        return not self.arranged

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
