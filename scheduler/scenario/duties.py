"""Duty templates: the shift patterns people work, and which of them PCSOs may work."""

from __future__ import annotations

from pydantic import Field, StrictInt, model_validator

from scheduler.scenario.base import Id, Name, Strict
from scheduler.scenario.policy import Policy
from scheduler.scenario.staff import Role
from scheduler.scenario.times import ClockTime, clock_minutes


class DutyTemplate(Strict):
    """A shift pattern such as early 07:00-15:00; an end at or before the start is next day."""

    id: Id
    name: Name
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
