"""Re-planning over HTTP: a sick officer mid-week, the repair as a draft, publication
updating the feeds, and the abstraction report adding up."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.services import versions
from api.services.versions import add_draft, publish
from api.tables import SolveJob
from scheduler import check
from scheduler.replan import history_of
from scheduler.rota import Rota
from scheduler.scenario import Scenario
from tests.api.api_support import sample_scenario, wait_for_job
from tests.api.feed_support import icaljs
from tests.support import sample_rota

TEAM = "/teams/riverside"
MONDAY = date(2026, 11, 23)
WEEK = f"{TEAM}/weeks/{MONDAY}"
NOW = "2026-11-24T12:00:00Z"
COURT = {  # PC Walsh at court all Wednesday
    "kind": "absence",
    "staff": "pc-walsh",
    "start": "2026-11-25T00:00:00Z",
    "end": "2026-11-26T00:00:00Z",
    "category": "court",
}


def _published(client: TestClient) -> dict:
    """The sample week published as version 1: a solved rota (the solve job is
    tests/api/test_week.py's), planned from the week as it stands."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        basis = versions.basis(session, "riverside", MONDAY)
        versions.add_draft(session, "riverside", MONDAY, sample_rota(), basis=basis)
        session.commit()
    assert client.post(f"{WEEK}/versions/1/publish").status_code == 200
    return client.get(f"{WEEK}/rota").json()["rota"]


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_sick_officer_repaired_published_and_reported(client: TestClient):
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    rota = _published(client)
    wednesday = [d for d in rota["duties"] if d["day"] == "2026-11-25"]
    sick = wednesday[0]["staff"]
    made = client.post("/feeds", json={"team_id": "riverside", "kind": "duties", "staff_id": sick})
    feed = "/" + made.json()["url"].split("/", 3)[3]
    uid = f"duty-riverside-{sick}-2026-11-25@beatplan"
    before = {e["uid"]: e for e in icaljs(client.get(feed).content)["events"]}
    assert before[uid]["status"] == "CONFIRMED"

    absence = {
        "kind": "absence",
        "staff": sick,
        "start": "2026-11-25T00:00:00Z",
        "end": "2026-11-26T00:00:00Z",
        "category": "sick",
    }
    nobody = client.post(
        f"{WEEK}/replan", json={"now": NOW, "changes": [{**absence, "staff": "nobody"}]}
    )
    assert nobody.status_code == 422 and "nobody" in nobody.text
    under_way = next(
        d for d in rota["duties"] if d["start"] < "2026-11-24T12" < d["end"] and d["staff"] != sick
    )
    made = client.post(
        "/feeds", json={"team_id": "riverside", "kind": "duties", "staff_id": under_way["staff"]}
    )
    pulled_feed = "/" + made.json()["url"].split("/", 3)[3]
    pulled_uid = f"duty-riverside-{under_way['staff']}-{under_way['day']}@beatplan"
    pulled = {  # abstracted to response from 11:00, while on a duty that started earlier
        "kind": "absence",
        "staff": under_way["staff"],
        "start": "2026-11-24T11:00:00Z",
        "end": "2026-11-24T20:00:00Z",
        "category": "response",
    }
    started = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": [absence, pulled]})
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["url"])
    assert job["status"] == "succeeded", job["message"]
    repair = job["repair"]
    assert repair["version"] == 2
    assert any(c["staff"] == sick and c["change"] == "stood down" for c in repair["changes"])
    # Events the sick officer was to attend on Wednesday are listed as left (a repair
    # under load may also swap them off a later event: that is listed too, not asserted).
    sick_events = {
        a["event"] for d in wednesday if d["staff"] == sick for a in d["activities"] if a["event"]
    }
    left = {c["event"] for c in repair["attendance"] if (c["staff"], c["change"]) == (sick, "left")}
    theirs = {a["event"] for d in rota["duties"] if d["staff"] == sick for a in d["activities"]} - {
        None
    }
    assert sick_events <= left <= theirs

    draft = client.get(f"{WEEK}/rota", params={"version": 2}).json()["rota"]
    scenario = Scenario.model_validate(client.get(f"{WEEK}/scenario").json())
    assert check(scenario, Rota.model_validate(draft)) == []
    now = datetime.fromisoformat(NOW)
    published = Rota.model_validate(rota)
    assert history_of(published, now) == history_of(Rota.model_validate(draft), now)

    assert client.post(f"{WEEK}/versions/2/publish").status_code == 200
    after = {e["uid"]: e for e in icaljs(client.get(feed).content)["events"]}
    assert after[uid]["status"] == "CANCELLED" and after[uid]["sequence"] == 1

    report = client.get(f"{TEAM}/abstractions", params={"from": "2026-11-23", "to": "2026-11-29"})
    assert report.status_code == 200
    body = report.json()
    for row in [*body["wards"], body["total"]]:
        total = row["delivered"] + sum(row["abstracted"].values()) + row["otherwise_unfilled"]
        assert row["planned"] + row["added"] == pytest.approx(total, abs=0.05)
    lost = sum(
        (datetime.fromisoformat(a["end"]) - datetime.fromisoformat(a["start"])).total_seconds()
        / 3600
        for d in wednesday
        if d["staff"] == sick
        for a in d["activities"]
    )
    assert body["total"]["abstracted"]["sick"] == pytest.approx(lost, abs=0.05)
    assert {a["category"] for a in body["abstractions"]} == {"sick", "response"}
    # The duty under way ends when its officer is pulled: at `now`, since the absence
    # was recorded late, or at the end of an event they are at. Its activities up to
    # `now` are history, checked above.
    leaves = max(
        [now]
        + [
            datetime.fromisoformat(a["end"])
            for a in under_way["activities"]
            if a["kind"] == "event" and datetime.fromisoformat(a["start"]) < now
        ]
    )
    kept = [
        d
        for d in draft["duties"]
        if (d["staff"], d["day"]) == (under_way["staff"], under_way["day"])
    ]
    assert [(d["template"], d["start"]) for d in kept] == [
        (under_way["template"], under_way["start"])
    ]
    assert datetime.fromisoformat(kept[0]["end"]) == leaves
    assert any(
        (c["staff"], c["change"]) == (under_way["staff"], "cut short") for c in repair["changes"]
    )
    # Their phone shows the duty ending then, as a new revision of the same entry.
    entry = {e["uid"]: e for e in icaljs(client.get(pulled_feed).content)["events"]}[pulled_uid]
    assert entry["status"] == "CONFIRMED" and entry["sequence"] == 1
    assert datetime.fromisoformat(entry["end"]) == leaves
    # The report counts as abstracted only the planned hours after they left: the hours
    # they worked before (history, an event they stayed to finish) were delivered.
    pulled_until = datetime.fromisoformat(pulled["end"])
    after_leaving = sum(
        max(
            0.0,
            (
                min(datetime.fromisoformat(a["end"]), pulled_until)
                - max(datetime.fromisoformat(a["start"]), leaves)
            ).total_seconds()
            / 3600,
        )
        for a in under_way["activities"]
    )
    assert body["total"]["abstracted"]["response"] == pytest.approx(after_leaving, abs=0.05)


