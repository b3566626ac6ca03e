"""Helpers for the API tests: the sample scenario as JSON, waiting for a job, a solved
rota stored as a draft, and a workbook's bytes."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlmodel import Session

from api.schemas import NewUser
from api.services.users import create_user
from api.services.versions import add_draft
from api.tables import Role, SolveJob
from scheduler.rota import Rota
from scheduler.scenario import moved_to

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def sample_scenario(
    name: str = "riverside.json", week: date | None = None, *, faces: bool = False
) -> dict[str, Any]:
    """A sample scenario's JSON, moved to the week starting on Monday `week` if given.

    Without its familiar-faces policy unless `faces`: the deployment in blocks would add
    seconds to every solve and repair of the service's tests, which test the service;
    tests/scheduler (test_continuity.py, test_replan.py) test the deployment."""
    data = json.loads((FIXTURES / name).read_text())
    if not faces:
        data.get("policy", {}).pop("continuity", None)
    return moved_to(data, week) if week is not None else data


def wait_for_job(client: TestClient, url: str, timeout: float = 120) -> dict[str, Any]:
    """Poll a job until it finishes (the worker is a real process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(url).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {url} still unfinished after {timeout} s")


def admin_token(engine: sa.Engine) -> str:
    """Create an admin straight in the database (as `beatplan admin` does)."""
    with Session(engine) as session:
        _, token = create_user(session, NewUser(name="Admin", role=Role.ADMIN))
        session.commit()
    return token


def store_draft(engine: sa.Engine, team_id: str, rota: Rota) -> int:
    """Store `rota` as the team-week's next draft, as a succeeded solve job leaves it;
    the job's id."""
    with Session(engine) as session:
        now = datetime.now(UTC)
        job = SolveJob(
            team_id=team_id,
            week_start=rota.week_start,
            status="succeeded",
            time_limit=5,
            created_at=now,
            finished_at=now,
        )
        session.add(job)
        session.flush()
        assert job.id is not None
        add_draft(session, team_id, rota.week_start, rota, job.id)
        session.commit()
        return job.id


def workbook(*rows: list[object]) -> bytes:
    """An XLSX workbook of one sheet holding `rows`."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
