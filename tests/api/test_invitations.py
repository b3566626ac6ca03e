"""Officers sign in with a password of their own (`api.services.invitations`): a
sergeant invites them with a one-time link, shown once; they choose a password there,
stored as an Argon2id hash; they sign in with it; off-boarding ends it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables
from api.schemas import NewUser
from api.services.users import create_user
from api.tables import Role
from tests.api.api_support import sample_scenario

PEOPLE = "/ui/teams/riverside/people"
GOOD = "correct horse battery staple"


@pytest.fixture
def team(client: TestClient) -> Iterator[TestClient]:
    """The sample team; the client signed in through the pages as its sergeant, the
    admin's header kept aside for the API."""
    assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
    with Session(client.app.state.engine) as session:
        _, token = create_user(
            session, NewUser(name="Sgt", role=Role.SERGEANT, teams=["riverside"])
        )
        session.commit()
    client.admin = {"Authorization": client.headers.pop("Authorization")}  # type: ignore[attr-defined]
    assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    yield client


def _invite(client: TestClient, staff: str = "pcso-begum", login: str = "r.begum") -> str:
    sent = client.post(
        f"{PEOPLE}/invite", data={"staff_id": staff, "login": login}, follow_redirects=False
    )
    assert sent.status_code == 303, sent.text[-600:]
    page = client.get(sent.headers["location"]).text
    link = re.search(r'id="invite-link" value="([^"]+)"', page)
    assert link, "the new link is on the page it redirects to"
    assert 'id="invite-link"' not in client.get(PEOPLE).text  # shown once
    return html.unescape(link.group(1)).split("://", 1)[1].split("/", 1)[1]


def _sign_in(client: TestClient, login: str, password: str) -> Any:
    client.cookies.clear()
    return client.post(
        "/signin", data={"login": login, "password": password}, follow_redirects=False
    )


def test_an_invited_officer_chooses_a_password_and_signs_in_with_it(team: TestClient) -> None:
    path = "/" + _invite(team)
    team.cookies.clear()  # the officer's own browser: not signed in
    form = team.get(path)
    assert form.status_code == 200 and "r.begum" in form.text
    short = team.post(path, data={"password": "short", "again": "short"}, follow_redirects=False)
    assert short.status_code == 422 and "at least 12 characters" in short.text
    differ = team.post(path, data={"password": GOOD, "again": GOOD + "!"}, follow_redirects=False)
    assert differ.status_code == 422 and "differ" in differ.text
    chosen = team.post(path, data={"password": GOOD, "again": GOOD}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"].startswith("/signin?done=")
    assert team.get(path).status_code == 404  # used up
    with Session(team.app.state.engine) as session:
        user = session.exec(select(tables.User).where(tables.User.login == "r.begum")).one()
        assert user.password_hash and user.password_hash.startswith("$argon2id$")
        assert GOOD not in user.password_hash
        assert (user.role, user.team_id, user.staff_id) == ("officer", "riverside", "pcso-begum")
    wrong = _sign_in(team, "r.begum", GOOD + "x")
    assert wrong.status_code == 401 and "do not match" in wrong.text
    assert _sign_in(team, "nobody", GOOD).status_code == 401
    right = _sign_in(team, "r.begum", GOOD)
    assert right.status_code == 303
    assert team.get("/ui/me").status_code == 200  # their own duties page
    # off-boarding (the user's tokens revoked) ends the password's session too
    admin = team.admin  # type: ignore[attr-defined]
    assert team.delete(f"/users/{user.id}/tokens", headers=admin).status_code == 204
    assert team.get("/ui/me", follow_redirects=False).status_code == 303


def test_a_new_invitation_stops_the_old_link_and_logins_are_one_each(team: TestClient) -> None:
    first = "/" + _invite(team)
    second = "/" + _invite(team, login="rukhsana.begum")
    assert team.get(first).status_code == 404 and team.get(second).status_code == 200
    taken = team.post(f"{PEOPLE}/invite", data={"staff_id": "pc-walsh", "login": "rukhsana.begum"})
    assert taken.status_code == 409 and "someone else" in taken.text
    bad = team.post(f"{PEOPLE}/invite", data={"staff_id": "pc-walsh", "login": "a b"})
    assert bad.status_code == 422 and "letters, digits" in bad.text
    listed = team.get(PEOPLE).text
    assert re.search(r"rukhsana\.begum</td><td>invited: the link works until", listed)


def test_wrong_passwords_are_limited_as_wrong_tokens_are(team: TestClient) -> None:
    path = "/" + _invite(team)
    team.post(path, data={"password": GOOD, "again": GOOD})
    for _ in range(10):
        assert _sign_in(team, "r.begum", "not the password").status_code == 401
    limited = _sign_in(team, "r.begum", GOOD)
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "too many wrong passwords" in limited.text.lower()


def test_the_api_invites_and_refuses_as_the_page_does(team: TestClient) -> None:
    admin = team.admin  # type: ignore[attr-defined]
    made = team.post(
        "/teams/riverside/invitations",
        json={"staff_id": "pc-walsh", "login": "m.walsh@example.police.uk"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert "/invite/" in made.json()["link"]
    unknown = team.post(
        "/teams/riverside/invitations", json={"staff_id": "x", "login": "xyz"}, headers=admin
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "staff_id"
