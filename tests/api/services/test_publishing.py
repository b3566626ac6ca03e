"""api.services.publishing: only a draft that still fits the week is published."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from api import tables
from api.services import publishing, versions
from api.services.errors import Conflict
from scheduler.rota import Duty, Rota
from tests.api.services.conftest import MONDAY, Callers


def _draft(session: Session) -> tables.RotaVersion:
    """A rota of one early duty for PC Walsh on Tuesday (short of every ward minimum:
    a coverage shortfall a sergeant may knowingly publish)."""
    duty = Duty(
        staff="pc-walsh",
        day=date(2026, 11, 24),
        template="early",
        start=datetime(2026, 11, 24, 7, tzinfo=UTC),
        end=datetime(2026, 11, 24, 15, tzinfo=UTC),
    )
    version = versions.add_draft(
        session, "riverside", MONDAY, Rota(team="riverside", week_start=MONDAY, duties=[duty])
    )
    session.commit()
    return version


def test_a_draft_is_published_and_supersedes_the_one_before(
    session: Session, team: tables.Team, callers: Callers
):
    first, second = _draft(session), _draft(session)
    published, following = publishing.publish_draft(session, callers.sergeant, team, MONDAY, 1)
    assert (published.status, following) == (versions.PUBLISHED, [])
    publishing.publish_draft(session, callers.sergeant, team, MONDAY, 2)
    session.refresh(first)
    assert (first.status, second.status) == (versions.SUPERSEDED, versions.PUBLISHED)
    with pytest.raises(Conflict, match="version 1 is superseded; only a draft can be published"):
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, 1)


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
        publishing.publish_draft(session, callers.sergeant, team, MONDAY, draft.number)
    assert "no longer fits the week as it stands" in str(refused.value.detail)
    assert "Generate or repair the week again" in str(refused.value.detail)
    session.refresh(draft)
    assert draft.status == versions.DRAFT and versions.published(session, team.id, MONDAY) is None
