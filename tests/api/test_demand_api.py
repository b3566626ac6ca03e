"""Demand from data in the service: the upload through the API and through the page (one
service), all or nothing, the records not kept, hot spots for the team only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables
from api.schemas import NewUser
from api.services.users import create_user
from api.tables import Role
from tests.api.api_support import FIXTURES, sample_scenario

TEAM = "/teams/riverside"
RECORDS = (FIXTURES / "riverside-incidents.csv").read_bytes()
WARDS = (FIXTURES / "riverside-wards.geojson").read_bytes()


def _files(records: bytes = RECORDS, wards: bytes | None = WARDS) -> dict:
    files = {"records": ("incidents.csv", records, "text/csv")}
    if wards is not None:
        files["boundaries"] = ("wards.geojson", wards, "application/geo+json")
    return files


@pytest.fixture
def team(client: TestClient) -> TestClient:
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).status_code == 201
    return client


def _stored_specs(client: TestClient) -> dict[str, dict]:
    with Session(client.app.state.engine) as session:
        rows = session.exec(select(tables.Ward).where(tables.Ward.team_id == "riverside"))
        return {row.id: row.spec for row in rows}


def test_records_build_and_store_each_wards_demand_and_hot_spots(team: TestClient):
    reply = team.post(f"{TEAM}/demand", files=_files(), data={"half_life": "6"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    lines = RECORDS.count(b"\n") - 1
    assert body["records"] == lines and 0 < body["outside"] < lines // 10
    wards = {w["ward"]: w for w in body["wards"]}
    assert set(wards) == {w["id"] for w in sample_scenario()["wards"]}
    for ward in wards.values():
        assert len(ward["hourly_demand"]) == 168 and max(ward["hourly_demand"]) <= 3.1 + 1e-9
        assert ward["basis"]["records"] == sum(c["records"] for c in ward["basis"]["categories"])
    assert wards["market-square"]["hot_spots"]
    # stored with the wards: the next solve's scenario has them, and GET reads them back
    week = sample_scenario()["week_start"]
    stored = team.get(f"{TEAM}/weeks/{week}/scenario").json()
    by_id = {w["id"]: w for w in stored["wards"]}
    assert by_id["market-square"]["hourly_demand"] == wards["market-square"]["hourly_demand"]
    assert by_id["market-square"]["hot_spots"] == wards["market-square"]["hot_spots"]
    assert team.get(f"{TEAM}/demand").json() == body["wards"]


def test_no_record_is_kept(team: TestClient):
    assert team.post(f"{TEAM}/demand", files=_files()).status_code == 200
    first = RECORDS.decode().splitlines()[1].split(",")  # a record's time and place
    for spec in _stored_specs(team).values():
        text = str(spec)
        assert first[0] not in text and first[2] not in text and first[3] not in text


def test_a_bad_file_is_refused_by_line_and_nothing_is_stored(team: TestClient):
    before = _stored_specs(team)
    lines = RECORDS.decode().splitlines()
    lines[4] = "yesterday evening,Robbery,-0.28,51.47"
    reply = team.post(f"{TEAM}/demand", files=_files("\n".join(lines).encode()))
    assert reply.status_code == 422
    [problem] = reply.json()["detail"]
    assert problem["loc"] == ["records"]
    assert "line 5" in problem["msg"] and "2026-05-01T22:15" in problem["msg"]  # the fix
    assert _stored_specs(team) == before
    # records placed by coordinates with no boundaries: named, with the fix
    reply = team.post(f"{TEAM}/demand", files=_files(wards=None))
    assert reply.status_code == 422 and "boundaries" in reply.json()["detail"][0]["msg"]
    # a boundary file that is not GeoJSON
    reply = team.post(f"{TEAM}/demand", files=_files(wards=b"not json"))
    assert reply.status_code == 422 and reply.json()["detail"][0]["loc"] == ["boundaries"]
    assert _stored_specs(team) == before


def test_only_the_teams_sergeants_may_upload(team: TestClient):
    other_team = {"team": {"id": "elsewhere", "name": "Elsewhere", "timezone": "Europe/London"}}
    assert team.put("/teams/elsewhere", json=other_team).status_code == 201
    with Session(team.app.state.engine) as session:
        _, other = create_user(
            session, NewUser(name="Sgt", role=Role.SERGEANT, teams=["elsewhere"])
        )
        session.commit()
    reply = team.post(
        f"{TEAM}/demand", files=_files(), headers={"Authorization": f"Bearer {other}"}
    )
    assert reply.status_code in (403, 404)
    assert all(
        "hot_spots" not in spec or not spec["hot_spots"] for spec in _stored_specs(team).values()
    )


@pytest.fixture
def sergeant(team: TestClient) -> Iterator[TestClient]:
    with Session(team.app.state.engine) as session:
        _, token = create_user(
            session, NewUser(name="Sgt", role=Role.SERGEANT, teams=["riverside"])
        )
        session.commit()
    team.headers.pop("Authorization")
    assert team.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    yield team


def test_the_page_uploads_redirects_and_shows_heatmaps_and_hot_spots(sergeant: TestClient):
    page = sergeant.get("/ui/teams/riverside/demand")
    assert page.status_code == 200 and "Hand-typed demand" in page.text
    reply = sergeant.post(
        "/ui/teams/riverside/demand",
        files=_files(),
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text
    shown = sergeant.get(reply.headers["location"]).text
    assert "records; the records themselves were not kept" in shown
    assert shown.count('class="heatmap"') == 6
    assert "Market Square hot spot 1" in shown and "violence and sexual offences" in shown
    # the ward's public page: ward-level figures only
    public = sergeant.get("/wards/riverside/market-square").text.lower()
    assert "hot spot" not in public


def test_the_page_refuses_a_bad_file_naming_its_line(sergeant: TestClient):
    before = _stored_specs(sergeant)
    lines = RECORDS.decode().splitlines()
    lines[2] = lines[2].replace("-0.", "west ")
    reply = sergeant.post(
        "/ui/teams/riverside/demand",
        files=_files("\n".join(lines).encode()),
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert reply.status_code == 422
    assert "Nothing from incidents.csv was stored" in reply.text
    assert "line 3" in reply.text and "longitude" in reply.text
    assert _stored_specs(sergeant) == before


def test_an_officers_duty_lines_carry_their_visits_by_name():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from api.views import duty_lines
    from scheduler.rota import Activity, Duty, Visit

    zone = ZoneInfo("Europe/London")
    start = datetime(2026, 11, 27, 18, 0, tzinfo=zone)
    patrol = Activity(
        kind="patrol", ward="market-square", start=start, end=start + timedelta(hours=8)
    )
    patrol.visits = [
        Visit(
            hot_spot="ms-1",
            start=start + timedelta(minutes=m),
            end=start + timedelta(minutes=m + 12),
        )
        for m in (17, 101)
    ]
    duty = Duty(
        staff="pc-walsh",
        day=start.date(),
        template="late-late",
        start=start,
        end=start + timedelta(hours=8),
        activities=[patrol],
    )
    [line] = duty_lines([duty], zone, {"market-square": "Market Square"}, {"ms-1": "The Precinct"})
    assert line["visits"] == ["18:17–18:29 The Precinct", "19:41–19:53 The Precinct"]


def test_the_teams_own_harm_weights_count_over_the_defaults(team: TestClient):
    own = b"category,weight\nShoplifting,500\n"
    reply = team.post(f"{TEAM}/demand", files={**_files(), "harm": ("harm.csv", own, "text/csv")})
    assert reply.status_code == 200, reply.text
    st_marks = next(w for w in reply.json()["wards"] if w["ward"] == "st-marks")
    first = st_marks["basis"]["categories"][0]
    assert (first["category"], first["weight"]) == ("shoplifting", 500)  # now the most harm
    robbery = next(c for c in st_marks["basis"]["categories"] if c["category"] == "robbery")
    assert robbery["weight"] == 365  # the default kept
    bad = team.post(
        f"{TEAM}/demand", files={**_files(), "harm": ("harm.csv", b"Shoplifting\n", "text/csv")}
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["harm"]
    assert "line 1" in bad.json()["detail"][0]["msg"]
