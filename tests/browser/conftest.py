"""Browser test harness: the real app served by uvicorn on a real port, with its worker
and a SQLite file, driven by Playwright through the Chromium of Debian's `chromium`
package (never a downloaded browser).

Without Chromium, Playwright or axe-core (`npm install --prefix tests/feeds_js`) these
tests are skipped, unless BEATPLAN_REQUIRE_BROWSER is set (CI sets it), when they fail.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session

from api.main import create_app
from api.schemas import NewUser
from api.services.scenarios import import_scenario
from api.services.users import create_user
from api.settings import Settings
from api.tables import Role
from scheduler import load_scenario
from scheduler.generate import generate_instance
from tests.browser.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OFFICER_STAFF,
    ROOT,
    Site,
    missing,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = missing()
    if problem is None:
        return
    if os.environ.get("BEATPLAN_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"browser tests required but {problem}")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=problem))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Beatplan serving the sample team, with "now" fixed at the sample week's Monday."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('site') / 'beatplan.sqlite'}"
    # Solves limited by work, not the clock: by the clock, a slow, loaded machine left the
    # deployment in blocks no time, and the plan of duties then stood, breaking the
    # familiar-faces rules. 6 units give the deployment 3 (about 6 s on a quiet machine).
    app = create_app(
        Settings(
            database_url=database_url,
            solve_time_limit=6,
            solve_limit_by="work",
            roster_time_limit=10,  # units of work: about 20 s of a six-week roster's search
        )
    )
    app.state.clock = lambda: datetime(2026, 11, 23, 8, tzinfo=UTC)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    with Session(app.state.engine) as session:
        import_scenario(session, load_scenario(ROOT / "fixtures" / "riverside.json"))
        other = generate_instance("team", seed=0)[0]
        import_scenario(session, other)
        session.commit()
        _, sergeant = create_user(
            session, NewUser(name="Sgt Okoye", role=Role.SERGEANT, teams=["riverside"])
        )
        _, stranger = create_user(
            session, NewUser(name="Sgt Elsewhere", role=Role.SERGEANT, teams=[other.team.id])
        )
        _, officer = create_user(
            session,
            NewUser(
                name="PCSO Begum", role=Role.OFFICER, team_id="riverside", staff_id=OFFICER_STAFF
            ),
        )
        session.commit()
    yield Site(f"http://127.0.0.1:{port}", sergeant, stranger, officer, database_url)
    server.should_exit = True
    thread.join(timeout=30)


# Module scope: Playwright's sync API keeps an event loop running in this thread while it
# is open, and later tests (the benchmarks' service run) need to start their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A page of a new browser context; the test fails if the Content-Security-Policy
    refused anything on any page it opened (an inline script or style, another host)."""
    context = browser.new_context(  # type: ignore[attr-defined]
        accept_downloads=True, viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(20_000)
    opened = context.new_page()
    refused = []
    opened.on(  # type: ignore[attr-defined]
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield opened
    context.close()
    assert refused == [], refused
