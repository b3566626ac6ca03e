"""What the API reads and answers, beyond the scheduler's own models: one model per
resource view, so the OpenAPI document says what each route returns.

The scenario's parts (wards, staff, duty templates, events, pins) and the rota's (duties,
coverage, summaries) are the scheduler's models themselves: the API stores and serves
the same JSON as the command line.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api import tables
from scheduler.roster import Roster, RosterPeriod
from scheduler.rota import Activity, Duty, StaffSummary, WardCoverage
from scheduler.scenario import (
    DemandBasis,
    EngagementEvent,
    HotSpot,
    Id,
    Name,
    Pin,
    Policy,
    Team,
)


class View(BaseModel):
    """An answer: every field is always present (None where there is nothing)."""

    model_config = ConfigDict(populate_by_name=True, from_attributes=True)


# -- teams ------------------------------------------------------------------------------


class TeamView(View):
    id: str
    name: str
    timezone: str


class TeamSettings(BaseModel):
    """A team's own settings: its name, zone, station and contact, and its policy (the
    rule values, DOMAIN.md's defaults where not given)."""

    model_config = ConfigDict(extra="forbid")

    team: Team
    policy: Policy = Field(default_factory=Policy)


class WeeklyEvent(BaseModel):
    """An event and how many weeks it is held, the first included."""

    model_config = ConfigDict(extra="forbid")

    event: EngagementEvent
    weeks: int = Field(ge=2, le=52)


class NewInvitation(BaseModel):
    """Invite one of the team's people to sign in to the pages with a password."""

    model_config = ConfigDict(extra="forbid")

    staff_id: Id
    login: str = Field(
        min_length=3,
        max_length=120,
        description="the name they sign in with: an email address or the force's user name",
    )


class InvitationView(BaseModel):
    """An invitation made: the one-time link (shown once) and until when it works."""

    user_id: int
    login: str
    link: str
    expires_at: datetime


class EditedVersion(BaseModel):
    """The draft a sergeant's edit made, and what it breaks."""

    version: int
    url: str
    breaks: list[str] = Field(
        description="what the draft breaks, in the checker's words; empty if nothing"
    )


class ContractShortfallView(View):
    """Someone the duty templates can never give their contracted hours in a week."""

    staff: str
    name: str
    contracted_hours: float
    most_hours: float = Field(description="the most any week of these templates gives them")


class ImportedScenario(View):
    team: str
    week_start: date
    wards: int
    staff: int
    events: int
    pins: int
    contract_shortfalls: list[ContractShortfallView]


class StaffImport(View):
    team: str
    staff: int = Field(description="people created or replaced")


class WardDemandView(View):
    ward: str
    name: str
    hourly_demand: list[float] | None = Field(description="168 weights from Monday 00:00 local")
    basis: DemandBasis | None = Field(description="what it was built from (counts only)")
    hot_spots: list[HotSpot]


class DemandImport(View):
    """Each ward's demand and hot spots, built from the records sent (not kept)."""

    team: str
    as_of: date
    records: int
    outside: int = Field(description="records in none of the team's wards, or with no place")
    wards: list[WardDemandView]


class StoredPin(Pin):
    """A pin as stored for a team-week, with the id to delete it by."""

    id: str


# -- rotas and versions -----------------------------------------------------------------


class VersionView(View):
    number: int
    status: tables.VersionStatus
    created_at: datetime
    published_at: datetime | None
    job: str | None = Field(description="the job that made it, if a job did")

    @classmethod
    def of(cls, version: Any) -> VersionView:
        """From a stored version (or a row of its columns)."""
        return cls(
            number=version.number,
            status=version.status,
            created_at=version.created_at,
            published_at=version.published_at,
            job=f"/jobs/{version.job_id}" if version.job_id else None,
        )


class PublishedVersion(VersionView):
    following_week_breaks: list[str] = Field(
        description="what the following week's published rota now breaks (repair it)"
    )


class StaffRota(View):
    staff: str
    duties: list[Duty]
    summary: StaffSummary | None


class WardActivity(Activity):
    staff: str


