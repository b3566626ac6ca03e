"""api.services.publishing: only a draft that still fits the week is published."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from api import tables
from api.services import jobs, pins, publishing, versions
from api.services.errors import Conflict
from scheduler.rota import Duty, Rota
from scheduler.scenario import Pin
from tests.api.services.conftest import MONDAY, Callers
from tests.support import BEFORE_THE_SAMPLE_WEEK as NOW


def _draft(session: Session, basis: dict | None = None) -> tables.RotaVersion:
    """A rota of one early duty for PC Walsh on Tuesday (short of every ward minimum:
    a coverage shortfall a sergeant may knowingly publish), planned from `basis`."""
    duty = Duty(
        staff="pc-walsh",
        day=date(2026, 11, 24),
        template="early",
        start=datetime(2026, 11, 24, 7, tzinfo=UTC),
        end=datetime(2026, 11, 24, 15, tzinfo=UTC),
    )
    version = versions.add_draft(
        session,
        "riverside",
        MONDAY,
        Rota(team="riverside", week_start=MONDAY, duties=[duty]),
        basis=basis,
    )
    session.commit()
    return version


def test_a_draft_is_published_and_supersedes_the_one_before(
    session: Session, team: tables.Team, callers: Callers
):
    first, second = _draft(session), _draft(session)
    published, following = publishing.publish_draft(session, callers.sergeant, team, MONDAY, 1, NOW)
    assert (published.status, following) == (versions.PUBLISHED, [])
    publishing.publish_draft(session, callers.sergeant, team, MONDAY, 2, NOW)
    session.refresh(first)
    assert (first.status, second.status) == (versions.SUPERSEDED, versions.PUBLISHED)
    with pytest.raises(Conflict, match="version 1 is superseded; only a draft can be published"):
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, 1, NOW)


def test_a_draft_that_no_longer_fits_the_week_is_refused_and_nothing_changes(
    session: Session, team: tables.Team, callers: Callers
):
    """Leave recorded after the draft was made: publishing it would send PC Walsh to work
    on annual leave."""
    draft = _draft(session)
    walsh = session.get(tables.StaffMember, ("riverside", "pc-walsh"))
    assert walsh is not None
    walsh.spec = {
        **walsh.spec,
        "unavailable": [
            {"start": "2026-11-24T00:00:00Z", "end": "2026-11-25T00:00:00Z", "reason": "leave"}
        ],
    }
    session.add(walsh)
    session.commit()
    with pytest.raises(Conflict) as refused:
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, draft.number, NOW)
    assert "no longer fits the week as it stands" in str(refused.value.detail)
    assert "Generate or repair the week again" in str(refused.value.detail)
    session.refresh(draft)
    assert draft.status == versions.DRAFT and versions.published(session, team.id, MONDAY) is None


def test_a_draft_planned_before_another_version_was_published_is_refused(
    session: Session, team: tables.Team, callers: Callers
):
    """Draft 2 was planned while version 1 was published; a repair (version 3) has been
    published since. Publishing draft 2 would silently undo the repair."""
    _draft(session, {"published": None, "pins": _pins(session)})
    publishing.publish_draft(session, callers.sergeant, team, MONDAY, 1, NOW)
    planned = {"published": 1, "pins": _pins(session)}
    _draft(session, planned)
    _draft(session, planned)
    publishing.publish_draft(session, callers.sergeant, team, MONDAY, 3, NOW)
    with pytest.raises(Conflict) as refused:
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, 2, NOW)
    message = str(refused.value.detail)
    assert "version 2 was planned from version 1" in message
    assert "version 3 is published now" in message and "Repair the published week" in message


def test_a_draft_planned_before_a_pin_was_made_or_removed_is_refused_naming_the_pin(
    session: Session, team: tables.Team, callers: Callers
):
    draft = _draft(session, versions.basis(session, team.id, MONDAY))
    pin = pins.add_pin(
        session,
        callers.sergeant,
        team,
        MONDAY,
        Pin(staff="pc-walsh", day=date(2026, 11, 25), off=True),
    )
    with pytest.raises(Conflict) as refused:
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, draft.number, NOW)
    assert f"pin {pin.id} added since (Siobhan Walsh (pc-walsh) off on Wed 25 Nov 2026)" in str(
        refused.value.detail
    )
    pins.delete_pin(session, callers.sergeant, team, MONDAY, pin.id)
    publishing.publish_draft(session, callers.sergeant, team, MONDAY, draft.number, NOW)
    removed = _draft(session, versions.basis(session, team.id, MONDAY))
    first_pin = _pins(session)[0]
    pins.delete_pin(session, callers.sergeant, team, MONDAY, first_pin)
    with pytest.raises(Conflict, match=f"pin {first_pin} removed since"):
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, removed.number, NOW)


def test_an_ended_week_is_kept_as_it_was(session: Session, team: tables.Team, callers: Callers):
    """From Monday 30 November the week of 23 November is read-only."""
    draft = _draft(session)
    monday_after = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday 00:00 in London (GMT)
    with pytest.raises(Conflict) as refused:
        publishing.publish_draft(
            session, callers.sergeant, team, MONDAY, draft.number, monday_after
        )
    assert "the week of 23 Nov 2026 ended on Sun 29 Nov 2026" in str(refused.value.detail)
    with pytest.raises(Conflict, match="no solve, repair or publish"):
        jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, monday_after)
    just_before = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
    publishing.publish_draft(session, callers.sergeant, team, MONDAY, draft.number, just_before)


def _pins(session: Session) -> list[str]:
    return sorted(row.id for row in pins.stored_pins(session, "riverside", MONDAY))
