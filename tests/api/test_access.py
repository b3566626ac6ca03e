"""Every route, for every role and for no token: who may, who gets 403, who gets 401."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.main import create_app
from api.pages import XLSX
from api.services.access import hash_token
from api.settings import Settings
from tests.api.api_support import admin_token, sample_scenario, workbook

WEEK = "/teams/riverside/weeks/2026-11-23"
ADMIN, SERGEANT, OTHER_SERGEANT, OFFICER, OTHER_OFFICER = (
    "admin",
    "sergeant",
    "other-sergeant",
    "officer",
    "other-officer",
)
ROLES = [ADMIN, SERGEANT, OTHER_SERGEANT, OFFICER, OTHER_OFFICER]
LEADS = {ADMIN, SERGEANT}
EVERYONE = set(ROLES)

# (method, route path) -> (concrete URL, JSON body, roles allowed)
MATRIX: dict[tuple[str, str], tuple[str, object, set[str]]] = {
    ("GET", "/teams"): ("/teams", None, EVERYONE),
    ("POST", "/teams/{team_id}/scenario"): ("/teams/riverside/scenario", "scenario", LEADS),
    ("GET", "/teams/{team_id}"): ("/teams/riverside", None, LEADS),
    ("PUT", "/teams/{team_id}"): (
        "/teams/riverside",
        {"team": {"id": "riverside", "name": "Riverside NPT"}},
        LEADS,
    ),
    ("GET", "/teams/{team_id}/weeks/{week}/scenario"): (f"{WEEK}/scenario", None, LEADS),
    ("GET", "/teams/{team_id}/weeks/{week}/pins"): (f"{WEEK}/pins", None, LEADS),
    ("POST", "/teams/{team_id}/weeks/{week}/pins"): (
        f"{WEEK}/pins",
        {"staff": "pc-walsh", "day": "2026-11-25", "off": True},
        LEADS,
    ),
    ("DELETE", "/teams/{team_id}/weeks/{week}/pins/{pin_id}"): (f"{WEEK}/pins/none", None, LEADS),
    ("POST", "/teams/{team_id}/weeks/{week}/solve"): (f"{WEEK}/solve", {"time_limit": 5}, LEADS),
    ("GET", "/jobs/{job_id}"): ("/jobs/1", None, LEADS),
    ("POST", "/jobs/{job_id}/cancel"): ("/jobs/1/cancel", None, LEADS),
    ("POST", "/jobs/{job_id}/stop"): ("/jobs/1/stop", None, LEADS),
    ("GET", "/teams/{team_id}/weeks/{week}/versions"): (f"{WEEK}/versions", None, LEADS),
    ("GET", "/teams/{team_id}/weeks/{week}/rota"): (f"{WEEK}/rota", None, LEADS),
    ("GET", "/teams/{team_id}/weeks/{week}/rota/staff/{staff_id}"): (
        f"{WEEK}/rota/staff/pcso-begum",
        None,
        LEADS | {OFFICER},
    ),
    ("GET", "/teams/{team_id}/weeks/{week}/rota/wards/{ward_id}"): (
        f"{WEEK}/rota/wards/market-square",
        None,
        LEADS,
    ),
    ("POST", "/teams/{team_id}/weeks/{week}/versions/{number}/publish"): (
        f"{WEEK}/versions/1/publish",
        None,
        LEADS,
    ),
    ("GET", "/teams/{team_id}/weeks/{week}/diff"): (f"{WEEK}/diff?from=1&to=1", None, LEADS),
    ("POST", "/teams/{team_id}/weeks/{week}/versions/{number}/edits"): (
        f"{WEEK}/versions/1/edits",
        {"staff": "pc-walsh", "day": "2026-11-25", "to": "off"},
        LEADS,
    ),
    ("POST", "/teams/{team_id}/weeks/{week}/versions/{number}/keep-edits"): (
        f"{WEEK}/versions/1/keep-edits",
        None,
        LEADS,
    ),
    ("POST", "/teams/{team_id}/staff.csv"): ("/teams/riverside/staff.csv", "csv", LEADS),
    ("POST", "/teams/{team_id}/demand"): ("/teams/riverside/demand", "records", LEADS),
    ("GET", "/teams/{team_id}/demand"): ("/teams/riverside/demand", None, LEADS),
    ("POST", "/teams/{team_id}/events/weekly"): (
        "/teams/riverside/events/weekly",
        {
            "event": {
                "id": "weekly-surgery",
                "name": "Weekly surgery",
                "ward": "market-square",
                "place": "Library",
                "start": "2026-12-01T10:00",
                "end": "2026-12-01T11:00",
            },
            "weeks": 2,
        },
        LEADS,
    ),
    ("POST", "/teams/{team_id}/invitations"): (
        "/teams/riverside/invitations",
        {"staff_id": "pc-walsh", "login": "m.walsh"},
        LEADS,
    ),
    ("POST", "/teams/{team_id}/staff.xlsx"): ("/teams/riverside/staff.xlsx", "xlsx", LEADS),
    ("GET", "/me"): ("/me", None, EVERYONE),
    ("GET", "/me/duty-changes"): ("/me/duty-changes", None, {OFFICER, OTHER_OFFICER}),
    ("POST", "/users"): ("/users", {"name": "New Admin", "role": "admin"}, {ADMIN}),
    ("POST", "/users/{user_id}/tokens"): ("/users/{admin_id}/tokens", None, {ADMIN}),
    ("DELETE", "/users/{user_id}/tokens"): ("/users/{spare_id}/tokens", None, {ADMIN}),
    ("PATCH", "/users/{user_id}"): ("/users/{spare_id}", {"active": True}, {ADMIN}),
    ("POST", "/teams/{team_id}/weeks/{week}/replan"): (
        f"{WEEK}/replan",
        {
            "now": "2026-11-24T12:00:00Z",
            "changes": [
                {
                    "kind": "absence",
                    "staff": "pc-walsh",
                    "start": "2026-11-25T00:00:00Z",
                    "end": "2026-11-26T00:00:00Z",
                    "category": "sick",
                }
            ],
        },
        LEADS,
    ),
    ("GET", "/teams/{team_id}/abstractions"): (
        "/teams/riverside/abstractions?from=2026-11-23&to=2026-11-29",
        None,
        LEADS,
    ),
    ("GET", "/teams/{team_id}/rosters"): ("/teams/riverside/rosters", None, LEADS),
    ("POST", "/teams/{team_id}/rosters"): ("/teams/riverside/rosters", {}, LEADS),
    ("POST", "/teams/{team_id}/rosters/generate"): (
        "/teams/riverside/rosters/generate",
        {},
        LEADS,
    ),
    ("GET", "/teams/{team_id}/rosters/{start}"): (
        "/teams/riverside/rosters/2027-01-04",
        None,
        LEADS,
    ),
    ("POST", "/teams/{team_id}/rosters/{start}/versions/{number}/publish"): (
        "/teams/riverside/rosters/2027-01-04/versions/1/publish",
        {},
        LEADS,
    ),
    ("GET", "/teams/{team_id}/rosters/{start}/diff"): (
        "/teams/riverside/rosters/2027-01-04/diff?from=1&to=1",
        None,
        LEADS,
    ),
    ("POST", "/feeds"): (
        "/feeds",
        {"team_id": "riverside", "kind": "duties", "staff_id": "pcso-begum"},
        LEADS | {OFFICER},
    ),
    ("GET", "/feeds"): ("/feeds", None, EVERYONE),  # each sees the feeds they may manage
    ("DELETE", "/feeds/{feed_id}"): ("/feeds/{feed_id}", None, LEADS | {OFFICER}),
    ("POST", "/feeds/{feed_id}/rotate"): ("/feeds/{feed_id}/rotate", None, LEADS | {OFFICER}),
}
# A job of a team one does not lead is refused as not found (404), like a missing one, so
# trying job ids tells nothing of which teams there are.
HIDDEN = {
    ("GET", "/jobs/{job_id}"),
    ("POST", "/jobs/{job_id}/cancel"),
    ("POST", "/jobs/{job_id}/stop"),
}
# Feeds are read by calendar apps with the secret in the URL, never a bearer token
# (tests/api/test_feeds.py covers their secrets); these routes are outside the matrix.
SECRET_URL_ROUTES = {
    (method, path)
    for path in ("/ical/{token}.ics", "/ical/public/{team_id}/{ward_id}.ics")
    for method in ("GET", "HEAD")
}

for _kind, _item in (
    ("wards", "market-square"),
    ("staff", "pcso-begum"),
    ("duty-templates", "early"),
    ("events", "none"),
):
    _base = f"/teams/riverside/{_kind}"
    MATRIX[("GET", f"/teams/{{team_id}}/{_kind}")] = (_base, None, LEADS)
    MATRIX[("GET", f"/teams/{{team_id}}/{_kind}/{{item_id}}")] = (f"{_base}/{_item}", None, LEADS)
    MATRIX[("PUT", f"/teams/{{team_id}}/{_kind}/{{item_id}}")] = (f"{_base}/{_item}", {}, LEADS)
    MATRIX[("DELETE", f"/teams/{{team_id}}/{_kind}/{{item_id}}")] = (f"{_base}/none", None, LEADS)


Site = tuple[dict[str, str], dict[str, int]]  # each role's token, and the ids made


def _build(client: TestClient, admin_token_: str) -> Site:
    """The sample team, another team, a queued job, one user per role and a feed."""
    admin = {"Authorization": f"Bearer {admin_token_}"}
    client.post("/teams/riverside/scenario", json=sample_scenario(), headers=admin)
    other = sample_scenario()
    other["team"]["id"] = "elsewhere"
    client.post("/teams/elsewhere/scenario", json=other, headers=admin)
    queued = client.post(f"{WEEK}/solve", json={"time_limit": 5}, headers=admin)
    assert queued.json()["url"] == "/jobs/1"  # stays queued: this app has no worker
    people = {
        SERGEANT: {"role": "sergeant", "teams": ["riverside"]},
        OTHER_SERGEANT: {"role": "sergeant", "teams": ["elsewhere"]},
        OFFICER: {"role": "officer", "team_id": "riverside", "staff_id": "pcso-begum"},
        OTHER_OFFICER: {"role": "officer", "team_id": "riverside", "staff_id": "pc-walsh"},
        "spare": {"role": "admin"},
    }
    found = {ADMIN: admin_token_}
    ids = {ADMIN: client.get("/me", headers=admin).json()["id"]}
    for role, spec in people.items():
        made = client.post("/users", json={"name": role, **spec}, headers=admin).json()
        found[role], ids[role] = made["token"], made["id"]
    feed = {"team_id": "riverside", "kind": "duties", "staff_id": "pcso-begum"}
    ids["feed"] = client.post("/feeds", json=feed, headers=admin).json()["id"]
    return found, ids


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    """The SQLite database every test starts from, built once for the module (each test
    gets a copy of the file: what one test changes, no other sees)."""
    path = tmp_path_factory.mktemp("access") / "beatplan.sqlite"
    app = create_app(Settings(database_url=f"sqlite:///{path}"), run_worker=False)
    with TestClient(app) as client:
        site = _build(client, admin_token(app.state.engine))
    app.state.engine.dispose()
    return path, site


@pytest.fixture
def tokens(
    database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str], dict[str, int]]]:
    """The app (no worker: jobs stay queued), the sample team and one token per role."""
    site: Site | None = None
    if database_url.startswith("sqlite"):
        template, site = request.getfixturevalue("sqlite_site")
        copy = tmp_path / "copy.sqlite"
        shutil.copyfile(template, copy)
        database_url = f"sqlite:///{copy}"
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app) as client:
        found, ids = site or _build(client, admin_token(app.state.engine))
        yield client, found, ids


def _call(client: TestClient, method: str, url: str, body: object, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body == "csv":
        headers["Content-Type"] = "text/csv"
        return client.request(method, url, content="id,name,role\n", headers=headers)
    if body == "records":
        records = "timestamp,category,ward\n2026-11-20T22:00,robbery,market-square\n"
        return client.request(
            method, url, files={"records": ("r.csv", records, "text/csv")}, headers=headers
        )
    if body == "xlsx":
        headers["Content-Type"] = XLSX
        content = workbook(["id", "name", "role"])
        return client.request(method, url, content=content, headers=headers)
    json_body = sample_scenario() if body == "scenario" else body
    return client.request(method, url, json=json_body, headers=headers)


def test_matrix_covers_every_route(tokens):
    """A new route without an entry here fails this test, so none escapes the check."""
    client, _, _ = tokens
    paths = client.app.openapi()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    assert routes == set(MATRIX) | SECRET_URL_ROUTES


@pytest.mark.parametrize("route", list(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_access_by_role(tokens, route):
    """Allowed roles get past authorization; others get 403 (404 for another team's job);
    no or bad token gets 401."""
    client, found, ids = tokens
    url, body, allowed = MATRIX[route]
    url = url.format(admin_id=ids[ADMIN], spare_id=ids["spare"], feed_id=ids["feed"])
    method = route[0]
    refused = 404 if route in HIDDEN else 403
    for role in ROLES:
        status = _call(client, method, url, body, found[role]).status_code
        if role in allowed:
            assert status not in (401, 403, refused), (role, status)
        else:
            assert status == refused, (role, status)
    assert _call(client, method, url, body, None).status_code == 401
    assert _call(client, method, url, body, "guessed-" + "x" * 40).status_code == 401


def test_revoked_token_is_refused(tokens):
    """After revocation a token gets 401 everywhere."""
    client, found, ids = tokens
    admin = {"Authorization": f"Bearer {found[ADMIN]}"}
    assert client.delete(f"/users/{ids[SERGEANT]}/tokens", headers=admin).status_code == 204
    refused = client.get("/me", headers={"Authorization": f"Bearer {found[SERGEANT]}"})
    assert refused.status_code == 401


def _revoked_mid_request(
    client: TestClient,
    statement_start: str,
    value: object,
    request: Callable[[], Any],
    revoke: Callable[[], Any],
) -> Any:
    """Run `request` in another thread, hold its database work (a real query on the real
    engine) just before the statement starting `statement_start` with `value` among its
    parameters, run `revoke` meanwhile, then let the request finish; its reply."""
    engine = client.app.state.engine
    held, release = threading.Event(), threading.Event()

    def hold(_conn, _cursor, statement, parameters, _context, _many) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        matches = statement.lstrip().startswith(statement_start) and value in tuple(values)
        if matches and not held.is_set():
            held.set()
            release.wait(30)

    event.listen(engine, "before_cursor_execute", hold)
    try:
        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(request)
            assert held.wait(30), "the request never reached the held statement"
            assert revoke().status_code == 204
            release.set()
            return in_flight.result(30)
    finally:
        release.set()
        event.remove(engine, "before_cursor_execute", hold)


def test_a_token_revoked_while_a_request_with_it_is_loading_stays_refused(tokens):
    """A request with the sergeant's token has read the token (not yet revoked) and is
    still loading the caller when an admin revokes it: that request may finish, but the
    caller it loaded must not be remembered, so the next request is refused at once
    (it used to be accepted for the caller cache's 10 s)."""
    client, found, ids = tokens
    admin = {"Authorization": f"Bearer {found[ADMIN]}"}
    sergeant = {"Authorization": f"Bearer {found[SERGEANT]}"}
    in_flight = _revoked_mid_request(
        client,
        "SELECT leads_team.team_id",  # the caller's last query, after the token was read
        ids[SERGEANT],
        lambda: client.get("/me", headers=sergeant),
        lambda: client.delete(f"/users/{ids[SERGEANT]}/tokens", headers=admin),
    )
    assert in_flight.status_code == 200  # it read the token before the revocation
    assert client.get("/me", headers=sergeant).status_code == 401


def test_a_feed_revoked_while_a_read_of_it_is_in_flight_stays_revoked(tokens):
    """The same for a secret feed URL: a read that found the feed and is recording its
    use when the feed is revoked must not leave it remembered (for 60 s, it was)."""
    client, found, _ = tokens
    admin = {"Authorization": f"Bearer {found[ADMIN]}"}
    made = client.post("/feeds", json={"team_id": "riverside", "kind": "team"}, headers=admin)
    path = made.json()["url"].split("://", 1)[1].split("/", 1)[1]
    digest = hash_token(path.removeprefix("ical/").removesuffix(".ics"))
    in_flight = _revoked_mid_request(
        client,
        "UPDATE feed_token",  # recording the first use, after the feed was read
        digest,
        lambda: client.get(f"/{path}"),
        lambda: client.delete(f"/feeds/{made.json()['id']}", headers=admin),
    )
    assert in_flight.status_code == 200
    assert client.get(f"/{path}").status_code == 404


def test_officer_sees_only_published_duties(tokens):
    """An officer cannot read a draft, even of their own duties."""
    client, found, _ = tokens
    officer = {"Authorization": f"Bearer {found[OFFICER]}"}
    response = client.get(f"{WEEK}/rota/staff/pcso-begum", headers=officer)
    assert response.status_code == 404  # nothing published yet


def test_each_role_lists_only_the_feeds_it_may_manage(tokens):
    """GET /feeds: the admin and the team's sergeant see the officer's feed and the
    team feed; the officer sees only their own; another sergeant and another officer none."""
    client, found, ids = tokens
    admin = {"Authorization": f"Bearer {found[ADMIN]}"}
    team_feed = client.post("/feeds", json={"team_id": "riverside", "kind": "team"}, headers=admin)
    elsewhere = {"team_id": "elsewhere", "kind": "duties", "staff_id": "pc-walsh"}
    other_feed = client.post("/feeds", json=elsewhere, headers=admin)
    assert team_feed.status_code == other_feed.status_code == 201
    riverside = {ids["feed"], team_feed.json()["id"]}
    expected = {
        ADMIN: riverside | {other_feed.json()["id"]},
        SERGEANT: riverside,
        OTHER_SERGEANT: {other_feed.json()["id"]},
        OFFICER: {ids["feed"]},
        OTHER_OFFICER: set(),
    }
    for role, feeds in expected.items():
        listed = client.get("/feeds", headers={"Authorization": f"Bearer {found[role]}"})
        assert {feed["id"] for feed in listed.json()} == feeds, role


def test_numbers_no_database_or_json_can_hold_are_a_422(tokens):
    """An id past the database's integers is a 422 naming it (was a 500 from the driver:
    SQLite's 64 bits, PostgreSQL's 32); NaN, Infinity
    or 1e309 in a body is a 422 naming the field (the 422 itself was a 500, as JSON
    cannot carry the value it tried to echo)."""
    client, found, _ = tokens
    admin = {"Authorization": f"Bearer {found[ADMIN]}"}
    for path in ("/jobs/2147483648", "/users/9223372036854775808/tokens"):
        method = "GET" if path.startswith("/jobs") else "POST"
        reply = client.request(method, path, headers=admin)
        assert reply.status_code == 422, (path, reply.text)
        assert reply.json()["detail"][0]["loc"][0] == "path"
    assert client.get("/jobs/2147483647", headers=admin).status_code == 404
    for number in ("NaN", "Infinity", "-Infinity", "1e309"):
        reply = client.post(
            f"{WEEK}/solve",
            content=f'{{"time_limit": {number}}}',
            headers={**admin, "Content-Type": "application/json"},
        )
        assert reply.status_code == 422, (number, reply.text)
        assert reply.json()["detail"][0]["loc"] == ["body", "time_limit"]


def test_a_token_reads_the_same_on_every_route(tokens):
    """'Bearer' with two spaces before the token works on the rota read as on /me (it
    was a 401 there only)."""
    client, found, _ = tokens
    spaced = {"Authorization": f"Bearer  {found[SERGEANT]}"}
    assert client.get("/me", headers=spaced).status_code == 200
    assert client.get(f"{WEEK}/versions", headers=spaced).status_code == 200
    assert client.get(f"{WEEK}/rota", headers=spaced).status_code in (200, 404)


def test_the_openapi_document_lists_each_routes_errors(tokens):
    """A client generated from /openapi.json knows the errors: every bearer-token route
    lists 401, 403 and 404 with the error body; the secret-URL feeds list 404 only."""
    client, _, _ = tokens
    document = client.get("/openapi.json").json()
    assert "Problem" in document["components"]["schemas"]
    for method, path in MATRIX:
        responses = document["paths"][path][method.lower()]["responses"]
        assert {"401", "403", "404"} <= set(responses), (method, path)
    for method, path in SECRET_URL_ROUTES:
        if method == "GET":
            responses = document["paths"][path]["get"]["responses"]
            assert "404" in responses and "401" not in responses, path
