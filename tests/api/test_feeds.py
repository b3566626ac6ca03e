"""Calendar feeds, parsed by Mozilla's ical.js and by icalendar, checked against the rota."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import feeds, tables
from api.main import create_app, hide_feed_tokens
from api.services.versions import add_draft
from api.settings import Settings
from scheduler.rota import Activity, Duty, Rota, Visit
from tests.api.api_support import admin_token, sample_scenario
from tests.api.feed_support import icaljs, icaljs_offsets, python_events

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # the feeds' clock: before the week starts


def at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), LONDON)


def duty(staff: str, day: date, start: str, end: str, *parts: Activity, template: str = "early"):
    begins = at(day, start)
    ends = at(day + timedelta(days=1) if end <= start else day, end)
    return Duty(
        staff=staff, day=day, template=template, start=begins, end=ends, activities=list(parts)
    )


def patrol(ward: str, day: date, start: str, end: str) -> Activity:
    return Activity(kind="patrol", ward=ward, start=at(day, start), end=at(day, end))


MON, TUE, WED, THU = (MONDAY + timedelta(days=n) for n in range(4))
FIRST = [
    duty(
        "pc-walsh",
        MON,
        "07:00",
        "15:00",
        patrol("market-square", MON, "07:30", "14:30"),
    ),
    duty(
        "pc-walsh",
        TUE,
        "14:00",
        "22:00",
        patrol("market-square", TUE, "14:30", "18:30"),
        Activity(
            kind="event",
            ward="market-square",
            event="ev-panel-market",
            start=at(TUE, "18:30"),
            end=at(TUE, "20:00"),
        ),
        template="late",
    ),
    duty("pc-walsh", THU, "07:00", "15:00", patrol("northfield", THU, "08:00", "14:00")),
    duty("pc-hussain", WED, "07:00", "15:00", patrol("st-marks", WED, "08:00", "14:00")),
]
# Tuesday moves to a day duty, Thursday is dropped, Monday and Hussain stay the same.
SECOND = [
    FIRST[0],
    duty(
        "pc-walsh",
        TUE,
        "10:00",
        "18:00",
        patrol("market-square", TUE, "10:30", "17:30"),
        template="day",
    ),
    FIRST[3],
]


class Team:
    """The sample team in the app, with versions published through the HTTP route."""

    def __init__(self, client: TestClient, app: Any) -> None:
        self.client, self.app = client, app

    def publish(self, week: date, duties: list[Duty]) -> None:
        with Session(self.app.state.engine, expire_on_commit=False) as session:
            version = add_draft(
                session, "riverside", week, Rota(team="riverside", week_start=week, duties=duties)
            )
            session.commit()
            number = version.number
        url = f"/teams/riverside/weeks/{week}/versions/{number}/publish"
        assert self.client.post(url).status_code == 200

    def feed(self, kind: str = "duties", staff: str | None = "pc-walsh", **headers: str) -> str:
        body = {"team_id": "riverside", "kind": kind, "staff_id": staff}
        made = self.client.post("/feeds", json=body, **headers)
        assert made.status_code == 201, made.text
        assert made.json()["webcal"].startswith("webcal://")
        assert made.json()["url"].startswith("http")
        return "/" + made.json()["url"].split("/", 3)[3]


@pytest.fixture
def team(database_url: str) -> Iterator[Team]:
    app = create_app(Settings(database_url=database_url), run_worker=False)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        assert client.post("/teams/riverside/scenario", json=sample_scenario()).is_success
        yield Team(client, app)


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _fetch(team: Team, path: str, **headers: str):
    response = team.client.get(path, headers={"Authorization": "", **headers})
    return response


def test_officer_feed_matches_the_rota(team: Team):
    """Each duty and attended event is an event whose UTC times are the rota's, as read
    by ical.js and by icalendar; calendar properties are there; no colleague appears."""
    team.publish(MONDAY, FIRST)
    response = _fetch(team, team.feed())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-disposition" not in response.headers
    assert "content-encoding" not in response.headers
    parsed = icaljs(response.content)
    assert parsed["refresh"] == "PT1H" and parsed["ttl"] == "PT1H"
    assert parsed["method"] == "PUBLISH" and parsed["timezones"] == ["Europe/London"]
    assert parsed["name"] == parsed["calname"] == "Siobhan Walsh: duties"

    mine = [d for d in FIRST if d.staff == "pc-walsh"]
    duties = {e["uid"]: e for e in parsed["events"] if e["uid"].startswith("duty-")}
    assert len(duties) == len(mine)
    for planned in mine:
        event = duties[f"duty-riverside-pc-walsh-{planned.day}@beatplan"]
        assert (event["start"], event["end"]) == (_utc(planned.start), _utc(planned.end))
        assert event["sequence"] == 0 and event["status"] == "CONFIRMED"
    tuesday = duties[f"duty-riverside-pc-walsh-{TUE}@beatplan"]
    assert tuesday["summary"] == "Late – Market Square patrol"
    assert "18:30-20:00" in tuesday["description"]
    attended = [e for e in parsed["events"] if e["uid"].startswith("event-")]
    assert [(e["start"], e["end"]) for e in attended] == [
        (_utc(at(TUE, "18:30")), _utc(at(TUE, "20:00")))
    ]

    python = {str(e["UID"]): e for e in python_events(response.content)}
    assert set(python) == {e["uid"] for e in parsed["events"]}
    for planned in mine:
        event = python[f"duty-riverside-pc-walsh-{planned.day}@beatplan"]
        assert event.decoded("DTSTART") == planned.start.astimezone(UTC)
        assert event.decoded("DTEND") == planned.end.astimezone(UTC)
    text = response.text
    assert "Hussain" not in text and "pc-hussain" not in text


def test_republish_keeps_uids_and_moves_only_what_changed(team: Team):
    """Publish, fetch, change and republish, fetch again: same UIDs, SEQUENCE up only
    where times changed, the dropped duty CANCELLED, DTSTAMP kept where nothing changed,
    and 304 (by ETag and by date) when nothing changed since."""
    team.publish(MONDAY, FIRST)
    path = team.feed()
    with Session(team.app.state.engine) as session:  # as if published a day ago
        session.execute(sa.update(tables.FeedEntry).values(changed_at=NOW - timedelta(days=1)))
        session.commit()
    before = {e["uid"]: e for e in icaljs(_fetch(team, path).content)["events"]}

    team.publish(MONDAY, SECOND)
    response = _fetch(team, path)
    after = {e["uid"]: e for e in icaljs(response.content)["events"]}
    assert set(after) == set(before)  # nothing new: the same days keep their UIDs
    monday, tuesday, thursday = (f"duty-riverside-pc-walsh-{d}@beatplan" for d in (MON, TUE, THU))
    assert after[monday]["sequence"] == 0
    assert after[monday]["dtstamp"] == before[monday]["dtstamp"]
    assert after[tuesday]["sequence"] == 1
    assert after[tuesday]["dtstamp"] > before[tuesday]["dtstamp"]
    assert after[tuesday]["start"] == _utc(at(TUE, "10:00"))
    assert after[thursday]["status"] == "CANCELLED" and after[thursday]["sequence"] == 1
    assert after[thursday]["summary"].startswith("CANCELLED")
    event = "event-riverside-ev-panel-market-pc-walsh@beatplan"
    assert after[event]["status"] == "CANCELLED"  # no longer attending the panel

    tag, modified = response.headers["etag"], response.headers["last-modified"]
    assert _fetch(team, path, **{"If-None-Match": tag}).status_code == 304
    assert _fetch(team, path, **{"If-Modified-Since": modified}).status_code == 304
    assert _fetch(team, path).content == response.content  # byte-identical

    team.publish(MONDAY, SECOND)  # the same rota again: nothing changes for subscribers
    again = _fetch(team, path, **{"If-None-Match": tag})
    assert again.status_code == 304


def test_an_event_at_the_seam_of_two_weeks_is_the_week_it_starts_in(team: Team):
    """An event early on the next Monday belongs to both weeks' scenarios (a Sunday
    night duty may attend it), but its public entry is the following week's: both weeks
    publish, and republish, and residents see it once, confirmed. Moved into a later
    week, it keeps its UID and its SEQUENCE goes up (not a cancellation and a duplicate)."""
    following, later = MONDAY + timedelta(days=7), MONDAY + timedelta(days=14)
    seam = {
        "id": "ev-seam",
        "name": "Early coffee with the team",
        "ward": "market-square",
        "place": "Market cafe",
        "start": at(following, "09:00").isoformat(),
        "end": at(following, "10:00").isoformat(),
    }
    assert team.client.put("/teams/riverside/events/ev-seam", json=seam).status_code == 200
    uid = "public-riverside-ev-seam@beatplan"
    ward = "/ical/public/riverside/market-square.ics"
    team.publish(MONDAY, FIRST)
    assert uid not in _fetch(team, ward).text  # the following week's to publish
    for week in (following, MONDAY):
        team.publish(week, FIRST if week == MONDAY else [])
        events = [e for e in icaljs(_fetch(team, ward).content)["events"] if e["uid"] == uid]
        assert [(e["status"], e["start"]) for e in events] == [
            ("CONFIRMED", _utc(at(following, "09:00")))
        ], week

    moved = {**seam, "start": at(later, "09:00").isoformat(), "end": at(later, "10:00").isoformat()}
    assert team.client.put("/teams/riverside/events/ev-seam", json=moved).status_code == 200
    team.publish(later, [])
    events = [e for e in icaljs(_fetch(team, ward).content)["events"] if e["uid"] == uid]
    assert [(e["status"], e["start"], e["sequence"]) for e in events] == [
        ("CONFIRMED", _utc(at(later, "09:00")), 1)
    ]
    team.publish(following, [])  # the week it left: nothing of it to cancel any more
    events = [e for e in icaljs(_fetch(team, ward).content)["events"] if e["uid"] == uid]
    assert [(e["status"], e["sequence"]) for e in events] == [("CONFIRMED", 1)]


def test_a_draft_that_no_longer_fits_the_week_is_not_published(team: Team):
    """A draft made before Walsh's sickness was recorded would put her on duty while
    sick: publishing it is a 409 naming why, and the published week and her feed stay
    as they were. (A ward left short of its minimum is the sergeant's call: drafts
    below publish, as every one here is.)"""
    team.publish(MONDAY, FIRST)
    path = team.feed()
    before = _fetch(team, path).content
    walsh = team.client.get("/teams/riverside/staff/pc-walsh").json()
    sick = {"start": at(TUE, "00:00").isoformat(), "end": at(WED, "00:00").isoformat()}
    walsh["unavailable"] = [*walsh.get("unavailable", []), {**sick, "reason": "sick"}]
    assert team.client.put("/teams/riverside/staff/pc-walsh", json=walsh).status_code == 200
    with Session(team.app.state.engine, expire_on_commit=False) as session:
        stale = add_draft(
            session, "riverside", MONDAY, Rota(team="riverside", week_start=MONDAY, duties=SECOND)
        )
        session.commit()
    url = f"/teams/riverside/weeks/{MONDAY}/versions/{stale.number}/publish"
    refused = team.client.post(url)
    assert refused.status_code == 409, refused.text
    assert "no longer fits" in refused.json()["detail"] and "Walsh" in refused.json()["detail"]
    assert "Generate or repair" in refused.json()["detail"]
    versions = team.client.get(f"/teams/riverside/weeks/{MONDAY}/versions").json()
    assert [v["status"] for v in versions] == ["published", "draft"]
    assert _fetch(team, path).content == before


def test_a_draft_that_works_someone_on_a_day_pinned_off_is_not_published(team: Team):
    """A pinned day off is time off agreed: a draft made before the pin, working Walsh
    that Monday, is a 409 naming it. A pin to a duty or an event is the sergeant's call."""
    pin = {"staff": "pc-walsh", "day": str(MON), "off": True}
    assert team.client.post(f"/teams/riverside/weeks/{MONDAY}/pins", json=pin).is_success
    with Session(team.app.state.engine, expire_on_commit=False) as session:
        draft = add_draft(
            session, "riverside", MONDAY, Rota(team="riverside", week_start=MONDAY, duties=FIRST)
        )
        session.commit()
    refused = team.client.post(f"/teams/riverside/weeks/{MONDAY}/versions/{draft.number}/publish")
    assert refused.status_code == 409
    assert (
        "Siobhan Walsh (pc-walsh) is pinned off on Mon 23 Nov but works the"
        in (refused.json()["detail"])
    )
    assert team.client.get(f"/teams/riverside/weeks/{MONDAY}/versions").json()[0]["status"] == (
        "draft"
    )


