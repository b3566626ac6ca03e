"""The team's data in the pages (`api.setup_pages`): each kind's form, made from the
scheduler's model, stores what the API stores and refuses what it refuses, beside the
field; staff from CSV and XLSX files, all rows or none; leave over whole days."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.schemas import NewUser
from api.services.team_data import KINDS
from api.services.users import create_user
from api.tables import Role
from tests.api.api_support import sample_scenario, workbook
from tests.api.form_support import changed, form_fields

SETUP = "/ui/teams/riverside/setup"


@pytest.fixture
def sergeant(client: TestClient) -> Iterator[TestClient]:
    """The sample team, and the client signed in through the pages as its sergeant
    (its admin token kept aside for reading through the API)."""
    assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
    with Session(client.app.state.engine) as session:
        _, token = create_user(
            session, NewUser(name="Sgt", role=Role.SERGEANT, teams=["riverside"])
        )
        session.commit()
    admin = client.headers.pop("Authorization")
    assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    client.admin = {"Authorization": admin}  # type: ignore[attr-defined]
    yield client


def _api(client: TestClient, path: str) -> Any:
    reply = client.get(f"/teams/riverside/{path}", headers=client.admin)  # type: ignore[attr-defined]
    assert reply.status_code == 200, reply.text
    return reply.json()


def _errors(page: str) -> dict[str, str]:
    """Each marked field's problem, by the field's name."""
    found = {}
    for name, message in re.findall(
        r'name="([^"]+)"[^>]*aria-invalid="true".*?class="field-error"[^>]*>([^<]*)<',
        page,
        re.S,
    ):
        found[name] = html.unescape(message)
    return found


def _post(client: TestClient, action: str, pairs: list[tuple[str, str]]) -> Any:
    """The form sent as a browser sends it (a name may come more than once)."""
    return client.post(
        action,
        content=urlencode(pairs),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _instants(item: Any) -> Any:
    """An item with each time written as the instant it is (a form shows local time),
    and each list of names in order (tick boxes send them in the page's order: a set of
    wards or days is the same set)."""
    if isinstance(item, dict):
        return {key: _instants(value) for key, value in item.items()}
    if isinstance(item, list):
        if all(isinstance(value, str) for value in item):
            return sorted(item)
        return [_instants(value) for value in item]
    if isinstance(item, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", item):
        return datetime.fromisoformat(item.replace("Z", "+00:00")).timestamp()
    return item


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_stored_item_comes_back_unchanged_from_its_form(
    sergeant: TestClient, kind: str
) -> None:
    """The form shows every field of every item as stored: sent back untouched, it
    stores the same item (lists, nested rows, optional fields, times, all of them)."""
    for item in _api(sergeant, kind):
        page = sergeant.get(f"{SETUP}/{kind}/{item['id']}")
        assert page.status_code == 200
        saved = _post(sergeant, f"{SETUP}/{kind}", form_fields(page.text, f"{SETUP}/{kind}"))
        assert saved.status_code == 303, (item["id"], _errors(saved.text), saved.text[-800:])
        assert _instants(_api(sergeant, f"{kind}/{item['id']}")) == _instants(item), item["id"]


def test_a_person_added_in_the_page_is_the_person_the_api_reads(sergeant: TestClient) -> None:
    action = f"{SETUP}/staff"
    blank = form_fields(sergeant.get(f"{SETUP}/staff/new").text, action)
    pairs = changed(
        blank,
        name="Jo Bloggs",
        role="PCSO",
        home_ward="market-square",
        contracted_hours="37.5",
        working_days=["mon", "tue", "wed", "thu"],
        skills="first aid, cycle trained",
        unavailable__0__start="2026-12-24T08:00",
        unavailable__0__end="2026-12-27T08:00",
        unavailable__0__reason="annual leave",
    )
    saved = _post(sergeant, action, pairs)
    assert saved.status_code == 303, _errors(saved.text)
    assert "done=saved" in saved.headers["location"]
    person = _api(sergeant, "staff/jo-bloggs")  # the id made from the name
    assert person["role"] == "PCSO" and person["contracted_hours"] == 37.5
    assert person["working_days"] == ["mon", "tue", "wed", "thu"]
    assert person["skills"] == ["first aid", "cycle trained"]
    assert person["patrol_wards"] is None and person["templates"] is None  # blank: all
    assert [a["reason"] for a in person["unavailable"]] == ["annual leave"]
    # a second person of the same name gets an id of their own, not the first's place
    assert _post(sergeant, action, pairs).status_code == 303
    assert _api(sergeant, "staff/jo-bloggs-2")["name"] == "Jo Bloggs"
    listed = sergeant.get(f"{SETUP}?done=saved&what=person%20Jo%20Bloggs")
    assert "Saved person Jo Bloggs." in listed.text and "jo-bloggs-2" in listed.text


def test_a_refused_form_keeps_what_was_typed_marks_each_field_and_stores_nothing(
    sergeant: TestClient,
) -> None:
    action = f"{SETUP}/staff"
    before = _api(sergeant, "staff")
    blank = form_fields(sergeant.get(f"{SETUP}/staff/new").text, action)
    typed = changed(blank, name="Al Smith", role="PC", contracted_hours="lots", id="al/smith")
    refused = _post(sergeant, action, typed)
    assert refused.status_code == 422
    errors = _errors(refused.text)
    assert set(errors) == {"id", "contracted_hours"}, errors
    assert "number" in errors["contracted_hours"]
    assert 'value="lots"' in refused.text and 'value="Al Smith"' in refused.text
    # the whole team's data must still fit: a home ward nobody has heard of is a 409
    unknown = _post(sergeant, action, changed(blank, name="Al Smith", role="PC", home_ward="moon"))
    assert unknown.status_code == 409
    assert "unknown ward 'moon'" in html.unescape(unknown.text)
    # an id another person has is not taken over
    taken = _post(sergeant, action, changed(blank, name="Al Smith", role="PC", id="pcso-begum"))
    assert taken.status_code == 409 and "taken" in _errors(taken.text)["id"]
    assert _api(sergeant, "staff") == before
    # a row of a list is checked as the model checks it, and named
    ward = _api(sergeant, "wards")[0]
    page = sergeant.get(f"{SETUP}/wards/{ward['id']}").text
    row = len(ward["demand"])  # the first empty row
    backwards = changed(
        form_fields(page, f"{SETUP}/wards"),
        **{f"demand__{row}__start": "25:00", f"demand__{row}__end": "09:00"},
    )
    refused = _post(sergeant, f"{SETUP}/wards", backwards)
    assert refused.status_code == 422
    assert f"demand.{row}.start" in _errors(refused.text)
    assert _api(sergeant, f"wards/{ward['id']}") == ward


def test_rows_of_a_list_are_added_and_removed(sergeant: TestClient) -> None:
    ward = _api(sergeant, "wards")[0]
    assert len(ward["demand"]) >= 1
    action = f"{SETUP}/wards"
    pairs = form_fields(sergeant.get(f"{SETUP}/wards/{ward['id']}").text, action)
    added = len(ward["demand"])
    pairs = changed(
        pairs,
        **{
            f"demand__{added}__days": ["fri", "sat"],
            f"demand__{added}__start": "20:00",
            f"demand__{added}__end": "23:00",
            f"demand__{added}__weight": "3",
            # the first window's row emptied: removed
            "demand__0__start": "",
            "demand__0__end": "",
            "demand__0__weight": "",
            "demand__0__days": None,
        },
    )
    assert _post(sergeant, action, pairs).status_code == 303
    demand = _api(sergeant, f"wards/{ward['id']}")["demand"]
    assert demand[:-1] == ward["demand"][1:]
    assert demand[-1]["days"] == ["fri", "sat"] and demand[-1]["start"] == "20:00"
    assert demand[-1]["weight"] == 3


def test_an_item_still_named_cannot_be_removed_and_one_unused_can(sergeant: TestClient) -> None:
    ward = next(p["home_ward"] for p in _api(sergeant, "staff") if p.get("home_ward"))
    refused = sergeant.post(f"{SETUP}/wards/{ward}/delete", follow_redirects=False)
    assert refused.status_code == 409 and "Not saved" in refused.text
    assert _api(sergeant, f"wards/{ward}")["id"] == ward
    event = _api(sergeant, "events")[0]
    removed = sergeant.post(f"{SETUP}/events/{event['id']}/delete", follow_redirects=False)
    assert removed.status_code == 303 and "done=deleted" in removed.headers["location"]
    assert event["id"] not in {e["id"] for e in _api(sergeant, "events")}


def test_leave_is_recorded_over_whole_days_with_its_code(sergeant: TestClient) -> None:
    person = _api(sergeant, "staff/pcso-begum")
    leave = {"staff": "pcso-begum", "first_day": "2026-12-21", "last_day": "2026-12-23"}
    recorded = _post(sergeant, f"{SETUP}/leave", [*leave.items(), ("reason", "training")])
    assert recorded.status_code == 303
    away = _api(sergeant, "staff/pcso-begum")["unavailable"]
    assert away[:-1] == person["unavailable"]
    new = away[-1]
    assert _instants(new["start"]) == _instants("2026-12-21T00:00:00+00:00")
    assert _instants(new["end"]) == _instants("2026-12-24T00:00:00+00:00")  # the day after
    page = sergeant.get(SETUP).text
    assert re.search(r"Rukhsana Begum.*?Mon 21 Dec 2026.*?Wed 23 Dec 2026.*?TRG", page, re.S)
    backwards = {**leave, "first_day": "2026-12-24", "reason": "annual leave"}
    refused = _post(sergeant, f"{SETUP}/leave", list(backwards.items()))
    assert refused.status_code == 422 and "before the first" in refused.text
    assert _api(sergeant, "staff/pcso-begum")["unavailable"] == away


HEADER = ["id", "name", "role", "home_ward", "contracted_hours", "working_days"]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_staff_files_import_all_rows_or_none(sergeant: TestClient, form: str) -> None:
    good = [
        HEADER,
        ["pc-new", "Pat New", "PC", "market-square", 40, "mon;tue;wed;thu;fri"],
        ["pcso-new", "Sam New", "PCSO", None, 22.5, None],
    ]
    bad = [*good, ["pcso-worse", "Worse", "DETECTIVE", None, "many", None]]

    def send(rows: list[list[Any]]) -> Any:
        if form == "xlsx":
            body, name = workbook(*rows), "staff.xlsx"
        else:
            text = "\n".join(",".join("" if c is None else str(c) for c in r) for r in rows)
            body, name = text.encode(), "staff.csv"
        return sergeant.post(
            f"{SETUP}/staff-file", files={"staff_file": (name, body)}, follow_redirects=False
        )

    before = _api(sergeant, "staff")
    refused = send(bad)
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Nothing from staff." in text
    assert "line 4 role" in text and "line 4 contracted_hours" in text
    assert _api(sergeant, "staff") == before
    imported = send(good)
    assert imported.status_code == 303 and "count=2" in imported.headers["location"]
    assert _api(sergeant, "staff/pcso-new")["contracted_hours"] == 22.5
    assert _api(sergeant, "staff/pc-new")["working_days"] == ["mon", "tue", "wed", "thu", "fri"]


def test_a_file_that_is_not_a_workbook_is_refused_saying_how_to_save_it(
    sergeant: TestClient,
) -> None:
    sent = sergeant.post(
        f"{SETUP}/staff-file",
        files={"staff_file": ("staff.xlsx", b"PK\x03\x04 not really a zip")},
        follow_redirects=False,
    )
    assert sent.status_code == 422 and "Excel Workbook (.xlsx)" in html.unescape(sent.text)


@pytest.fixture
def admin(client: TestClient) -> Iterator[TestClient]:
    """The client signed in through the pages as an admin, with no team stored."""
    token = client.headers.pop("Authorization").removeprefix("Bearer ")
    assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    client.admin = {"Authorization": f"Bearer {token}"}  # type: ignore[attr-defined]
    yield client


def test_a_team_is_set_up_from_nothing_in_the_pages(admin: TestClient) -> None:
    """An admin makes a team, which cannot be planned until it has a ward, a duty
    template and a person (the week page links each form); each is added by its form
    while the team is incomplete, and its data is still checked as it grows."""
    made = form_fields(admin.get("/ui/new-team").text, "/ui/new-team")
    created = _post(
        admin,
        "/ui/new-team",
        changed(made, team__id="hillside", team__name="Hillside NPT", team__station="Hill St"),
    )
    assert created.status_code == 303, _errors(created.text)
    assert created.headers["location"].startswith("/ui/teams/hillside/setup?done=created")
    team = "/ui/teams/hillside"
    waiting = admin.get(f"{team}/weeks/2026-11-23")
    assert waiting.status_code == 200
    for form in ("wards", "duty-templates", "staff"):
        assert f"{team}/setup/{form}/new" in waiting.text
    # the API says what is missing too, rather than a validator's "at least 1 item"
    solve = admin.post(
        "/teams/hillside/weeks/2026-11-23/solve", json={"time_limit": 5}, headers=admin.admin
    )
    assert solve.status_code == 409 and "no duty templates and no wards" in solve.text

    def add(kind: str, **fields: str | list[str]) -> Any:
        action = f"{team}/setup/{kind}"
        return _post(
            admin, action, changed(form_fields(admin.get(f"{action}/new").text, action), **fields)
        )

    # a person whose home ward does not exist is refused even before the team has wards
    refused = add("staff", name="Ann Hill", role="PCSO", home_ward="nowhere")
    assert refused.status_code in (409, 422)
    assert (
        add(
            "wards", name="Hill Top", **{"demand__0__start": "08:00", "demand__0__end": "20:00"}
        ).status_code
        == 303
    )
    assert add("duty-templates", name="Early", start="07:00", end="15:00").status_code == 303
    assert add("staff", name="Ann Hill", role="PCSO", home_ward="hill-top").status_code == 303
    ready = admin.get(f"{team}/weeks/2026-11-23")
    assert ready.status_code == 200 and 'id="generate"' in ready.text
    settings = admin.get("/teams/hillside", headers=admin.admin).json()
    assert settings["team"]["station"] == "Hill St"
    assert settings["policy"]["min_rest_hours"] == 11  # the defaults, as DOMAIN.md has them


def test_the_team_settings_form_keeps_the_policy_and_changes_what_is_changed(
    sergeant: TestClient,
) -> None:
    action = f"{SETUP}/team"
    before = _api_team(sergeant)
    pairs = form_fields(sergeant.get(action).text, action)
    assert _post(sergeant, action, pairs).status_code == 303
    assert _api_team(sergeant) == before  # unchanged, sent back as it was shown
    on = "policy.continuity.__on"
    switched = changed(pairs, policy__min_rest_hours="12", **{on: "on"})
    assert _post(sergeant, action, switched).status_code == 303
    after = _api_team(sergeant)
    assert after["policy"]["min_rest_hours"] == 12
    assert after["policy"]["continuity"] is not None
    off = _post(sergeant, action, changed(switched, **{on: None}))
    assert off.status_code == 303 and _api_team(sergeant)["policy"]["continuity"] is None
    zone = _post(sergeant, action, changed(pairs, team__timezone="Europe/Paris"))
    assert zone.status_code == 422 and "fixed" in _errors(zone.text)["team.timezone"]
    bad = _post(sergeant, action, changed(pairs, policy__min_rest_hours="-1"))
    assert bad.status_code == 422 and "policy.min_rest_hours" in _errors(bad.text)
    assert sergeant.get("/ui/new-team").status_code == 403  # an admin makes teams


def _api_team(client: TestClient) -> Any:
    reply = client.get("/teams/riverside", headers=client.admin)  # type: ignore[attr-defined]
    assert reply.status_code == 200
    return reply.json()


def test_a_weekly_event_is_made_for_each_week_at_the_same_local_time(
    sergeant: TestClient,
) -> None:
    """Held every week: one event a week at the same local time, across the clocks
    going back (25 Oct 2026), each after the first named by its date; all or none."""
    action = f"{SETUP}/events"
    blank = form_fields(sergeant.get(f"{action}/new").text, action)
    ward = _api(sergeant, "wards")[0]["id"]
    typed = changed(
        blank,
        id="cuppa",
        name="Cuppa with a Copper",
        ward=ward,
        place="Library cafe",
        start="2026-10-13T10:00",
        end="2026-10-13T11:00",
        weeks="4",
    )
    made = _post(sergeant, action, typed)
    assert made.status_code == 303, _errors(made.text) or made.text[-500:]
    ids = ["cuppa", "cuppa-2026-10-20", "cuppa-2026-10-27", "cuppa-2026-11-03"]
    events = {e["id"]: e for e in _api(sergeant, "events")}
    assert all(i in events for i in ids)
    for event_id in ids:  # 10:00 by the team's clock, summer time or not
        start = datetime.fromisoformat(events[event_id]["start"].replace("Z", "+00:00"))
        assert start.astimezone(ZoneInfo("Europe/London")).hour == 10
    # all or none: a series whose second week's id is taken stores nothing
    single = changed(typed, id="talk-2026-10-20", weeks="1")
    assert _post(sergeant, action, single).status_code == 303
    series = _post(sergeant, action, changed(typed, id="talk", weeks="3"))
    assert series.status_code == 409 and "talk-2026-10-20" in html.unescape(series.text)
    assert "talk" not in {e["id"] for e in _api(sergeant, "events")}
    bad = _post(sergeant, action, changed(typed, id="cup", weeks="x"))
    assert bad.status_code == 422 and 'id="f-weeks-error"' in bad.text
