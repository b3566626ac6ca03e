"""Simultaneous publishes and solves at one team-week: exactly one wins, nothing breaks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from api_support import FIXTURES, admin_token, sample_scenario
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import tables
from api.main import create_app
from api.settings import Settings
from scheduler import SolveOptions, load_scenario, solve

WEEK = "/teams/riverside/weeks/2026-11-23"
CALLS = 12


def test_simultaneous_publishes_leave_one_published(database_url: str):
    """Many clients publishing drafts at once leave exactly one version published."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    rota = solve(
        load_scenario(FIXTURES / "riverside.json"), SolveOptions(time_limit=20, continuity_time=0)
    ).rota
    assert rota is not None
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