def test_publishing_a_week_says_when_the_following_published_week_no_longer_fits(team: Team):
    """The following week's carry-in comes from this week's published rota. Walsh is
    published on Monday 7 December at 07:00; a new version of the week before that puts
    her on Sunday's late-late (to 02:00) is published, and the reply says the following
    week now breaks her daily rest, so the sergeant repairs it."""
    following = MONDAY + timedelta(days=7)
    sunday = following - timedelta(days=1)
    team.publish(MONDAY, FIRST)
    monday_early = duty(
        "pc-walsh",
        following,
        "07:00",
        "15:00",
        patrol("market-square", following, "08:00", "14:00"),
    )
    team.publish(following, [monday_early])
    sunday_night = duty(
        "pc-walsh",
        sunday,
        "18:00",
        "02:00",
        patrol("market-square", sunday, "18:30", "23:30"),
        template="latelate",
    )
    with Session(team.app.state.engine, expire_on_commit=False) as session:
        later = add_draft(
            session,
            "riverside",
            MONDAY,
            Rota(team="riverside", week_start=MONDAY, duties=[*FIRST, sunday_night]),
        )
        session.commit()
    reply = team.client.post(f"/teams/riverside/weeks/{MONDAY}/versions/{later.number}/publish")
    assert reply.status_code == 200 and reply.json()["status"] == "published"
    (breaks,) = reply.json()["following_week_breaks"]
    assert "Walsh" in breaks and "rest" in breaks
    with Session(team.app.state.engine, expire_on_commit=False) as session:
        back = add_draft(
            session, "riverside", MONDAY, Rota(team="riverside", week_start=MONDAY, duties=FIRST)
        )
        session.commit()
    reply = team.client.post(f"/teams/riverside/weeks/{MONDAY}/versions/{back.number}/publish")
    assert reply.status_code == 200 and reply.json()["following_week_breaks"] == []


