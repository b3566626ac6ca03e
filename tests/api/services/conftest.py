"""Service tests: the services called directly, on a real migrated SQLite file (and on
PostgreSQL when BEATPLAN_TEST_POSTGRES_URL is set), with the sample team imported and a
caller of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session

from api import tables
from api.db import make_engine, migrate
from api.schemas import NewUser
from api.services.access import Caller
from api.services.scenarios import import_scenario
from api.services.users import create_user
from scheduler import load_scenario
from tests.support import FIXTURES

MONDAY = date(2026, 11, 23)


@dataclass
class Callers:
    admin: Caller
    sergeant: Caller  # leads riverside
    stranger: Caller  # a sergeant of another team
    officer: Caller  # pc-walsh of riverside


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        import_scenario(session, load_scenario(FIXTURES / "riverside.json"))
        session.commit()
        yield session
    engine.dispose()


@pytest.fixture
def team(session: Session) -> tables.Team:
    found = session.get(tables.Team, "riverside")
    assert found is not None
    return found


@pytest.fixture
def callers(session: Session) -> Callers:
    other = tables.Team(id="elsewhere", name="Elsewhere", policy={})
    session.add(other)
    session.commit()

    def caller(new: NewUser) -> Caller:
        user, _ = create_user(session, new)
        session.commit()
        return Caller(user, frozenset(new.teams))

    return Callers(
        admin=caller(NewUser(name="Ada Admin", role=tables.Role.ADMIN)),
        sergeant=caller(NewUser(name="Sam Sgt", role=tables.Role.SERGEANT, teams=["riverside"])),
        stranger=caller(NewUser(name="Kim Sgt", role=tables.Role.SERGEANT, teams=["elsewhere"])),
        officer=caller(
            NewUser(
                name="Pat Walsh", role=tables.Role.OFFICER, team_id="riverside", staff_id="pc-walsh"
            )
        ),
    )