class WardRota(View):
    ward: str
    coverage: WardCoverage
    activities: list[WardActivity]


class DutySummary(View):
    template: str
    start: datetime
    end: datetime
    wards: list[str]
    events: list[str]


class DutyDifference(View):
    staff: str
    day: date
    change: Literal["added", "removed", "changed"]
    before: DutySummary | None
    after: DutySummary | None


class DutyChangeTold(View):
    """A change to the caller's duties that a week's republication made."""

    day: date
    change: str = Field(description='"added", "stood down", "moved", "cut short", "ward changed"')
    before: Duty | None = Field(description="the duty as published before; None: a day off")
    after: Duty | None = Field(description="the duty as published now; None: a day off")
    told: datetime = Field(description="when it was published, and so told")
    clear_days: int = Field(description="whole days between being told and the duty's day")
    owed: str | None = Field(description="what the Regulations owe for it, if anything")


class VersionDiff(View):
    from_: int = Field(alias="from")
    to: int
    changes: list[DutyDifference]


# -- jobs -------------------------------------------------------------------------------


class JobProgress(View):
    objective: float | None
    bound: float | None
    elapsed: float | None


class JobView(View):
    id: int
    url: str
    team: str
    week_start: date
    status: tables.JobStatus
    progress: JobProgress
    message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested: bool
    stop_requested: bool
    kind: Literal["solve", "replan", "roster"] = Field(
        description="solve: a week; replan: a repair of a published week; roster: the "
        "team's tours and rest days for the period from week_start"
    )
    repair: dict[str, Any] | None = Field(
        description="a finished repair's draft version, the version it repaired, its "
        "changed duties (notice, compensation), event attendance and presence per ward"
    )
    roster: dict[str, Any] | None = Field(
        description="a finished roster job's draft: its period's start and version number "
        "(GET /teams/{team}/rosters/{start}?version=N)"
    )
    deployment: dict[str, Any] | None = Field(
        description="a finished solve of a week the published roster holds: that roster "
        "(start, version), each change its draft makes to the rostered tours (notice, "
        "compensation) and why"
    )

    @classmethod
    def of(cls, job: tables.SolveJob) -> JobView:
        return cls(
            id=job.id,
            url=f"/jobs/{job.id}",
            team=job.team_id,
            week_start=job.week_start,
            status=job.status,
            progress=JobProgress(objective=job.objective, bound=job.bound, elapsed=job.elapsed),
            message=job.message,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            cancel_requested=job.cancel_requested,
            stop_requested=job.stop_requested,
            kind=job.kind,
            repair=job.result if job.kind == "replan" else None,
            roster=job.result if job.kind == "roster" else None,
            deployment=job.result if job.kind == "solve" else None,
        )


class JobPageState(JobView):
    """What the progress page polls: the job, and where to go when it is done."""

    week_page: str = Field(description="the page the job belongs to: its week, or the rosters")
    next: str | None = Field(description="the draft it made, when it made one")
    quality: str = Field(
        description="the best rota (roster) so far in words: at most how far below the best "
        "possible it is"
    )
    time_taken: str = Field(description="how long the job has run (or ran), in words")


# -- the abstraction report -------------------------------------------------------------


class PresenceAccount(View):
    """Person-hours of visible presence: planned + added = delivered + abstracted +
    otherwise unfilled."""

    planned: float
    abstracted: dict[str, float] = Field(description="by category")
    delivered: float
    added: float
    otherwise_unfilled: float


class WardAccount(PresenceAccount):
    ward: str


class AbstractionView(View):
    staff: str
    category: str
    start: datetime
    end: datetime
    job: str | None


class AbstractionReport(View):
    team: str
    from_: date = Field(alias="from")
    to: date
    wards: list[WardAccount]
    total: PresenceAccount
    abstractions: list[AbstractionView]


# -- users and tokens -------------------------------------------------------------------