def test_a_seam_entry_stored_with_the_earlier_week_is_handed_on_not_cancelled(team: Team):
    """Before public entries were kept to the week they start in, the earlier week stored
    next Monday's: republishing that week hands the entry on, still confirmed."""
    following = MONDAY + timedelta(days=7)
    team.publish(MONDAY, FIRST)
    uid = "public-riverside-ev-old-seam@beatplan"
    with Session(team.app.state.engine) as session:
        session.add(
            tables.FeedEntry(
                uid=uid,
                team_id="riverside",
                week_start=MONDAY,
                kind="public",
                ward_id="market-square",
                starts_at=at(following, "09:00"),
                ends_at=at(following, "10:00"),
                status="CONFIRMED",
                summary="Early coffee",
                location="Market cafe",
                description="Come and meet your neighbourhood team",
                changed_at=NOW,
            )
        )
        session.commit()
    team.publish(MONDAY, SECOND)
    with Session(team.app.state.engine) as session:
        entry = session.get(tables.FeedEntry, uid)
        assert entry is not None
        assert (entry.week_start, entry.status, entry.sequence) == (following, "CONFIRMED", 0)


def test_a_new_time_zone_changes_the_etag(team: Team):
    """The VTIMEZONE and X-WR-TIMEZONE follow the team's zone: a client holding the old
    ETag gets the new feed, not a 304 (once the token's remembered details expire)."""
    team.publish(MONDAY, FIRST)
    path = team.feed()
    first = _fetch(team, path)
    moved = sample_scenario()
    moved["team"] = {**moved["team"], "timezone": "Europe/Dublin"}
    assert team.client.post("/teams/riverside/scenario", json=moved).is_success
    team.app.state.feed_tokens.clear()  # as when the token's details are next re-read
    again = _fetch(team, path, **{"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and "X-WR-TIMEZONE:Europe/Dublin" in again.text
    assert again.headers["etag"] != first.headers["etag"]


def test_a_name_with_commas_or_a_line_break_is_escaped_in_the_calendar_name(team: Team):
    """NAME and X-WR-CALNAME are TEXT: commas, semicolons and a line break are escaped
    (a raw line break made the feed a 500 for as long as the name stood). The API now
    refuses a line break in a name; one stored before that is still escaped."""
    team.publish(MONDAY, FIRST)
    walsh = team.client.get("/teams/riverside/staff/pc-walsh").json()
    awkward = 'Walsh, Siobhan; "Shiv"\nDWO'
    refused = team.client.put("/teams/riverside/staff/pc-walsh", json={**walsh, "name": awkward})
    assert refused.status_code == 422 and "control character" in refused.text
    with Session(team.app.state.engine) as session:  # stored before names were checked
        row = session.get(tables.StaffMember, ("riverside", "pc-walsh"))
        assert row is not None
        row.spec = {**row.spec, "name": awkward}
        session.add(row)
        session.commit()
    got = _fetch(team, team.feed())
    assert got.status_code == 200
    assert 'NAME:Walsh\\, Siobhan\\; "Shiv"\\nDWO: duties' in got.text
    parsed = icaljs(got.content)  # well formed for ical.js (which leaves NAME raw)
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], parsed["calname"])
    assert unescaped == f"{awkward}: duties"  # RFC 5545 TEXT escapes, undone


