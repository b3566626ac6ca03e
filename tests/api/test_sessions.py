"""Signing in to the pages opens a server-side session: the cookie holds its id, never the
API token; signing out, an idle spell, the absolute expiry and a revoked token each end
it at once. Reloading a page never does anything again (issue 27, items 7 and 9)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api import tables
from api.auth import COOKIE
from api.services.access import hash_token
from tests.api.api_support import sample_scenario
from tests.support import BEFORE_THE_SAMPLE_WEEK


@pytest.fixture
def people(client: TestClient) -> Iterator[dict[str, dict[str, object]]]:
    """The sample team, a sergeant and an officer (their ids and tokens)."""
    assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
    made = {}
    for role, spec in {
        "sergeant": {"role": "sergeant", "teams": ["riverside"]},
        "officer": {"role": "officer", "team_id": "riverside", "staff_id": "pcso-begum"},
    }.items():
        made[role] = client.post("/users", json={"name": role, **spec}).json()
    client.headers.pop("Authorization")
    yield made


def _sign_in(client: TestClient, token: str) -> str:
    client.cookies.clear()
    reply = client.post("/signin", data={"token": token, "next": "/ui"}, follow_redirects=False)
    assert reply.status_code == 303, reply.text[:300]
    return client.cookies[COOKIE]


def _signed_in(client: TestClient) -> bool:
    reply = client.get("/ui", follow_redirects=False)
    return reply.status_code == 200 or reply.headers["location"] == "/ui/me"


def test_the_cookie_holds_a_session_id_and_the_database_only_its_hash(
    client: TestClient, people: dict[str, dict[str, object]]
) -> None:
    """The sign-in cookie is a random session id (HttpOnly, SameSite=Strict), not the
    API token; the database keeps only the id's hash, tied to the user and token."""
    token = str(people["sergeant"]["token"])
    cookie = _sign_in(client, token)
    assert token not in cookie and len(cookie) >= 43  # 256 bits, URL-safe base64
    with Session(client.app.state.engine) as session:
        stored = session.exec(select(tables.WebSession)).one()
        used = session.exec(
            select(tables.ApiToken).where(col(tables.ApiToken.token_hash) == hash_token(token))
        ).one()
    assert stored.session_hash == hash_token(cookie) and cookie not in stored.session_hash
    assert (stored.user_id, stored.token_id) == (people["sergeant"]["id"], used.id)
    assert _signed_in(client)


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(
    client: TestClient, people: dict[str, dict[str, object]]
) -> None:
    """After signing out, the same cookie (copied from the browser before) signs nobody
    in: the session is revoked in the database, not only forgotten by the browser."""
    cookie = _sign_in(client, str(people["sergeant"]["token"]))
    signed_out = client.post("/signout", follow_redirects=False)
    assert signed_out.status_code == 303 and COOKIE in signed_out.headers["set-cookie"]
    client.cookies.set(COOKIE, cookie)  # the copy
    assert not _signed_in(client)
    assert client.get("/ui", follow_redirects=False).headers["location"] == "/signin?next=/ui"


def test_a_session_ends_when_idle_and_at_its_absolute_expiry(
    client: TestClient, people: dict[str, dict[str, object]]
) -> None:
    """Defaults: 2 h unused ends a session; one in use ends 12 h after signing in."""
    state, start = client.app.state, BEFORE_THE_SAMPLE_WEEK
    token = str(people["sergeant"]["token"])
    state.clock = lambda: start
    _sign_in(client, token)
    state.clock = lambda: start + timedelta(hours=2, minutes=1)
    assert not _signed_in(client), "idle for over 2 h"

    state.clock = lambda: start
    _sign_in(client, token)
    for hours in range(1, 12):  # in use every hour
        state.clock = lambda hours=hours: start + timedelta(hours=hours, minutes=55)
        assert _signed_in(client), hours
    state.clock = lambda: start + timedelta(hours=12, minutes=1)
    assert not _signed_in(client), "over 12 h since signing in"


def test_revoking_the_token_ends_the_sessions_opened_with_it(
    client: TestClient, people: dict[str, dict[str, object]]
) -> None:
    token = str(people["sergeant"]["token"])
    _sign_in(client, token)
    revoked = client.delete(
        f"/users/{people['sergeant']['id']}/tokens", headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 204
    assert not _signed_in(client)


def _shown_link(page: str) -> str | None:
    marker = 'id="feed-https" readonly value="'
    if marker not in page:
        return None
    return html.unescape(page.split(marker, 1)[1].split('"', 1)[0])


def test_reloading_the_calendar_link_page_makes_nothing_and_shows_no_secret(
    client: TestClient, people: dict[str, dict[str, object]]
) -> None:
    """Making a link posts, then redirects (303) to the officer's page, which shows the
    link once. Reloading that page shows no secret, makes no feed and leaves the link
    just shown working."""
    _sign_in(client, str(people["officer"]["token"]))
    made = client.post("/ui/me/feed", follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/ui/me")
    with Session(client.app.state.engine) as session:
        sealed = session.exec(select(tables.WebSession.flash_sealed)).one()
    first = client.get(made.headers["location"])
    link = _shown_link(first.text)
    assert first.status_code == 200 and link is not None
    secret = link.rsplit("/", 1)[1].removesuffix(".ics")
    assert sealed is not None and secret not in sealed and secret.encode().hex() != sealed
    for _ in range(2):  # reloads
        again = client.get("/ui/me")
        assert again.status_code == 200 and _shown_link(again.text) is None
        assert secret not in again.text and "shown only once" in again.text
    with Session(client.app.state.engine) as session:
        feeds = session.exec(select(tables.FeedToken)).all()
    assert [(f.kind, f.revoked_at) for f in feeds] == [("duties", None)]
    client.cookies.clear()
    assert client.get("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 200
