"""The rota: what each person does in the week, with coverage figures and the solve report.

A rota is plain data. `scheduler.check` re-verifies it against the scenario without any
solver code, so a rota written by hand, by another tool or by an older version of
Beatplan can be checked the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from scheduler.codes import SolveStatus


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Visit(Out):
    """A planned visit to a hot spot of the patrol's ward (`scheduler.visits`): the
    officer's own, never shown in public."""

    hot_spot: str
    start: AwareDatetime
    end: AwareDatetime


class Activity(Out):
    """Part of a duty: patrolling a ward, or attending an engagement event in it."""

    kind: Literal["patrol", "event"]
    ward: str
    event: str | None = None
    start: AwareDatetime
    end: AwareDatetime
    visits: list[Visit] = Field(
        default_factory=list, description="hot-spot visits planned in a patrol block"
    )

    @property
    def hours(self) -> float:
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() / 3600


class Duty(Out):
    staff: str
    day: date = Field(description="local date the duty starts on")
    template: str
    start: AwareDatetime
    end: AwareDatetime
    activities: list[Activity] = Field(default_factory=list)

    @property
    def hours(self) -> float:
        """Real elapsed hours (an October night duty is an hour longer than its clock times)."""
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() / 3600

    @property
    def main_ward(self) -> str | None:
        """The ward the duty spends most time in (ties: the later name), if any."""
        hours: dict[str, float] = {}
        for activity in self.activities:
            hours[activity.ward] = hours.get(activity.ward, 0.0) + activity.hours
        return max(hours, key=lambda ward: (hours[ward], ward)) if hours else None


class WardCoverage(Out):
    ward: str
    visible_hours: float = Field(description="person-hours of patrol and events in the ward")
    demand_hours: float = Field(description="hours of the week with demand")
    demand_covered: float = Field(
        description="share of demand weight with at least one person present"
    )
    weighted_presence: float = Field(
        description="demand-weighted presence with diminishing returns"
    )
    min_weekly_hours: float
    peak_hours: int
    uncovered_peak_hours: list[AwareDatetime] = Field(default_factory=list)
    own_officers_share: float | None = Field(
        None,
        description="share of the ward's visible hours given by its own dedicated ward "
        "officers (None if it has none)",
    )
    presence_without_continuity: float | None = Field(
        None,
        description="weighted presence the ward had in the plan for presence alone, before "
        "familiar faces (blocks, wards per duty, own-ward share) were asked for",
    )


class EventStaffing(Out):
    event: str
    attendees: list[str]
    staffed: bool


class StaffSummary(Out):
    staff: str
    hours: float
    duties: int
    unsocial_duties: int
    home_ward_share: float | None = Field(
        None, description="share of a dedicated ward officer's patrol hours in their own ward"
    )
    most_wards_in_a_duty: int = Field(0, description="the most wards one of their duties visits")
    preferences_met: int
    preferences_total: int


class FacesReport(Out):
    """The familiar-faces phase (`scheduler.solve.keep_faces`): the main phase's duties
    deployed in blocks under the team's continuity policy."""

    status: SolveStatus = Field(
        description="OPTIMAL or FEASIBLE: deployed; INFEASIBLE or UNKNOWN: the rota is the "
        "plan for presence alone, and `explanation` says why"
    )
    objective: float | None = None
    best_bound: float | None = Field(
        None, description="the best objective any deployment of these duties could reach"
    )
    wall_time: float
    explanation: list[str] = Field(default_factory=list)


class SolveReport(Out):
    status: SolveStatus
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    wall_time: float
    first_solution_time: float | None = None
    seed: int
    workers: int
    time_limit: float
    ortools_version: str
    explanation: list[str] = Field(default_factory=list)
    faces: FacesReport | None = Field(
        None, description="the familiar-faces phase, when the policy asks for continuity"
    )


class Rota(Out):
    team: str
    week_start: date
    duties: list[Duty]
    wards: list[WardCoverage] = Field(default_factory=list)
    events: list[EventStaffing] = Field(default_factory=list)
    staff: list[StaffSummary] = Field(default_factory=list)
    report: SolveReport | None = None
    generated_at: datetime | None = None

    def duties_of(self, staff_id: str) -> list[Duty]:
        return [duty for duty in self.duties if duty.staff == staff_id]

    def worked(self) -> set[tuple[str, date, str]]:
        """(staff, day, template) for every duty the rota gives."""
        return {(duty.staff, duty.day, duty.template) for duty in self.duties}

    def attendance(self) -> set[tuple[str, str]]:
        """(staff, event) for everyone the rota sends to an event."""
        return {
            (duty.staff, activity.event)
            for duty in self.duties
            for activity in duty.activities
            if activity.event is not None
        }


def load_rota(path: str | Path) -> Rota:
    """Read a rota JSON file; raises ValueError with a readable message."""
    from pydantic import ValidationError

    from scheduler.scenario import describe_validation_error, read_json

    source = Path(path)
    raw = read_json(source, "rota")
    try:
        return Rota.model_validate(raw)
    except ValidationError as error:
        raise ValueError(f"{source}: {describe_validation_error(error, 'rota')}") from error


def carry_in_from(previous: Rota) -> dict[str, dict[str, object]]:
    """What a week's rota leaves for the next week's rest rules, per person who worked:
    `{"last_duty_end": ..., "days_worked_in_a_row": ...}` in the shape of `CarryIn`.

    The run counts the days with a duty from that week's Sunday backwards; a run that
    fills the whole week is counted as seven (the week before is not looked at)."""
    sunday = previous.week_start + timedelta(days=6)
    carried: dict[str, dict[str, object]] = {}
    for person in sorted({duty.staff for duty in previous.duties}):
        duties = previous.duties_of(person)
        worked = {duty.day for duty in duties}
        run = 0
        while sunday - timedelta(days=run) in worked and run < 7:
            run += 1
        carried[person] = {
            "last_duty_end": max(duty.end for duty in duties).isoformat(),
            "days_worked_in_a_row": run,
        }
    return carried