def test_an_event_made_private_leaves_the_public_feed_without_a_trace(team: Team):
    """An event made private after publication is gone from its ward's feed and page at
    once, not at the next publication, and not as 'CANCELLED' with its place and time,
    since it is going ahead. A public event dropped from the week is still a
    cancellation. The feed's Last-Modified moves, so a client asking If-Modified-Since
    learns of it."""
    team.publish(MONDAY, FIRST)
    ward = "/ical/public/riverside/northfield.ics"
    with Session(team.app.state.engine) as session:  # as if published a day ago
        session.execute(sa.update(tables.FeedEntry).values(changed_at=NOW - timedelta(days=1)))
        session.commit()
    panel = team.client.get("/teams/riverside/events/ev-panel-northfield").json()
    first = _fetch(team, ward)
    assert panel["name"] in first.text
    since = first.headers["Last-Modified"]
    assert _fetch(team, ward, **{"If-Modified-Since": since}).status_code == 304
    assert panel["name"] in team.client.get("/wards/riverside/northfield").text
    private = {**panel, "public": False}
    assert team.client.put("/teams/riverside/events/ev-panel-northfield", json=private).is_success
    feed = _fetch(team, ward, **{"If-Modified-Since": since})
    assert feed.status_code == 200, "a removal must move Last-Modified"
    assert feed.headers["Last-Modified"] != since
    assert panel["name"] not in feed.text and panel["place"] not in feed.text
    icaljs(feed.content)
    assert panel["name"] not in team.client.get("/wards/riverside/northfield").text
    pinned = {pin.get("event") for pin in sample_scenario()["pins"]}
    dropped = next(
        e
        for e in sample_scenario()["events"]
        if e.get("public", True) and e["ward"] != "northfield" and e["id"] not in pinned
    )
    assert team.client.delete(f"/teams/riverside/events/{dropped['id']}").status_code == 204
    team.publish(MONDAY, FIRST)  # withdrawn stays withdrawn, and the feed unchanged
    assert _fetch(team, ward, **{"If-None-Match": feed.headers["ETag"]}).status_code == 304
    gone = team.client.delete("/teams/riverside/events/ev-panel-northfield")
    assert gone.status_code == 204, gone.text
    team.publish(MONDAY, FIRST)  # deleted while withdrawn: never shown as cancelled
    assert panel["name"] not in _fetch(team, ward).text
    elsewhere = _fetch(team, f"/ical/public/riverside/{dropped['ward']}.ics")
    events = {e["uid"]: e for e in icaljs(elsewhere.content)["events"]}
    assert events[f"public-riverside-{dropped['id']}@beatplan"]["status"] == "CANCELLED"


