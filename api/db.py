"""Engine, sessions and migrations. SQLite by default; PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
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
    """The migrations left rows that break a foreign key (SQLite). Their transaction is
    rolled back, but Python's sqlite3 commits some schema statements on its own, so the
    schema may be part-way: restore the database from its backup."""


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


class DatabaseProblem(Exception):
    """The database cannot be used: one line naming the problem and the fix."""


URL_EXAMPLES = "sqlite:///beatplan.sqlite or postgresql+psycopg://user@host:5432/beatplan"


def check_database(url: str) -> None:
    """Connect and migrate, as the server's start does, or raise DatabaseProblem naming
    what is wrong and the fix (never the password), so that `beatplan serve` and
    `beatplan admin` can say so in one line instead of a traceback."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseProblem(
            "BEATPLAN_DATABASE_URL is not a database URL; give one such as " + URL_EXAMPLES
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql") and driver != "psycopg":
        fixed = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=True)
        raise DatabaseProblem(
            f"BEATPLAN_DATABASE_URL starts {parsed.drivername}://, but Beatplan talks to "
            f"PostgreSQL with psycopg 3: use {fixed}"
        )
    if backend == "sqlite" and parsed.database and not parsed.database.startswith(("file:", ":")):
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise DatabaseProblem(
                f"no such folder {folder} for the SQLite database {parsed.database}; "
                "create it, or point BEATPLAN_DATABASE_URL at a file in an existing folder"
            )
    try:
        engine = make_engine(url)
    except (NoSuchModuleError, ModuleNotFoundError) as error:
        raise DatabaseProblem(
            f"BEATPLAN_DATABASE_URL names a database driver Beatplan does not have "
            f"({parsed.drivername}: {error}); use {URL_EXAMPLES}"
        ) from None
    try:
        migrate(engine)
        with engine.begin() as connection:  # an up-to-date read-only database migrates
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
    except DBAPIError as error:
        raise DatabaseProblem(_describe(parsed, error)) from None
    except MigrationError as error:
        raise DatabaseProblem(f"{error}; restore the database from a backup") from None
    finally:
        engine.dispose()


def _describe(url: URL, error: DBAPIError) -> str:
    """The driver's complaint as the problem and its fix."""
    text = str(error.orig).strip()
    said = text.splitlines()[0] if text else type(error.orig).__name__
    text = text.lower()
    if url.get_backend_name() == "sqlite":
        path = url.database
        if "readonly" in text or "read-only" in text:
            return (
                f"the SQLite database {path} is read-only: make it and its folder writable "
                "by this user, or point BEATPLAN_DATABASE_URL at another file"
            )
        if "locked" in text:
            return (
                f"the SQLite database {path} is locked by another program (an open sqlite3 "
                "shell, a backup, another server?): close it and start again"
            )
        if "not a database" in text:
            return (
                f"{path} is not a SQLite database: point BEATPLAN_DATABASE_URL at a new file "
                "or at Beatplan's database"
            )
        if "unable to open" in text:
            return (
                f"cannot open the SQLite database {path}: check that it and its folder "
                "exist and this user may read and write them"
            )
        return f"the SQLite database {path} cannot be used ({said}); check BEATPLAN_DATABASE_URL"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "does not exist" in text and "database" in text:
        return (
            f"there is no database {url.database!r} at {where}: create it "
            f"(createdb -h {url.host or 'localhost'} -p {url.port or 5432} {url.database}) "
            "or check BEATPLAN_DATABASE_URL"
        )
    if "authentication" in text or ("role" in text and "does not exist" in text):
        return (
            f"PostgreSQL at {where} refused user {url.username!r}: check the user and "
            "password in BEATPLAN_DATABASE_URL"
        )
    if "permission denied" in text:
        return (
            f"user {url.username!r} may not create Beatplan's tables in {url.database!r} at "
            f"{where} ({said}): grant it, or use the database's owner"
        )
    if any(
        phrase in text
        for phrase in (
            "connection refused",
            "could not connect",
            "timeout",
            "timed out",
            "no route",
            "name or service not known",
            "could not translate",
        )
    ):
        return (
            f"cannot reach the database at {where}: is PostgreSQL running? "
            "check BEATPLAN_DATABASE_URL"
        )
    return f"the database at {where} cannot be used ({said}); check BEATPLAN_DATABASE_URL"


def sessions(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
