"""The sergeant's week over HTTP: import, solve, read, pin, re-solve, publish, diff."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import tables
from api.db import make_engine, migrate
from api.main import create_app
from api.services.versions import add_draft
from api.settings import Settings
from scheduler import Rota, Scenario, check
from tests.api.api_support import admin_token, sample_scenario, wait_for_job
from tests.support import sample_rota

MONDAY = date(2026, 11, 23)
WEEK = f"/teams/riverside/weeks/{MONDAY}"


def _solve(client: TestClient) -> dict:
    response = client.post(f"{WEEK}/solve", json={"time_limit": 15})
    assert response.status_code == 202, response.text
    assert response.headers["location"] == response.json()["url"]
    job = wait_for_job(client, response.json()["url"])
    assert job["status"] == "succeeded", job
    return job


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
def test_sergeants_week_end_to_end(client: TestClient):
    """Import, solve, read, pin, re-solve, publish and diff; every rota passes the checker."""
    imported = client.post("/teams/riverside/scenario", json=sample_scenario())
    assert imported.status_code == 201, imported.text
    scenario = Scenario.model_validate(client.get(f"{WEEK}/scenario").json())
    assert len(scenario.staff) == 30

    first = _solve(client)
    assert first["progress"]["objective"] is not None
    body = client.get(f"{WEEK}/rota").json()
    assert body["version"] == {**body["version"], "number": 1, "status": "draft"}
    assert check(scenario, Rota.model_validate(body["rota"])) == []

    assert client.post(f"{WEEK}/versions/1/publish").json()["status"] == "published"

    # Pin PC Walsh off on Wednesday whatever version 1 said, then re-solve.
    pin = {"staff": "pc-walsh", "day": "2026-11-25", "off": True}
    assert client.post(f"{WEEK}/pins", json=pin).status_code == 201
    _solve(client)
    second = client.get(f"{WEEK}/rota", params={"version": 2}).json()["rota"]
    rescheduled = Scenario.model_validate(client.get(f"{WEEK}/scenario").json())
    assert check(rescheduled, Rota.model_validate(second)) == []
    assert all(
        not (d["staff"] == "pc-walsh" and d["day"] == "2026-11-25") for d in second["duties"]
    )

    # The published version is still the one served until version 2 is published.
    assert client.get(f"{WEEK}/rota").json()["version"]["number"] == 1
    assert client.post(f"{WEEK}/versions/2/publish").status_code == 200
    versions = {v["number"]: v["status"] for v in client.get(f"{WEEK}/versions").json()}
    assert versions == {1: "superseded", 2: "published"}
    assert client.post(f"{WEEK}/versions/1/publish").status_code == 409

    diff = client.get(f"{WEEK}/diff", params={"from": 1, "to": 2}).json()
    first_rota = client.get(f"{WEEK}/rota", params={"version": 1}).json()["rota"]
    walsh_wednesday = [
        d for d in first_rota["duties"] if d["staff"] == "pc-walsh" and d["day"] == "2026-11-25"
    ]
    if walsh_wednesday:
        assert any(
            c["staff"] == "pc-walsh" and c["day"] == "2026-11-25" and c["change"] == "removed"
            for c in diff["changes"]
        )
    assert all(c["change"] in ("added", "removed", "changed") for c in diff["changes"])


def test_read_by_officer_and_ward(client: TestClient):
    """The rota can be read for one officer and for one ward, with coverage figures."""
    client.post("/teams/riverside/scenario", json=sample_scenario())
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        add_draft(session, "riverside", MONDAY, sample_rota())  # a solved week, as a job leaves
        session.commit()
    officer = client.get(f"{WEEK}/rota/staff/pcso-begum").json()
    assert officer["duties"] and all(d["staff"] == "pcso-begum" for d in officer["duties"])
    ward = client.get(f"{WEEK}/rota/wards/market-square").json()
    assert ward["coverage"]["visible_hours"] >= ward["coverage"]["min_weekly_hours"]
    assert all(a["ward"] == "market-square" for a in ward["activities"])
    assert client.get(f"{WEEK}/rota/staff/nobody").status_code == 404


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_impossible_week_fails_the_job_with_explanation(client: TestClient):
    """The infeasible sample solves to a failed job that names the ward panel."""
    client.post("/teams/riverside/scenario", json=sample_scenario("riverside-infeasible.json"))
    response = client.post(f"{WEEK}/solve", json={"time_limit": 15})
    job = wait_for_job(client, response.json()["url"])
    assert job["status"] == "failed"
    assert "Northfield ward panel" in job["message"]
    assert client.get(f"{WEEK}/rota").status_code == 404
    # the job's page links each thing the reasons name to the form that changes it
    token = client.headers["Authorization"].removeprefix("Bearer ")
    assert client.post("/signin", data={"token": token}, follow_redirects=False).is_redirect
    page = client.get(f"/ui/jobs/{job['id']}").text
    fixes = page[page.index('id="job-fixes"') :].split("</p>")[0]
    panel = next(
        e
        for e in sample_scenario("riverside-infeasible.json")["events"]
        if e["name"] == "Northfield ward panel"
    )
    assert f'href="/ui/teams/riverside/setup/events/{panel["id"]}"' in fixes
    assert 'href="/ui/teams/riverside/setup/team"' in fixes


def test_a_solve_out_of_time_names_the_json_field_not_the_cli_option(client: TestClient):
    """A solve that finds nothing in its time fails with advice an API client can act
    on: the request's "time_limit", not the command line's --time-limit."""
    client.post("/teams/riverside/scenario", json=sample_scenario())
    response = client.post(f"{WEEK}/solve", json={"time_limit": 0.001})
    job = wait_for_job(client, response.json()["url"])
    assert job["status"] == "failed" and "No rota was found" in job["message"]
    assert '"time_limit" in the solve request' in job["message"]
    assert "--" not in job["message"]
    assert client.get(f"{WEEK}/rota").status_code == 404


def test_second_solve_of_same_week_is_409(client: TestClient):
    """While a solve is queued or running, another for the same team-week gets 409."""
    client.post("/teams/riverside/scenario", json=sample_scenario())
    first = client.post(f"{WEEK}/solve", json={"time_limit": 30})
    assert first.status_code == 202
    second = client.post(f"{WEEK}/solve", json={"time_limit": 30})
    assert second.status_code == 409
    assert second.json()["detail"]["job"] == first.json()["url"]
    assert client.post(f"{first.json()['url']}/cancel").status_code == 202
    job = wait_for_job(client, first.json()["url"])
    assert job["status"] == "cancelled"


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_stop_keeps_the_best_rota_so_far(client: TestClient):
    """Stopping a solve once it has a rota ends it with that rota as the draft (lawful by
    the independent checker), long before its limit; the message says it was stopped."""
    dst = "/teams/riverside/weeks/2026-10-19"  # the October week takes ~30 s to prove optimal
    client.app.state.clock = lambda: datetime(2026, 10, 16, 12, tzinfo=UTC)  # before it
    client.post("/teams/riverside/scenario", json=sample_scenario("riverside-dst.json"))
    started = client.post(f"{dst}/solve", json={"time_limit": 600})
    assert started.status_code == 202
    url = started.json()["url"]
    deadline = time.monotonic() + 120
    while client.get(url).json()["progress"]["objective"] is None:
        assert time.monotonic() < deadline, "no rota found to keep"
        time.sleep(0.2)
    stopping = client.post(f"{url}/stop")
    assert stopping.status_code == 202 and stopping.json()["stop_requested"]
    job = wait_for_job(client, url)
    assert job["status"] == "succeeded", job
    assert "stopped on request" in job["message"] and "draft version 1" in job["message"]
    assert job["progress"]["elapsed"] < 600
    draft = client.get(f"{dst}/rota", params={"version": 1}).json()["rota"]
    scenario = Scenario.model_validate(client.get(f"{dst}/scenario").json())
    assert check(scenario, Rota.model_validate(draft)) == []
    late = client.post(f"{url}/stop")  # finished: nothing to stop, and the way to its rota
    assert late.status_code == 409
    assert late.json()["detail"].startswith(
        f"job {started.json()['id']} has already finished (succeeded); there is nothing to "
        "stop: open it to see its rota, draft version 1 of the week of 2026-10-19"
    )


def test_bad_input_is_422_with_field_detail_and_stores_nothing(client: TestClient):
    """An invalid scenario is refused field by field, and what was stored survives."""
    client.post("/teams/riverside/scenario", json=sample_scenario())
    broken = sample_scenario()
    broken["staff"][3]["role"] = "Inspector"
    response = client.post("/teams/riverside/scenario", json=broken)
    assert response.status_code == 422
    assert any(
        error["loc"][:4] == ["body", "staff", 3, "role"] for error in response.json()["detail"]
    )
    assert len(client.get(f"{WEEK}/scenario").json()["staff"]) == 30
    tuesday = {**sample_scenario(), "week_start": "2026-11-24"}  # a whole-scenario error
    (problem,) = client.post("/teams/riverside/scenario", json=tuesday).json()["detail"]
    assert problem["loc"] == ["body"] and "give the Monday" in problem["msg"]
    assert "input" not in problem and len(str(problem)) < 500  # the scenario is not echoed
    assert client.get("/teams/nowhere/weeks/2026-11-23/scenario").status_code == 404
    for week, problem in (("2026-11-24", "is a Tuesday"), ("1999-11-22", "outside 2000-2099")):
        reply = client.get(f"/teams/riverside/weeks/{week}/scenario")
        assert reply.status_code == 422
        (detail,) = reply.json()["detail"]  # field-level, as FastAPI's own 422s
        assert detail["loc"] == ["path", "week"] and problem in detail["msg"]
    assert client.get("/jobs/999999").status_code == 404


def test_restart_marks_running_jobs_failed(database_url: str):
    """A job left running by a dead server (here with no heartbeat nor start at all) is
    failed on the next start, not left running."""
    engine = make_engine(database_url)
    migrate(engine)
    with Session(engine) as session:
        session.add(tables.Team(id="t", name="T"))
        session.flush()
        session.add(
            tables.SolveJob(
                team_id="t",
                week_start=date(2026, 11, 23),
                status="running",
                time_limit=10,
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    engine.dispose()
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with TestClient(app) as client:
        token = admin_token(app.state.engine)
        job = client.get("/jobs/1", headers={"Authorization": f"Bearer {token}"}).json()
    assert job["status"] == "failed"
    assert job["message"].startswith("interrupted: the server running this job stopped")