@pytest.mark.parametrize("zone", ["Europe/London", "Europe/Dublin", "Australia/Lord_Howe"])
def test_the_vtimezone_gives_the_zones_offsets(team: Team, zone: str):
    """Read by ical.js, the feed's VTIMEZONE gives the zone's real offset in the middle of
    every month of its span and (for the British Isles) a minute either side of every
    change; each change's onset is the local time before it (RFC 5545), so the clocks go
    forward at 01:00 in London, not 02:00."""
    team.publish(MONDAY, FIRST)
    moved = sample_scenario()
    moved["team"] = {**moved["team"], "timezone": zone}
    assert team.client.post("/teams/riverside/scenario", json=moved).is_success
    team.app.state.feed_tokens.clear()
    feed = _fetch(team, team.feed()).content
    tz = ZoneInfo(zone)
    first, last = feeds._TIMEZONE_YEARS
    instants = [
        datetime(y, m, 15, 12, tzinfo=UTC) for y in range(first, last) for m in range(1, 13)
    ]
    changes = feeds._transitions(
        tz, datetime(first, 1, 1, tzinfo=UTC), datetime(last, 1, 1, tzinfo=UTC)
    )
    assert len(changes) == 2 * (last - first)
    if zone.startswith("Europe/"):
        instants += [c + timedelta(minutes=m) for c in changes for m in (-1, 1)]
    wanted = [int(i.astimezone(tz).utcoffset().total_seconds()) for i in instants]
    assert icaljs_offsets(feed, instants) == wanted
    (component,) = icalendar.Calendar.from_ical(feed).walk("VTIMEZONE")
    onsets = set()
    for part in component.subcomponents:
        before, after = part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td
        if before == after:
            continue  # how the span begins, not a change
        rdates = part.get("RDATE", [])
        local = {part.decoded("DTSTART")}
        local |= {d.dt for r in (rdates if isinstance(rdates, list) else [rdates]) for d in r.dts}
        onsets |= {(onset - before).replace(tzinfo=UTC) for onset in local}
    assert onsets == set(changes)
    if zone == "Europe/London":
        daylight = next(p for p in component.subcomponents if p.name == "DAYLIGHT")
        assert daylight.decoded("DTSTART") == datetime(first, 3, 31, 1, 0)


