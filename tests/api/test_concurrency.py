"""Simultaneous publishes, solves, imports, writes and deletes: exactly one wins, the
others get a 4xx saying why, nothing breaks."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from api import tables
from api.main import create_app
from api.settings import Settings
from tests.api.api_support import admin_token, sample_scenario
from tests.support import sample_rota

TEAM = "/teams/riverside"
WEEK = f"{TEAM}/weeks/2026-11-23"
CALLS = 12


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
def test_simultaneous_publishes_leave_one_published(database_url: str):
    """Many clients publishing drafts at once leave exactly one version published."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    rota = sample_rota()
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {admin_token(app.state.engine)}"}
        client.post("/teams/riverside/scenario", json=sample_scenario(), headers=headers)
        with Session(app.state.engine) as session:
            for number in (1, 2, 3):
                session.add(
                    tables.RotaVersion(
                        team_id="riverside",
                        week_start=rota.week_start,
                        number=number,
                        created_at=datetime.now(UTC),
                        rota=rota.model_dump(mode="json"),
                    )
                )
            session.commit()
        numbers = [1 + index % 3 for index in range(CALLS)]
        with ThreadPoolExecutor(CALLS) as pool:
            statuses = list(
                pool.map(
                    lambda n: (
                        client.post(f"{WEEK}/versions/{n}/publish", headers=headers).status_code
                    ),
                    numbers,
                )
            )
        assert set(statuses) <= {200, 409}
        assert 1 <= statuses.count(200) <= 3  # each draft can be published at most once
        versions = client.get(f"{WEEK}/versions", headers=headers).json()
        assert [v["status"] for v in versions].count("published") == 1
        assert all(v["status"] in ("published", "superseded", "draft") for v in versions)


def test_simultaneous_solves_start_one_job(database_url: str):
    """Many clients starting a solve at once: one job is accepted, the others get 409."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {admin_token(app.state.engine)}"}
        client.post("/teams/riverside/scenario", json=sample_scenario(), headers=headers)
        with ThreadPoolExecutor(CALLS) as pool:
            responses = list(
                pool.map(
                    lambda _: client.post(f"{WEEK}/solve", json={"time_limit": 5}, headers=headers),
                    range(CALLS),
                )
            )
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [202] + [409] * (CALLS - 1)
        accepted = next(r for r in responses if r.status_code == 202).json()["url"]
        assert all(r.json()["detail"]["job"] == accepted for r in responses if r.status_code == 409)


@contextmanager
def side_by_side(engine: sa.Engine, statement: str) -> Iterator[None]:
    """Hold the first two statements starting with `statement` until both requests have
    reached it, so that each has read what it read before either writes: the moment two
    people press save at once, made certain."""
    barrier = threading.Barrier(2, timeout=15)
    held = itertools.count()

    def hold(_connection, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if sql.startswith(statement) and next(held) < 2:
            barrier.wait()

    sa.event.listen(engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", hold)


def twice_at_once(call: Callable[[], Response]) -> list[Response]:
    with ThreadPoolExecutor(2) as pool:
        return [future.result() for future in [pool.submit(call), pool.submit(call)]]


SIMULTANEOUS = "changed by someone else at the same moment"


def test_two_simultaneous_writes_of_a_new_item_are_200_and_409(database_url: str):
    """Two PUTs of the same new staff id at once: both find no such person, both insert;
    the second insert breaks the primary key. That is a 409 saying what happened (it was
    an unhandled 500, and the server then dropped the connection), the person is stored
    once, and the audit says so once."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
        person = {"id": "pc-new", "name": "New Person", "role": "PC", "contracted_hours": 40}
        with side_by_side(app.state.engine, "INSERT INTO staff"):
            responses = twice_at_once(lambda: client.put(f"{TEAM}/staff/pc-new", json=person))
        assert sorted(r.status_code for r in responses) == [200, 409]
        refused = next(r for r in responses if r.status_code == 409)
        assert SIMULTANEOUS in refused.json()["detail"]
        assert client.get(f"{TEAM}/staff/pc-new").json()["name"] == "New Person"
        assert audited(app.state.engine, "write staff", "pc-new") == 1


def test_two_simultaneous_first_imports_of_a_team_are_201_and_409(database_url: str):
    """Two imports of a team not yet stored, at once: one stores it, the other is a 409
    and stores nothing."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        with side_by_side(app.state.engine, "INSERT INTO team"):
            responses = twice_at_once(
                lambda: client.post("/teams/riverside/scenario", json=sample_scenario())
            )
        assert sorted(r.status_code for r in responses) == [201, 409]
        assert SIMULTANEOUS in next(r for r in responses if r.status_code == 409).json()["detail"]
        assert len(client.get(f"{TEAM}/wards").json()) == len(sample_scenario()["wards"])
        assert audited(app.state.engine, "import scenario", "2026-11-23") == 1


def test_two_simultaneous_re_imports_never_fail(database_url: str):
    """Two re-imports of a stored team at once. SQLite takes them one after the other
    (both 201); on PostgreSQL the second one's delete waits for the first, then misses
    the wards the first has just inserted, so its own insert breaks the ward key (409)."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
        with side_by_side(app.state.engine, "DELETE FROM ward"):
            responses = twice_at_once(
                lambda: client.post("/teams/riverside/scenario", json=sample_scenario())
            )
        statuses = sorted(r.status_code for r in responses)
        assert statuses in ([201, 201], [201, 409])
        assert len(client.get(f"{TEAM}/wards").json()) == len(sample_scenario()["wards"])
        assert len(client.get(f"{TEAM}/staff").json()) == len(sample_scenario()["staff"])


def test_two_simultaneous_deletes_of_an_item_are_204_and_404(database_url: str):
    """Both find the item, one deletes it: the other is told it is gone (404), and the
    audit records one delete (both were 204 and both audited)."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
        person = {"id": "pc-new", "name": "New Person", "role": "PC", "contracted_hours": 40}
        assert client.put(f"{TEAM}/staff/pc-new", json=person).status_code == 200
        with side_by_side(app.state.engine, "DELETE FROM staff"):
            responses = twice_at_once(lambda: client.delete(f"{TEAM}/staff/pc-new"))
        assert sorted(r.status_code for r in responses) == [204, 404]
        assert client.get(f"{TEAM}/staff/pc-new").status_code == 404
        assert audited(app.state.engine, "delete staff", "pc-new") == 1


def audited(engine: sa.Engine, action: str, target: str) -> int:
    with Session(engine) as session:
        query = select(tables.AuditEntry).where(
            col(tables.AuditEntry.action) == action, col(tables.AuditEntry.target) == target
        )
        return len(session.exec(query).all())
