"""The pages without a browser: who may open what, bad form input, and the CSV and XLSX
downloads against the API's own rota. (tests/browser drives them in Chromium.)"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from api import edit_pages, pages, people_pages, roster_pages, setup_pages, tables, views
from api.auth import COOKIE
from api.exports import BOM, COLUMNS, duties_from_csv, to_csv
from api.schemas import NewUser
from api.services.users import create_user
from api.services.versions import add_draft
from api.tables import Role, SolveJob
from scheduler import Rota, Scenario
from scheduler.generate import generate_instance
from scheduler.rota import Activity, Duty
from scheduler.scenario import absence_code
from tests.api.api_support import admin_token, sample_scenario, store_draft, wait_for_job
from tests.support import sample_rota, without_long_days

WEEK = "2026-11-23"
BASE = f"/ui/teams/riverside/weeks/{WEEK}"


def _token(client: TestClient, user: NewUser) -> str:
    with Session(client.app.state.engine) as session:
        _, token = create_user(session, user)
        session.commit()
    return token


@pytest.fixture(scope="module")
def solved() -> Rota:
    """One lawful rota of the sample week, solved once for the tests."""
    return sample_rota()


@pytest.fixture
def site(client: TestClient, solved: Rota) -> Iterator[dict[str, str]]:
    """The sample team with one draft (as solve job 1 left it), and tokens for each kind
    of user."""
    assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
    other = generate_instance("team", seed=0)[0]
    assert client.post(f"/teams/{other.team.id}/scenario", json=other.model_dump(mode="json"))
    store_draft(client.app.state.engine, "riverside", solved)  # as solve job 1 leaves it
    yield {
        "sergeant": _token(client, NewUser(name="Sgt", role=Role.SERGEANT, teams=["riverside"])),
        "other": _token(client, NewUser(name="Sgt B", role=Role.SERGEANT, teams=[other.team.id])),
        "officer": _token(
            client,
            NewUser(name="PCSO", role=Role.OFFICER, team_id="riverside", staff_id="pcso-begum"),
        ),
    }


def _as(client: TestClient, token: str | None) -> None:
    """Browse as the holder of `token`, signed in through the sign-in form (a session),
    or as someone not signed in."""
    client.headers.pop("Authorization", None)
    client.cookies.clear()
    if token:
        signed_in = client.post("/signin", data={"token": token}, follow_redirects=False)
        assert signed_in.status_code == 303, signed_in.text[:300]


# Every page route (as the app declares it), the concrete path tried, and what each kind
# of visitor gets: the team's sergeant, an officer, another team's sergeant, and someone
# not signed in ("signin": sent to the sign-in page).
T = "/ui/teams/{team_id}/weeks/{week}"
R = "/ui/teams/{team_id}/rosters"
ROSTERS = "/ui/teams/riverside/rosters"  # no roster stored: a roster's page is a 404
S = "/ui/teams/{team_id}/setup"
SETUP = "/ui/teams/riverside/setup"
PAGES = {
    ("GET", "/"): ("/", ("303", "303", "303", "303")),
    ("GET", "/signin"): ("/signin", ("200", "200", "200", "200")),
    ("POST", "/signin"): ("/signin", ("401", "401", "401", "401")),  # no token: form again
    ("POST", "/signout"): ("/signout", ("303", "303", "303", "303")),
    ("GET", "/ui"): ("/ui", ("200", "303", "200", "signin")),
    ("GET", "/ui/teams/{team_id}"): ("/ui/teams/riverside", ("303", "403", "403", "signin")),
    ("GET", T): (BASE, ("200", "403", "403", "signin")),
    ("POST", f"{T}/generate"): (f"{BASE}/generate", ("303", "403", "403", "signin")),
    ("POST", f"{T}/absence"): (f"{BASE}/absence", ("422", "422", "422", "signin")),  # empty
    ("POST", f"{T}/pins"): (f"{BASE}/pins", ("422", "422", "422", "signin")),  # empty form
    ("POST", f"{T}/pins/{{pin_id}}/delete"): (
        f"{BASE}/pins/nope/delete",
        ("404", "403", "403", "signin"),
    ),
    ("POST", f"{T}/versions/{{number}}/publish"): (
        f"{BASE}/versions/1/publish",
        ("303", "403", "403", "signin"),
    ),
    ("GET", f"{T}/diff"): (f"{BASE}/diff?from=1&to=1", ("200", "403", "403", "signin")),
    ("GET", f"{T}/rota.csv"): (f"{BASE}/rota.csv", ("200", "403", "403", "signin")),
    ("GET", f"{T}/rota.xlsx"): (f"{BASE}/rota.xlsx", ("200", "403", "403", "signin")),
    # Another team's job is 404 like one that does not exist: ids reveal no teams.
    ("GET", "/ui/jobs/{job_id}"): ("/ui/jobs/1", ("200", "404", "404", "signin")),
    ("POST", "/ui/jobs/{job_id}/cancel"): (  # job 1 has finished: 409
        "/ui/jobs/1/cancel",
        ("409", "404", "404", "signin"),
    ),
    ("POST", "/ui/jobs/{job_id}/stop"): (  # job 1 has finished: 409
        "/ui/jobs/1/stop",
        ("409", "404", "404", "signin"),
    ),
    # The progress page's JSON poll: 401 (the page's script signs in), never a redirect.
    ("GET", "/ui/jobs/{job_id}/state"): ("/ui/jobs/1/state", ("200", "404", "404", "401")),
    ("GET", "/ui/me"): ("/ui/me", ("403", "200", "403", "signin")),
    ("POST", "/ui/me/feed"): ("/ui/me/feed", ("403", "303", "403", "signin")),
    ("GET", "/wards/{team_id}"): ("/wards/riverside", ("200", "200", "200", "200")),
    ("GET", "/wards/{team_id}/{ward_id}"): (
        "/wards/riverside/market-square",
        ("200", "200", "200", "200"),
    ),
    ("GET", R): (ROSTERS, ("200", "403", "403", "signin")),
    ("POST", f"{R}/generate"): (f"{ROSTERS}/generate", ("422", "422", "422", "signin")),
    ("GET", f"{R}/{{start}}"): (f"{ROSTERS}/{WEEK}", ("404", "403", "403", "signin")),
    ("POST", f"{R}/{{start}}/versions/{{number}}/publish"): (
        f"{ROSTERS}/{WEEK}/versions/1/publish",
        ("404", "403", "403", "signin"),
    ),
    ("GET", S): (SETUP, ("200", "403", "403", "signin")),
    ("GET", f"{S}/{{kind_name}}/new"): (f"{SETUP}/wards/new", ("200", "403", "403", "signin")),
    ("GET", f"{S}/{{kind_name}}/{{item_id}}"): (
        f"{SETUP}/staff/pcso-begum",
        ("200", "403", "403", "signin"),
    ),
    # an empty form: the sergeant is told what is missing (on the form's page, 422)
    ("POST", f"{S}/{{kind_name}}"): (f"{SETUP}/events", ("422", "403", "403", "signin")),
    ("POST", f"{S}/{{kind_name}}/{{item_id}}/delete"): (
        f"{SETUP}/wards/nope/delete",
        ("404", "403", "403", "signin"),
    ),
    ("POST", f"{S}/staff-file"): (f"{SETUP}/staff-file", ("422", "422", "422", "signin")),
    ("GET", f"{S}/team"): (f"{SETUP}/team", ("200", "403", "403", "signin")),
    ("GET", "/ui/teams/{team_id}/people"): (
        "/ui/teams/riverside/people",
        ("200", "403", "403", "signin"),
    ),
    ("POST", "/ui/teams/{team_id}/people/invite"): (  # an empty form
        "/ui/teams/riverside/people/invite",
        ("422", "422", "422", "signin"),
    ),
    # an invitation's link is its own key: no sign-in; an unknown one is a 404 for anyone
    ("GET", "/invite/{secret}"): ("/invite/nope", ("404", "404", "404", "404")),
    ("POST", "/invite/{secret}"): ("/invite/nope", ("422", "422", "422", "422")),
    ("GET", f"{T}/day"): (
        f"{BASE}/day?staff=pcso-begum&day={WEEK}&version=1",
        ("200", "403", "403", "signin"),
    ),
    ("POST", f"{T}/versions/{{number}}/edit"): (  # an empty form
        f"{BASE}/versions/1/edit",
        ("422", "422", "422", "signin"),
    ),
    ("POST", f"{T}/versions/{{number}}/keep-edits"): (  # version 1 has no edits: 409
        f"{BASE}/versions/1/keep-edits",
        ("409", "403", "403", "signin"),
    ),
    ("POST", f"{S}/team"): (f"{SETUP}/team", ("422", "403", "403", "signin")),  # empty form
    # an admin makes teams; the sergeant here is not one
    ("GET", "/ui/new-team"): ("/ui/new-team", ("403", "403", "403", "signin")),
    ("POST", "/ui/new-team"): ("/ui/new-team", ("403", "403", "403", "signin")),
    ("POST", f"{S}/leave"): (f"{SETUP}/leave", ("422", "422", "422", "signin")),
}


def test_every_page_route_is_in_the_matrix() -> None:
    """A new page cannot be added without saying who may open it."""
    declared = {
        (method, route.path)
        for router in (
            pages.router,
            roster_pages.router,
            setup_pages.router,
            edit_pages.router,
            people_pages.router,
        )
        for route in router.routes
        for method in route.methods - {"HEAD"}  # type: ignore[attr-defined]
    }
    assert all(pages.is_page(path) for _, path in declared)
    assert declared == set(PAGES)


@pytest.mark.parametrize("visitor", range(4), ids=["sergeant", "officer", "other", "anonymous"])
def test_page_access(client: TestClient, site: dict[str, str], visitor: int) -> None:
    token = [site["sergeant"], site["officer"], site["other"], None][visitor]
    for (method, _), (path, outcomes) in PAGES.items():
        _as(client, token)
        reply = client.request(method, path, follow_redirects=False)
        wanted = outcomes[visitor]
        if wanted == "signin":
            assert reply.status_code == 303, (method, path)
            assert reply.headers["location"].startswith("/signin?next="), (method, path)
        else:
            assert reply.status_code == int(wanted), (method, path, reply.text[:300])
        # A form never answers with a page of its own: reloading that would send it again.
        assert method == "GET" or reply.status_code != 200, (method, path)
        if reply.status_code >= 400 and not (path.endswith("/state") and wanted == "401"):
            # pages answer errors with a page that says why
            assert reply.headers["content-type"].startswith("text/html"), (method, path)
        # Nothing private may be kept for the Back button after signing out.
        private = path.startswith(("/ui", "/signin", "/signout", "/invite/"))
        no_store = reply.headers.get("cache-control") == "no-store"
        assert no_store == private, (method, path, reply.headers.get("cache-control"))


def test_cross_site_form_posts_are_refused(client: TestClient, site: dict[str, str]) -> None:
    _as(client, site["sergeant"])
    before = client.get("/ui/jobs/1/state").json()
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        reply = client.post(f"{BASE}/versions/1/publish", headers=headers)
        assert reply.status_code == 403 and "sent from Beatplan" in reply.text
    _as(client, None)
    client.headers["Authorization"] = f"Bearer {site['sergeant']}"
    versions = client.get(f"/teams/riverside/weeks/{WEEK}/versions").json()
    assert [v["status"] for v in versions] == ["draft"]  # nothing was published
    assert before["status"] == "succeeded"


def test_the_progress_page_speaks_plain_words(client: TestClient, site: dict[str, str]) -> None:
    """The progress page says how good the best rota is against the best possible (not
    the objective and the bound) and how long the solve has run, as it runs and after."""
    started = datetime.now(UTC) - timedelta(seconds=75)
    with Session(client.app.state.engine) as session:
        job = SolveJob(
            team_id="riverside",
            week_start=date(2026, 12, 7),
            status="running",
            time_limit=120,
            created_at=started,
            started_at=started,
            objective=90.0,
            bound=100.0,
            elapsed=3.0,
        )
        session.add(job)
        session.commit()
        job_id = job.id
    _as(client, site["sergeant"])
    state = client.get(f"/ui/jobs/{job_id}/state").json()
    assert state["quality"] == "Best rota so far: at most 10.0% below the best possible."
    assert re.fullmatch(r"1 min 1[5-9] s so far", state["time_taken"]), state["time_taken"]
    page = html.unescape(client.get(f"/ui/jobs/{job_id}").text)
    assert state["quality"] in page and "1 min 1" in page
    assert "Objective" not in page and "Bound" not in page
    with Session(client.app.state.engine) as session:
        ended = session.get(SolveJob, job_id)
        assert ended is not None
        ended.status, ended.finished_at = "succeeded", started + timedelta(seconds=42)
        ended.objective = ended.bound = 100.0
        session.add(ended)
        session.commit()
    state = client.get(f"/ui/jobs/{job_id}/state").json()
    assert (state["quality"], state["time_taken"]) == ("The rota found: the best possible.", "42 s")


def test_pages_write_dates_one_way(client: TestClient, site: dict[str, str]) -> None:
    """No page shows a date as 2026-11-23: dates read "Mon 23 Nov 2026" (or "Mon 23 Nov"
    within a week), as the scheduler's messages write them; form values and links may
    carry ISO dates, which nobody reads."""
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    shown = []
    for token, paths in (
        (site["sergeant"], ["/ui", BASE, f"{BASE}/diff?from=1&to=1", "/ui/jobs/1", ROSTERS]),
        (site["officer"], ["/ui/me"]),
        (None, ["/wards/riverside/market-square"]),
    ):
        _as(client, token)
        for path in paths:
            page = client.get(path)
            assert page.status_code == 200, path
            text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.text, flags=re.S)
            text = html.unescape(re.sub(r"<[^>]*>", " ", text))  # tags and their attributes
            shown += [(path, found) for found in iso.findall(text)]
    assert shown == []


def test_sign_in_sets_a_strict_http_only_cookie(client: TestClient, site: dict[str, str]):
    _as(client, None)
    reply = client.post(
        "/signin", data={"token": site["sergeant"], "next": BASE}, follow_redirects=False
    )
    assert reply.status_code == 303 and reply.headers["location"] == BASE
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    # An empty form is refused, even from a client that also sends an API token.
    empty = client.post(
        "/signin",
        data={"token": " ", "next": BASE},
        headers={"Authorization": f"Bearer {site['sergeant']}"},
        follow_redirects=False,
    )
    assert empty.status_code == 401 and "set-cookie" not in empty.headers
    # The page to go on to must be on this site.
    reply = client.post(
        "/signin",
        data={"token": site["sergeant"], "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert reply.headers["location"] == "/ui"


def test_bad_pin_form_names_the_problem_and_stores_nothing(
    client: TestClient, site: dict[str, str]
) -> None:
    _as(client, site["sergeant"])
    before = client.get(BASE).text.count("Remove<span")
    outside = client.post(
        f"{BASE}/pins", data={"staff": "pcso-begum", "day": "2026-12-01", "duty": "off"}
    )
    assert outside.status_code == 422 and "not in the week of 2026-11-23" in outside.text
    unknown = client.post(f"{BASE}/pins", data={"staff": "nobody", "day": WEEK, "duty": "off"})
    assert unknown.status_code == 409 and "nobody" in unknown.text
    no_day = client.post(f"{BASE}/pins", data={"staff": "pcso-begum", "duty": "off"})
    assert no_day.status_code == 422 and "day" in no_day.text
    assert client.get(BASE).text.count("Remove<span") == before


def test_notices_are_fixed_texts(client: TestClient, site: dict[str, str]) -> None:
    """After an action the page says a fixed text; a link cannot make it say anything."""
    _as(client, site["sergeant"])
    done = client.post(f"{BASE}/versions/1/publish")
    assert "Version 1 published" in html.unescape(done.text)
    crafted = client.get(BASE, params={"done": "Your token expired: email it to us"})
    assert crafted.status_code == 200 and "email it" not in crafted.text
    assert "email it" not in client.get(BASE, params={"notice": "email it"}).text


def test_publishing_says_when_the_following_week_no_longer_fits(
    client: TestClient, site: dict[str, str]
) -> None:
    """Walsh is published on the next Monday's early; a draft of this week with her on
    Sunday's late (to 22:00: 9 h before it) publishes, and the page says the following
    week's rota no longer fits and to repair it. The following week's own page says so
    too, naming the rest rule, for as long as its published rota breaks it."""
    zone = ZoneInfo("Europe/London")

    def shift(day: date, start: str, end: str, template: str) -> Duty:
        begins = datetime.combine(day, time.fromisoformat(start), zone)
        ends = datetime.combine(day, time.fromisoformat(end), zone)
        patrol = Activity(kind="patrol", ward="market-square", start=begins, end=ends)
        return Duty(
            staff="pc-walsh",
            day=day,
            template=template,
            start=begins,
            end=ends,
            activities=[patrol],
        )

    monday = date(2026, 11, 30)
    with Session(client.app.state.engine) as session:
        following = Rota(
            team="riverside", week_start=monday, duties=[shift(monday, "07:00", "15:00", "early")]
        )
        sunday = Rota(
            team="riverside",
            week_start=date.fromisoformat(WEEK),
            duties=[shift(date(2026, 11, 29), "14:00", "22:00", "late")],
        )
        add_draft(session, "riverside", monday, following)
        number = add_draft(session, "riverside", sunday.week_start, sunday).number
        session.commit()
    _as(client, site["sergeant"])
    assert client.post(f"/ui/teams/riverside/weeks/{monday}/versions/1/publish").is_success
    assert 'id="published-breaks"' not in client.get(f"/ui/teams/riverside/weeks/{monday}").text
    done = html.unescape(client.post(f"{BASE}/versions/{number}/publish").text)
    assert f"Version {number} published" in done
    assert "following week's published rota no longer fits" in done and "repair" in done
    assert 'id="published-breaks"' not in done
    later = html.unescape(client.get(f"/ui/teams/riverside/weeks/{monday}").text)
    warning = later[later.index('id="published-breaks"') :]
    warning = warning[: warning.index("</div>")]
    assert "published rota (version 1) no longer fits the week as it stands" in warning
    assert "Siobhan Walsh (pc-walsh)" in warning and "rest" in warning


def test_week_page_names_contracted_hours_out_of_reach(
    client: TestClient, site: dict[str, str]
) -> None:
    """Without the sample's long days its 37 h PCSOs have only 8 h duty templates: the
    page says what that costs, by name, and how to fix it."""
    _as(client, site["sergeant"])
    assert 'id="shortfalls"' not in client.get(BASE).text  # the sample reaches every contract
    reply = client.post(
        "/teams/riverside/scenario",
        json=without_long_days(sample_scenario()),
        headers={"Authorization": f"Bearer {site['sergeant']}"},
    )
    assert reply.status_code == 201, reply.text
    page = html.unescape(client.get(BASE).text)
    section = page[page.index('id="shortfalls"') :]
    assert "Contracted hours the duty templates cannot reach" in section
    assert "Rukhsana Begum" in section and "at most 32 h of a 37 h contract" in section
    assert "add a template of another length" in section


def test_publish_twice_is_a_409_page(client: TestClient, site: dict[str, str]) -> None:
    _as(client, site["sergeant"])
    assert client.post(f"{BASE}/versions/1/publish", follow_redirects=False).status_code == 303
    again = client.post(f"{BASE}/versions/1/publish")
    assert again.status_code == 409 and "only a draft can be published" in again.text


def _api_rota(client: TestClient, token: str) -> Rota:
    _as(client, None)
    reply = client.get(
        f"/teams/riverside/weeks/{WEEK}/rota", headers={"Authorization": f"Bearer {token}"}
    )
    return Rota.model_validate(reply.json()["rota"])


def test_csv_round_trips_to_the_apis_duties(client: TestClient, site: dict[str, str]) -> None:
    rota = _api_rota(client, site["sergeant"])
    _as(client, site["sergeant"])
    reply = client.get(f"{BASE}/rota.csv")
    assert reply.headers["content-type"].startswith("text/csv")
    assert 'filename="riverside-2026-11-23-v1.csv"' in reply.headers["content-disposition"]
    duties = duties_from_csv(reply.text)
    assert sorted(d.model_dump_json() for d in duties) == sorted(
        d.model_dump_json() for d in rota.duties
    )
    # Read back and written again, it is the same file.
    assert reply.text.startswith(BOM)  # Excel then reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(reply.text.removeprefix(BOM))))
    assert to_csv(rows) == reply.text
    with pytest.raises(ValueError, match="missing column"):
        duties_from_csv("staff_id,day\r\nx,2026-11-23\r\n")


def test_exports_never_turn_a_name_into_a_formula(client: TestClient, site: dict[str, str]) -> None:
    """A name such as '=HYPERLINK(...)' is text in the XLSX (no formula cell anywhere)
    and starts with a quote in the CSV, so no spreadsheet runs it."""
    api = {"Authorization": f"Bearer {site['sergeant']}"}
    person = client.get("/teams/riverside/staff/pc-walsh", headers=api).json()
    trap = '=HYPERLINK("http://evil.example","click")'
    changed = {**person, "name": trap}
    assert client.put("/teams/riverside/staff/pc-walsh", json=changed, headers=api).is_success
    ward = client.get("/teams/riverside/wards/market-square", headers=api).json()
    renamed = {**ward, "name": "+1+2"}
    assert client.put("/teams/riverside/wards/market-square", json=renamed, headers=api).is_success
    _as(client, site["sergeant"])
    rows = list(csv.DictReader(io.StringIO(client.get(f"{BASE}/rota.csv").text.removeprefix(BOM))))
    assert {row["staff_name"] for row in rows if row["staff_id"] == "pc-walsh"} == {f"'{trap}"}
    assert "'+1+2" in {row["ward_name"] for row in rows}
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/rota.xlsx").content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert trap in {cell.value for cell in cells}


def test_xlsx_holds_the_apis_duties(client: TestClient, site: dict[str, str]) -> None:
    rota = _api_rota(client, site["sergeant"])
    scenario = Scenario.model_validate(
        client.get(
            f"/teams/riverside/weeks/{WEEK}/scenario",
            headers={"Authorization": f"Bearer {site['sergeant']}"},
        ).json()
    )
    _as(client, site["sergeant"])
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/rota.xlsx").content))
    assert book.sheetnames == ["Week", "Duties"]
    sheet = book["Duties"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    rows = [
        {
            column: ("" if value is None else str(value))
            for column, value in zip(header, row, strict=True)
        }
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    duties = duties_from_csv(to_csv(rows))
    assert sorted(d.model_dump_json() for d in duties) == sorted(
        d.model_dump_json() for d in rota.duties
    )
    week = book["Week"]
    people = {person.name: person for person in scenario.staff}
    rows = [row for row in week.iter_rows(min_row=3, values_only=True) if row[0] in people]
    assert sorted(row[0] for row in rows) == sorted(people)
    days = [scenario.week_start + timedelta(days=offset) for offset in range(7)]
    worked = away = 0
    for row in rows:
        working = {d.day for d in rota.duties_of(people[row[0]].id)}
        for day, cell in zip(days, row[2:9], strict=True):
            reason = views.leave_on(people[row[0]].unavailable, day, scenario.zone)
            if day in working:  # the duty's times and wards
                worked += 1
                assert re.match(r"\d\d:\d\d-\d\d:\d\d\n", cell), cell
            elif reason:  # the reason kept, with its code, not "off"
                away += 1
                assert cell == f"{absence_code(reason)[0]}\n{reason}"
            else:
                assert cell == "off"
    assert worked == len(rota.duties) and away > 0
    legend = [row[0] for row in week.iter_rows(min_row=3, values_only=True) if row[0]]
    assert "Away: AL annual leave; " in legend[-1] and legend[-1].endswith("off: no duty.")
    # A wall sheet: one A4 landscape page
    assert week.page_setup.orientation == "landscape" and int(week.page_setup.paperSize) == 9
    assert week.sheet_properties.pageSetUpPr.fitToPage
    assert (week.page_setup.fitToWidth, week.page_setup.fitToHeight) == (1, 1)


def test_the_week_grid_codes_days_away_with_a_legend(
    client: TestClient, site: dict[str, str]
) -> None:
    """A day someone is away shows its code (AL, TRG, CRT, SICK ...) with the reason for
    screen readers and as a tooltip; the codes used are explained above the grid."""
    scenario = Scenario.model_validate(sample_scenario())
    _as(client, site["sergeant"])
    page = client.get(BASE).text
    [number] = re.findall(r'<h2 id="grid-h">Rota <span class="status[^"]*">version (\d+),', page)
    reply = client.get(
        f"/teams/riverside/weeks/{WEEK}/rota",
        params={"version": number},
        headers={"Authorization": f"Bearer {site['sergeant']}"},
    )
    rota = Rota.model_validate(reply.json()["rota"])
    [legend] = re.findall(r'<p class="legend-codes" id="absence-codes">(.*?)</p>', page)
    shown = set(re.findall(r"<strong>(\w+)</strong> ([^;<]+)", legend))
    days = [scenario.week_start + timedelta(days=offset) for offset in range(7)]
    expected = {  # the days away with no duty: a duty's day shows the duty
        absence_code(reason)
        for person in scenario.staff
        for day in set(days) - {d.day for d in rota.duties_of(person.id)}
        if (reason := views.leave_on(person.unavailable, day, scenario.zone))
    }
    assert shown == expected and ("AL", "annual leave") in shown
    cells = re.findall(r'<abbr title="([^"]+)">(\w+)</abbr>', page)
    assert cells and all(absence_code(html.unescape(r))[0] == code for r, code in cells)


def test_residents_find_their_ward_the_team_and_the_events_planned(
    client: TestClient, site: dict[str, str]
) -> None:
    """A resident starts at the team's ward index, opens their ward and finds how to reach
    the team and the public events planned ahead, published week or not, each saying who
    it is for; a private event is not there, and neither are other wards' events."""
    data = sample_scenario()
    data["team"] |= {"id": "meadow", "contact": "Call 101 ext 4321, or meadow@police.example"}
    marks = [e for e in data["events"] if e["ward"] == "st-marks" and e.get("public", 1)]
    assert len(marks) >= 2
    marks[0]["audience"] = "pupils and parents of St Mark's Primary"
    marks[1]["public"] = False
    later = {  # five weeks on, in a week nobody has planned or published
        **marks[0],
        "id": "later-cuppa",
        "name": "Cuppa with a Copper",
        "start": "2026-12-30T10:00:00",
        "end": "2026-12-30T11:00:00",
        "audience": "",
    }
    admin = {"Authorization": f"Bearer {admin_token(client.app.state.engine)}"}
    assert client.post("/teams/meadow/scenario", json=data, headers=admin).status_code == 201
    assert client.put("/teams/meadow/events/later-cuppa", json=later, headers=admin).is_success
    _as(client, None)
    clock = client.app.state.clock
    client.app.state.clock = lambda: datetime(2026, 11, 23, tzinfo=UTC)
    try:
        index = html.unescape(client.get("/wards/meadow").text)
        names = re.findall(r'<a href="/wards/meadow/([\w-]+)">([^<]+)</a>', index)
        assert sorted(names) == sorted((w["id"], w["name"]) for w in data["wards"])
        assert "Call 101 ext 4321, or meadow@police.example" in index and "call 999" in index
        page = html.unescape(client.get("/wards/meadow/st-marks").text)
    finally:
        client.app.state.clock = clock
    assert "Call 101 ext 4321" in page and 'href="/wards/meadow"' in page
    listed = re.findall(r"<li><strong>[^<]+</strong> \S+: ([^,]+),", page)
    public = [e["name"] for e in data["events"] if e["ward"] == "st-marks" and e.get("public", 1)]
    assert sorted(listed) == sorted([*public, "Cuppa with a Copper"])
    assert marks[1]["name"] not in listed  # private
    assert "For pupils and parents of St Mark's Primary." in page
    assert page.count("Open to everyone.") == len(listed) - 1
    assert client.get("/wards/nobody").status_code == 404


