"""Reading rotas: conditional and compressed reads, immediate revocation, and carry-in
from last week's published rota into the next week's scenario."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables
from api.main import create_app
from api.services.scenarios import assemble_scenario
from api.services.versions import add_draft, publish
from api.settings import Settings
from scheduler.rota import Duty, Rota
from tests.api.api_support import admin_token, sample_scenario

TEAM = "/teams/riverside"
MONDAY = date(2026, 11, 23)
WEEK = f"{TEAM}/weeks/{MONDAY}"


def _duty(staff: str, day: int, start: str, end: str) -> Duty:
    """A duty of the week of MONDAY; times are UTC (November is GMT)."""
    return Duty(
        staff=staff,
        day=date(2026, 11, 23 + day),
        template="latelate",
        start=datetime.fromisoformat(start).replace(tzinfo=UTC),
        end=datetime.fromisoformat(end).replace(tzinfo=UTC),
    )


LAST_WEEK = [
    _duty("pc-walsh", 4, "2026-11-27T18:00", "2026-11-28T02:00"),
    _duty("pc-walsh", 5, "2026-11-28T18:00", "2026-11-29T02:00"),
    _duty("pc-walsh", 6, "2026-11-29T18:00", "2026-11-30T02:00"),
    _duty("pc-hussain", 2, "2026-11-25T07:00", "2026-11-25T15:00"),
]


@pytest.fixture
def reader(database_url: str) -> Iterator[tuple[TestClient, object]]:
    """The sample team imported, with a hand-made rota stored as version 1 (a draft)."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        assert client.post(f"{TEAM}/scenario", json=sample_scenario()).status_code in (200, 201)
        with Session(app.state.engine, expire_on_commit=False) as session:
            rota = Rota(team="riverside", week_start=MONDAY, duties=LAST_WEEK)
            add_draft(session, "riverside", MONDAY, rota)
            session.commit()
        yield client, app


def _publish(app: object, number: int) -> None:
    with Session(app.state.engine, expire_on_commit=False) as session:  # type: ignore[attr-defined]
        version = session.exec(
            select(tables.RotaVersion).where(tables.RotaVersion.number == number)
        ).one()
        publish(session, version)
        session.commit()


def test_etag_gives_304_until_the_version_changes(reader):
    """The rota read carries an ETag; asking again with it gets an empty 304, and a
    publication (same rota, new status) gets a 200 with a new tag."""
    client, app = reader
    first = client.get(f"{WEEK}/rota")
    assert first.status_code == 200 and first.json()["version"]["status"] == "draft"
    tag = first.headers["etag"]
    again = client.get(f"{WEEK}/rota", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    _publish(app, 1)
    after = client.get(f"{WEEK}/rota", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert after.json()["version"]["status"] == "published"


def test_gzip_body_is_the_same_rota(reader):
    """A client that accepts gzip gets the same document, compressed."""
    client, _ = reader
    plain = client.get(f"{WEEK}/rota", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get(f"{WEEK}/rota", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.json() == plain.json()
    assert [d["staff"] for d in plain.json()["rota"]["duties"]] == [d.staff for d in LAST_WEEK]


def test_unknown_team_and_week_are_404(reader):
    client, _ = reader
    assert "no team" in client.get(f"/teams/nowhere/weeks/{MONDAY}/rota").json()["detail"]
    assert client.get(f"{TEAM}/weeks/2026-11-30/rota").status_code == 404


@pytest.mark.parametrize(
    ("user", "problem"),
    [
        (
            {"role": "sergeant", "teams": ["riverside"], "team_id": "riverside"},
            "only for an officer",
        ),
        ({"role": "admin", "staff_id": "pc-walsh"}, "only for an officer"),
        (
            {
                "role": "officer",
                "team_id": "riverside",
                "staff_id": "pc-walsh",
                "teams": ["riverside"],
            },
            "only for a sergeant",
        ),
        ({"role": "admin", "teams": ["riverside"]}, "only for a sergeant"),
    ],
    ids=["sergeant-with-team_id", "admin-with-staff_id", "officer-with-teams", "admin-with-teams"],
)
def test_a_user_with_fields_of_another_role_is_refused(reader, user, problem):
    """A sergeant given an officer's team_id would see that team too: fields that do not
    belong to the role are a 422 naming them, and no user is made."""
    client, _ = reader
    reply = client.post("/users", json={"name": "Mixed", **user})
    assert reply.status_code == 422, reply.text
    assert problem in reply.text


def test_a_user_of_an_unknown_team_or_person_is_refused_by_field(reader):
    client, _ = reader
    for user, field in (
        ({"role": "sergeant", "teams": ["ghost"]}, "teams"),
        ({"role": "officer", "team_id": "ghost", "staff_id": "pc-walsh"}, "team_id"),
        ({"role": "officer", "team_id": "riverside", "staff_id": "nobody"}, "staff_id"),
    ):
        reply = client.post("/users", json={"name": "Unknown", **user})
        assert reply.status_code == 422
        (detail,) = reply.json()["detail"]
        assert detail["loc"] == ["body", field], detail


def test_revoked_token_fails_at_once(reader):
    """A token that has just been used (and is remembered) fails as soon as it is revoked."""
    client, _ = reader
    twice = ["riverside", "riverside"]  # named twice by mistake: leads it once, not a 500
    made = client.post("/users", json={"name": "Sgt", "role": "sergeant", "teams": twice})
    assert made.status_code == 201 and made.json()["teams"] == ["riverside"], made.text
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert client.get(f"{WEEK}/rota", headers=token).status_code == 200
    assert client.delete(f"/users/{made.json()['id']}/tokens", headers=token).status_code == 204
    assert client.get(f"{WEEK}/rota", headers=token).status_code == 401
    assert client.delete("/users/999/tokens").status_code == 404  # as its POST


def test_next_week_carries_in_last_published_week(reader):
    """Once a week is published, the next week's scenario takes each person's last duty
    end and Sunday-ending run of worked days from it, not from the imported carry-in."""
    _, app = reader
    with Session(app.state.engine) as session:
        team = session.get(tables.Team, "riverside")
        before = assemble_scenario(session, team, date(2026, 11, 30))
    imported = {p.id: p.carry_in for p in before.staff}
    # No rota yet: the import's carry-in is the week before's (to Sun 22 Nov), so this
    # week keeps its last duty's end but no run of days (nothing is known of the days
    # between).
    assert imported["pc-adeyemi"].last_duty_end == datetime(2026, 11, 22, 22, tzinfo=UTC)
    assert imported["pc-adeyemi"].days_worked_in_a_row == 0

    _publish(app, 1)
    with Session(app.state.engine) as session:
        team = session.get(tables.Team, "riverside")
        staff = assemble_scenario(session, team, date(2026, 11, 30)).staff
    after = {p.id: p.carry_in for p in staff}
    assert after["pc-walsh"].last_duty_end == datetime(2026, 11, 30, 2, tzinfo=UTC)
    assert after["pc-walsh"].days_worked_in_a_row == 3
    assert after["pc-hussain"].last_duty_end == datetime(2026, 11, 25, 15, tzinfo=UTC)
    assert after["pc-hussain"].days_worked_in_a_row == 0  # did not work on the Sunday
    assert after["pc-adeyemi"].last_duty_end is None  # rested all of the published week
    assert after["pc-adeyemi"].days_worked_in_a_row == 0
    wishes = [wish.day for person in staff for wish in person.preferences if wish.day]
    assert all(date(2026, 11, 30) <= day <= date(2026, 12, 6) for day in wishes)