def test_cancelled_duty_leaves_once_past_and_old_weeks_after_four(team: Team):
    """A cancelled duty stays until it is past; duties older than four weeks drop out."""
    team.publish(MONDAY, FIRST)
    path = team.feed()
    team.publish(MONDAY, SECOND)
    thursday = f"duty-riverside-pc-walsh-{THU}@beatplan"
    team.app.state.clock = lambda: datetime(2026, 11, 28, tzinfo=UTC)
    uids = {e["uid"] for e in icaljs(_fetch(team, path).content)["events"]}
    assert thursday not in uids and f"duty-riverside-pc-walsh-{MON}@beatplan" in uids
    team.app.state.clock = lambda: datetime(2026, 12, 28, tzinfo=UTC)
    assert icaljs(_fetch(team, path).content)["events"] == []


@pytest.mark.parametrize(
    ("fixture", "saturday", "hours"),
    [
        ("riverside-spring.json", date(2026, 3, 28), 7),
        ("riverside-dst.json", date(2026, 10, 24), 9),
    ],
    ids=["29-march", "25-october"],
)
def test_night_duty_across_the_clock_change(
    database_url: str, fixture: str, saturday: date, hours: int
):
    """A 22:00-06:00 night across each change has its true UTC instants in the feed."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    app.state.clock = lambda: datetime.combine(saturday, time(), UTC)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        scenario = sample_scenario(fixture)
        assert client.post("/teams/riverside/scenario", json=scenario).is_success
        week = date.fromisoformat(scenario["week_start"])
        night = duty(
            "pc-walsh",
            saturday,
            "22:00",
            "06:00",
            patrol("market-square", saturday, "22:30", "23:30"),
            template="night",
        )
        assert night.hours == hours  # the test's own duty is right
        team = Team(client, app)
        team.publish(week, [night])
        response = _fetch(team, team.feed())
    (event,) = icaljs(response.content)["events"]
    assert (event["start"], event["end"]) == (_utc(night.start), _utc(night.end))
    (python,) = python_events(response.content)
    elapsed = python.decoded("DTEND") - python.decoded("DTSTART")
    assert elapsed == timedelta(hours=hours)


def test_officer_with_no_duties_gets_a_valid_calendar(team: Team):
    team.publish(MONDAY, FIRST)
    parsed = icaljs(_fetch(team, team.feed(staff="pcso-begum")).content)
    assert parsed["events"] == [] and parsed["timezones"] == ["Europe/London"]


def test_busy_team_and_ward_feeds(team: Team):
    """Busy-only shows times and nothing else; the team feed names people; the public
    ward feed lists the ward's public events and no staff name at all."""
    team.publish(MONDAY, FIRST)
    busy = _fetch(team, team.feed(kind="busy"))
    events = icaljs(busy.content)["events"]
    assert {e["summary"] for e in events if e["status"] == "CONFIRMED"} == {"Busy"}
    walsh = [d for d in FIRST if d.staff == "pc-walsh"]  # her panel is inside a duty:
    assert len(events) == len(walsh)  # one block for it, not two
    assert all(e["location"] is None and e["description"] is None for e in events)

    sergeant = icaljs(_fetch(team, team.feed(kind="team", staff=None)).content)
    summaries = {e["summary"] for e in sergeant["events"]}
    assert any(s.startswith("Siobhan Walsh:") for s in summaries)
    assert len(sergeant["events"]) == len(FIRST)

    ward = _fetch(team, "/ical/public/riverside/market-square.ics")
    assert ward.status_code == 200 and ward.headers["cache-control"].startswith("public")
    public = icaljs(ward.content)["events"]
    wanted = {
        f"public-riverside-{e['id']}@beatplan"
        for e in sample_scenario()["events"]
        if e["ward"] == "market-square" and e.get("public", True)
    }
    assert {e["uid"] for e in public} == wanted and wanted
    for person in sample_scenario()["staff"]:
        assert person["name"] not in ward.text
        assert person["id"] not in ward.text
    assert _fetch(team, "/ical/public/riverside/atlantis.ics").status_code == 404