def test_replan_refusals(client: TestClient):
    """Nothing published is a 409; a bad category or a backwards absence a 422 naming
    it; nothing is stored."""
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    absence = dict(COURT)
    refused = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": [absence]})
    assert refused.status_code == 409 and "publish" in refused.json()["detail"]
    bad = client.post(
        f"{WEEK}/replan", json={"now": NOW, "changes": [{**absence, "category": "golf"}]}
    )
    assert bad.status_code == 422
    assert ["body", "changes", 0, "absence", "category"] in [e["loc"] for e in bad.json()["detail"]]
    backwards = client.post(
        f"{WEEK}/replan",
        json={"now": NOW, "changes": [{**absence, "end": "2026-11-24T18:00:00Z"}]},
    )
    assert backwards.status_code == 422
    (problem,) = backwards.json()["detail"]
    assert problem["loc"] == ["body", "changes", 0, "absence"]
    assert "give an end after the start" in problem["msg"]
    report = client.get(f"{TEAM}/abstractions", params={"from": "2026-11-23", "to": "2026-11-29"})
    assert report.json()["abstractions"] == []


def test_repair_while_a_solve_runs_is_409_naming_the_job(client: TestClient):
    """A repair asked for while a solve of the week is queued or running is refused with
    the running job's URL to follow (as a second solve is), and records nothing."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    _published(client)
    running = client.post(f"{WEEK}/solve", json={"time_limit": 30})
    assert running.status_code == 202
    absence = dict(COURT)
    refused = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": [absence]})
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["job"] == running.json()["url"] and "wait for it" in detail["msg"]
    report = client.get(f"{TEAM}/abstractions", params={"from": "2026-11-23", "to": "2026-11-29"})
    assert report.json()["abstractions"] == []
    assert client.post(f"{running.json()['url']}/cancel").status_code == 202
    assert wait_for_job(client, running.json()["url"])["status"] == "cancelled"


@pytest.mark.extra  # solves and repairs the sample team: about 8 s of the quick tier's 5 minutes
def test_a_surge_stays_with_the_week(client: TestClient):
    """A surge asked for in a repair is stored with the week: the next repair and the
    week's scenario still have it, once, and importing that scenario back keeps it once."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    _published(client)
    thursday_evening = (3, 18)  # (weekday, local hour): London is on UTC in November

    def week() -> Scenario:
        return Scenario.model_validate(client.get(f"{WEEK}/scenario").json())

    before = week().demand_weight("northfield", thursday_evening)
    surge = {
        "kind": "surge",
        "ward": "northfield",
        "start": "2026-11-26T16:00:00Z",
        "end": "2026-11-26T22:00:00Z",
        "weight": 3,
    }
    absence = {
        "kind": "absence",
        "staff": "pc-walsh",
        "start": "2026-11-27T00:00:00Z",
        "end": "2026-11-28T00:00:00Z",
        "category": "court",
    }
    for number, changes in ((2, [surge]), (3, [absence])):
        started = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": changes})
        assert started.status_code == 202, started.text
        assert wait_for_job(client, started.json()["url"])["status"] == "succeeded"
        assert client.post(f"{WEEK}/versions/{number}/publish").status_code == 200
        stored = week()
        assert [(s.ward, s.weight) for s in stored.surges] == [("northfield", 3)]
        assert stored.demand_weight("northfield", thursday_evening) > before
    after = stored.demand_weight("northfield", thursday_evening)
    imported = client.post(f"{TEAM}/scenario", json=stored.model_dump(mode="json"))
    assert imported.is_success, imported.text
    assert len(week().surges) == 1
    assert week().demand_weight("northfield", thursday_evening) == after


