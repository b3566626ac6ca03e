"""Schema changes go through Alembic: the migrations build exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (registers the tables)
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
