"""The team's data in a real Chromium: a sergeant adds a person with the form (typing,
ticking days, a row of leave), is told beside the field what is wrong and fixes it,
records leave over days, adds a ward's demand window in its table of rows and imports
staff from a spreadsheet; axe-core finds no serious problem, at desktop and phone sizes.

It edits the other team (`generate_instance("team", seed=0)`), led by the "stranger"
sergeant, so the sample team's journeys are untouched."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, create_engine

from api.schemas import NewUser
from api.services.users import create_user
from api.tables import Role
from scheduler.generate import generate_instance
from tests.api.api_support import workbook
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
    sheet = tmp_path / "new-staff.xlsx"
    columns = ["id", "name", "role", "contracted_hours"]
    sheet.write_bytes(workbook(columns, ["pcso-xl", "Kit Sheet", "PCSO", 37]))
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


def test_a_new_team_from_nothing_to_a_published_week_an_officer_sees(
    browser: object, site: Site
) -> None:
    """An admin makes a team in the pages, adds a ward, two duties and two people, then
    generates the week, gives one person a day off by hand, publishes; the officer then
    sees their duties, without that day."""
    engine = create_engine(site.database_url)
    with Session(engine) as session:
        _, admin = create_user(session, NewUser(name="Admin", role=Role.ADMIN))
        session.commit()
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, site, admin, "/ui")
    page.click("text=Make a new team")
    page.fill("#f-team-id", "brook")
    page.fill("#f-team-name", "Brookside NPT")
    page.fill("#f-team-station", "Brook Street")
    page.click("button:has-text('Make the team')")
    expect(page.locator("[role=status]")).to_contain_text("Made the team Brookside NPT")

    week = "2026-11-30"
    page.goto(f"{site.url}/ui/teams/brook/weeks/{week}")
    expect(page.locator("main")).to_contain_text("cannot be planned yet")
    assert serious_accessibility_problems(page) == []
    page.click("text=add a ward")
    page.fill("#f-name", "Brook Central")
    page.fill("#f-demand-0-start", "08:00")
    page.fill("#f-demand-0-end", "22:00")
    page.click("button:has-text('Save')")
    expect(page.locator("[role=status]")).to_contain_text("Saved ward Brook Central")
    for name, start, end in (("Early", "07:00", "15:00"), ("Late", "14:00", "22:00")):
        page.goto(f"{site.url}/ui/teams/brook/setup/duty-templates/new")
        page.fill("#f-name", name)
        page.fill("#f-start", start)
        page.fill("#f-end", end)
        page.click("button:has-text('Save')")
        expect(page.locator("[role=status]")).to_contain_text(f"Saved duty template {name}")
    for name, role in (("Amy Brook", "PC"), ("Ben Ford", "PCSO")):
        page.goto(f"{site.url}/ui/teams/brook/setup/staff/new")
        page.fill("#f-name", name)
        page.select_option("#f-role", role)
        page.select_option("#f-home_ward", label="Brook Central")
        page.click("button:has-text('Save')")
        expect(page.locator("[role=status]")).to_contain_text(f"Saved person {name}")

    # a weekly surgery, two weeks of it, from the events form
    page.goto(f"{site.url}/ui/teams/brook/setup/events/new")
    page.fill("#f-id", "surgery")
    page.fill("#f-name", "Beat surgery")
    page.select_option("#f-ward", label="Brook Central")
    page.fill("#f-place", "Brook Library")
    page.fill("#f-start", "2026-12-01T10:00")
    page.fill("#f-end", "2026-12-01T11:00")
    page.fill("#f-weeks", "2")
    assert serious_accessibility_problems(page) == []
    page.click("button:has-text('Save')")
    expect(page.locator("[role=status]")).to_contain_text("Saved 2 weekly events Beat surgery")
    expect(page.locator("#events-table")).to_contain_text("Tue 08 Dec 2026")
    # the team's rules: 12 hours' rest instead of 11
    page.click("text=Settings and rules")
    assert serious_accessibility_problems(page) == []
    page.fill("#f-policy-min_rest_hours", "12")
    page.click("button:has-text('Save')")
    expect(page.locator("[role=status]")).to_contain_text("Saved the team's settings")
    settings = httpx.get(
        f"{site.url}/teams/brook", headers={"Authorization": f"Bearer {admin}"}
    ).json()
    assert settings["policy"]["min_rest_hours"] == 12

    page.goto(f"{site.url}/ui/teams/brook/weeks/{week}")
    page.click("#generate")
    page.wait_for_url(re.compile(r"\?version=\d+$"), timeout=90_000)
    first = int(page.url.rsplit("=", 1)[1])
    ben = page.locator("#rota-grid tbody tr", has_text="Ben Ford")
    worked = ben.locator("td.duty a.times").first
    label = worked.get_attribute("aria-label") or ""
    day_words = label.split(":")[0].split(", ")[1]  # "Mon 30"
    worked.click()
    expect(page.locator("h1")).to_contain_text("Ben Ford")
    assert serious_accessibility_problems(page) == []
    page.click("button:has-text('Give Ben Ford the day off')")
    expect(page.locator("#edits-h")).to_contain_text(f"from version {first}")
    expect(page.locator("#edit-breaks")).to_be_visible()
    screenshot(page, "34-edited-week")
    assert serious_accessibility_problems(page) == []
    edited = int(page.url.split("version=")[1].split("#")[0])
    rota = httpx.get(
        f"{site.url}/teams/brook/weeks/{week}/rota",
        params={"version": edited},
        headers={"Authorization": f"Bearer {admin}"},
    ).json()["rota"]
    ben_days = {d["day"] for d in rota["duties"] if d["staff"] == "ben-ford"}
    page.click("#publish")
    expect(page.locator(".notice").first).to_contain_text(f"Version {edited} published")

    # the sergeant (here the admin) invites Ben to choose a password
    page.goto(f"{site.url}/ui/teams/brook/setup")
    page.click("text=Who can sign in")
    page.select_option("#invite-staff", "ben-ford")
    page.fill("#invite-login", "ben.ford")
    page.click("#invite")
    link = page.locator("#invite-link").input_value()
    assert "/invite/" in link
    assert serious_accessibility_problems(page) == []
    screenshot(page, "35-people-invited")
    engine.dispose()
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(link)
    expect(page.locator("main")).to_contain_text("ben.ford")
    page.fill("#new-password", "brook river morning")
    page.fill("#again", "brook river morning")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "36-choose-password-phone")
    page.click("button:has-text('Set my password')")
    expect(page.locator("#signin-done")).to_be_visible()
    expect(page.locator("#login")).to_have_value("ben.ford")
    page.fill("#password", "brook river morning")
    page.click("#password-signin")
    expect(page).to_have_url(f"{site.url}/ui/me")
    duties = page.locator("main")
    for day in ben_days:
        expect(duties).to_contain_text(date.fromisoformat(day).strftime("%a %d %b"))
    assert not any(date.fromisoformat(day).strftime("%a %d") == day_words for day in ben_days)
    context.close()


def _records_for(tmp_path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A year of generated records for the other team's wards, and their boundaries."""
    import csv
    import json
    from dataclasses import replace

    from benchmarks.incidents import boundaries, force_plans, records

    [(origin, plans)] = force_plans(1, wards_per_team=len(TEAM.wards), records=3000)
    plans = tuple(
        replace(plan, id=ward.id, name=ward.name)
        for plan, ward in zip(plans, TEAM.wards, strict=True)
    )
    rows = tmp_path / "incidents.csv"
    with rows.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occurred", "category", "longitude", "latitude"])
        for at, category, x, y in records(plans, origin):
            writer.writerow([at.isoformat(timespec="minutes"), category, x, y])
    shapes = tmp_path / "wards.geojson"
    shapes.write_text(json.dumps(boundaries(plans, origin)))
    return str(rows), str(shapes)


