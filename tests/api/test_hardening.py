"""Careless and hostile input (issue 27, items 1-4): every bad body is a 4xx in one
shape, naming the field; nothing stored can break a later read; the work a request can
cause is bounded."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.services.versions import add_draft, publish
from scheduler.rota import Rota
from tests.api.api_support import sample_scenario

TEAM = "/teams/riverside"
MONDAY = date(2026, 11, 23)
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def team(client: TestClient) -> TestClient:
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).status_code == 201
    return client


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ('"\\ud800"', "valid string"),  # a lone surrogate, as JSON carries it
        ('"Market\\u0000Square"', "control character"),
        ('"   "', "blank"),
        (json.dumps("M" * 2_000), "at most 120 characters"),
    ],
    ids=["surrogate", "nul", "blank", "long"],
)
def test_a_name_that_would_break_a_later_read_is_a_422_and_nothing_breaks(
    team: TestClient, name: str, words: str
):
    """Such a ward name was stored, and the staff and ward lists, the scenario, the week
    page, the public ward page and feed and the XLSX answered 500 until it was deleted."""
    ward = json.dumps({"id": "docks", "name": "Docks"}).replace('"Docks"', name)
    reply = team.put(
        f"{TEAM}/wards/docks", content=ward, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 422, reply.text
    (problem,) = reply.json()["detail"]
    assert problem["loc"] == ["body", "name"] and words in problem["msg"] and problem["type"]
    assert team.get(f"{TEAM}/wards/docks").status_code == 404
    for read in (f"{TEAM}/wards", f"{TEAM}/staff", f"{TEAM}/weeks/2026-11-23/scenario"):
        assert team.get(read).status_code == 200, read


def test_a_person_named_with_a_control_character_is_refused_in_csv_too(team: TestClient):
    body = "id,name,role\npc-tab,Tab\tName,PC\n"
    reply = team.post(f"{TEAM}/staff.csv", content=body, headers=CSV)
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"][:3] == ["body", "line 2", "name"]


@pytest.mark.parametrize("body", [{"team": 1}, {"team": "x"}, {"team": [1]}, {"team": True}, [1]])
def test_a_malformed_scenario_is_a_422_for_its_sergeant_and_a_403_for_anyone_else(
    team: TestClient, body: object
):
    """Validation ran before the role check (and crashed on these): now a caller who may
    not lead the team gets 403 before the body is read, its sergeant a 422 naming the
    field."""
    reply = team.post(f"{TEAM}/scenario", json=body)
    assert reply.status_code == 422, reply.text
    assert all(
        problem["loc"][0] == "body" and problem["type"] for problem in reply.json()["detail"]
    )
    officer = team.post(
        "/users",
        json={"name": "Pat", "role": "officer", "team_id": "riverside", "staff_id": "pc-walsh"},
    ).json()
    forbidden = team.post(
        f"{TEAM}/scenario", json=body, headers={"Authorization": f"Bearer {officer['token']}"}
    )
    assert forbidden.status_code == 403
    nobody = team.post(f"{TEAM}/scenario", json=body, headers={"Authorization": ""})
    assert nobody.status_code == 401


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe{not utf-8", b"[" * 5_000 + b"]" * 5_000, b'{"name": "unfinished'],
    ids=["not-utf-8", "deep", "broken"],
)
@pytest.mark.parametrize("route", ["/users", f"{TEAM}/scenario", f"{TEAM}/wards/docks"])
def test_an_unreadable_body_is_a_422_in_the_one_shape(team: TestClient, body: bytes, route: str):
    """Not UTF-8, or nested thousands deep: an undocumented 400 before, now the 422 every
    other bad body gets, with loc, msg and type."""
    method = team.put if route.endswith("docks") else team.post
    reply = method(route, content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 422, reply.text
    for problem in reply.json()["detail"]:
        assert problem["loc"][0] == "body" and problem["msg"] and problem["type"]


def test_every_422_names_its_type(team: TestClient):
    """The three 422 bodies that lacked the `type` the OpenAPI document promises."""
    week = f"{TEAM}/weeks/2026-11-23"
    replies = [
        team.get(f"{TEAM}/abstractions", params={"from": "2026-12-01", "to": "2026-11-01"}),
        team.post("/feeds", json={"team_id": "riverside", "kind": "duties"}),
        team.post("/feeds", json={"team_id": "riverside", "kind": "everything"}),
    ]
    with Session(team.app.state.engine) as session:  # type: ignore[attr-defined]
        draft = add_draft(
            session, "riverside", MONDAY, Rota(team="riverside", week_start=MONDAY, duties=[])
        )
        publish(session, draft)
        session.commit()
    surge = {
        "kind": "surge",
        "ward": "atlantis",
        "start": "2026-11-26T16:00:00Z",
        "end": "2026-11-26T22:00:00Z",
        "weight": 1,
    }
    replies.append(
        team.post(f"{week}/replan", json={"now": "2026-11-24T12:00:00Z", "changes": [surge]})
    )
    for reply in replies:
        assert reply.status_code == 422, reply.text
        for problem in reply.json()["detail"]:
            assert problem["type"] and problem["msg"] and problem["loc"], reply.text


def test_the_staff_csv_is_bounded_and_says_so(team: TestClient):
    """90,000 rows once took 56 s and held the database lock: a file over the limit is
    refused before its rows are read into people, and says how to send it."""
    header = "id,name,role\n"
    many = header + "".join(f"pcso-{n},Person {n},PCSO\n" for n in range(1_001))
    reply = team.post(f"{TEAM}/staff.csv", content=many, headers=CSV)
    assert reply.status_code == 422
    assert "more than 1000 people in one file; split it" in reply.json()["detail"][0]["msg"]
    unknown = team.post(f"{TEAM}/staff.csv", content="id,name,role,skils\n", headers=CSV)
    assert unknown.status_code == 422 and "'skils'" in unknown.json()["detail"][0]["msg"]
    extra = team.post(f"{TEAM}/staff.csv", content=header + "pc-x,X, Y,PC\n", headers=CSV)
    assert extra.status_code == 422 and "quote a value" in extra.json()["detail"][0]["msg"]
    nul = team.post(f"{TEAM}/staff.csv", content=header + "pc-x,X\x00Y,PC\n", headers=CSV)
    assert nul.status_code == 422
    assert team.get(f"{TEAM}/staff/pcso-0").status_code == 404
