"""Off-boarding through the API (issue 27, item 8): deactivating a user ends their API
token, their page session and their calendar feed at once, in this process too (no
remembered caller or feed lets them back); a sergeant's teams can be changed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.auth import COOKIE
from tests.api.api_support import sample_scenario

WEEK = "/teams/riverside/weeks/2026-11-23"


def _user(client: TestClient, admin: dict[str, str], **spec: object) -> dict[str, object]:
    made = client.post("/users", json={"name": "someone", **spec}, headers=admin)
    assert made.status_code == 201, made.text
    return made.json()


def test_a_deactivated_officer_loses_token_session_and_feed_at_once(client: TestClient) -> None:
    admin = {"Authorization": client.headers.pop("Authorization")}
    assert client.post("/teams/riverside/scenario", json=sample_scenario(), headers=admin)
    officer = _user(client, admin, role="officer", team_id="riverside", staff_id="pcso-begum")
    theirs = {"Authorization": f"Bearer {officer['token']}"}
    feed_body = {"team_id": "riverside", "kind": "duties", "staff_id": "pcso-begum"}
    feed = client.post("/feeds", json=feed_body, headers=theirs).json()
    feed_path = "/" + feed["url"].split("://", 1)[1].split("/", 1)[1]
    signed_in = client.post("/signin", data={"token": officer["token"]}, follow_redirects=False)
    assert signed_in.status_code == 303
    # Each is in use, so remembered by this process (the caller for 10 s, the feed 60 s).
    assert client.get("/me", headers=theirs).status_code == 200
    assert client.get(feed_path).status_code == 200
    assert client.get("/ui/me").status_code == 200

    off = client.patch(f"/users/{officer['id']}", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False

    refused = client.get("/me", headers=theirs)
    assert refused.status_code == 401 and "unknown or revoked" in refused.json()["detail"]
    assert client.get(feed_path).status_code == 404
    page = client.get("/ui/me", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    again = client.post("/signin", data={"token": officer["token"]}, follow_redirects=False)
    assert again.status_code == 401 and COOKIE not in again.headers.get("set-cookie", "")
    listed = client.get("/feeds", headers=admin).json()
    assert [f["revoked_at"] is not None for f in listed] == [True]
    token = client.post(f"/users/{officer['id']}/tokens", headers=admin)
    assert token.status_code == 409 and "reactivate them first" in token.json()["detail"]


def test_a_sergeants_teams_change_at_once(client: TestClient) -> None:
    """A sergeant moved to another team loses the old one at once, API and pages."""
    admin = {"Authorization": client.headers.pop("Authorization")}
    for team in ("riverside", "elsewhere"):
        scenario = sample_scenario()
        scenario["team"]["id"] = team
        assert client.post(f"/teams/{team}/scenario", json=scenario, headers=admin).is_success
    sergeant = _user(client, admin, role="sergeant", teams=["riverside"])
    theirs = {"Authorization": f"Bearer {sergeant['token']}"}
    client.post("/signin", data={"token": sergeant["token"]}, follow_redirects=False)
    assert client.get(f"{WEEK}/versions", headers=theirs).status_code == 200
    assert client.get("/ui/teams/riverside", follow_redirects=False).status_code == 303

    moved = client.patch(f"/users/{sergeant['id']}", json={"teams": ["elsewhere"]}, headers=admin)
    assert moved.status_code == 200 and moved.json()["teams"] == ["elsewhere"]

    assert client.get(f"{WEEK}/versions", headers=theirs).status_code == 403
    assert client.get("/ui/teams/riverside", follow_redirects=False).status_code == 403
    elsewhere = "/teams/elsewhere/weeks/2026-11-23/versions"
    assert client.get(elsewhere, headers=theirs).status_code == 200
    empty = client.patch(f"/users/{sergeant['id']}", json={}, headers=admin)
    assert empty.status_code == 422 and "nothing to change" in empty.text
