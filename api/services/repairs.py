"""Repairing a published week: record what happened and queue the repair.

Absences are stored as abstractions (with their category) and in the person's
unavailability, new or changed events join the team's data, surges and pins the week's;
the worker stores the repair as a draft version with its changes, notice and
compensation on the job. Publishing that draft updates the affected officers' feeds like
any publication.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import tables
from api.services import jobs, pins, versions
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Conflict, Invalid, field_error
from api.services.scenarios import assemble_scenario, monday_of, refuse_ended
from scheduler.replan import Absence, EventChange, PinChange, Replan, Surge, apply_changes
from scheduler.rota import Rota

REPAIR_TIME_LIMIT = 2.5


def start_repair(
    session: Session,
    caller: Caller,
    team: tables.Team,
    week: date,
    replan: Replan,
    now: datetime,
) -> tables.SolveJob:
    """Record the changes and queue a repair of the published week from `replan.now`,
    and commit. Conflict if the week has ended by `now`, nothing is published, a job of
    the team-week is queued or running, or a change contradicts the stored data; Invalid
    if the request contradicts itself. Nothing is stored when it is refused."""
    refuse_ended(team, week, now)
    _refuse_earlier_weeks(team, week, replan)  # input alone: before anything is stored
    _refuse_clashing_pins(session, team, week, replan)  # likewise
    published = versions.published(session, team.id, week)
    if published is None:
        raise Conflict(f"nothing is published for the week of {week}; publish first")
    job = tables.SolveJob(
        team_id=team.id,
        week_start=week,
        kind="replan",
        request=replan.model_dump(mode="json"),
        time_limit=REPAIR_TIME_LIMIT,
        created_at=datetime.now(UTC),
    )
    jobs.queue(session, job, "a solve or repair")
    scenario = assemble_scenario(session, team, week)
    try:  # the changes as the repair will apply them (an absence starts no earlier than now)
        changed, _ = apply_changes(scenario, Rota.model_validate(published.rota), replan)
    except ValueError as error:
        raise Invalid.at(["body", "changes"], str(error)) from None
    unavailable = {p.id: p.unavailable for p in changed.staff}
    for change in replan.changes:
        if isinstance(change, Absence):
            person = session.get(tables.StaffMember, (team.id, change.staff))
            assert person is not None  # apply_changes refused unknown staff
            person.spec = {
                **person.spec,
                "unavailable": [u.model_dump(mode="json") for u in unavailable[change.staff]],
            }
            session.add(person)
            session.add(
                tables.Abstraction(
                    team_id=team.id,
                    staff_id=change.staff,
                    category=change.category,
                    starts_at=change.start,
                    ends_at=change.end,
                    job_id=job.id,
                    created_by=caller.user.id,
                    created_at=datetime.now(UTC),
                )
            )
        elif isinstance(change, EventChange):
            event = change.event
            row = session.get(tables.EngagementEvent, (team.id, event.id))
            spec = event.model_dump(mode="json")
            if row is None:
                row = tables.EngagementEvent(
                    team_id=team.id, id=event.id, starts_at=event.start, spec=spec
                )
            else:
                row.spec, row.starts_at = spec, event.start
            session.add(row)
        else:  # a surge or a pin: stored for this week only
            weekly, spec = (
                (tables.Surge, change.model_dump(mode="json", exclude={"kind"}))
                if isinstance(change, Surge)
                else (tables.Pin, change.pin.model_dump(mode="json"))
            )
            session.add(
                weekly(team_id=team.id, id=f"{week}-{uuid4().hex[:8]}", week_start=week, spec=spec)
            )
    session.flush()
    assemble_scenario(session, team, week)  # the stored data must stay valid: else Conflict
    audit(session, caller, "start replan", team.id, jobs.url(job), changes=len(replan.changes))
    session.commit()
    return job


def _refuse_earlier_weeks(team: tables.Team, week: date, replan: Replan) -> None:
    """An absence stored from before this week begins (from `now`, in a week not yet over)
    would put someone away in that week's published rota without repairing it: Invalid,
    naming the week to record it on first."""
    zone = ZoneInfo(team.timezone)
    begins = datetime.combine(week, time(0), zone)
    for change in replan.changes:
        if isinstance(change, Absence) and max(change.start, replan.now) < begins:
            start = max(change.start, replan.now).astimezone(zone)
            raise Invalid.at(
                ["body", "changes"],
                f"the absence of {change.staff!r} starts {start:%a %d %b %H:%M}, "
                f"before the week of {week} begins, so it would change the week of "
                f"{monday_of(start.date())} without repairing it: record it on that "
                f"week first, and here from {begins:%a %d %b %H:%M}",
            )


def _refuse_clashing_pins(session: Session, team: tables.Team, week: date, replan: Replan) -> None:
    """The pins API's rule for the repair's pins (`api.services.pins`). Two such pins in
    the request are Invalid at the second; one that repeats or contradicts a stored pin
    is a Conflict naming it, and so is a changed event that moves a stored pin to it onto
    a rest day stored for that person. Events are as the repair leaves them (its new or
    changed ones)."""
    events = {c.event.id: c.event for c in replan.changes if isinstance(c, EventChange)}
    event_day = pins.event_days(session, team, events)
    pinned = [(i, c.pin) for i, c in enumerate(replan.changes) if isinstance(c, PinChange)]
    for later, (index, pin) in enumerate(pinned):
        for first, earlier in pinned[:later]:
            if pin.clashes_with(earlier, event_day):
                raise Invalid.at(
                    ["body", "changes", index, "pin"],
                    f"{pins.pin_words(session, team, earlier)}: changes[{first}] of this "
                    "request; a person has one pin per day (a duty or a rest day) and per "
                    "event, and no rest day on the day of a pinned event: send one of the two",
                )
    for index, pin in pinned:
        row = pins.clashing_pin(session, team, week, pin, events)
        if row is not None:
            then = "send the repair again, or leave this pin out"
            message = pins.clash_message(session, team, row, then)
            raise Conflict([field_error(["body", "changes", index, "pin"], message, "conflict")])
    for index, change in enumerate(replan.changes):
        if not isinstance(change, EventChange):
            continue
        clash = pins.event_clash(session, team, {week}, change.event, "send the repair again")
        if clash is not None:
            raise Conflict([field_error(["body", "changes", index, "event"], clash, "conflict")])