def test_an_absence_from_before_the_week_is_recorded_on_its_own_week_first(
    client: TestClient,
):
    """Recorded on the following week's page before that week begins, an absence from
    now would change this (current) week's published rota without repairing it: a 422
    naming the week to record it on, and nothing stored. From the week's start, it is
    taken."""
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        empty = Rota(team="riverside", week_start=date(2026, 11, 23), duties=[])
        publish(session, add_draft(session, "riverside", date(2026, 11, 23), empty))
        session.commit()
    before = client.get(f"{TEAM}/staff/pc-osei").json()["unavailable"]
    absence = {
        "kind": "absence",
        "staff": "pc-osei",
        "start": "2026-11-18T09:00:00Z",
        "end": "2026-11-24T12:00:00Z",
        "category": "training",
    }
    now = "2026-11-18T09:00:00Z"
    early = client.post(f"{WEEK}/replan", json={"now": now, "changes": [absence]})
    assert early.status_code == 422, early.text
    message = early.json()["detail"][0]["msg"]
    assert "before the week of 2026-11-23 begins" in message
    assert "record it on that week first" in message and "week of 2026-11-16" in message
    assert client.get(f"{TEAM}/staff/pc-osei").json()["unavailable"] == before
    from_monday = {**absence, "start": "2026-11-23T00:00:00Z"}
    taken = client.post(f"{WEEK}/replan", json={"now": now, "changes": [from_monday]})
    assert taken.status_code == 202, taken.text


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_a_repairs_pins_follow_the_pins_api_rules(client: TestClient):
    """Two pins of one repair that repeat or contradict each other (the same person and
    day; a rest day on the day of an event pinned in the same repair, new events
    included) are a 422 at the second, naming the first; a pin that contradicts a stored
    one is a 409 naming it. Neither writes a job, a pin or an event."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    _published(client)
    pins_before = client.get(f"{WEEK}/pins").json()
    events_before = client.get(f"{TEAM}/events").json()

    def pin(**spec) -> dict:
        return {"kind": "pin", "pin": {"staff": "pc-walsh", **spec}}

    def jobs() -> int:
        with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
            return len(session.exec(select(SolveJob)).all())

    before = jobs()
    new_event = {
        "kind": "event",
        "event": {
            "id": "ev-reassurance",
            "name": "Reassurance meeting",
            "ward": "northfield",
            "place": "Library",
            "start": "2026-11-27T10:00:00Z",
            "end": "2026-11-27T11:00:00Z",
        },
    }
    within = [
        [pin(day="2026-11-26", template="early"), pin(day="2026-11-26", template="late")],
        [pin(day="2026-11-28", off=True), pin(day="2026-11-28", off=True)],
        [pin(event="ev-panel-northfield"), pin(day="2026-11-26", off=True)],
        [new_event, pin(day="2026-11-27", off=True), pin(event="ev-reassurance")],
    ]
    for changes in within:
        refused = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": changes})
        assert refused.status_code == 422, refused.text
        (problem,) = refused.json()["detail"]
        last = len(changes) - 1
        assert problem["loc"] == ["body", "changes", last, "pin"]
        assert f"changes[{last - 1}] of this request" in problem["msg"]
        assert "Siobhan Walsh (pc-walsh)" in problem["msg"]
        assert "send one of the two" in problem["msg"]

    # The sergeant is pinned (stored) to the market panel on Tuesday evening.
    stored = next(p for p in pins_before if p.get("event") == "ev-panel-market")
    absent = {
        "kind": "absence",
        "staff": "pc-hussain",
        "start": "2026-11-25T00:00:00Z",
        "end": "2026-11-26T00:00:00Z",
        "category": "sick",
    }
    rest = {"kind": "pin", "pin": {"staff": "sgt-okoye", "day": "2026-11-24", "off": True}}
    conflict = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": [absent, rest]})
    assert conflict.status_code == 409, conflict.text
    (problem,) = conflict.json()["detail"]
    assert problem["loc"] == ["body", "changes", 1, "pin"]
    assert "already pinned to attend" in problem["msg"] and stored["id"] in problem["msg"]
    assert "remove that pin first" in problem["msg"]

    assert jobs() == before
    assert client.get(f"{WEEK}/pins").json() == pins_before
    assert client.get(f"{TEAM}/events").json() == events_before
    assert client.get(f"{TEAM}/staff/pc-hussain").json()["unavailable"] == []
    # Pins that do not clash (another person, another day) are taken.
    other = {"kind": "pin", "pin": {"staff": "pc-hussain", "day": "2026-11-28", "off": True}}
    taken = client.post(
        f"{WEEK}/replan", json={"now": NOW, "changes": [pin(day="2026-11-28", off=True), other]}
    )
    assert taken.status_code == 202, taken.text
    wait_for_job(client, taken.json()["url"])
    assert len(client.get(f"{WEEK}/pins").json()) == len(pins_before) + 2


def test_a_repairs_event_moved_onto_a_pinned_rest_day_of_its_pinned_attendee_is_a_409(
    client: TestClient,
):
    """The sergeant is pinned (stored) to the market panel on Tuesday evening and off on
    Thursday: a repair moving the panel to Thursday is a 409 at the event's change naming
    the rest-day pin, as the pins API's clash is, and writes nothing (no job, pin or
    event)."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    _published(client)
    rest = client.post(
        f"{WEEK}/pins", json={"staff": "sgt-okoye", "day": "2026-11-26", "off": True}
    )
    assert rest.status_code == 201, rest.text
    pins_before = client.get(f"{WEEK}/pins").json()
    events_before = client.get(f"{TEAM}/events").json()
    panel = next(e for e in events_before if e["id"] == "ev-panel-market")
    thursday = {**panel, "start": "2026-11-26T18:30:00Z", "end": "2026-11-26T20:00:00Z"}
    changes = [{"kind": "event", "event": thursday}]
    refused = client.post(f"{WEEK}/replan", json={"now": NOW, "changes": changes})
    assert refused.status_code == 409, refused.text
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "changes", 0, "event"]
    assert "already has a pin on Thu 26 Nov 2026 (off)" in problem["msg"]
    assert f"pin {rest.json()['id']}; remove that pin first" in problem["msg"]
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(SolveJob)).all() == []  # no repair queued
    assert client.get(f"{WEEK}/pins").json() == pins_before
    assert client.get(f"{TEAM}/events").json() == events_before