class NewUser(BaseModel):
    name: Name
    role: tables.Role
    teams: list[str] = Field(default_factory=list, description="teams a sergeant leads")
    team_id: str | None = Field(None, description="an officer's team")
    staff_id: str | None = Field(None, description="an officer's staff id in that team")

    @model_validator(mode="after")
    def _consistent(self) -> NewUser:
        if self.role is tables.Role.OFFICER and not (self.team_id and self.staff_id):
            raise ValueError("an officer needs team_id and staff_id (their own staff record)")
        if self.role is tables.Role.SERGEANT and not self.teams:
            raise ValueError("a sergeant needs the teams they lead")
        if self.role is not tables.Role.OFFICER and (self.team_id or self.staff_id):
            raise ValueError("team_id and staff_id are only for an officer; leave them out")
        if self.role is not tables.Role.SERGEANT and self.teams:
            raise ValueError(
                "teams are only for a sergeant (an admin leads every team, an officer is "
                "given by team_id and staff_id); leave them out"
            )
        return self


class UserView(View):
    id: int
    name: str
    role: tables.Role
    teams: list[str] = Field(description="the teams a sergeant leads")
    team_id: str | None
    staff_id: str | None
    active: bool = Field(description="false once deactivated: nothing of theirs works")


class UserChange(BaseModel):
    """An admin's change to a user: off-board them, or change the teams a sergeant leads.
    Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    active: bool | None = Field(
        None,
        description="false: deactivate, ending their API tokens, page sessions and "
        "calendar feeds at once; true: they may be given a token again",
    )
    teams: list[str] | None = Field(
        None, description="a sergeant's teams, replacing those they lead now"
    )

    @model_validator(mode="after")
    def _something(self) -> UserChange:
        if self.active is None and self.teams is None:
            raise ValueError("nothing to change: give active, teams or both")
        return self


class NewUserView(UserView):
    token: str = Field(description="their first token, shown only now")


class IssuedToken(View):
    user: int
    token: str = Field(description="shown only now")


# -- calendar feeds ---------------------------------------------------------------------

FeedKind = Literal["duties", "busy", "team"]


class NewFeed(BaseModel):
    team_id: Id
    kind: FeedKind = Field(description="duties: an officer's; busy: theirs, times only; team: all")
    staff_id: Id | None = Field(None, description="the officer, for duties/busy")


class FeedView(View):
    id: int
    kind: FeedKind
    team_id: str
    staff_id: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IssuedFeed(FeedView):
    url: str = Field(description="the secret https address, shown only now")
    webcal: str = Field(description="the same as webcal://, which calendar apps subscribe to")


# -- rosters ----------------------------------------------------------------------------


class RosterUpload(BaseModel):
    """A roster to store as a draft: its period and the roster `beatplan roster` planned."""

    model_config = ConfigDict(extra="forbid")
    period: RosterPeriod
    roster: Roster


class RosterGenerate(BaseModel):
    """A roster to plan in the service: the period (as `beatplan roster` reads it) and
    the seconds to search."""

    model_config = ConfigDict(extra="forbid")
    period: RosterPeriod
    time_limit: float | None = Field(
        None, gt=0, le=3600, description="seconds to search; the service's roster default"
    )


class RosterPublish(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(
        None,
        max_length=500,
        description="why the roster is published less than a month before it starts",
    )


class RosterVersionView(View):
    start: date
    weeks: int
    number: int
    status: tables.VersionStatus
    created_at: datetime
    published_at: datetime | None
    late_reason: str | None = Field(description="why it was published less than a month ahead")


class RosterView(View):
    version: RosterVersionView
    period: dict[str, Any]
    roster: dict[str, Any]


class RosterChange(View):
    staff: str
    day: date
    before: str = Field(description="the day as rostered before: duty code and times, R, AL")
    after: str
    clear_days: int = Field(description="clear days' notice of the change")
    owed: str | None = Field(description="what the Regulations owe for a tour added or moved")


class PublishedRoster(RosterVersionView):
    changes: list[RosterChange] = Field(
        description="each change from the roster it supersedes, from today on"
    )
    deployed_weeks: list[date] = Field(
        description="weeks whose deployment is published already: their own rota governs "
        "them (repair them to follow the roster)"
    )
