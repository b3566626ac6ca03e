"""Engagement events are staffed as they require."""

from __future__ import annotations

from scheduler.scenario import Scenario
from tests.support import small_team, solve_checked


def test_mandatory_event_gets_warranted_attendee():
    """The ward panel needing a warranted officer is attended by a PC or sergeant."""
    rota = solve_checked(small_team())
    panel = next(e for e in rota.events if e.event == "panel")
    assert set(panel.attendees) & {"pc-ann", "sgt-bo"}


def test_a_seat_is_filled_by_one_person_holding_all_it_asks():
    """A panel needing a warranted officer who speaks Urdu gets PC Zia, the only one, and
    never a PC plus a PCSO who speaks it; two seats asking the same need two people."""
    data = small_team().model_dump(mode="json")
    data["staff"][2]["skills"] = ["urdu"]  # PCSO Cy: not warranted
    data["staff"].append({"id": "pc-zia", "name": "Zia Khan", "role": "PC", "skills": ["urdu"]})
    seat = {"roles": ["PC", "SGT"], "skills": ["urdu"]}
    data["events"][0] |= {"min_warranted": 0, "seats": [seat]}
    rota = solve_checked(Scenario.model_validate(data))
    panel = next(e for e in rota.events if e.event == "panel")
    assert "pc-zia" in panel.attendees
    data["events"][0] |= {"seats": [{"skills": ["urdu"], "count": 2}]}
    rota = solve_checked(Scenario.model_validate(data))
    panel = next(e for e in rota.events if e.event == "panel")
    assert {"pc-zia", "pcso-cy"} <= set(panel.attendees)
