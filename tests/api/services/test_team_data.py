"""api.services.team_data: the team's standing data, item by item and from CSV."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from api import tables
from api.services import team_data
from api.services.errors import Forbidden, Invalid, NotFound
from api.services.scenarios import ScenarioConflict
from scheduler.scenario import Ward
from tests.api.services.conftest import Callers


def test_each_role_sees_its_own_teams_and_leads_only_those(session: Session, callers: Callers):
    assert [t.id for t in team_data.teams_of(session, callers.admin)] == ["elsewhere", "riverside"]
    assert [t.id for t in team_data.teams_of(session, callers.sergeant)] == ["riverside"]
    assert [t.id for t in team_data.teams_of(session, callers.officer)] == ["riverside"]
    with pytest.raises(Forbidden):
        team_data.led_team(session, callers.officer, "riverside")
    with pytest.raises(Forbidden):  # before existence: nobody probes which teams exist
        team_data.led_team(session, callers.stranger, "no-such-team")
    with pytest.raises(NotFound):
        team_data.led_team(session, callers.admin, "no-such-team")


def test_an_item_whose_id_is_not_the_urls_is_invalid_naming_the_field(
    session: Session, team: tables.Team, callers: Callers
):
    wards = team_data.KINDS["wards"]
    ward = Ward.model_validate({"id": "docks", "name": "Docks"})
    with pytest.raises(Invalid) as refused:
        team_data.write_item(session, callers.sergeant, wards, team, "quay", ward)
    assert refused.value.detail[0]["loc"] == ["body", "id"]
    team_data.write_item(session, callers.sergeant, wards, team, "docks", ward)
    assert team_data.read_item(session, wards, team, "docks")["name"] == "Docks"


def test_a_ward_still_named_by_staff_cannot_go_and_stays(
    session: Session, team: tables.Team, callers: Callers
):
    wards = team_data.KINDS["wards"]
    with pytest.raises(ScenarioConflict, match="northfield"):
        team_data.delete_item(session, callers.sergeant, wards, team, "northfield")
    session.rollback()
    assert team_data.read_item(session, wards, team, "northfield")["id"] == "northfield"


def test_a_staff_csv_with_mistakes_stores_nothing_and_names_each_line(
    session: Session, team: tables.Team, callers: Callers
):
    body = (
        b"id,name,role,contracted_hours\n"
        b"pcso-new,Nia New,PCSO,37\n"
        b"pc-odd,Oz Odd,CONSTABLE,40\n"
        b"pcso-new,Nia Again,PCSO,forty\n"
    )
    with pytest.raises(Invalid) as refused:
        team_data.import_staff_csv(session, callers.sergeant, team, body)
    places = [tuple(problem["loc"][:3]) for problem in refused.value.detail]
    assert ("body", "line 3", "role") in places
    assert ("body", "line 4", "contracted_hours") in places
    assert all(problem["type"] for problem in refused.value.detail)
    session.rollback()
    with pytest.raises(NotFound):
        team_data.read_item(session, team_data.KINDS["staff"], team, "pcso-new")
