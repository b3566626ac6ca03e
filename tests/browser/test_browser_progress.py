"""The progress page's poll in a real Chromium, when the job cannot be read: the
sergeant's token was revoked (the page goes to sign-in, and back to itself after), the job
was deleted (the page stops asking and says so), or the network fails (the page keeps
asking, less and less often, and carries on once the poll answers again).

Each test follows a job of a week no other test solves, written in the database as
running with a fresh heartbeat, as a job another server's worker holds: it stays running
while the page polls whatever the machine's load (a real solve of the sample week can
prove optimal and end in a few seconds), and the test ends it or deletes it.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api.db import make_engine
from api.schemas import NewUser
from api.services.users import create_user, issue_token
from api.tables import Role, SolveJob, User
from tests.browser.browser_support import Site, serious_accessibility_problems, sign_in

# A real Chromium: the extra tier (.ci/run).
pytestmark = pytest.mark.extra

GONE = "This job no longer exists or you no longer have access to it"


def _held(site: Site, week: str) -> dict:
    """A running solve of riverside's `week` held by another server's worker (its
    heartbeat an hour ahead, so no sweep fails it), which ends only when `_end` says."""
    now = datetime.now(UTC)
    engine = make_engine(site.database_url)
    with Session(engine) as session:
        job = SolveJob(
            team_id="riverside",
            week_start=date.fromisoformat(week),
            status="running",
            time_limit=300,
            created_at=now,
            started_at=now,
            heartbeat_at=now + timedelta(hours=1),
        )
        session.add(job)
        session.commit()
        held = {"id": job.id, "url": f"/jobs/{job.id}"}
    engine.dispose()
    return held


def _end(site: Site, job: dict, status: str | None) -> None:
    """The other server's worker ends the job (`status`), or the job is deleted (None)."""
    engine = make_engine(site.database_url)
    with Session(engine) as session:
        row = session.get(SolveJob, job["id"])
        if row is not None:
            if status is None:
                session.delete(row)
            else:
                row.status, row.finished_at = status, datetime.now(UTC)
                session.add(row)
            session.commit()
    engine.dispose()


def _polls_of(page: Page, job_id: int, event: str = "request") -> list[float]:
    """When the page asked for the job's state (or, with "requestfailed", failed to)."""
    seen: list[float] = []
    poll = f"/ui/jobs/{job_id}/state"
    page.on(event, lambda request: seen.append(time.monotonic()) if poll in request.url else None)
    return seen


def _wait_for_polls(page: Page, seen: list[float], count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(seen) < count:
        assert time.monotonic() < deadline, f"{len(seen)} polls seen, not {count}"
        page.wait_for_timeout(100)


def test_the_progress_page_signs_in_again_when_its_token_is_revoked(page: Page, site: Site) -> None:
    """A sergeant follows a solve; their tokens are revoked the way the app does it
    (DELETE /users/{id}/tokens). The page's next poll is refused, and the browser lands on
    the sign-in page with `next` naming the progress page (not its JSON poll); signing in
    with a new token leads back to it."""
    engine = make_engine(site.database_url)
    with Session(engine) as session:
        user, token = create_user(
            session, NewUser(name="Sgt Revoked", role=Role.SERGEANT, teams=["riverside"])
        )
        session.commit()
        user_id = user.id
    job = _held(site, "2026-12-28")
    progress = f"/ui/jobs/{job['id']}"
    try:
        sign_in(page, site, token, progress)
        expect(page).to_have_url(f"{site.url}{progress}")
        expect(page.locator("#job-status")).to_have_text(re.compile("queued|running"))

        revoked = httpx.delete(
            f"{site.url}/users/{user_id}/tokens", headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 204, revoked.text
        expect(page).to_have_url(re.compile(r"/signin\?"))
        assert urlsplit(page.url).path == "/signin"
        assert parse_qs(urlsplit(page.url).query)["next"] == [progress]
        expect(page.locator("#token")).to_be_visible()

        with Session(engine) as session:
            again = issue_token(session, session.get(User, user_id))
            session.commit()
        page.fill("#token", again)
        page.click("#token-signin")
        expect(page).to_have_url(f"{site.url}{progress}")
    finally:
        _end(site, job, None)
        engine.dispose()


def test_the_progress_page_stops_polling_a_deleted_job_and_says_so(page: Page, site: Site) -> None:
    """The job is deleted while its page follows it: the poll answers 404, and the page
    says so in an alert, with the way back to the week, hides the stop buttons, and asks
    no more (at most one poll already on its way); axe-core finds no serious problem."""
    job = _held(site, "2026-12-14")
    try:
        sign_in(page, site, site.sergeant, f"/ui/jobs/{job['id']}")
        expect(page.locator("#job-status")).to_have_text(re.compile("queued|running"))
        polls = _polls_of(page, job["id"])
        _wait_for_polls(page, polls, 1)  # it is polling
        _end(site, job, None)

        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(GONE)
        expect(alert.get_by_role("link", name="the week")).to_have_attribute(
            "href", "/ui/teams/riverside/weeks/2026-12-14"
        )
        expect(page.locator("#job-stop")).to_be_hidden()
        seen = len(polls)
        page.wait_for_timeout(3000)  # over four of the page's 0.7 s poll intervals
        assert len(polls) <= seen + 1, f"{len(polls) - seen} polls after the alert"
        assert serious_accessibility_problems(page) == []
    finally:
        _end(site, job, None)


def test_the_progress_page_retries_a_failing_poll_less_and_less_often(
    page: Page, site: Site
) -> None:
    """While the network fails, the page keeps asking, each wait longer than the last (1,
    2, 4 s: four failed polls span at least 7 s, a lower bound a busy machine can only
    exceed), and shows no "job gone" alert; once the poll answers again, the page follows
    the job to its end."""
    job = _held(site, "2026-12-21")
    try:
        sign_in(page, site, site.sergeant, f"/ui/jobs/{job['id']}")
        expect(page.locator("#job-status")).to_have_text(re.compile("queued|running"))
        poll = re.compile(rf"/ui/jobs/{job['id']}/state$")
        failed = _polls_of(page, job["id"], "requestfailed")
        page.route(poll, lambda route: route.abort("internetdisconnected"))
        _wait_for_polls(page, failed, 4)
        assert failed[3] - failed[0] >= 1 + 2 + 4, [t - failed[0] for t in failed]
        expect(page.locator("#job-gone")).to_be_hidden()

        page.unroute(poll)
        _end(site, job, "cancelled")
        expect(page.locator("#job-status")).to_have_text("cancelled", timeout=60_000)
        expect(page.locator("#job-back")).to_be_visible()
    finally:
        _end(site, job, None)