def test_head_answers_like_get_without_a_body(team: Team):
    team.publish(MONDAY, FIRST)
    path = team.feed()
    got = _fetch(team, path)
    head = team.client.head(path, headers={"Authorization": ""})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert int(head.headers["content-length"]) == len(got.content)


def test_feed_secrets(team: Team):
    """Another officer cannot make or manage a colleague's feed; revoked, rotated-away,
    guessed and missing tokens are 404; managing feeds without signing in is 401."""
    team.publish(MONDAY, FIRST)
    officers = {}
    for staff in ("pc-walsh", "pcso-begum"):
        made = team.client.post(
            "/users",
            json={"name": staff, "role": "officer", "team_id": "riverside", "staff_id": staff},
        )
        officers[staff] = {"Authorization": f"Bearer {made.json()['token']}"}
    own = team.feed(headers=officers["pc-walsh"])
    body = {"team_id": "riverside", "kind": "duties", "staff_id": "pc-walsh"}
    assert team.client.post("/feeds", json=body, headers=officers["pcso-begum"]).status_code == 403
    assert team.client.post("/feeds", json=body, headers={"Authorization": ""}).status_code == 401
    assert _fetch(team, own).status_code == 200
    theirs = _fetch(team, team.feed(staff="pcso-begum", headers=officers["pcso-begum"]))
    assert theirs.status_code == 200 and "pc-walsh" not in theirs.text  # another's token

    (mine,) = team.client.get("/feeds", headers=officers["pc-walsh"]).json()
    assert "token" not in mine and mine["staff_id"] == "pc-walsh"
    assert {
        f["staff_id"] for f in team.client.get("/feeds", headers=officers["pcso-begum"]).json()
    } == {"pcso-begum"}
    stranger = team.client.delete(f"/feeds/{mine['id']}", headers=officers["pcso-begum"])
    assert stranger.status_code == 403

    rotated = team.client.post(f"/feeds/{mine['id']}/rotate", headers=officers["pc-walsh"])
    assert rotated.status_code == 201
    new_path = "/" + rotated.json()["url"].split("/", 3)[3]
    assert _fetch(team, own).status_code == 404
    assert _fetch(team, new_path).status_code == 200
    assert team.client.delete(f"/feeds/{rotated.json()['id']}").status_code == 204
    assert _fetch(team, new_path).status_code == 404
    assert _fetch(team, "/ical/" + "A" * 43 + ".ics").status_code == 404
    assert _fetch(team, "/ical/.ics").status_code == 404


