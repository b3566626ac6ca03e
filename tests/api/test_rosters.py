"""Rosters in the service: a planned roster is stored as a draft only when it is lawful
for the team as stored, published a month ahead (or with the reason it is late), and
superseded with each change's notice and what it owes; officers' calendars carry the
rostered tours and rest days, and keep their UIDs when the week is deployed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import feeds, tables
from api.services import versions
from api.services.scenarios import assemble_scenario
from scheduler.roster import Roster, RosterOptions, RosterPeriod, solve_roster
from scheduler.roster.check import check_roster
from scheduler.roster.period import RosterAbsence
from scheduler.roster.within import deploy
from scheduler.scenario import Scenario
from scheduler.scenario.moving import moved_to
from tests.api.api_support import wait_for_job
from tests.api.feed_support import icaljs
from tests.support import BEFORE_THE_SAMPLE_WEEK, RULE_TEST, small_team

TEAM = "test-team"
AHEAD = date(2026, 12, 28)  # more than a month after the tests' today (Fri 20 Nov 2026)
SOON = date(2026, 11, 30)  # less than a month after it
ROSTERS = f"/teams/{TEAM}/rosters"
DEPLOYED = 8.0  # seconds for a roster whose first week is deployed with no change


def team_week(start: date) -> dict[str, Any]:
    return moved_to(small_team().model_dump(mode="json"), start)


@cache
def planned(
    start: date, leave: tuple[str, date] | None = None, seconds: float = 4
) -> tuple[RosterPeriod, Roster]:
    """The small team's four-week roster from `start` (solved once per test process),
    with a day of leave if given; lawful whatever its time, and given DEPLOYED seconds it
    staffs its mandatory panel on a loaded machine too."""
    absences = [RosterAbsence(staff=leave[0], first=leave[1])] if leave else []
    period = RosterPeriod(start=start, weeks=4, absences=absences)
    roster = solve_roster(
        Scenario.model_validate(team_week(start)), period, RosterOptions(time_limit=seconds)
    )
    assert roster.days, roster.report.explanation
    return period, roster


def upload(client: TestClient, period: RosterPeriod, roster: Roster) -> Any:
    body = {"period": period.model_dump(mode="json"), "roster": roster.model_dump(mode="json")}
    return client.post(ROSTERS, json=body)


def with_team(client: TestClient, start: date) -> None:
    assert client.post(f"/teams/{TEAM}/scenario", json=team_week(start)).status_code == 201


@pytest.mark.extra  # a second roster solved, and two publishes: about 12 s
def test_a_roster_is_stored_published_and_superseded_with_what_each_change_owes(
    client: TestClient,
):
    with_team(client, AHEAD)
    period, roster = planned(AHEAD, seconds=DEPLOYED)
    stored = upload(client, period, roster)
    assert stored.status_code == 201, stored.text
    assert stored.json()["status"] == "draft" and stored.json()["number"] == 1
    assert client.get(f"{ROSTERS}/{AHEAD}").json()["roster"] == roster.model_dump(mode="json")
    first = client.post(f"{ROSTERS}/{AHEAD}/versions/1/publish", json={})
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "published" and first.json()["changes"] == []
    # The second version books a day of leave on a day the first rosters a tour.
    tour = next(d for d in roster.duties() if d.staff == "pc-ann")
    period2, roster2 = planned(AHEAD, ("pc-ann", tour.day))
    assert upload(client, period2, roster2).status_code == 201
    second = client.post(f"{ROSTERS}/{AHEAD}/versions/2/publish", json={})
    assert second.status_code == 200, second.text
    changes = second.json()["changes"]
    today = BEFORE_THE_SAMPLE_WEEK.date()
    assert {"staff": "pc-ann", "day": tour.day.isoformat()}.items() <= next(
        c for c in changes if c["staff"] == "pc-ann" and c["day"] == tour.day.isoformat()
    ).items()
    for change in changes:
        assert change["before"] != change["after"]
        assert change["clear_days"] == (date.fromisoformat(change["day"]) - today).days - 1
        if change["after"] in ("R", "AL", "not rostered"):
            assert change["owed"] is None  # a tour taken away owes nothing by the table
    listed = {(v["number"], v["status"]) for v in client.get(ROSTERS).json()}
    assert listed == {(1, "superseded"), (2, "published")}
    assert client.get(f"{ROSTERS}/{AHEAD}/diff", params={"from": 1, "to": 2}).json() == changes
    again = client.post(f"{ROSTERS}/{AHEAD}/versions/1/publish", json={})
    assert again.status_code == 409 and "superseded" in again.json()["detail"]


@pytest.mark.extra  # two more rosters solved: about 10 s
def test_a_roster_less_than_a_month_ahead_needs_the_reason(client: TestClient):
    with_team(client, SOON)
    period, roster = planned(SOON)
    assert upload(client, period, roster).status_code == 201
    refused = client.post(f"{ROSTERS}/{SOON}/versions/1/publish", json={})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"][-1] == "reason" and "month" in problem["msg"]
    assert client.get(f"{ROSTERS}/{SOON}").json()["version"]["status"] == "draft"
    reason = "Team formed on 16 Nov; agreed with the Federation rep"
    published = client.post(f"{ROSTERS}/{SOON}/versions/1/publish", json={"reason": reason})
    assert published.status_code == 200, published.text
    assert published.json()["late_reason"] == reason
    # Another roster overlapping it is refused, naming the published one and the fix.
    later = SOON + timedelta(weeks=2)
    period, roster = planned(later)
    overlapping = upload(client, period, roster)
    assert overlapping.status_code == 409
    assert (
        str(SOON) in overlapping.json()["detail"]
        and "start this one" in overlapping.json()["detail"]
    )


@pytest.mark.extra  # plans a roster and a week of it: about 8 s of the quick tier's 5 minutes
def test_a_roster_that_breaks_a_rule_for_the_team_is_not_stored(client: TestClient):
    with_team(client, AHEAD)
    period, roster = planned(AHEAD, seconds=DEPLOYED)
    data = roster.model_dump(mode="json")
    rest = next(d for d in data["days"] if d["staff"] == "pcso-cy" and d["kind"] == "rest")
    day = date.fromisoformat(rest["day"])
    rest.update(
        kind="duty",
        template="night",  # PCs' and sergeants' only
        code="night",
        start=datetime(day.year, day.month, day.day, 22, tzinfo=UTC).isoformat(),
        end=(
            datetime(day.year, day.month, day.day, 22, tzinfo=UTC) + timedelta(hours=8)
        ).isoformat(),
    )
    refused = client.post(ROSTERS, json={"period": period.model_dump(mode="json"), "roster": data})
    assert refused.status_code == 409
    assert "Cy Adeyemi" in refused.json()["detail"] and "not stored" in refused.json()["detail"]
    assert client.get(ROSTERS).json() == []
    wrong = client.post(ROSTERS, json={"period": {"start": "2026-12-29"}, "roster": data})
    assert wrong.status_code == 422
    assert any(p["loc"][-2:] == ["period", "start"] for p in wrong.json()["detail"])


def _events(client: TestClient, staff: str) -> dict[str, icalendar.Event]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        subject = feeds.Subject(kind="duties", team_id=TEAM, staff_id=staff)
        body = feeds.render(session, subject, "duties", "Europe/London", BEFORE_THE_SAMPLE_WEEK)
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.mark.extra  # plans a roster, then deploys its week: about 8 s of the quick tier's 5 min
def test_calendars_carry_the_roster_and_keep_its_uids_when_the_week_is_deployed(
    client: TestClient,
):
    with_team(client, AHEAD)
    period, roster = planned(AHEAD, seconds=DEPLOYED)
    assert upload(client, period, roster).status_code == 201
    assert client.post(f"{ROSTERS}/{AHEAD}/versions/1/publish", json={}).status_code == 200
    events = _events(client, "pc-ann")
    mine = [d for d in roster.days if d.staff == "pc-ann"]
    tours = {f"duty-{TEAM}-pc-ann-{d.day}@beatplan": d for d in mine if d.kind == "duty"}
    rests = {feeds.rest_uid(TEAM, "pc-ann", d.day): d for d in mine if d.kind == "rest"}
    assert set(tours) | set(rests) == set(events)  # three months ahead: the whole period
    for uid, day in tours.items():
        event = events[uid]
        assert str(event["SUMMARY"]).startswith("Rostered: ")
        assert event.decoded("DTSTART") == day.start and event.decoded("DTEND") == day.end
        assert int(event["SEQUENCE"]) == 0 and str(event["TRANSP"]) == "OPAQUE"
    assert all(str(events[uid]["TRANSP"]) == "TRANSPARENT" for uid in rests)
    # The first week deployed within the roster and published: the same UIDs, refined.
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        team = session.get(tables.Team, TEAM)
        assert team is not None
        week = assemble_scenario(session, team, AHEAD)
        # If needed (a roster planned in a few seconds may leave the panel to the week),
        # a tour changes at what it owes; the calendar follows either way.
        deployment = deploy(
            week, roster, changes="if-needed", now=BEFORE_THE_SAMPLE_WEEK, options=RULE_TEST
        )
        rota = deployment.result.rota
        assert rota is not None, deployment.result.report.explanation
        versions.add_draft(session, TEAM, AHEAD, rota)
        session.commit()
    published = client.post(f"/teams/{TEAM}/weeks/{AHEAD}/versions/1/publish")
    assert published.status_code == 200, published.text
    after = _events(client, "pc-ann")
    worked = {d.day for d in rota.duties if d.staff == "pc-ann"}
    assert set(events) <= set(after)  # nothing gone: stood down or worked, it says so
    first_week = {uid: d for uid, d in tours.items() if d.day < AHEAD + timedelta(days=7)}
    assert first_week
    for uid, day in first_week.items():
        event = after[uid]
        if day.day in worked:  # refined in place: the same UID, its wards now, SEQUENCE up
            assert not str(event["SUMMARY"]).startswith("Rostered: ")
            assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CONFIRMED"
        else:
            assert str(event["STATUS"]) == "CANCELLED"
    for uid in set(tours) - set(first_week):
        assert int(after[uid]["SEQUENCE"]) == 0  # later weeks: still as rostered
    for uid, day in rests.items():
        worked_then = day.day in worked
        assert str(after[uid]["STATUS"]) == ("CANCELLED" if worked_then else "CONFIRMED")
    kept = {d.day for d in roster.duties() if d.staff == "pc-ann"} & worked
    assert kept, "the week keeps some of her rostered tours"
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        kinds = {e.kind for e in session.exec(select(tables.FeedEntry))}
    assert {"duty", "rest"} <= kinds


@pytest.mark.extra  # ical.js, which .ci/run installs
def test_a_rostered_feed_reads_the_same_in_icaljs(client: TestClient):
    """Thunderbird's parser reads the rostered tours and rest days at the same instants."""
    with_team(client, AHEAD)
    period, roster = planned(AHEAD, seconds=DEPLOYED)
    assert upload(client, period, roster).status_code == 201
    assert client.post(f"{ROSTERS}/{AHEAD}/versions/1/publish", json={}).status_code == 200
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        subject = feeds.Subject(kind="duties", team_id=TEAM, staff_id="pcso-cy")
        body = feeds.render(session, subject, "duties", "Europe/London", BEFORE_THE_SAMPLE_WEEK)
    parsed = icaljs(body)
    summaries = {event["summary"] for event in parsed["events"]}
    assert any(s.startswith("Rostered: ") for s in summaries) and "Rest day" in summaries


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_a_roster_planned_in_the_service_is_stored_as_a_checked_draft(client: TestClient):
    with_team(client, AHEAD)
    period = RosterPeriod(
        start=AHEAD, weeks=4, absences=[RosterAbsence(staff="pc-ann", first=AHEAD)]
    )
    body = {"period": period.model_dump(mode="json"), "time_limit": 4}
    started = client.post(f"{ROSTERS}/generate", json=body)
    assert started.status_code == 202, started.text
    assert started.json()["kind"] == "roster" and started.headers["Location"].startswith("/jobs/")
    busy = client.post(f"{ROSTERS}/generate", json=body)  # one job of the week at a time
    assert busy.status_code == 409 and busy.json()["detail"]["job"] == started.json()["url"]
    job = wait_for_job(client, started.json()["url"])
    assert job["status"] == "succeeded", job["message"]
    assert job["roster"] == {"version": 1, "start": str(AHEAD)}
    assert "roster draft version 1" in job["message"]
    stored = client.get(f"{ROSTERS}/{AHEAD}", params={"version": 1}).json()
    assert stored["version"]["status"] == "draft"
    roster = Roster.model_validate(stored["roster"])
    assert roster.start == AHEAD and roster.weeks == 4
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        team = session.get(tables.Team, TEAM)
        assert team is not None
        scenario = assemble_scenario(session, team, AHEAD)
    assert check_roster(scenario, period, roster) == []
    assert [d.code for d in roster.days if d.staff == "pc-ann" and d.day == AHEAD] == ["AL"]


