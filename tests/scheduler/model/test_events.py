"""Engagement events are staffed as they require."""

from __future__ import annotations

from tests.support import small_team, solve_checked


def test_mandatory_event_gets_warranted_attendee():
    """The ward panel needing a warranted officer is attended by a PC or sergeant."""
    rota = solve_checked(small_team())
    panel = next(e for e in rota.events if e.event == "panel")
    assert set(panel.attendees) & {"pc-ann", "sgt-bo"}
