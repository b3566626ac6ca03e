"""The roster in a real Chromium: a sergeant plans the sample team's roster from the
pages (with the period's file), follows the job, reads the grid, prints it (A4
landscape, four weeks a page) and publishes it; axe-core finds no serious accessibility
problem; desktop and phone screenshots."""

from __future__ import annotations

import json
import math
import re
from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from scheduler.scenario.moving import period_moved_to
from tests.browser.browser_support import (
    ROOT,
    Site,
    screenshot,
    serious_accessibility_problems,
    sign_in,
)

pytestmark = pytest.mark.extra

START = date(2027, 1, 4)  # more than a month after the site's today (Mon 23 Nov 2026)
# Six weeks: two four-week blocks on screen and in print, with half the search of the
# sample's 13 (whose first roster alone took 25 s of a quiet CI machine, and the job did
# not end in 120 s on a loaded one).
WEEKS = 6


def test_sergeant_plans_reads_prints_and_publishes_the_roster(
    page: Page, site: Site, tmp_path
) -> None:
    period = period_moved_to(
        json.loads((ROOT / "fixtures" / "riverside-roster.json").read_text()),
        START,
        "Europe/London",
    )
    file = tmp_path / "period.json"
    file.write_text(json.dumps({**period, "weeks": WEEKS}))
    sign_in(page, site, site.sergeant, "/ui/teams/riverside/rosters")
    expect(page.locator("h1")).to_contain_text("rosters")
    assert serious_accessibility_problems(page) == []
    page.fill("#roster-start", str(START))
    page.fill("#roster-weeks", str(WEEKS))
    page.set_input_files("#roster-file", str(file))
    page.click("#plan")
    expect(page).to_have_url(re.compile(r"/ui/jobs/\d+$"))
    expect(page.locator("h1")).to_contain_text("Planning the roster")
    try:
        page.wait_for_url(re.compile(rf"/rosters/{START}\?version=\d+$"), timeout=180_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"the roster job did not end in a stored roster: {page.inner_text('main')}")

    # The grid: one row per person in each four-week block, a code a day, the legend.
    blocks = page.locator("table.rgrid")
    expect(blocks).to_have_count(math.ceil(WEEKS / 4))
    reply = httpx.get(
        f"{site.url}/teams/riverside/rosters/{START}",
        headers={"Authorization": f"Bearer {site.sergeant}"},
    )
    roster = reply.json()["roster"]
    people = len({d["staff"] for d in roster["days"]})
    expect(blocks.first.locator("tbody:not(.counts) tr")).to_have_count(people)
    expect(blocks.first.locator("tbody:not(.counts) tr").first.locator("td")).to_have_count(28)
    expect(page.locator("#roster-legend")).to_contain_text("rest day")
    expect(page.locator("#roster-people tbody tr")).to_have_count(people)
    assert serious_accessibility_problems(page) == []
    screenshot(page, "20-roster")

    # Printed: A4 landscape, a page per four weeks, then each person's figures and the
    # events (a page or two).
    page.emulate_media(media="print")
    expect(page.locator("#publish")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    screenshot(page, "21-roster-print").with_suffix(".pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert math.ceil(WEEKS / 4) + 1 <= pages <= math.ceil(WEEKS / 4) + 2, pages
    page.emulate_media(media="screen")

    # Published a month ahead: no reason needed.
    expect(page.locator("#late-reason")).to_have_count(0)
    page.click("#publish")
    expect(page.locator(".notice")).to_contain_text("is published")
    expect(page.locator(".status").first).to_contain_text("published")

    # On a phone the grid scrolls sideways inside its region; the page itself does not.
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    small = phone.new_page()
    sign_in(small, site, site.sergeant, f"/ui/teams/riverside/rosters/{START}")
    expect(small.locator("table.rgrid").first).to_be_visible()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
    screenshot(small, "22-roster-phone")
    phone.close()
