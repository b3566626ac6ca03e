"""The roster in the pages, without a browser: plan one from the form (with the period's
file), follow the job, read the grid against the roster the API stores, publish it (with
the reason a late roster needs), and the same refusals as the API."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.main import create_app
from api.roster_view import BLOCK_DAYS, build_roster, short_codes
from api.schemas import NewUser
from api.services.users import create_user
from api.settings import Settings
from api.tables import Role
from scheduler.roster import Roster, RosterOptions, RosterPeriod, solve_roster
from scheduler.roster.check import check_roster
from scheduler.scenario import Scenario, clock_minutes
from scheduler.scenario.moving import moved_to
from scheduler.scenario.times import WEEKDAYS
from tests.api.api_support import admin_token, wait_for_job
from tests.support import small_team

TEAM = "test-team"
SOON = date(2026, 11, 30)  # less than a month after the tests' today (Fri 20 Nov 2026)
PAGES = f"/ui/teams/{TEAM}/rosters"


@pytest.fixture
def browser(database_url: str) -> Iterator[TestClient]:
    """The app with its worker and a 4 s roster search, signed in to the pages as an
    admin (a session cookie, as a browser), the small team stored from SOON."""
    app = create_app(Settings(database_url=database_url, roster_time_limit=4))
    with TestClient(app) as client:
        token = admin_token(app.state.engine)
        team = moved_to(small_team().model_dump(mode="json"), SOON)
        stored = client.post(
            f"/teams/{TEAM}/scenario", json=team, headers={"Authorization": f"Bearer {token}"}
        )
        assert stored.status_code == 201, stored.text
        assert client.post("/signin", data={"token": token}, follow_redirects=False).is_redirect
        client.api = {"Authorization": f"Bearer {token}"}  # type: ignore[attr-defined]
        yield client


def _api(client: TestClient, path: str) -> dict:
    reply = client.get(path, headers=client.api)  # type: ignore[attr-defined]
    assert reply.status_code == 200, reply.text
    return reply.json()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_a_roster_is_planned_read_and_published_from_the_pages(browser: TestClient):
    listing = browser.get(PAGES)
    assert listing.status_code == 200 and "No roster yet" in listing.text
    period = {
        "start": str(SOON),
        "weeks": 4,
        "absences": [{"staff": "pc-ann", "first": str(SOON), "last": "2026-12-01"}],
    }
    planned = browser.post(
        f"{PAGES}/generate",
        data={"start": str(SOON), "weeks": "4"},
        files={"period_file": ("period.json", json.dumps(period), "application/json")},
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text[:400]
    job_page = planned.headers["location"]
    assert job_page.startswith("/ui/jobs/")
    assert "Planning the roster" in browser.get(job_page).text
    job = wait_for_job(browser, f"{job_page}/state")
    assert job["status"] == "succeeded", job["message"]
    assert job["next"] == f"{PAGES}/{SOON}?version=1"

    page = browser.get(job["next"])
    assert page.status_code == 200
    stored = _api(browser, f"/teams/{TEAM}/rosters/{SOON}")
    roster = Roster.model_validate(stored["roster"])
    team = Scenario.model_validate(moved_to(small_team().model_dump(mode="json"), SOON))
    assert check_roster(team, RosterPeriod.model_validate(stored["period"]), roster) == []
    codes = short_codes(team.duty_templates)
    # Each person's row gives their rostered days' codes, in order: AL on the leave.
    for person in team.staff:
        row = re.search(
            rf"<tr><th scope=\"row\">{re.escape(person.name)} .*?</tr>", page.text, re.S
        )
        assert row is not None, person.name
        cells = re.findall(r"<td class=\"c-[a-z]+[^\"]*\" title=\"[^\"]*\">([^<]*)</td>", row[0])
        days = sorted((d for d in roster.days if d.staff == person.id), key=lambda d: d.day)
        wanted = [codes.get(d.template or "", d.code) if d.kind == "duty" else d.code for d in days]
        assert cells == wanted[:BLOCK_DAYS], person.name
    assert re.search(r"<strong>AL</strong> annual leave", page.text)
    for template in team.duty_templates:
        if any(d.template == template.id for d in roster.days):
            assert f"<strong>{codes[template.id]}</strong> {template.name}" in page.text
    text = _text(page.text)
    assert "Why it is published less than a month" in text  # SOON is within a month

    # Publishing without the reason is the API's refusal, as a page; nothing is published.
    refused = browser.post(f"{PAGES}/{SOON}/versions/1/publish", data={}, follow_redirects=False)
    assert refused.status_code == 422 and "month" in _text(refused.text)
    assert _api(browser, f"/teams/{TEAM}/rosters/{SOON}")["version"]["status"] == "draft"
    published = browser.post(
        f"{PAGES}/{SOON}/versions/1/publish",
        data={"reason": "New team; agreed with the Federation rep"},
        follow_redirects=False,
    )
    assert published.status_code == 303
    after = browser.get(published.headers["location"])
    assert "is published" in after.text and "New team; agreed" in after.text
    # The weeks it holds say they are deployed within it, and link to it.
    week = browser.get(f"/ui/teams/{TEAM}/weeks/{SOON}").text
    assert "deployed within the" in week and f'href="{PAGES}/{SOON}"' in week
    assert "deployed within the" not in browser.get(f"/ui/teams/{TEAM}/weeks/2026-11-23").text
    assert _api(browser, f"/teams/{TEAM}/rosters/{SOON}")["version"]["status"] == "published"


def test_the_plan_form_names_a_bad_file_and_queues_nothing(browser: TestClient):
    mismatch = {"start": "2026-12-07", "weeks": 4}
    refused = browser.post(
        f"{PAGES}/generate",
        data={"start": str(SOON), "weeks": "4"},
        files={"period_file": ("period.json", json.dumps(mismatch), "application/json")},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "2026-12-07" in _text(refused.text) and "make them the same" in _text(refused.text)
    stranger = {"absences": [{"staff": "pc-nobody", "first": str(SOON)}]}
    unknown = browser.post(
        f"{PAGES}/generate",
        data={"start": str(SOON), "weeks": "4"},
        files={"period_file": ("period.json", json.dumps(stranger), "application/json")},
        follow_redirects=False,
    )
    assert unknown.status_code == 422 and "pc-nobody" in _text(unknown.text)
    garbled = browser.post(
        f"{PAGES}/generate",
        data={"start": str(SOON), "weeks": "4"},
        files={"period_file": ("period.json", b"{not json", "application/json")},
        follow_redirects=False,
    )
    assert garbled.status_code == 422 and "not JSON" in _text(garbled.text)
    tuesday = browser.post(
        f"{PAGES}/generate", data={"start": "2026-12-01", "weeks": "4"}, follow_redirects=False
    )
    assert tuesday.status_code == 422 and "a roster starts on a Monday" in _text(tuesday.text)
    assert "No roster yet" in browser.get(PAGES).text
    assert "being planned" not in browser.get(PAGES).text


def _plan(browser: TestClient, period: dict) -> int:
    """Plan a roster from the pages' form; the number of the draft it stored."""
    planned = browser.post(
        f"{PAGES}/generate",
        data={"start": period["start"], "weeks": str(period["weeks"])},
        files={"period_file": ("period.json", json.dumps(period), "application/json")},
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text[:400]
    job = wait_for_job(browser, f"{planned.headers['location']}/state")
    assert job["status"] == "succeeded", job["message"]
    return job["roster"]["version"]


@pytest.mark.extra  # two rosters planned and published: about 12 s
def test_an_officer_sees_their_roster_ahead_and_what_a_new_one_changed(browser: TestClient):
    reason = {"reason": "New team; agreed with the Federation rep"}
    first = _plan(browser, {"start": str(SOON), "weeks": 4})
    assert browser.post(f"{PAGES}/{SOON}/versions/{first}/publish", data=reason).status_code == 200
    stored = Roster.model_validate(_api(browser, f"/teams/{TEAM}/rosters/{SOON}")["roster"])
    tour = next(d for d in stored.duties() if d.staff == "pc-ann")
    leave = {"staff": "pc-ann", "first": str(tour.day)}
    second = _plan(browser, {"start": str(SOON), "weeks": 4, "absences": [leave]})
    assert browser.post(f"{PAGES}/{SOON}/versions/{second}/publish", data=reason).status_code == 200
    sergeant_view = _text(browser.get(f"{PAGES}/{SOON}").text)
    assert f"What changed from version {first}" in sergeant_view

    with Session(browser.app.state.engine) as session:  # type: ignore[attr-defined]
        _, token = create_user(
            session, NewUser(name="Ann", role=Role.OFFICER, team_id=TEAM, staff_id="pc-ann")
        )
        session.commit()
    browser.cookies.clear()
    assert browser.post("/signin", data={"token": token}, follow_redirects=False).is_redirect
    page = browser.get("/ui/me")
    assert page.status_code == 200
    changes = re.search(r'<table class="list" id="my-roster-changes">.*?</table>', page.text, re.S)
    assert changes is not None
    rows = _text(changes[0])
    assert f"{tour.day:%a %d %b}" in rows and "AL" in rows and "clear days" in rows
    ahead = _text(re.search(r'<table class="list" id="my-roster">.*?</table>', page.text, re.S)[0])
    final = Roster.model_validate(_api(browser, f"/teams/{TEAM}/rosters/{SOON}")["roster"])
    for day in final.days:
        if day.staff == "pc-ann" and day.kind == "duty":
            assert f"{day.day:%a %d}" in ahead
    assert ahead.count("rest") == sum(
        1 for d in final.days if d.staff == "pc-ann" and d.kind == "rest"
    )


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_the_grid_counts_the_fewest_on_duty_in_each_cover_window():
    """The cover rows under the grid against a brute-force reading: at every quarter
    hour of each window (the small team's tours start and end on the hour, so the fewest
    over whole hours is the fewest at any quarter), across midnight for a late window."""
    team = Scenario.model_validate(moved_to(small_team().model_dump(mode="json"), SOON))
    period = RosterPeriod.model_validate(
        {
            "start": str(SOON),
            "weeks": 4,
            "cover": [
                {"start": "07:00", "end": "23:00", "min_on_duty": 2},
                {"days": ["fri", "sat"], "start": "22:00", "end": "02:00", "min_on_duty": 1},
            ],
        }
    )
    roster = solve_roster(team, period, RosterOptions(time_limit=4))
    assert roster.days, roster.report.explanation
    sheet = build_roster(team, period, roster)
    zone = team.zone
    tours = [(d.start, d.end) for d in roster.days if d.kind == "duty"]
    checked = 0
    for block in sheet.blocks:
        for cover, row in zip(period.cover, block.cover, strict=True):
            for day, count, short in zip(block.days, row.counts, row.short, strict=True):
                if WEEKDAYS[day.weekday()] not in cover.days:
                    assert count is None
                    continue
                opens = datetime.combine(day, time(0), zone) + timedelta(
                    minutes=clock_minutes(cover.start)
                )
                minutes = (clock_minutes(cover.end) - clock_minutes(cover.start)) % 1440
                instants = [
                    (opens + timedelta(minutes=m)).astimezone(zone) for m in range(0, minutes, 15)
                ]
                fewest = min(sum(1 for s, e in tours if s <= at < e) for at in instants)
                assert count == fewest, (cover.start, day)
                assert short == (fewest < cover.min_on_duty)
                checked += 1
    assert checked == 28 + 8
