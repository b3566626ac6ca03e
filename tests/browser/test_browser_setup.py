"""The team's data in a real Chromium: a sergeant adds a person with the form (typing,
ticking days, a row of leave), is told beside the field what is wrong and fixes it,
records leave over days, adds a ward's demand window in its table of rows and imports
staff from a spreadsheet; axe-core finds no serious problem, at desktop and phone sizes.

It edits the other team (`generate_instance("team", seed=0)`), led by the "stranger"
sergeant, so the sample team's journeys are untouched."""

from __future__ import annotations

import io

import httpx
import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from scheduler.generate import generate_instance
from tests.browser.browser_support import Site, screenshot, serious_accessibility_problems, sign_in

pytestmark = pytest.mark.extra

TEAM = generate_instance("team", seed=0)[0]
SETUP = f"/ui/teams/{TEAM.team.id}/setup"


def _api(site: Site, path: str) -> dict:
    reply = httpx.get(
        f"{site.url}/teams/{TEAM.team.id}/{path}",
        headers={"Authorization": f"Bearer {site.stranger}"},
    )
    reply.raise_for_status()
    return reply.json()


def test_sergeant_keeps_the_team_data_in_the_pages(page: Page, site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, site, site.stranger, SETUP)
    expect(page.locator("h1")).to_contain_text("the team's data")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "30-team-data")

    # a new person: a mistake first, shown beside its field, then fixed
    page.click("text=Add a person")
    page.fill("#f-name", "Jo Bloggs")
    page.select_option("#f-role", "PCSO")
    page.fill("#f-contracted_hours", "thirty")
    ward = TEAM.wards[0]
    page.select_option("#f-home_ward", label=ward.name)  # chosen by name, stored by id
    for day in ("mon", "tue", "wed"):
        page.check(f"input[name='working_days'][value='{day}']")
    page.fill("#f-unavailable-0-start", "2027-01-04T00:00")
    page.fill("#f-unavailable-0-end", "2027-01-06T00:00")
    page.fill("#f-unavailable-0-reason", "annual leave")
    page.click("button:has-text('Save')")
    expect(page.locator("#problems")).to_be_visible()
    expect(page.locator("#f-contracted_hours-error")).to_contain_text("number")
    expect(page.locator("#f-contracted_hours")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-name")).to_have_value("Jo Bloggs")  # what was typed is kept
    assert serious_accessibility_problems(page) == []
    screenshot(page, "31-person-refused")
    page.fill("#f-contracted_hours", "30")
    page.click("button:has-text('Save')")
    expect(page.locator("[role=status]")).to_contain_text("Saved person Jo Bloggs")
    person = _api(site, "staff/jo-bloggs")
    assert person["working_days"] == ["mon", "tue", "wed"] and person["contracted_hours"] == 30
    assert person["home_ward"] == ward.id and len(person["unavailable"]) == 1

    # leave over whole days, listed with its code
    page.select_option("#leave-staff", "jo-bloggs")
    page.fill("#leave-first", "2027-02-01")
    page.fill("#leave-last", "2027-02-05")
    page.select_option("#leave-reason", "training")
    page.click("form[action$='/setup/leave'] button")
    expect(page.locator("[role=status]")).to_contain_text("training (TRG) for Jo Bloggs, 5 days")
    expect(page.locator("#leave-table")).to_contain_text("Mon 01 Feb 2027")

    # a ward's demand: a window added in the table of rows
    page.goto(f"{site.url}{SETUP}/wards/{ward.id}")
    row = len(ward.demand)
    for day in ("fri", "sat"):
        page.check(f"input[name='demand.{row}.days'][value='{day}']")
    page.fill(f"#f-demand-{row}-start", "20:00")
    page.fill(f"#f-demand-{row}-end", "02:00")
    page.fill(f"#f-demand-{row}-weight", "3")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "32-ward-form")
    page.click("button:has-text('Save')")
    expect(page.locator("[role=status]")).to_contain_text("Saved ward")
    added = _api(site, f"wards/{ward.id}")["demand"][-1]
    assert added == {"days": ["fri", "sat"], "start": "20:00", "end": "02:00", "weight": 3}

    # staff from a spreadsheet
    book = Workbook()
    book.active.append(["id", "name", "role", "contracted_hours"])
    book.active.append(["pcso-xl", "Kit Sheet", "PCSO", 37])
    sheet = tmp_path / "new-staff.xlsx"
    out = io.BytesIO()
    book.save(out)
    sheet.write_bytes(out.getvalue())
    page.goto(f"{site.url}{SETUP}")
    page.set_input_files("#staff-file", str(sheet))
    page.click("button:has-text('Import')")
    expect(page.locator("[role=status]")).to_contain_text("Imported 1 people from new-staff.xlsx")
    assert _api(site, "staff/pcso-xl")["contracted_hours"] == 37


def test_the_team_data_fits_a_phone(browser: object, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, site, site.stranger, f"{SETUP}/staff/new")
    expect(page.locator("h1")).to_contain_text("A new person")
    screenshot(page, "33-person-form-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form is {width}px wide on a 390px phone"
    assert serious_accessibility_problems(page) == []
    context.close()
