"""A roster: each person's duty or rest day for every day of the period, with figures."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from scheduler.codes import SolveStatus

DayKind = Literal["duty", "rest", "leave", "course", "court", "other"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RosterDay(Out):
    """One person's day: a rostered tour (template, start, end), a rest day, or an absence
    (a course or court day with hours has its start and end too)."""

    staff: str
    day: date
    kind: DayKind
    template: str | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    code: str = Field(description="what the grid shows: the template's id, R, AL, TRG, CRT")

    @property
    def hours(self) -> float:
        if self.start is None or self.end is None:
            return 0.0
        return (self.end - self.start).total_seconds() / 3600


class PersonSummary(Out):
    staff: str
    hours: float = Field(description="hours rostered over the period, courses and court included")
    contracted_hours: float = Field(description="what their contract asks over the period")
    duties: int
    rest_days: int
    nights: int
    weekends_worked: int
    weekends_off: int
    longest_run: int = Field(description="most days worked in a row")
    requests_met: int = 0
    requests_total: int = 0


class CoverShortfall(Out):
    day: date
    start: AwareDatetime
    end: AwareDatetime
    wanted: int
    on_duty: float = Field(description="the fewest on duty in those hours")
    warranted: bool = Field(False, description="the shortfall is of warranted officers")


class EventCover(Out):
    event: str
    name: str
    start: AwareDatetime
    end: AwareDatetime
    wanted: int
    on_duty: int = Field(description="people able to fill it who are on duty throughout")
    unmet: list[str] = Field(
        default_factory=list,
        description="what else it needs that nobody on duty throughout gives: a seat, the "
        "warranted officers, a required skill",
    )


class RosterReport(Out):
    status: SolveStatus
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = Field(None, description="relative gap to the bound, 0.01 = 1%")
    wall_time: float
    first_roster_time: float | None = Field(None, description="seconds to the first roster")
    expected_presence: float | None = Field(
        None, description="demand-weighted presence-hours the roster makes possible"
    )
    explanation: list[str] = Field(default_factory=list)
    trace: list[tuple[float, float]] = Field(
        default_factory=list, description="(seconds, objective) each time the roster improved"
    )


class Roster(Out):
    team: str
    start: date
    weeks: int
    days: list[RosterDay]
    people: list[PersonSummary] = Field(default_factory=list)
    cover_shortfalls: list[CoverShortfall] = Field(default_factory=list)
    events: list[EventCover] = Field(default_factory=list)
    report: RosterReport

    def day_of(self, staff: str, day: date) -> RosterDay | None:
        return self._index().get((staff, day))

    def _index(self) -> dict[tuple[str, date], RosterDay]:
        return {(d.staff, d.day): d for d in self.days}

    def duties(self) -> list[RosterDay]:
        return [d for d in self.days if d.kind == "duty"]
