"""A sergeant's own edits of a week (`api.services.edits`): through the API and the pages,
each a new draft with what it breaks; a draft that breaks a rule is never published; and
"re-solve around my edits" pins the edited days and queues a solve."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.schemas import NewUser
from api.services.users import create_user
from api.tables import Role
from scheduler import Rota
from tests.api.api_support import sample_scenario, store_draft
from tests.support import sample_rota

# a solved sample week behind every test (19 s to set up): the extra tier
pytestmark = pytest.mark.extra

WEEK = "2026-11-23"
API = f"/teams/riverside/weeks/{WEEK}"
PAGE = f"/ui/teams/riverside/weeks/{WEEK}"


@pytest.fixture(scope="module")
def solved() -> Rota:
    return sample_rota()


@pytest.fixture
def week(client: TestClient, solved: Rota) -> Iterator[TestClient]:
    """The sample team with one lawful draft (version 1), the clock on its Monday."""
    client.app.state.clock = lambda: datetime(2026, 11, 23, 6, tzinfo=UTC)
    assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
    store_draft(client.app.state.engine, "riverside", solved)  # as solve job 1 leaves it
    yield client


def _rota(client: TestClient, version: int) -> Rota:
    reply = client.get(f"{API}/rota", params={"version": version})
    return Rota.model_validate(reply.json()["rota"])


def _working(rota: Rota, role_prefix: str) -> tuple[str, str]:
    duty = next(d for d in rota.duties if d.staff.startswith(role_prefix))
    return duty.staff, duty.day.isoformat()


def test_an_edit_is_a_new_draft_and_says_what_it_breaks(week: TestClient, solved: Rota) -> None:
    staff, day = _working(solved, "pcso-")
    made = week.post(f"{API}/versions/1/edits", json={"staff": staff, "day": day, "to": "off"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["version"] == 2 and isinstance(body["breaks"], list)
    edited = _rota(week, 2)
    assert [d for d in edited.duties_of(staff) if d.day.isoformat() == day] == []
    assert _rota(week, 1) == solved  # the version edited is untouched
    # a PCSO on a constables' late-late duty: made as asked, refused for publishing
    night = {"staff": staff, "day": day, "to": "duty", "template": "latelate"}
    broken = week.post(f"{API}/versions/2/edits", json=night)
    assert broken.status_code == 201
    assert any(staff_name_or_id(staff) in line for line in broken.json()["breaks"]), broken.json()
    refused = week.post(f"{API}/versions/3/publish")
    assert refused.status_code == 409 and "not published" in refused.json()["detail"]


def test_an_edit_of_the_published_version_can_be_published(week: TestClient, solved: Rota) -> None:
    """The sergeant adjusts the published week by hand: the edit is planned from the week
    as it stands, so publishing it is not refused as out of date, and it tells the
    person whose duty changed."""
    assert week.post(f"{API}/versions/1/publish").status_code == 200
    # a constable's duty with no event made a rest day, the first such edit that breaks no
    # rule (one that leaves a PCSO patrolling alone at night does: the solve decides which)
    for duty in solved.duties:
        if not duty.staff.startswith("pc-") or any(a.kind != "patrol" for a in duty.activities):
            continue
        edit = {"staff": duty.staff, "day": duty.day.isoformat(), "to": "off"}
        made = week.post(f"{API}/versions/1/edits", json=edit)
        assert made.status_code == 201, made.text
        if not made.json()["breaks"]:
            break
    else:
        raise AssertionError("every constable's day off breaks a rule")
    number = made.json()["version"]
    published = week.post(f"{API}/versions/{number}/publish")
    assert published.status_code == 200, published.text
    assert [d for d in _rota(week, number).duties_of(duty.staff) if d.day == duty.day] == []
    # version 1 is superseded now: an edit of it would undo version 2
    stale = week.post(f"{API}/versions/1/edits", json=edit)
    assert stale.status_code == 409 and "superseded" in stale.json()["detail"]


def staff_name_or_id(staff: str) -> str:
    person = next(p for p in sample_scenario()["staff"] if p["id"] == staff)
    return person["name"]


def test_an_edit_naming_what_the_week_lacks_is_refused_naming_the_field(week: TestClient) -> None:
    cases = {
        "template": {"staff": "pc-walsh", "day": WEEK, "to": "duty", "template": "nope"},
        "ward": {"staff": "pc-walsh", "day": WEEK, "to": "duty", "template": "early", "ward": "x"},
        "staff": {"staff": "nobody", "day": WEEK, "to": "off"},
    }
    for field, edit in cases.items():
        refused = week.post(f"{API}/versions/1/edits", json=edit)
        assert refused.status_code == 422, (field, refused.text)
        assert refused.json()["detail"][0]["loc"] == ["body", field]
    outside = {"staff": "pc-walsh", "day": "2026-11-30", "to": "off"}
    assert week.post(f"{API}/versions/1/edits", json=outside).status_code == 422
    assert week.get(f"{API}/versions").json()[-1]["number"] == 1  # nothing stored


def test_keeping_edits_pins_each_edited_day_and_queues_one_solve(
    week: TestClient, solved: Rota
) -> None:
    staff, day = _working(solved, "pc-")
    other = next(d for d in solved.duties if d.staff != staff and d.day.isoformat() != day)
    week.post(f"{API}/versions/1/edits", json={"staff": staff, "day": day, "to": "off"})
    moved = {"staff": other.staff, "day": other.day.isoformat(), "to": "duty", "template": "day"}
    assert week.post(f"{API}/versions/2/edits", json=moved).status_code == 201
    kept = week.post(f"{API}/versions/3/keep-edits")
    assert kept.status_code == 202, kept.text
    pins = {(p["staff"], p["day"]): p for p in week.get(f"{API}/pins").json()}
    assert pins[(staff, day)]["off"] is True
    assert pins[(other.staff, other.day.isoformat())]["template"] == "day"
    unedited = week.post(f"{API}/versions/1/keep-edits")
    assert unedited.status_code == 409 and "no edits" in unedited.json()["detail"]


def test_the_grid_links_each_day_to_its_changes_and_the_week_lists_the_breaks(
    week: TestClient, solved: Rota
) -> None:
    with Session(week.app.state.engine) as session:
        sergeant = NewUser(name="Sgt", role=Role.SERGEANT, teams=["riverside"])
        _, token = create_user(session, sergeant)
        session.commit()
    week.admin = {"Authorization": week.headers.pop("Authorization")}  # type: ignore[attr-defined]
    assert week.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    page = week.get(f"{PAGE}?version=1").text
    staff, day = _working(solved, "pcso-")
    link = f"{PAGE}/day?staff={staff}&amp;day={day}&amp;version=1"
    assert link in page
    day_page = week.get(html.unescape(link))
    assert day_page.status_code == 200 and "Give" in day_page.text
    # the day can be pinned as it is, with the week page's own pin form
    pinned = r'action="([^"]+/pins)".*?name="duty" value="([^"]+)"'
    pin_form = re.search(pinned, day_page.text, re.S)
    assert pin_form and pin_form.group(1) == f"{PAGE}/pins"
    duty = next(d for d in solved.duties if d.staff == staff and d.day.isoformat() == day)
    assert pin_form.group(2) == duty.template
    action = f"{PAGE}/versions/1/edit"
    posted = week.post(
        action,
        data={"staff": staff, "day": day, "to": "duty", "template": "latelate"},
        follow_redirects=False,
    )
    assert posted.status_code == 303 and "version=2" in posted.headers["location"]
    edited = week.get(posted.headers["location"]).text
    assert "Your edits (version 2, from version 1)" in edited
    breaks = re.search(r'id="edit-breaks".*?</div>', edited, re.S)
    assert breaks and "cannot be published" in breaks.group(0)
    assert staff_name_or_id(staff) in html.unescape(breaks.group(0))
    bad = week.post(action, data={"staff": staff, "day": day, "to": "swap"}, follow_redirects=False)
    assert bad.status_code == 422 and "other person" in bad.text
    # a duty no solve may give (a PCSO on a constables' duty) cannot be kept: said why
    pins = f"/teams/riverside/weeks/{WEEK}/pins"
    before = week.get(pins, headers=week.admin).json()  # type: ignore[attr-defined]
    unkeepable = week.post(f"{PAGE}/versions/2/keep-edits", follow_redirects=False)
    assert unkeepable.status_code == 409 and "only PC, SGT may work" in unkeepable.text
    assert week.get(pins, headers=week.admin).json() == before  # type: ignore[attr-defined]
    week.post(action, data={"staff": staff, "day": day, "to": "duty", "template": "day"})
    kept = week.post(f"{PAGE}/versions/3/keep-edits", follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"].startswith("/ui/jobs/")
    next_week = (datetime.fromisoformat(WEEK) + timedelta(days=7)).date()
    assert week.get(f"{PAGE}/day?staff={staff}&day={next_week}&version=1").status_code == 422