def test_a_roster_job_is_refused_at_once_for_what_would_fail_it(client: TestClient):
    with_team(client, AHEAD)
    stranger = {
        "start": str(AHEAD),
        "weeks": 4,
        "absences": [{"staff": "pc-nobody", "first": str(AHEAD)}],
    }
    refused = client.post(f"{ROSTERS}/generate", json={"period": stranger})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"][-4:] == ["period", "absences", 0, "staff"]
    assert "pc-nobody" in problem["msg"] and "pc-ann" in problem["msg"]
    panel = {
        "id": "fete",
        "name": "Summer fete",
        "ward": "atlantis",
        "place": "Green",
        "start": f"{AHEAD}T10:00:00",
        "end": f"{AHEAD}T12:00:00",
    }
    elsewhere = {"start": str(AHEAD), "weeks": 4, "events": [panel]}
    refused = client.post(f"{ROSTERS}/generate", json={"period": elsewhere})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"][-4:] == ["period", "events", 0, "ward"]
    assert "'atlantis' is not one of the team's ward ids" in problem["msg"]
    skipped = {  # the hour the clocks skip on 28 Mar 2027 (Europe/London): no time at all
        "staff": "pc-ann",
        "first": "2027-03-28",
        "kind": "court",
        "start": "01:30",
        "end": "02:00",
    }
    spring = {"start": "2027-03-22", "weeks": 4, "absences": [skipped]}
    refused = client.post(f"{ROSTERS}/generate", json={"period": spring})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"][-4:] == ["period", "absences", 0, "start"]
    assert "Sun 28 Mar 2027" in problem["msg"] and "clocks go forward" in problem["msg"]
    ended = {"start": "2026-10-05", "weeks": 4}  # ended before the tests' today
    gone = client.post(f"{ROSTERS}/generate", json={"period": ended})
    assert gone.status_code == 409 and "ended" in gone.json()["detail"]
    assert client.get(ROSTERS).json() == []