def test_internal_error_is_5xx_not_an_empty_calendar(team: Team, monkeypatch):
    """If rendering fails the subscriber gets a 500, never a 200 that would wipe duties."""
    team.publish(MONDAY, FIRST)
    path = team.feed()

    def broken(*_args: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("api.feeds.render", broken)
    with TestClient(team.app, raise_server_exceptions=False) as client:
        assert client.get(path).status_code == 500


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/ical/s3cr3tT0ken-abc.ics?x=1", "/ical/<secret>?x=1"),
        ("/ical/s3cr3tT0ken-abc.ICS", "/ical/<secret>"),  # mistyped: still a live token
        ("/ical/s3cr3tT0ken-abc", "/ical/<secret>"),
        ("/ical/s3cr3tT0ken/extra.ics", "/ical/<secret>"),
        ("/ical/public/riverside/market-square.ics", "/ical/public/riverside/market-square.ics"),
        # As the router reads it: percent-decoded, case-folded, slashes collapsed.
        ("/%69cal/s3cr3tT0ken-abc.ics", "/ical/<secret>"),
        ("/ICAL/s3cr3tT0ken-abc.ics", "/ical/<secret>"),
        ("/%2569CAL//s3cr3tT0ken-abc.ics", "/ical/<secret>"),
        ("//ical/s3cr3tT0ken-abc.ics", "/ical/<secret>"),
    ],
)
def test_access_log_hides_feed_secrets(path: str, logged: str):
    """uvicorn's access log line for a feed shows no token, however the URL was typed;
    the public ward feeds' paths, which hold none, are logged as they are."""
    hide_feed_tokens()
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )
    assert logging.getLogger("uvicorn.access").filter(record)
    line = record.getMessage()
    assert "s3cr3tT0ken" not in line and f'"GET {logged} HTTP' in line


def test_a_public_event_says_who_it_is_for() -> None:
    """A school assembly is for its pupils and parents, not "open to everyone"."""
    panel = {"name": "Ward panel"}
    assembly = {"name": "Assembly", "audience": "pupils and parents of St Mark's Primary"}
    assert feeds.public_description(panel, "St Mark's").endswith("(St Mark's). Open to everyone.")
    assert feeds.public_description(assembly, "St Mark's").endswith(
        "(St Mark's). For pupils and parents of St Mark's Primary."
    )


def test_hot_spot_visits_are_in_the_officers_duty_and_never_in_public(database_url: str):
    """A planned visit is a line of the officer's duty entry (its place and minutes); the
    ward's public feed and public page show nothing of hot spots."""
    scenario = sample_scenario()
    spot = {
        "id": "ms-hs1",
        "name": "Market Square hot spot 1",
        "longitude": -0.2837,
        "latitude": 51.47525,
        "records": 40,
        "harm_share": 0.2,
        "peak_hours": [9, 10],
    }
    next(w for w in scenario["wards"] if w["id"] == "market-square")["hot_spots"] = [spot]
    block = patrol("market-square", MON, "07:30", "14:30")
    block.visits = [Visit(hot_spot="ms-hs1", start=at(MON, "09:12"), end=at(MON, "09:25"))]
    app = create_app(Settings(database_url=database_url), run_worker=False)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(app.state.engine)}"
        assert client.post("/teams/riverside/scenario", json=scenario).is_success
        team = Team(client, app)
        team.publish(MONDAY, [duty("pc-walsh", MON, "07:00", "15:00", block)])
        entry = next(
            e
            for e in icaljs(_fetch(team, team.feed()).content)["events"]
            if e["uid"].startswith("duty-")
        )
        assert (
            "09:12-09:25 visit Market Square hot spot 1 (51.47525, -0.28370)"
            in (entry["description"])
        )
        public = _fetch(team, "/ical/public/riverside/market-square.ics").text
        page = _fetch(team, "/wards/riverside/market-square").text
        for text in (public, page):
            assert "hot spot" not in text.lower() and "51.47525" not in text