def test_ward_page_names_no_officer(client: TestClient, site: dict[str, str]) -> None:
    _as(client, site["sergeant"])
    client.post(f"{BASE}/versions/1/publish")
    _as(client, None)
    client.app.state.clock = lambda: datetime(2026, 11, 23, tzinfo=UTC)  # the week's Monday
    scenario = Scenario.model_validate(sample_scenario())
    listed = 0
    for ward in scenario.wards:
        reply = client.get(f"/wards/riverside/{ward.id}")
        text = html.unescape(reply.text)
        assert reply.status_code == 200 and ward.name in text
        for person in scenario.staff:
            assert person.name not in text
        listed += text.count("<li><strong>")
    assert listed == sum(1 for event in scenario.events if event.public)
    assert client.get("/wards/riverside/nowhere").status_code == 404


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_an_absence_recorded_on_the_week_page_is_repaired_and_shown(
    client: TestClient, site: dict[str, str]
) -> None:
    """Tuesday noon, an officer rings in sick for Wednesday: the sergeant records it on the
    week page, the repair runs, and the week page shows the new draft with what changed.
    Bad input is named and stores nothing."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    _as(client, site["sergeant"])
    before = client.get(BASE).text
    assert 'id="absence-form"' not in before  # nothing published yet: nothing to repair
    assert client.post(f"{BASE}/versions/1/publish", follow_redirects=False).status_code == 303
    page = client.get(BASE).text
    assert 'id="absence-form"' in page and 'value="2026-11-24T12:00"' in page  # now, local
    rota = _api_rota(client, site["sergeant"])
    sick = next(d.staff for d in rota.duties if d.day.isoformat() == "2026-11-25")
    name = next(p.name for p in Scenario.model_validate(sample_scenario()).staff if p.id == sick)
    form = {"staff": sick, "category": "sick", "start": "2026-11-25T00:00"}
    _as(client, site["sergeant"])
    backwards = client.post(f"{BASE}/absence", data={**form, "end": "2026-11-24T18:00"})
    assert backwards.status_code == 422
    assert "absence: the absence of" in html.unescape(backwards.text)
    assert "give an end after the start" in backwards.text
    golf = client.post(
        f"{BASE}/absence", data={**form, "category": "golf", "end": "2026-11-26T00:00"}
    )
    assert golf.status_code == 422 and "category: Input should be" in html.unescape(golf.text)
    nobody = client.post(
        f"{BASE}/absence", data={**form, "staff": "nobody", "end": "2026-11-26T00:00"}
    )
    assert nobody.status_code == 422 and "nobody" in nobody.text
    state = client.get("/ui/jobs/1/state").json()
    assert state["status"] == "succeeded"  # only the site's own job: nothing was queued

    made = client.post(
        f"{BASE}/absence", data={**form, "end": "2026-11-26T00:00"}, follow_redirects=False
    )
    assert made.status_code == 303 and made.headers["location"].startswith("/ui/jobs/")
    job_page = client.get(made.headers["location"]).text
    assert "Repairing the week of Mon 23 Nov 2026" in job_page
    assert "stays with the week even if the repair is cancelled" in job_page
    state = wait_for_job(client, made.headers["location"] + "/state")
    assert state["status"] == "succeeded", state["message"]
    assert f"&repair={state['id']}" in state["next"]
    shown = html.unescape(client.get(state["next"]).text)
    assert "What the repair changed (draft version 2)" in shown
    assert "version 2, draft" in shown  # the draft is the rota shown
    rows = shown.split('id="repair-duties"', 1)[1].split("</table>", 1)[0]
    assert f"<td>{name}</td><td>Wed 25</td><td>stood down</td>" in rows
    # Before and after as the sergeant reads them: local times and ward names.
    duty = next(d for d in rota.duties if d.staff == sick and d.day.isoformat() == "2026-11-25")
    zone = ZoneInfo("Europe/London")
    wards = {w.id: w.name for w in Scenario.model_validate(sample_scenario()).wards}
    shift = f"{duty.start.astimezone(zone):%H:%M}–{duty.end.astimezone(zone):%H:%M}"
    row = rows.split(f"<td>{name}</td><td>Wed 25</td>", 1)[1].split("</tr>", 1)[0]
    main = duty.main_ward
    assert main is not None
    others = [wards[w] for w in sorted({a.ward for a in duty.activities} - {main})]
    where = ", ".join([f"<strong>{wards[main]}</strong>" + (" (main)" if others else ""), *others])
    events = len({a.event for a in duty.activities if a.event})  # whichever the rota gave
    if events:
        where += f" ({events} event{'s' if events > 1 else ''})"
    assert row.startswith(f"<td>stood down</td><td>{shift} {where}</td>")
    assert "<td>off</td>" in row and duty.template not in row
    # The published week is untouched until the draft is published.
    _as(client, None)
    versions = client.get(
        f"/teams/riverside/weeks/{WEEK}/versions",
        headers={"Authorization": f"Bearer {site['sergeant']}"},
    ).json()
    assert [(v["number"], v["status"]) for v in versions] == [(1, "published"), (2, "draft")]
    # Published at Tuesday 12:30, the officer sent home reads the change on their page:
    # what it was, that it is off now, when they were told and the notice they had.
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    _as(client, site["sergeant"])
    assert client.post(f"{BASE}/versions/2/publish", follow_redirects=False).status_code == 303
    theirs = _token(
        client, NewUser(name="Sick", role=Role.OFFICER, team_id="riverside", staff_id=sick)
    )
    _as(client, theirs)
    mine = html.unescape(client.get("/ui/me").text)
    assert "Changes to my duties" in mine
    table = mine.split('id="my-duty-changes"', 1)[1].split("</table>", 1)[0]
    row = table.split("<td>Wed 25 Nov</td>", 1)[1].split("</tr>", 1)[0]
    assert row.startswith(f"<td>stood down</td><td>{shift} {wards[main]}")
    assert "<td>off</td><td>Tue 24 Nov 2026 12:30 UTC</td><td>0 clear days</td>" in row
    # their own changes only: as many as the repair listed for them
    assert table.count("<tr>") - 1 == rows.count(f"<tr><td>{name}</td>")
    # the same through the API, for an app of their own
    _as(client, None)
    told = client.get("/me/duty-changes", headers={"Authorization": f"Bearer {theirs}"})
    assert told.status_code == 200
    assert len(told.json()) == table.count("<tr>") - 1
    stood_down = next(c for c in told.json() if c["day"] == "2026-11-25")
    assert (stood_down["change"], stood_down["after"], stood_down["clear_days"]) == (
        "stood down",
        None,
        0,
    )
    assert stood_down["before"]["start"] == duty.start.isoformat().replace("+00:00", "Z")


def test_publishing_a_draft_over_the_published_week_says_whom_it_tells_and_what_it_owes(
    client: TestClient, site: dict[str, str], solved: Rota
) -> None:
    """A draft shown over the published version lists, before it is published, each duty
    it changes (who, was, now, the clear days' notice, what it owes), and its button
    says how many people publishing tells."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    _as(client, site["sergeant"])
    assert client.post(f"{BASE}/versions/1/publish", follow_redirects=False).status_code == 303
    thursday = date(2026, 11, 26)
    gone = next(d for d in solved.duties if d.day == thursday)
    draft = solved.model_copy(update={"duties": [d for d in solved.duties if d != gone]})
    with Session(client.app.state.engine) as session:
        number = add_draft(session, "riverside", solved.week_start, draft).number
        session.commit()
    page = html.unescape(client.get(f"{BASE}?version={number}").text)
    assert f"Publish version {number} and tell 1 person" in page
    table = page.split('id="telling-duties"', 1)[1].split("</table>", 1)[0]
    name = next(
        p.name for p in Scenario.model_validate(sample_scenario()).staff if p.id == gone.staff
    )
    zone = ZoneInfo("Europe/London")
    shift = f"{gone.start.astimezone(zone):%H:%M}–{gone.end.astimezone(zone):%H:%M}"
    assert table.count("<tr>") == 2  # the header and the one change
    assert f"<td>{name}</td><td>Thu 26 Nov</td><td>stood down</td><td>{shift} " in table
    assert "<td>off</td><td>1 clear day</td>" in table
    shown_published = html.unescape(client.get(f"{BASE}?version=1").text)
    assert 'id="telling-duties"' not in shown_published  # only a draft tells anyone


def test_another_teams_job_is_not_found_like_a_missing_one(
    client: TestClient, site: dict[str, str]
) -> None:
    """Job ids are counted: another team's sergeant trying them must learn nothing, so
    another team's job answers exactly as a job that does not exist."""
    _as(client, site["other"])
    for path in ("/ui/jobs/1", "/ui/jobs/1/state"):
        foreign, missing = client.get(path), client.get(path.replace("/1", "/99"))
        assert foreign.status_code == missing.status_code == 404
        assert "riverside" not in foreign.text
        assert foreign.text.replace("1", "99") == missing.text.replace("1", "99")
    for verb in ("stop", "cancel"):
        reply = client.post(f"/ui/jobs/1/{verb}")
        assert reply.status_code == 404 and "riverside" not in reply.text


FORM_POSTS = [  # (a form's address, the form's fields, the page the form belongs to)
    (f"{BASE}/pins", {"staff": "pcso-begum", "day": WEEK, "duty": "off"}, BASE),
    (f"{BASE}/pins/p1/delete", {}, BASE),
    (f"{BASE}/absence", {"staff": "pc-walsh", "category": "sick"}, BASE),
    (f"{BASE}/generate", {}, BASE),
    (f"{BASE}/versions/1/publish", {}, BASE),
    ("/ui/jobs/1/stop", {}, "/ui/jobs/1"),
    ("/ui/jobs/1/cancel", {}, "/ui/jobs/1"),
    ("/ui/me/feed", {}, "/ui"),
]


@pytest.mark.parametrize(("action", "form", "page"), FORM_POSTS, ids=[f[0] for f in FORM_POSTS])
def test_a_form_sent_after_the_session_ended_signs_in_back_to_its_page(
    client: TestClient, site: dict[str, str], action: str, form: dict[str, str], page: str
) -> None:
    """A form posted without a session goes to sign in and then back to the page the
    form was on (never to the form's address, which GET answers with 405), saying that
    nothing was sent; nothing is changed meanwhile."""
    versions = f"/teams/riverside/weeks/{WEEK}/versions"
    api = {"Authorization": f"Bearer {site['sergeant']}"}
    pins = f"/teams/riverside/weeks/{WEEK}/pins"
    before = client.get(pins, headers=api).json()
    shown = f"{BASE}?version=1"
    for referer, back in (
        (f"http://testserver{shown}", shown),  # the page the form was on
        (None, page),  # no Referer: the page the form belongs to
        ("https://evil.example/ui/me", page),  # another site's: ignored
        (f"http://testserver{action}", page),  # a page shown by a post: not a GET page
        ("http://testserver/ui/jobs/1/state", page),  # the JSON poll: never a page
    ):
        _as(client, None)
        headers = {"Referer": referer} if referer else {}
        reply = client.post(action, data=form, headers=headers, follow_redirects=False)
        assert reply.status_code == 303
        assert reply.headers["location"] == f"/signin?next={quote(back)}&unsent=1", referer
        signin = client.get(reply.headers["location"])
        assert signin.status_code == 200 and 'id="signin-unsent"' in signin.text
        assert "nothing was changed" in signin.text
        assert f'name="next" value="{back}"' in html.unescape(signin.text)
        signed_in = client.post(
            "/signin", data={"token": site["sergeant"], "next": back}, follow_redirects=False
        )
        assert signed_in.headers["location"] == back
        assert client.get(back).status_code == 200, back
    _as(client, None)
    assert [v["status"] for v in client.get(versions, headers=api).json()] == ["draft"]
    assert client.get(pins, headers=api).json() == before
    job = client.get("/jobs/2", headers=api)
    assert job.status_code == 404  # nothing was queued


def test_a_page_opened_without_a_session_signs_in_back_to_itself(
    client: TestClient, site: dict[str, str]
) -> None:
    _as(client, None)
    reply = client.get(f"{BASE}?version=1", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/signin?next={quote(f'{BASE}?version=1')}"
    assert 'id="signin-unsent"' not in client.get(reply.headers["location"]).text


def test_the_progress_poll_without_a_session_is_a_401_naming_its_page(
    client: TestClient, site: dict[str, str]
) -> None:
    """The poll is JSON: it must never become the page to go back to after signing in
    (the sergeant would land on raw JSON). It is a 401 naming the sign-in address for
    the progress page, which beatplan.js opens (tests/browser/test_browser_progress.py
    runs the script in Chromium)."""
    _as(client, None)
    client.cookies.set(COOKIE, "expired-" + "x" * 40)
    reply = client.get("/ui/jobs/1/state", follow_redirects=False)
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json()["signin"] == "/signin?next=/ui/jobs/1"
    assert COOKIE in reply.headers.get("set-cookie", "")  # the dead cookie is dropped
    page = client.get("/ui/jobs/1", follow_redirects=False)
    assert page.headers["location"] == "/signin?next=/ui/jobs/1"


def test_private_pages_are_not_kept_but_public_ones_may_be(
    client: TestClient, site: dict[str, str]
) -> None:
    """After signing out, Back must not show the rota's names or a calendar link shown
    once: every /ui page, download and redirect, and signing in and out, is no-store.
    The public ward page and the feeds keep their own caching."""
    _as(client, site["officer"])
    link = client.post("/ui/me/feed")
    assert link.status_code == 200 and link.headers["cache-control"] == "no-store"
    https = link.text.split('id="feed-https" readonly value="', 1)[1].split('"', 1)[0]
    feed = html.unescape(https).split("://", 1)[1].split("/", 1)[1]
    _as(client, site["sergeant"])
    for path in (BASE, f"{BASE}/rota.csv", "/ui/jobs/1", "/ui/jobs/1/state", "/ui/teams/riverside"):
        reply = client.get(path, follow_redirects=False)
        assert reply.is_success or reply.is_redirect, path
        assert reply.headers["cache-control"] == "no-store", path
    signed_out = client.post("/signout", follow_redirects=False)
    assert signed_out.headers["cache-control"] == "no-store"
    assert client.get("/signin").headers["cache-control"] == "no-store"
    _as(client, None)
    assert client.get("/wards/riverside/market-square").headers.get("cache-control") is None
    assert client.get(f"/{feed}").headers["cache-control"] == "private, max-age=0"


def test_a_job_that_ended_without_a_draft_says_so_and_offers_no_stop(
    client: TestClient, site: dict[str, str]
) -> None:
    """A failed or cancelled solve's page: no stop or cancel buttons, no "new draft" link
    shown, the message styled as a problem with the way back to the week."""
    ended = {
        "failed": "These cannot all hold at once; relax one of them.",
        "cancelled": "cancelled on request",
    }
    with Session(client.app.state.engine) as session:
        ids = {}
        for status, message in ended.items():
            now = datetime.now(UTC)
            job = SolveJob(
                team_id="riverside",
                week_start=date(2026, 11, 30),
                status=status,
                message=message,
                time_limit=5,
                created_at=now,
                finished_at=now,
            )
            session.add(job)
            session.flush()
            ids[status] = job.id
        session.commit()
    _as(client, site["sergeant"])
    for status, message in ended.items():
        page = html.unescape(client.get(f"/ui/jobs/{ids[status]}").text)
        assert 'id="job-stop"' not in page and "Stop now" not in page
        assert '<p id="job-done" hidden>' in page  # the "new draft" link is not shown
        outcome = page[page.index('id="job-outcome"') :].split("</div>", 1)[0]
        assert outcome.startswith('id="job-outcome" class="notice problem"')
        assert message in outcome and "No new draft was made" in outcome
        assert '<p id="job-back" >' in outcome or '<p id="job-back">' in outcome
        assert 'href="/ui/teams/riverside/weeks/2026-11-30">Back to the week</a>' in outcome
    # Job 1 made version 1: its page offers the draft, and no problem.
    done = client.get("/ui/jobs/1").text
    assert 'id="job-outcome" class=""' in done and 'id="job-back" hidden' in done
    assert f'<p id="job-done" ><a class="button" href="{BASE}?version=1">' in done


def test_stopping_or_cancelling_a_finished_job_says_its_status_and_what_to_do(
    client: TestClient, site: dict[str, str]
) -> None:
    """A stop or cancel that comes too late (the job finished meanwhile) is a 409 naming
    the job's status and what to do instead, the same words in the API's JSON (its usual
    `detail` body) and on the page the form posts to, which links to the job."""
    with Session(client.app.state.engine) as session:
        now = datetime.now(UTC)
        failed = SolveJob(
            team_id="riverside",
            week_start=date(2026, 11, 30),
            status="failed",
            message="These cannot all hold at once; relax one of them.",
            time_limit=5,
            created_at=now,
            finished_at=now,
        )
        session.add(failed)
        session.commit()
        failed_id = failed.id
    expected = {  # job 1 made draft version 1 (see `site`)
        1: (
            "job 1 has already finished (succeeded); there is nothing to {verb}: open it to "
            f"see its rota, draft version 1 of the week of {WEEK}"
        ),
        failed_id: (
            f"job {failed_id} has already finished (failed); there is nothing to {{verb}}: "
            "open it to see how it ended, and start a new solve of the week of 2026-11-30 "
            "if one is still needed"
        ),
    }
    api = {"Authorization": f"Bearer {site['sergeant']}"}
    for job_id, said in expected.items():
        for verb in ("stop", "cancel"):
            _as(client, None)
            reply = client.post(f"/jobs/{job_id}/{verb}", headers=api)
            assert reply.status_code == 409
            assert reply.json() == {"detail": said.format(verb=verb)}
            _as(client, site["sergeant"])
            page = client.post(f"/ui/jobs/{job_id}/{verb}", follow_redirects=False)
            assert page.status_code == 409 and page.headers["content-type"].startswith("text/html")
            text = html.unescape(page.text)
            alert = text[text.index('role="alert"') :].split("</p>", 1)[0]
            assert said.format(verb=verb) in alert
            assert f'<a href="/ui/jobs/{job_id}">Open the job</a>' in text
    _as(client, site["sergeant"])
    assert client.get(f"/ui/jobs/{failed_id}/state").json()["status"] == "failed"  # unchanged


def test_a_second_pin_for_the_same_day_or_event_is_refused(
    client: TestClient, site: dict[str, str]
) -> None:
    """The same rest day twice, then an early on that day, are refused (409) naming the
    pin already there and the fix, on the page and by the API, and nothing is stored; so
    is pinning someone twice to the same event. Other days, people and events are fine."""
    week = "2026-11-30"
    pins_url = f"/ui/teams/riverside/weeks/{week}/pins"
    api_url = f"/teams/riverside/weeks/{week}/pins"
    off = {"staff": "pc-adeyemi", "day": week, "duty": "off"}
    _as(client, site["sergeant"])
    assert client.post(pins_url, data=off, follow_redirects=False).status_code == 303
    for duty in ("off", "early"):
        again = client.post(pins_url, data={**off, "duty": duty})
        text = html.unescape(again.text)
        assert again.status_code == 409, text[:300]
        assert "Tunde Adeyemi (pc-adeyemi) already has a pin on Mon 30 Nov 2026 (off)" in text
        assert "remove that pin first" in text
    headers = {"Authorization": f"Bearer {site['sergeant']}"}
    _as(client, None)
    refused = client.post(
        api_url, json={"staff": "pc-adeyemi", "day": week, "template": "early"}, headers=headers
    )
    assert (
        refused.status_code == 409 and "already has a pin on Mon 30 Nov" in refused.json()["detail"]
    )
    stored = client.get(api_url, headers=headers).json()
    assert [(p["staff"], p["day"], p["off"]) for p in stored] == [("pc-adeyemi", week, True)]
    assert f"pin {stored[0]['id']};" in refused.json()["detail"]
    # Another day, or another person the same day, is a pin of its own.
    for pin in (
        {"staff": "pc-adeyemi", "day": "2026-12-01", "template": "early"},
        {"staff": "pc-walsh", "day": week, "off": True},
    ):
        assert client.post(api_url, json=pin, headers=headers).status_code == 201
    # The sample week pins the sergeant to the market panel: again is refused.
    event_pins = f"/teams/riverside/weeks/{WEEK}/pins"
    twice = client.post(
        event_pins, json={"staff": "sgt-okoye", "event": "ev-panel-market"}, headers=headers
    )
    assert twice.status_code == 409
    assert (
        "Bernadette Okoye (sgt-okoye) is already pinned to attend Market Square ward panel"
        in (twice.json()["detail"])
    )
    listed = client.get(event_pins, headers=headers).json()
    assert sum(p.get("event") == "ev-panel-market" for p in listed) == 1
    # A rest day pinned on the day of that panel (Tue 24 Nov) contradicts it.
    rest = client.post(
        event_pins, json={"staff": "sgt-okoye", "day": "2026-11-24", "off": True}, headers=headers
    )
    assert rest.status_code == 409 and "already pinned to attend" in rest.json()["detail"]
    assert len(client.get(event_pins, headers=headers).json()) == len(listed)


def test_a_ward_changed_repair_shows_the_main_ward_that_changed(
    client: TestClient, site: dict[str, str], solved: Rota
) -> None:
    """A repair that keeps someone's times and wards but moves where they spend most of the
    duty (Abbey Fields to St Mark's) is a "ward changed" row: the review says which main
    ward it was and is, and Before and After differ (both listed the same three wards)."""
    duty = next(d for d in solved.duties if (d.end - d.start).total_seconds() == 8 * 3600)

    def patrols(*hours: tuple[str, int]) -> Duty:
        activities, start = [], duty.start
        for ward, length in hours:
            end = start + timedelta(hours=length)
            activities.append(Activity(kind="patrol", ward=ward, start=start, end=end))
            start = end
        changed = duty.model_copy(update={"activities": activities})
        return solved.model_copy(
            update={"duties": [changed if d is duty else d for d in solved.duties]}
        )

    before = patrols(("abbey-fields", 5), ("northfield", 1), ("st-marks", 2))
    after = patrols(("abbey-fields", 2), ("northfield", 1), ("st-marks", 5))
    with Session(client.app.state.engine) as session:
        published = add_draft(session, "riverside", solved.week_start, before).number
        repaired = add_draft(session, "riverside", solved.week_start, after).number
        now = datetime.now(UTC)
        change = {
            "staff": duty.staff,
            "day": duty.day.isoformat(),
            "change": "ward changed",
            "before": f"{duty.template} abbey-fields",
            "after": f"{duty.template} st-marks",
            "notice_hours": 30.0,
            "clear_days": 1,
            "compensation": None,
            "paid_hours": 0.0,
            "time_off_hours": 0.0,
        }
        job = SolveJob(
            team_id="riverside",
            week_start=solved.week_start,
            kind="replan",
            status="succeeded",
            time_limit=5,
            created_at=now,
            finished_at=now,
            result={
                "version": repaired,
                "published_version": published,
                "changes": [change],
                "attendance": [],
                "presence": [],
                "changed_duties": 0,
            },
        )
        session.add(job)
        session.commit()
        job_id = job.id
    _as(client, site["sergeant"])
    page = html.unescape(client.get(BASE, params={"version": repaired, "repair": job_id}).text)
    row = page.split('id="repair-duties"', 1)[1].split("<tbody>", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>", 1)[0] for cell in row.split("<td>")[1:]]
    zone = ZoneInfo("Europe/London")
    shift = f"{duty.start.astimezone(zone):%H:%M}–{duty.end.astimezone(zone):%H:%M}"
    assert cells[2] == "ward changed: main ward Abbey Fields → St Mark's"
    assert cells[3] == f"{shift} <strong>Abbey Fields</strong> (main), Northfield, St Mark's"
    assert cells[4] == f"{shift} <strong>St Mark's</strong> (main), Abbey Fields, Northfield"


def test_pins_read_as_the_form_and_a_notice_needs_its_version(
    client: TestClient, site: dict[str, str]
) -> None:
    """The pin list names the duty and day as the pin form does ("Late-late 18:00–02:00",
    "Wed 02 Dec"); a "published" link without a version says no "Version None"."""
    week = "2026-11-30"
    page_url = f"/ui/teams/riverside/weeks/{week}"
    _as(client, site["sergeant"])
    for day, duty in (("2026-12-02", "latelate"), ("2026-12-04", "off")):
        pinned = client.post(
            f"{page_url}/pins", data={"staff": "pc-adeyemi", "day": day, "duty": duty}
        )
        assert pinned.status_code == 200
    page = html.unescape(client.get(page_url).text)
    form = page[page.index('id="pin-form"') :]
    assert "Late-late 18:00–02:00</option>" in form and "Wed 02 Dec</option>" in form
    listed = " ".join(page[page.index('<ul id="pins">') :].split("</ul>", 1)[0].split())
    assert "Tunde Adeyemi: works Late-late 18:00–02:00 on Wed 02 Dec" in listed
    assert "Tunde Adeyemi: off on Fri 04 Dec" in listed
    assert "works latelate" not in listed and "on 2026-12" not in listed
    bare = html.unescape(client.get(page_url, params={"done": "published"}).text)
    assert "Version None" not in bare and 'class="notice" role="status"' not in bare
    shown = html.unescape(client.get(page_url, params={"done": "published", "version": 1}).text)
    assert "Version 1 published" in shown
    assert "Pinned. Re-solve" in client.get(page_url, params={"done": "pinned"}).text


def test_heatmap_has_an_hour_per_cell_when_duties_start_at_quarter_hours(solved: Rota) -> None:
    """The sample's 9 h 15 days cut hours into slots; the heatmap folds them back, one cell
    per hour of the week, and its uncovered peaks agree with the rota's own figures."""
    from api.views import build_week
    from scheduler.timegrid import TimeGrid

    scenario = Scenario.model_validate(sample_scenario())
    assert TimeGrid.of(scenario).week_slots > 168, "the sample cuts some hours"
    view = build_week(scenario, solved)
    assert sum(width for _, width in view.day_spans) == 168
    assert view.day_spans[0][0].startswith("Mon")
    values = scenario.policy.presence_values
    for row, ward in zip(view.heat, solved.wards, strict=True):
        assert len(row.cells) == 168
        # each hour's shade is its shortfall against demand, by the presence values
        for cell in row.cells:
            if cell.demand <= 0:
                assert cell.level in ("idle", "extra") and cell.short == 0
            else:
                full = sum(values)
                assert cell.short == pytest.approx(1 - sum(values[: cell.people]) / full)
                assert cell.level == (
                    "gap" if cell.people == 0
                    else "s2" if cell.short >= 0.4
                    else "s1" if cell.short > 0
                    else "met"
                )  # fmt: skip
        assert {c.day for c in row.cells} == {label for label, _ in view.day_spans}
        assert row.uncovered_peaks == len(ward.uncovered_peak_hours)
        assert 0 <= row.covered_share <= 1
        assert abs(row.covered_share - ward.demand_covered) < 1e-3


@pytest.mark.parametrize("naming", ["role", "first_name", "collar_number"])
def test_ward_page_names_its_team_as_the_force_chooses(
    client: TestClient, site: dict[str, str], naming: str
) -> None:
    """Each ward's dedicated officers, by role and (as the force chooses) first name or
    collar number, with the parts of the day they are usually there: never a full name,
    a day or a date."""
    _as(client, site["sergeant"])
    client.post(f"{BASE}/versions/1/publish")
    _as(client, None)
    with Session(client.app.state.engine) as session:  # the force's choice, as stored
        team = session.get(tables.Team, "riverside")
        assert team is not None
        team.policy = {**team.policy, "public_names": naming}
        staff = session.exec(select(tables.StaffMember)).all()
        for number, row in enumerate(staff):  # a collar number for all but one officer
            if row.team_id == "riverside" and row.id != "pcso-begum":
                row.spec = {**row.spec, "collar_number": f"7{number:03d}"}
        session.add_all([team, *staff])
        session.commit()
    client.app.state.clock = lambda: datetime(2026, 11, 23, tzinfo=UTC)
    scenario = Scenario.model_validate(sample_scenario())
    with Session(client.app.state.engine) as session:
        numbers = {
            row.id: row.spec.get("collar_number")
            for row in session.exec(select(tables.StaffMember))
            if row.team_id == "riverside"
        }
    for ward in scenario.wards:
        page = html.unescape(client.get(f"/wards/riverside/{ward.id}").text)
        own = [p for p in scenario.staff if p.home_ward == ward.id]
        if not own:
            assert 'id="ward-team"' not in page
            continue
        section = page.split('id="ward-team"', 1)[1].split("</ul>", 1)[0]
        items = re.findall(r"<li>(.*?)</li>", section, re.S)
        assert len(items) == len(own)
        for person in own:
            assert person.name not in page
            label = {
                "role": person.role.value,
                "first_name": f"{person.role.value} {person.name.split()[0]}",
                "collar_number": f"{person.role.value} {numbers[person.id]}"
                if numbers[person.id]
                else person.role.value,
            }[naming]
            assert any(item.strip().startswith(label) for item in items), (label, items)
        for item in items:
            usually = item.split("usually here", 1)[1] if "usually here" in item else ""
            assert "usually here" in item, "a published week says when they are about"
            words = set(re.findall(r"[a-z]+", usually)) - {"and"}
            assert words and words <= {"mornings", "afternoons", "evenings", "nights"}, item
            assert not re.search(r"\d|Mon|Tue|Wed|Thu|Fri|Sat|Sun", usually), item


def test_week_view_shows_each_wards_own_officers_and_the_price_of_continuity() -> None:
    """With familiar faces, each ward's row gives its own officers' share of its hours
    and the presence given up against the same duties planned for presence alone."""
    from api.views import build_week
    from scheduler import solve
    from tests.support import RULE_TEST, small_team

    scenario = small_team(policy={"continuity": {}})
    result = solve(scenario, RULE_TEST)
    assert result.rota is not None, result.report.explanation
    view = build_week(scenario, result.rota)
    assert view.faces is not None
    before, after = view.faces
    wards = result.rota.wards
    assert before == pytest.approx(sum(w.presence_without_continuity or 0 for w in wards))
    assert after == pytest.approx(sum(w.weighted_presence for w in result.rota.wards))
    for row, ward in zip(view.heat, result.rota.wards, strict=True):
        assert row.own_share == ward.own_officers_share
        assert row.given_up == pytest.approx(
            (ward.presence_without_continuity or 0) - ward.weighted_presence
        )
    north = next(w for w in result.rota.wards if w.ward == "north")
    ann = sum(
        a.hours for d in result.rota.duties_of("pc-ann") for a in d.activities if a.ward == "north"
    )
    assert north.own_officers_share == pytest.approx(ann / north.visible_hours, abs=1e-3)
    # Without continuity there is nothing to price, and the page says nothing of it.
    plain = solve(small_team(), RULE_TEST)
    assert plain.rota is not None and build_week(small_team(), plain.rota).faces is None
