"""Pins: decisions a sergeant fixes by hand (a duty, a day off, attendance at an event),
and the rule that a person's pins never repeat or contradict each other.

One pin per person and day (a duty or a rest day) and per person and event, and no rest
day on the day of an event the person is pinned to (`scheduler.scenario.Pin.clashes_with`).
The pins API, a repair's pins and an event moved under a pin all keep that rule here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api import tables
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Conflict, NotFound
from api.services.scenarios import assemble_scenario
from scheduler.scenario import EngagementEvent, Pin, local_day


def stored_pins(session: Session, team_id: str, week: date) -> list[tables.Pin]:
    """The team-week's pins, in the order they were made."""
    query = select(tables.Pin).where(
        col(tables.Pin.team_id) == team_id, col(tables.Pin.week_start) == week
    )
    return list(session.exec(query.order_by(col(tables.Pin.id))))


def view(row: tables.Pin) -> dict[str, Any]:
    return {"id": row.id, **row.spec}


def add_pin(
    session: Session, caller: Caller, team: tables.Team, week: date, pin: Pin
) -> tables.Pin:
    """Store a pin for the next solve, and commit. Conflict if it repeats or contradicts
    one of the person's pins (naming it), or makes the stored week invalid (unknown
    staff...); nothing is stored then."""
    row = store_pin(session, caller, team, week, pin)
    session.commit()
    return row


def store_pin(
    session: Session, caller: Caller, team: tables.Team, week: date, pin: Pin
) -> tables.Pin:
    """`add_pin` without the commit: the caller commits (or rolls back) with the rest."""
    clash = clashing_pin(session, team, week, pin)
    if clash is not None:
        raise Conflict(clash_message(session, team, clash))
    row = tables.Pin(
        team_id=team.id,
        id=f"{week}-{uuid4().hex[:8]}",
        week_start=week,
        spec=pin.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    assemble_scenario(session, team, week)  # ScenarioConflict: rolled back with the session
    audit(session, caller, "add pin", team.id, row.id, **row.spec)
    return row


def delete_pin(
    session: Session, caller: Caller, team: tables.Team, week: date, pin_id: str
) -> None:
    """Remove a pin of the team-week, and commit."""
    row = session.get(tables.Pin, (team.id, pin_id))
    if row is None or row.week_start != week:
        raise NotFound(f"no pin {pin_id!r} in this team-week")
    session.delete(row)
    audit(session, caller, "delete pin", team.id, pin_id, **row.spec)
    session.commit()


def event_days(
    session: Session, team: tables.Team, events: dict[str, EngagementEvent] | None = None
) -> Callable[[str], date | None]:
    """An event's local day, from `events` or else the stored events (None if unknown)."""
    zone = ZoneInfo(team.timezone)
    changed = events or {}

    def event_day(event_id: str) -> date | None:
        if event_id in changed:
            return local_day(changed[event_id].start, zone)
        event = session.get(tables.EngagementEvent, (team.id, event_id))
        return local_day(event.starts_at, zone) if event else None

    return event_day


def clashing_pin(
    session: Session,
    team: tables.Team,
    week: date,
    pin: Pin,
    events: dict[str, EngagementEvent] | None = None,
    stored: str | None = None,
) -> tables.Pin | None:
    """The team-week's stored pin that the new one repeats or contradicts, if any
    (`Pin.clashes_with`). `events` are event versions to use instead of the stored ones
    (a repair's new or changed events); `stored` is the pin's own id if it is stored
    (it does not clash with itself)."""
    event_day = event_days(session, team, events)
    for row in stored_pins(session, team.id, week):
        if row.id != stored and pin.clashes_with(Pin.model_validate(row.spec), event_day):
            return row
    return None


def event_clash(
    session: Session, team: tables.Team, weeks: set[date], event: EngagementEvent, then: str
) -> str | None:
    """What is wrong if the event, as given (moved to another day), puts a stored pin to
    it in clash with another stored pin of that person's (a rest day on its new day),
    naming that pin, as the pins API does; None if nothing."""
    query = select(tables.Pin).where(
        col(tables.Pin.team_id) == team.id, col(tables.Pin.week_start).in_(sorted(weeks))
    )
    for row in session.exec(query.order_by(col(tables.Pin.id))).all():
        if row.spec.get("event") == event.id:
            pin = Pin.model_validate(row.spec)
            other = clashing_pin(session, team, row.week_start, pin, {event.id: event}, row.id)
            if other is not None:
                day = local_day(event.start, ZoneInfo(team.timezone))
                return (
                    f"{event.name} on {day:%a %d %b %Y} would clash with a pin of someone "
                    f"pinned to attend it (pin {row.id}): "
                    f"{clash_message(session, team, other, then)}"
                )
    return None


def _name(session: Session, team: tables.Team, table: type[tables.TeamItem], item: str) -> str:
    found = session.get(table, (team.id, item))
    return found.spec.get("name", item) if found else item


def _who(session: Session, team: tables.Team, pin: Pin) -> str:
    return f"{_name(session, team, tables.StaffMember, pin.staff)} ({pin.staff})"


def _duty(session: Session, team: tables.Team, pin: Pin) -> str:
    return (
        "off"
        if pin.off
        else f"works {_name(session, team, tables.DutyTemplate, pin.template or '')}"
    )


def pin_words(session: Session, team: tables.Team, pin: Pin) -> str:
    """A pin already there, in a sergeant's words: who, and what it pins them to."""
    who = _who(session, team, pin)
    if pin.event is not None:
        event = _name(session, team, tables.EngagementEvent, pin.event)
        return f"{who} is already pinned to attend {event}"
    assert pin.day is not None
    duty = _duty(session, team, pin)
    return f"{who} already has a pin on {pin.day:%a %d %b %Y} ({duty})"


def pin_words_of(session: Session, team: tables.Team, row: tables.Pin) -> str:
    """A stored pin in a sergeant's words: 'Pat Walsh (pc-walsh) off on Tue 24 Nov 2026'."""
    pin = Pin.model_validate(row.spec)
    who = _who(session, team, pin)
    if pin.event is not None:
        event = _name(session, team, tables.EngagementEvent, pin.event)
        return f"{who} attends {event}"
    assert pin.day is not None
    return f"{who} {_duty(session, team, pin)} on {pin.day:%a %d %b %Y}"


def clash_message(
    session: Session, team: tables.Team, row: tables.Pin, then: str = "pin again"
) -> str:
    """Names the pin already there, and the fix."""
    old = Pin.model_validate(row.spec)
    return f"{pin_words(session, team, old)}: pin {row.id}; remove that pin first, then {then}"
