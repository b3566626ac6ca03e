"""Engine, sessions and migrations. SQLite by default; PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # As many pooled connections as the server has request threads (anyio's default
        # 40), so a busy server reuses connections instead of opening and closing them.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the worker
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class MigrationError(RuntimeError):
    """The migrations left rows that break a foreign key (SQLite); nothing was committed."""


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (run on every start), or to `revision`.

    On SQLite, Alembic's batch operations rebuild a table (copy, drop, rename), and
    dropping a table that other rows reference fails while foreign keys are enforced, so
    they are off while migrating (the pragma only takes effect outside a transaction),
    every key is checked before committing (`PRAGMA foreign_key_check`, as Alembic's batch
    documentation advises), and they are on again before the connection is pooled."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            if connection.exec_driver_sql("PRAGMA foreign_keys").scalar() != 0:
                raise MigrationError("could not turn SQLite's foreign keys off to migrate")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationError(
                            "migrating left rows that reference missing rows "
                            f"(table, rowid, referenced table): {broken[:5]}"
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def sessions(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
