"""Schema changes go through Alembic: the migrations build exactly the models' schema, and
a database holding data at any older revision migrates to the newest one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

import api.tables  # noqa: F401  (registers the tables)
from api import tables
from api.db import make_engine, migrate


def test_migrations_match_the_models(database_url: str):
    """After upgrading to head, autogenerate finds nothing left to migrate."""
    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_migrating_twice_is_harmless(database_url: str):
    """Starting the service on an up-to-date database changes nothing."""
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)
    engine.dispose()


WHEN = datetime(2026, 11, 1, 10, tzinfo=UTC)
WEEK = date(2026, 11, 23)
# A team in use: standing data, two jobs and the versions they made (one superseded, one
# published), users, tokens, audit, feeds and an abstraction, each row referencing others,
# in the order they can be inserted. Columns a revision does not have yet are left out.
ROWS: dict[str, list[dict[str, object]]] = {
    "team": [
        {"id": "t", "name": "T", "timezone": "Europe/London", "station": "", "policy": {}},
    ],
    "ward": [{"team_id": "t", "id": "w1", "spec": {"id": "w1"}}],
    "staff": [{"team_id": "t", "id": "p1", "spec": {"id": "p1"}}],
    "duty_template": [{"team_id": "t", "id": "early", "spec": {"id": "early"}}],
    "event": [{"team_id": "t", "id": "e1", "spec": {"id": "e1"}, "starts_at": WHEN}],
    "pin": [{"team_id": "t", "id": "x1", "spec": {}, "week_start": WEEK}],
    "surge": [{"team_id": "t", "id": "s1", "spec": {}, "week_start": WEEK}],
    "solve_job": [
        {
            "id": job,
            "team_id": "t",
            "week_start": WEEK,
            "status": "succeeded",
            "cancel_requested": False,
            "time_limit": 5.0,
            "created_at": WHEN,
            "message": f"job {job}",
        }
        for job in (1, 2)
    ],
    "rota_version": [
        {
            "id": number,
            "team_id": "t",
            "week_start": WEEK,
            "number": number,
            "status": status,
            "created_at": WHEN,
            "published_at": WHEN,
            "job_id": number,
            "rota": {"number": number},
        }
        for number, status in ((1, "superseded"), (2, "published"))
    ],
    "app_user": [{"id": 1, "name": "Sgt", "role": "sergeant", "created_at": WHEN}],
    "leads_team": [{"user_id": 1, "team_id": "t"}],
    "api_token": [{"id": 1, "user_id": 1, "token_hash": "h" * 64, "created_at": WHEN}],
    "audit_entry": [
        {"id": 1, "at": WHEN, "user_id": 1, "action": "publish", "team_id": "t", "detail": {}}
    ],
    "feed_token": [
        {
            "id": 1,
            "token_hash": "f" * 64,
            "kind": "team",
            "team_id": "t",
            "created_by": 1,
            "created_at": WHEN,
        }
    ],
    "feed_entry": [
        {
            "uid": "u1",
            "team_id": "t",
            "week_start": WEEK,
            "kind": "duty",
            "staff_id": "p1",
            "starts_at": WHEN,
            "ends_at": WHEN,
            "status": "CONFIRMED",
            "summary": "",
            "location": "",
            "description": "",
            "sequence": 0,
            "changed_at": WHEN,
        }
    ],
    "abstraction": [
        {
            "id": 1,
            "team_id": "t",
            "staff_id": "p1",
            "category": "sickness",
            "starts_at": WHEN,
            "ends_at": WHEN,
            "job_id": 2,
            "created_by": 1,
            "created_at": WHEN,
        }
    ],
}


@pytest.mark.parametrize("start", ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"])
def test_a_database_in_use_migrates_from_each_older_revision(database_url: str, start: str):
    """Every table filled at an older revision (a published version referencing its job,
    which the SQLite table rebuilds of 0004 and 0006 must drop and recreate), then
    migrated to head: every row is kept, the new columns take their defaults, and
    SQLite enforces foreign keys again afterwards."""
    engine = make_engine(database_url)
    migrate(engine, start)
    inserted = {}
    with engine.begin() as connection:
        present = set(sa.inspect(connection).get_table_names())
        for name, rows in ROWS.items():
            if name not in present:
                continue
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            connection.execute(
                table.insert(), [{k: v for k, v in row.items() if k in table.c} for row in rows]
            )
            inserted[name] = len(rows)
    assert {"solve_job", "rota_version"} <= set(inserted)

    migrate(engine)

    with engine.connect() as connection:
        for name, count in inserted.items():
            found = connection.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
            assert (name, found) == (name, count)
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert differences == []
    with Session(engine) as session:
        published = session.get(tables.RotaVersion, 2)
        assert published is not None
        assert (published.status, published.job_id, published.rota) == (
            "published",
            2,
            {"number": 2},
        )
        job = session.get(tables.SolveJob, 2)
        assert job is not None
        assert (job.kind, job.stop_requested, job.message) == ("solve", False, "job 2")
        assert job.heartbeat_at is None
        if "app_user" in inserted:
            user = session.get(tables.User, 1)
            assert user is not None and user.deactivated_at is None  # 0009: still active
        assert session.exec(select(tables.WebSession)).all() == []  # 0009: nobody signed in
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO ward (team_id, id, spec) VALUES ('no such team', 'w', '{}')"
            )
    engine.dispose()
