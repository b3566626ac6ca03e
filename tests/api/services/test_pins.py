"""api.services.pins: a person's pins never repeat or contradict each other."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from api import tables
from api.services import pins
from api.services.errors import Conflict, NotFound
from scheduler.scenario import EngagementEvent, Pin
from tests.api.services.conftest import MONDAY, Callers

TUESDAY = date(2026, 11, 24)
EVENT = "ev-schoolgate-stmarks"  # Monday 15:00-15:45


def test_a_second_pin_on_the_same_day_is_refused_naming_the_first(
    session: Session, team: tables.Team, callers: Callers
):
    before = [row.id for row in pins.stored_pins(session, team.id, MONDAY)]
    first = pins.add_pin(
        session, callers.sergeant, team, MONDAY, Pin(staff="pc-walsh", day=TUESDAY, off=True)
    )
    with pytest.raises(Conflict) as refused:
        pins.add_pin(
            session,
            callers.sergeant,
            team,
            MONDAY,
            Pin(staff="pc-walsh", day=TUESDAY, template="early"),
        )
    message = str(refused.value.detail)
    assert first.id in message and "remove that pin first" in message
    assert "already has a pin on Tue 24 Nov 2026 (off)" in message
    assert {row.id for row in pins.stored_pins(session, team.id, MONDAY)} == {*before, first.id}


def test_a_rest_day_on_the_day_of_a_pinned_event_is_refused(
    session: Session, team: tables.Team, callers: Callers
):
    pins.add_pin(session, callers.sergeant, team, MONDAY, Pin(staff="pc-walsh", event=EVENT))
    with pytest.raises(Conflict, match="is already pinned to attend School gate presence"):
        pins.add_pin(
            session, callers.sergeant, team, MONDAY, Pin(staff="pc-walsh", day=MONDAY, off=True)
        )


def test_moving_a_pinned_event_onto_its_attendees_rest_day_names_the_clash(
    session: Session, team: tables.Team, callers: Callers
):
    pinned = pins.add_pin(
        session, callers.sergeant, team, MONDAY, Pin(staff="pc-walsh", event=EVENT)
    )
    pins.add_pin(
        session, callers.sergeant, team, MONDAY, Pin(staff="pc-walsh", day=TUESDAY, off=True)
    )
    stored = session.get(tables.EngagementEvent, (team.id, EVENT))
    assert stored is not None
    event = EngagementEvent.model_validate(stored.spec)
    assert pins.event_clash(session, team, {MONDAY}, event, "move it again") is None
    moved = event.model_copy(
        update={"start": event.start.replace(day=24), "end": event.end.replace(day=24)}
    )
    clash = pins.event_clash(session, team, {MONDAY}, moved, "move it again")
    assert clash is not None
    assert f"(pin {pinned.id})" in clash and clash.endswith("then move it again")


def test_a_pin_of_another_week_or_none_at_all_is_not_found(
    session: Session, team: tables.Team, callers: Callers
):
    before = pins.stored_pins(session, team.id, MONDAY)
    row = pins.add_pin(
        session, callers.sergeant, team, MONDAY, Pin(staff="pc-walsh", day=TUESDAY, off=True)
    )
    with pytest.raises(NotFound):
        pins.delete_pin(session, callers.sergeant, team, date(2026, 11, 30), row.id)
    with pytest.raises(NotFound):
        pins.delete_pin(session, callers.sergeant, team, MONDAY, "no-such-pin")
    pins.delete_pin(session, callers.sergeant, team, MONDAY, row.id)
    assert pins.stored_pins(session, team.id, MONDAY) == before