def _report_rows(client: TestClient) -> list[dict]:
    report = client.get(f"{TEAM}/abstractions", params={"from": "2026-11-23", "to": "2026-11-29"})
    assert report.status_code == 200, report.text
    body = report.json()
    return [*body["wards"], {**body["total"], "ward": None}]


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_the_abstraction_report_adds_up_with_no_negative_figure(client: TestClient):
    """After a real repair (fixtures/riverside-replan.json: a sickness, an aid
    abstraction, an urgent mandatory meeting and a surge, the absences given to people
    the rota has on duty then), every ward's and the team's figures
    are at least 0 and planned + added = delivered + abstracted + otherwise unfilled:
    hours the repair moves into a ward (a backfill) are added, not a negative unfilled.
    Before any repair nothing is abstracted, added or unfilled."""
    client.app.state.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert client.post(f"{TEAM}/scenario", json=sample_scenario()).is_success
    rota = _published(client)
    for row in _report_rows(client):
        assert row["abstracted"] == {} and row["added"] == row["otherwise_unfilled"] == 0
        assert row["delivered"] == row["planned"]

    changes = sample_scenario("riverside-replan.json")
    at = datetime.fromisoformat
    for change in changes["changes"]:
        if change["kind"] == "absence":  # someone on duty then
            change["staff"] = next(
                d["staff"]
                for d in rota["duties"]
                if at(d["start"]) < at(change["end"]) and at(change["start"]) < at(d["end"])
            )
    started = client.post(f"{WEEK}/replan", json=changes)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["url"])
    assert job["status"] == "succeeded", job["message"]
    assert client.post(f"{WEEK}/versions/{job['repair']['version']}/publish").status_code == 200

    rows = _report_rows(client)
    for row in rows:
        figures = [row["planned"], row["delivered"], row["added"], row["otherwise_unfilled"]]
        assert min(figures + list(row["abstracted"].values())) >= 0, row
        supplied = row["delivered"] + sum(row["abstracted"].values()) + row["otherwise_unfilled"]
        assert row["planned"] + row["added"] == pytest.approx(supplied, abs=0.05), row
    *wards, team = rows
    assert {"sick", "aid"} <= set(team["abstracted"])
    for figure in ("planned", "delivered"):
        assert team[figure] == pytest.approx(sum(w[figure] for w in wards), abs=0.05)
    # Moving someone between wards at the same moment is lost to one ward and added to
    # another, but neither for the team as a whole.
    assert team["added"] <= sum(w["added"] for w in wards) + 0.05
    assert team["otherwise_unfilled"] <= sum(w["otherwise_unfilled"] for w in wards) + 0.05