@pytest.mark.extra  # a roster solved, then the week solved within it: about 20 s
def test_a_week_the_published_roster_holds_is_solved_within_it(client: TestClient):
    """The service's solve of a week keeps the published roster's tours: the law fixes
    them a month ahead, so a re-solve may not move them freely."""
    with_team(client, AHEAD)
    period, roster = planned(AHEAD, seconds=DEPLOYED)
    assert upload(client, period, roster).status_code == 201
    assert client.post(f"{ROSTERS}/{AHEAD}/versions/1/publish", json={}).status_code == 200
    started = client.post(f"/teams/{TEAM}/weeks/{AHEAD}/solve", json={"time_limit": 10})
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["url"])
    assert job["status"] == "succeeded", job["message"]
    assert job["deployment"]["roster"] == {"start": str(AHEAD), "version": 1}
    draft = client.get(f"/teams/{TEAM}/weeks/{AHEAD}/rota", params={"version": 1}).json()
    worked = {(d["staff"], d["day"], d["template"]) for d in draft["rota"]["duties"]}
    rostered = {
        (d.staff, str(d.day), d.template)
        for d in roster.duties()
        if d.day < AHEAD + timedelta(days=7)
    }
    changed = {(c["staff"], c["day"]) for c in job["deployment"]["changes"]}
    # every difference from the roster is a change listed with its notice and what it owes
    assert {(s, d) for s, d, _ in worked ^ rostered} == changed
    assert all(c["clear_days"] >= 0 for c in job["deployment"]["changes"])
    if not changed:
        assert "every rostered tour kept" in job["message"]
