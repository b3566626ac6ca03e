"""The pages end to end in a real Chromium: a sergeant signs in, generates the week and
watches the solve, publishes, reads the grid and heatmap, pins and re-solves, compares
versions and downloads the CSV, records an absence and reviews the repair; an officer gets
their calendar link; the public ward page names nobody; axe-core finds no serious
accessibility problem on any of them."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, create_engine

from api.exports import duties_from_csv
from api.schemas import NewUser
from api.services.users import create_user
from api.tables import Role
from scheduler import Rota, Scenario, check, load_scenario
from tests.browser.browser_support import (
    OFFICER_STAFF,
    ROOT,
    WEEK,
    Site,
    screenshot,
    serious_accessibility_problems,
    sign_in,
)

# A real Chromium: the extra tier (.ci/run).
pytestmark = pytest.mark.extra

WEEK_PAGE = f"/ui/teams/riverside/weeks/{WEEK}"


def _api(site: Site, path: str, **params: object) -> dict:
    reply = httpx.get(
        f"{site.url}/teams/riverside/weeks/{WEEK}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {site.sergeant}"},
    )
    reply.raise_for_status()
    return reply.json()


def _api_rota(site: Site, version: int) -> Rota:
    return Rota.model_validate(_api(site, "rota", version=version)["rota"])


def _generate_and_follow(page: Page, shot: str | None = None) -> int:
    """Press generate/re-solve, watch the progress page to the end; the new version."""
    page.click("#generate")
    expect(page).to_have_url(re.compile(r"/ui/jobs/\d+$"))
    expect(page.locator("#job-status")).to_be_visible()
    # The page follows the solve live: figures appear while it runs, then it moves on.
    expect(page.locator("#job-elapsed")).not_to_have_text("–", timeout=60_000)
    if shot:
        screenshot(page, shot)
    page.wait_for_url(re.compile(r"\?version=\d+$"), timeout=90_000)
    return int(page.url.rsplit("=", 1)[1])


def test_sergeant_generates_publishes_pins_and_exports(page: Page, site: Site) -> None:
    sign_in(page, site, site.sergeant, WEEK_PAGE)
    expect(page).to_have_url(f"{site.url}{WEEK_PAGE}")
    expect(page.locator("#generate")).to_have_text("Generate rota")
    screenshot(page, "01-week-empty")

    first = _generate_and_follow(page, "02-progress")
    expect(page.locator("h2#grid-h")).to_contain_text(f"version {first}, draft")
    screenshot(page, "03-week-draft")

    page.click("#publish")
    expect(page.locator(".notice")).to_contain_text(f"Version {first} published")
    expect(page.locator("h2#grid-h")).to_contain_text("published")

    # The grid: a row per person, seven days, each working cell with times and a ward.
    scenario = load_scenario(ROOT / "fixtures" / "riverside.json")
    rota = _api_rota(site, first)
    rows = page.locator("#rota-grid tbody tr")
    expect(rows).to_have_count(len(scenario.staff))
    duty_cells = page.locator("#rota-grid td.duty")
    expect(duty_cells).to_have_count(len(rota.duties))
    assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", duty_cells.first.locator(".times").inner_text())
    # The heatmap: a table a day, a row per ward, an hour per cell (168 in the week), an
    # hour axis; the uncovered peak count per ward agreeing with the rota's own figures;
    # it fits the desktop's width without sideways scrolling.
    days = page.locator("#heatmap table")
    expect(days).to_have_count(7)
    expect(days.first.locator("tbody tr")).to_have_count(len(scenario.wards))
    first_ward = page.locator("#heatmap tbody tr:first-child td.h")
    expect(first_ward).to_have_count(168)
    expect(days.first.locator("thead th.hour").first).to_have_text("00")
    heat = page.locator("#heatmap")
    assert heat.evaluate("e => e.scrollWidth <= e.clientWidth"), "the heatmap scrolls sideways"
    peaks = page.locator("#ward-figures tbody td.peaks-uncovered")
    uncovered = [int(t) for t in peaks.all_inner_texts()]
    assert uncovered == [len(w.uncovered_peak_hours) for w in rota.wards]
    assert page.locator("#heatmap td.h.peak").count() > 0
    expect(page.locator("#events tbody tr")).to_have_count(len(scenario.events))
    screenshot(page, "04-week-published")
    assert serious_accessibility_problems(page) == []

    # Pin someone who works Monday to a rest day, re-solve: the new draft keeps the pin.
    monday_worker = next(d.staff for d in rota.duties if d.day.isoformat() == WEEK)
    page.select_option("#pin-staff", monday_worker)
    page.select_option("#pin-day", WEEK)
    page.select_option("#pin-duty", "off")
    page.click("#pin")
    expect(page.locator("#pins li")).to_have_count(len(scenario.pins) + 1)
    second = _generate_and_follow(page)
    assert second == first + 1
    expect(page.locator("h2#grid-h")).to_contain_text(f"version {second}, draft")
    redrawn = _api_rota(site, second)
    assert not [d for d in redrawn.duties if d.staff == monday_worker and str(d.day) == WEEK]
    pinned = Scenario.model_validate(_api(site, "scenario"))
    assert len(pinned.pins) == len(scenario.pins) + 1 and check(pinned, redrawn) == []

    # The diff between the versions names the pinned person's Monday.
    page.select_option("#diff-from", str(first))
    page.select_option("#diff-to", str(second))
    page.click("button:has-text('See what changed')")
    expect(page.locator("#diff")).to_be_visible()
    name = next(p.name for p in scenario.staff if p.id == monday_worker)
    expect(
        page.locator("#diff tbody tr", has_text=name).filter(has_text="Mon 23 Nov")
    ).to_have_count(1)
    screenshot(page, "05-diff")
    page.go_back()

    # The CSV download holds the draft's duties exactly.
    with page.expect_download() as download:
        page.click("#csv")
    text = download.value.path().read_text(encoding="utf-8-sig")  # as Excel, past the BOM
    assert sorted(d.model_dump_json() for d in duties_from_csv(text)) == sorted(
        d.model_dump_json() for d in redrawn.duties
    )
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["staff_id", "staff_name", "role"]

    # Print: one A4 landscape wall sheet (a line a person, then the events), controls hidden.
    page.emulate_media(media="print")
    expect(page.locator("#generate")).to_be_hidden()
    expect(page.locator("#rota-grid")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    screenshot(page, "06-print").with_suffix(".pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the week printed on {pages} pages"
    expect(page.locator("#heatmap")).to_be_hidden()  # the heatmap is the screen's
    page.emulate_media(media="screen")


@pytest.fixture(scope="module")
def published(site: Site) -> Rota:
    """A published rota for the sample week (made through the API if no test made one)."""
    headers = {"Authorization": f"Bearer {site.sergeant}"}
    base = f"{site.url}/teams/riverside/weeks/{WEEK}"
    with httpx.Client(headers=headers, timeout=30) as client:
        versions = client.get(f"{base}/versions").json()
        if not any(v["status"] == "published" for v in versions):
            job = client.post(f"{base}/solve", json={}).json()
            for _ in range(300):
                state = client.get(f"{site.url}{job['url']}").json()
                if state["status"] not in ("queued", "running"):
                    break
                client.get(f"{site.url}/jobs/{job['id']}")
                __import__("time").sleep(0.3)
            number = client.get(f"{base}/versions").json()[-1]["number"]
            client.post(f"{base}/versions/{number}/publish").raise_for_status()
        return Rota.model_validate(client.get(f"{base}/rota").json()["rota"])


def test_officer_sees_duties_and_gets_a_subscribe_link(
    page: Page, site: Site, published: Rota
) -> None:
    sign_in(page, site, site.officer)
    expect(page).to_have_url(f"{site.url}/ui/me")
    mine = published.duties_of(OFFICER_STAFF)
    expect(page.locator("ul.duties li")).to_have_count(len(mine))
    assert serious_accessibility_problems(page) == []
    page.click("#make-link")
    https = page.locator("#feed-https").input_value()
    webcal = page.locator("#feed-webcal").input_value()
    assert re.fullmatch(rf"{re.escape(site.url)}/ical/[\w-]+\.ics", https), https
    assert webcal == "webcal://" + https.split("://", 1)[1]
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.get_by_text("only every few hours")).to_be_visible()
    # The link is the officer's own feed: it answers with their duties.
    feed = httpx.get(https)
    assert feed.status_code == 200 and feed.text.count("BEGIN:VEVENT") >= len(mine)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("button[data-copy=feed-https]")
    expect(page.locator("button[data-copy=feed-https]")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == https
    screenshot(page, "07-officer")
    assert serious_accessibility_problems(page) == []
    # Reloading the page shows the link no more, and makes none: it still works.
    page.reload()
    expect(page.locator("#feed-https")).to_have_count(0)
    expect(page.get_by_text("shown only once")).to_be_visible()
    assert httpx.get(https).status_code == 200
    # A new link cuts the old one off.
    page.click("#make-link")
    assert page.locator("#feed-https").input_value() != https
    assert httpx.get(https).status_code == 404


def test_ward_page_lists_public_events_and_names_nobody(
    page: Page, site: Site, published: Rota
) -> None:
    scenario = load_scenario(ROOT / "fixtures" / "riverside.json")
    ward = next(
        w for w in scenario.wards if any(e.public and e.ward == w.id for e in scenario.events)
    )
    public = [e for e in scenario.events if e.public and e.ward == ward.id]
    page.goto(f"{site.url}/wards/riverside/{ward.id}")  # no sign-in: it is public
    expect(page.locator("h1")).to_contain_text(ward.name)
    expect(page.locator("#ward-events li")).to_have_count(len(public))
    body = page.locator("body").inner_text()
    for person in scenario.staff:
        assert person.name not in body
        assert person.name.split()[-1] not in body
    feed = page.locator("#feed-https").input_value()
    assert feed == f"{site.url}/ical/public/riverside/{ward.id}.ics"
    assert httpx.get(feed).status_code == 200
    screenshot(page, "08-ward")
    assert serious_accessibility_problems(page) == []


def test_sign_in_page_and_access_rules(page: Page, site: Site, published: Rota) -> None:
    page.goto(f"{site.url}{WEEK_PAGE}")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    screenshot(page, "00-signin")
    assert serious_accessibility_problems(page) == []
    page.fill("#token", "not-a-token")
    page.click("#token-signin")
    expect(page.locator("#signin-error")).to_contain_text("unknown or revoked")
    # A sergeant of another team is refused the week and its downloads.
    sign_in(page, site, site.stranger, WEEK_PAGE)
    expect(page.locator("h1")).to_have_text("Not yours to see")
    reply = page.request.get(f"{site.url}{WEEK_PAGE}/rota.csv")
    assert reply.status == 403
    # An officer is refused the sergeant's page.
    page.context.clear_cookies()
    sign_in(page, site, site.officer, WEEK_PAGE)
    expect(page.locator("h1")).to_have_text("Not yours to see")


def test_the_api_docs_work_offline_under_the_pages_policy(page: Page, site: Site) -> None:
    """/docs shows every route with Swagger UI served from this server, no inline script,
    nothing from another host (any request elsewhere is refused and fails the test)."""
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((site.url, "data:"))
            else None
        ),
    )
    page.goto(f"{site.url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/feeds").first).to_be_visible()
    assert elsewhere == []
    screenshot(page, "10-api-docs")


def test_keyboard_and_phone(browser: object, site: Site, published: Rota) -> None:
    """Signing in and reaching the duties work from the keyboard alone, and the officer's
    page fits a phone's width without sideways scrolling."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{site.url}/signin?next=/ui/me")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")  # past the skip link: the login, then the password
    assert page.evaluate("document.activeElement.id") == "login"
    for _ in range(3):  # the password, its button, then the token (this officer's key)
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "token"
    page.keyboard.type(site.officer)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}/ui/me")
    page.focus("#make-link")
    page.keyboard.press("Enter")
    expect(page.locator("#feed-https")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    screenshot(page, "09-officer-phone")
    context.close()


def test_the_week_on_a_phone(browser: object, site: Site, published: Rota) -> None:
    """The sergeant's week on a phone: the page no wider than the screen, the heatmap a
    day at a time without sideways scrolling, and the grid's day headers and names in
    view while it scrolls in its frame."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, site, site.sergeant, f"{WEEK_PAGE}?version={_published_number(site)}")
    expect(page.locator("#rota-grid")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the week page is {width}px wide on a 390px phone"
    heat = page.locator("#heatmap")
    assert heat.evaluate("e => e.scrollWidth <= e.clientWidth"), "the heatmap scrolls sideways"
    frame = page.locator("#grid-wrap")
    frame.evaluate("e => { e.scrollTop = 600; e.scrollLeft = 300; }")
    header = page.locator("#rota-grid thead th").nth(1).bounding_box()
    name = page.locator("#rota-grid tbody th").nth(12).bounding_box()
    box = frame.bounding_box()
    assert header and name and box
    assert abs(header["y"] - box["y"]) <= 2, "the day headers scrolled out of view"
    assert abs(name["x"] - box["x"]) <= 2, "the names scrolled out of view"
    assert serious_accessibility_problems(page) == []
    frame.evaluate("e => { e.scrollTop = 0; e.scrollLeft = 0; }")
    screenshot(page, "15-week-phone")
    context.close()


def _published_number(site: Site) -> int:
    versions = _api(site, "versions")
    return next(v["number"] for v in versions if v["status"] == "published")


def test_sergeant_records_an_absence_and_reviews_the_repair(
    page: Page, browser: object, site: Site, published: Rota
) -> None:
    """Monday morning, someone rings in sick for Wednesday: recorded on the week page, the
    repair runs, and the new draft opens with what changed (their Wednesday stood down).
    On a phone that page fits the width: its wide tables scroll sideways on their own."""
    scenario = load_scenario(ROOT / "fixtures" / "riverside.json")
    wednesday = "2026-11-25"
    sick = next(d.staff for d in published.duties if d.day.isoformat() == wednesday)
    name = next(p.name for p in scenario.staff if p.id == sick)
    sign_in(page, site, site.sergeant, WEEK_PAGE)
    page.select_option("#absence-staff", sick)
    page.select_option("#absence-category", "sick")
    page.fill("#absence-start", f"{wednesday}T00:00")
    page.fill("#absence-end", "2026-11-26T00:00")
    page.click("#absence")
    expect(page.locator("h1")).to_contain_text("Repairing the week of")
    page.wait_for_url(re.compile(r"repair=\d+#repair-h$"), timeout=90_000)
    expect(page.locator("#repair-h")).to_contain_text("What the repair changed")
    # Their Wednesday duty is stood down. (The repair also honours the week's stored pins:
    # if the first test pinned this same person off on Monday, that day is a row too.)
    row = page.locator("#repair-duties tbody tr", has_text=name).filter(has_text="Wed 25")
    expect(row.filter(has_text="stood down")).to_have_count(1)
    expect(page.locator("#repair-presence tbody tr")).to_have_count(len(scenario.wards))
    expect(page.locator("#publish")).to_be_visible()  # the repair is a draft to publish
    screenshot(page, "10-repair")
    assert serious_accessibility_problems(page) == []

    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)  # type: ignore[attr-defined]
    small = phone.new_page()
    sign_in(small, site, site.sergeant, page.url.removeprefix(site.url))
    expect(small.locator("#repair-duties")).to_be_visible()
    expect(small.locator("#events")).to_be_attached()
    width = small.evaluate("document.documentElement.scrollWidth")
    screenshot(small, "12-repair-phone")
    assert width <= 375, f"the week page with a repair is {width}px wide on a 375px phone"
    phone.close()

    # Published, it tells them: their page lists the change, with the notice they had.
    expect(page.locator("#publish")).to_contain_text("and tell")
    page.click("#publish")
    expect(page.locator(".notice")).to_contain_text("published")
    engine = create_engine(site.database_url)
    with Session(engine) as session:
        _, theirs = create_user(
            session, NewUser(name=name, role=Role.OFFICER, team_id="riverside", staff_id=sick)
        )
        session.commit()
    engine.dispose()
    for size, shot in (({"width": 1280, "height": 900}, "13-officer-changes"), (None, None)):
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport=size or {"width": 375, "height": 812}, is_mobile=size is None
        )
        mine = context.new_page()
        sign_in(mine, site, theirs)
        expect(mine).to_have_url(f"{site.url}/ui/me")
        changes = mine.locator("#my-duty-changes tbody tr").filter(has_text="Wed 25 Nov")
        expect(changes.filter(has_text="stood down")).to_have_count(1)
        assert serious_accessibility_problems(mine) == []
        width = mine.evaluate("document.documentElement.scrollWidth")
        screenshot(mine, shot or "14-officer-changes-phone")
        assert width <= (size or {"width": 375})["width"], f"the officer's page is {width}px wide"
        context.close()


def _expect_ended_without_a_draft(page: Page, status: str) -> None:
    """The progress page of a solve that ended with no draft: no stop or cancel buttons,
    no "new draft" link, the message a problem with the way back to the week."""
    expect(page.locator("#job-status")).to_have_text(status, timeout=90_000)
    expect(page.locator("#job-stop")).to_be_hidden()
    expect(page.get_by_text("Stop now and keep the best rota")).to_be_hidden()
    expect(page.locator("#job-done")).to_be_hidden()
    expect(page.get_by_text("See the new draft")).to_be_hidden()
    expect(page.locator("#job-outcome")).to_have_class("notice problem")
    expect(page.locator("#job-back a")).to_be_visible()


def test_a_failed_or_cancelled_solve_offers_no_stop_and_no_draft(page: Page, site: Site) -> None:
    """While one solve runs (the worker takes one job at a time), a sergeant generates a
    week whose pins cannot all hold: its progress page shows the stop buttons while it
    waits, then, when it fails, hides them and says so with the way back. The running
    solve, cancelled from its own page, ends the same way."""
    following, later = "2026-11-30", "2026-12-07"
    headers = {"Authorization": f"Bearer {site.sergeant}"}
    team = f"{site.url}/teams/riverside/weeks"
    pins = [  # a late-late to 02:00 and an early at 07:00: no rest between
        {"staff": "pc-adeyemi", "day": following, "template": "latelate"},
        {"staff": "pc-adeyemi", "day": "2026-12-01", "template": "early"},
    ]
    with httpx.Client(headers=headers, timeout=30) as api:
        made = [api.post(f"{team}/{following}/pins", json=pin) for pin in pins]
        assert [reply.status_code for reply in made] == [201, 201], made[-1].text
        busy = api.post(f"{team}/{later}/solve", json={"time_limit": 120}).json()
        for _ in range(200):
            if api.get(f"{site.url}{busy['url']}").json()["status"] == "running":
                break
            __import__("time").sleep(0.1)
        try:
            sign_in(page, site, site.sergeant, f"/ui/teams/riverside/weeks/{following}")
            page.click("#generate")
            expect(page).to_have_url(re.compile(r"/ui/jobs/\d+$"))
            expect(page.locator("#job-status")).to_have_text("queued")
            expect(page.locator("#job-stop")).to_be_visible()

            other = page.context.new_page()
            other.goto(f"{site.url}/ui/jobs/{busy['id']}")
            expect(other.locator("#job-stop")).to_be_visible()
            other.click("button:has-text('Cancel this solve')")
            _expect_ended_without_a_draft(other, "cancelled")
            expect(other.locator("#job-message")).to_contain_text("cancelled")

            _expect_ended_without_a_draft(page, "failed")
            expect(page.locator("#job-message")).to_contain_text("relax one of them")
            screenshot(page, "11-solve-failed")
            assert serious_accessibility_problems(page) == []
            page.click("#job-back a")
            expect(page).to_have_url(f"{site.url}/ui/teams/riverside/weeks/{following}")
        finally:
            api.post(f"{site.url}{busy['url']}/cancel")
            for reply in made:
                if reply.status_code == 201:
                    api.delete(f"{team}/{following}/pins/{reply.json()['id']}")
