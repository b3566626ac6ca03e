"""API test harness: the real app, a real worker process, and real databases.

Every API test runs against a SQLite file, and also against PostgreSQL when
BEATPLAN_TEST_POSTGRES_URL is set (CI sets it, and there an unreachable server fails the
run). Each PostgreSQL run gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.api.api_support import admin_token

POSTGRES_URL = os.environ.get("BEATPLAN_TEST_POSTGRES_URL")
# PostgreSQL runs in the extra tier (.ci/run), which sets the URL.
BACKENDS = [
    "sqlite",
    *([pytest.param("postgresql", marks=pytest.mark.extra)] if POSTGRES_URL else []),
]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'beatplan.sqlite'}"
        return
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The app with its worker, signed in as an admin."""
    # limited by work, not the clock: a loaded machine makes a solve slower, not different
    settings = Settings(database_url=database_url, solve_time_limit=6, solve_limit_by="work")
    app = create_app(settings)
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        yield test_client