def test_sergeant_builds_demand_from_records_and_reads_its_heatmaps(
    page: Page, site: Site, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    demand_page = f"/ui/teams/{TEAM.team.id}/demand"
    sign_in(page, site, site.stranger, demand_page)
    expect(page.locator("h1")).to_contain_text("where and when presence matters")
    rows, shapes = _records_for(tmp_path)
    page.set_input_files("#records", rows)
    page.set_input_files("#boundaries", shapes)
    page.click("button:has-text('Build demand')")
    expect(page.locator("[role=status]")).to_contain_text("the records themselves were not kept")
    expect(page.locator("table.heatmap")).to_have_count(len(TEAM.wards))
    assert page.locator("text=hot spot 1").count() >= 1
    assert serious_accessibility_problems(page) == []
    screenshot(page, "35-demand-heatmaps")
    stored = _api(site, f"wards/{TEAM.wards[0].id}")
    assert len(stored["hourly_demand"]) == 168 and stored["demand_basis"]["records"] > 0
    # a file that cannot be read: refused whole, naming its line
    bad = tmp_path / "bad.csv"
    bad.write_text("occurred,category,ward\nsoon,Robbery," + TEAM.wards[0].id + "\n")
    page.goto(f"{site.url}{demand_page}")
    page.set_input_files("#records", str(bad))
    page.click("button:has-text('Build demand')")
    expect(page.locator("[role=alert]")).to_contain_text("line 2")
    assert _api(site, f"wards/{TEAM.wards[0].id}")["hourly_demand"] == stored["hourly_demand"]
