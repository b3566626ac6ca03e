"""Calendar feeds: what subscribers see of published rotas (see ../shared/FEEDS.md).

Publishing a week calls `sync_week` in the same transaction. It turns the rota into
feed entries with stable UIDs (team, officer, local date; or team, event, officer) and
compares them with what subscribers saw before: a new entry starts at SEQUENCE 0, an
entry whose times, status or place change goes up by one, and an entry no longer in the
rota becomes CANCELLED. DTSTAMP and LAST-MODIFIED are when the entry last changed, so a
feed that has not changed renders to the same bytes.

Rendering reads only `feed_entry`: a duty feed from four weeks back onwards (cancelled
entries until they are past), with times as UTC instants.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from sqlmodel import Session, col, select

from api import tables
from scheduler.roster import Roster
from scheduler.rota import Rota, Visit

PAST_WINDOW = timedelta(weeks=4)
CONFIRMED, CANCELLED = "CONFIRMED", "CANCELLED"
# An entry withdrawn from its feed (a public event made private): never rendered, but
# kept until it is past so that its change still moves the feed's Last-Modified.
WITHDRAWN = "WITHDRAWN"
FORMAT = "2"  # bump when rendering changes, so ETags change with it
PRODID = "-//Beatplan//Neighbourhood rotas//EN"
_TIMEZONE_YEARS = (2024, 2036)  # the VTIMEZONE's span: fixed, so the bytes are too


@dataclass(frozen=True)
class Wanted:
    """A feed entry as the newly published rota has it."""

    uid: str
    kind: str
    staff_id: str | None
    ward_id: str | None
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str


def _clock(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M")


def _visit_line(visit: Visit, spots: dict[str, dict], zone: ZoneInfo) -> str:
    """A planned hot-spot visit, for the officer's own duty entry (never a public feed)."""
    spot = spots.get(visit.hot_spot)
    where = (
        f"{spot['name']} ({spot['latitude']:.5f}, {spot['longitude']:.5f})"
        if spot
        else visit.hot_spot
    )
    return f"  {_clock(visit.start, zone)}-{_clock(visit.end, zone)} visit {where}"


def wanted_entries(session: Session, team: tables.Team, rota: Rota) -> list[Wanted]:
    """The entries a published rota gives: each duty and each event an officer attends
    (in their feed), and each public event of the week (in its ward's feed)."""
    zone = ZoneInfo(team.timezone)
    specs = {w.id: w.spec for w in session.exec(_items(tables.Ward, team.id))}
    wards = {ward_id: spec["name"] for ward_id, spec in specs.items()}
    spots = {spot["id"]: spot for spec in specs.values() for spot in spec.get("hot_spots") or []}
    templates = {t.id: t.spec["name"] for t in session.exec(_items(tables.DutyTemplate, team.id))}
    start = datetime.combine(rota.week_start, time(0), zone)
    next_week = datetime.combine(rota.week_start + timedelta(days=7), time(0), zone)
    events = {
        e.id: e.spec
        for e in session.exec(
            _items(tables.EngagementEvent, team.id).where(
                col(tables.EngagementEvent.starts_at) >= start,
                col(tables.EngagementEvent.starts_at) < start + timedelta(days=8),
            )
        )
    }
    station = team.station or team.name
    wanted: list[Wanted] = []
    for duty in rota.duties:
        lines = []
        for activity in duty.activities:
            ward = wards.get(activity.ward, activity.ward)
            span = f"{_clock(activity.start, zone)}-{_clock(activity.end, zone)}"
            if activity.kind == "event" and activity.event in events:
                spec = events[activity.event]
                lines.append(f"{span} {spec['name']}, {spec['place']} ({ward})")
                wanted.append(
                    Wanted(
                        uid=f"event-{team.id}-{activity.event}-{duty.staff}@beatplan",
                        kind="event",
                        staff_id=duty.staff,
                        ward_id=activity.ward,
                        starts_at=activity.start.astimezone(UTC),
                        ends_at=activity.end.astimezone(UTC),
                        summary=spec["name"],
                        location=spec["place"],
                        description=f"{spec.get('kind', 'engagement').replace('-', ' ')} in {ward}",
                    )
                )
            else:
                lines.append(f"{span} patrol {ward}")
                lines += [_visit_line(visit, spots, zone) for visit in activity.visits]
        main = duty.main_ward
        name = templates.get(duty.template, duty.template)
        where = f"{wards.get(main, main)} patrol" if main else "duty"
        wanted.append(
            Wanted(
                uid=f"duty-{team.id}-{duty.staff}-{duty.day.isoformat()}@beatplan",
                kind="duty",
                staff_id=duty.staff,
                ward_id=main,
                starts_at=duty.start.astimezone(UTC),
                ends_at=duty.end.astimezone(UTC),
                summary=f"{name} – {where}",
                location=f"{wards[main]}, from {station}" if main in wards else station,
                description="\n".join(lines) or f"{name} duty",
            )
        )
    for event_id, spec in sorted(events.items()):
        begins = datetime.fromisoformat(spec["start"]) if isinstance(spec["start"], str) else None
        if not spec.get("public", True) or begins is None:
            continue
        ends = datetime.fromisoformat(spec["end"])
        if begins.tzinfo is None:
            begins, ends = begins.replace(tzinfo=zone), ends.replace(tzinfo=zone)
        if begins >= next_week:
            continue  # next Monday's: the next week's feed entry (a duty may still attend it)
        wanted.append(
            Wanted(
                uid=public_uid(team.id, event_id),
                kind="public",
                staff_id=None,
                ward_id=spec["ward"],
                starts_at=begins.astimezone(UTC),
                ends_at=ends.astimezone(UTC),
                summary=spec["name"],
                location=spec["place"],
                description=public_description(spec, wards.get(spec["ward"], spec["ward"])),
            )
        )
    return wanted


def _items(table: type[tables.TeamItem], team_id: str) -> Any:
    return select(table).where(col(table.team_id) == team_id)


def sync_week(session: Session, team_id: str, week: date, rota: Rota) -> dict[str, int]:
    """Bring the team-week's feed entries to the published rota; the caller commits.
    Returns counts of entries added, changed, cancelled, removed and left alone."""
    team = session.get(tables.Team, team_id)
    assert team is not None
    now = datetime.now(UTC)
    wanted = {entry.uid: entry for entry in wanted_entries(session, team, rota)}
    existing = {
        entry.uid: entry
        for entry in session.exec(
            select(tables.FeedEntry).where(
                col(tables.FeedEntry.team_id) == team_id, col(tables.FeedEntry.week_start) == week
            )
        )
    }
    # An entry another week holds (an event moved to this week, or an officer attending
    # an event at the seam of two weeks) is the same UID: it moves here, so subscribers
    # see it change, not a cancellation and a duplicate.
    elsewhere = set(wanted) - set(existing)
    if elsewhere:
        for entry in session.exec(
            select(tables.FeedEntry).where(
                col(tables.FeedEntry.team_id) == team_id, col(tables.FeedEntry.uid).in_(elsewhere)
            )
        ):
            entry.week_start = week  # a loaded row: the session writes the change
            existing[entry.uid] = entry
    counts = {"added": 0, "changed": 0, "cancelled": 0, "removed": 0, "unchanged": 0}
    _bring(session, team_id, week, wanted, existing, now, counts)
    # A rostered rest day or absence stays in its officer's feed unless the week works it
    worked = {(duty.staff, duty.day.isoformat()) for duty in rota.duties}
    following = datetime.combine(week + timedelta(days=7), time(0), ZoneInfo(team.timezone))
    private = _made_private(
        session, team_id, {u for u, e in existing.items() if u not in wanted and e.kind == "public"}
    )
    for uid, entry in existing.items():
        if uid in wanted:
            continue
        if entry.kind == "rest" and (entry.staff_id, _rest_day(uid)) not in worked:
            continue
        if entry.kind == "public" and uid in private:
            # Made private since: gone from the ward's feed, not "CANCELLED" with its
            # place and time (it is going ahead, and residents are not to know of it).
            if entry.status != WITHDRAWN:
                _withdraw(session, entry, now)
                counts["removed"] += 1
        elif entry.status == WITHDRAWN:
            continue  # still withdrawn (its event deleted since): never shown as cancelled
        elif entry.kind == "public" and entry.starts_at >= following:
            # Stored here before public entries were kept to the week they start in:
            # the following week's to keep or cancel, not this week's.
            entry.week_start = week + timedelta(days=7)
            session.add(entry)
        elif entry.status != CANCELLED:
            entry.status, entry.sequence, entry.changed_at = CANCELLED, entry.sequence + 1, now
            session.add(entry)
            counts["cancelled"] += 1
    return counts


def _bring(
    session: Session,
    team_id: str,
    week: date,
    wanted: dict[str, Wanted],
    existing: dict[str, tables.FeedEntry],
    now: datetime,
    counts: dict[str, int],
) -> None:
    """Add the wanted entries that are new, and change those that differ: SEQUENCE up
    when the time, status or place changes, or a rostered tour becomes a deployed duty."""
    for uid, want in wanted.items():
        entry = existing.get(uid)
        if entry is None:
            session.add(
                tables.FeedEntry(
                    uid=uid,
                    team_id=team_id,
                    week_start=week,
                    kind=want.kind,
                    staff_id=want.staff_id,
                    ward_id=want.ward_id,
                    starts_at=want.starts_at,
                    ends_at=want.ends_at,
                    status=CONFIRMED,
                    summary=want.summary,
                    location=want.location,
                    description=want.description,
                    sequence=0,
                    changed_at=now,
                )
            )
            counts["added"] += 1
            continue
        significant = (
            entry.starts_at != want.starts_at
            or entry.ends_at != want.ends_at
            or entry.status != CONFIRMED
            or entry.location != want.location
            or entry.summary.startswith(ROSTERED) != want.summary.startswith(ROSTERED)
        )
        textual = (entry.summary, entry.description, entry.ward_id) != (
            want.summary,
            want.description,
            want.ward_id,
        )
        if not (significant or textual):
            counts["unchanged"] += 1
            continue
        if significant:
            entry.sequence += 1
        entry.starts_at, entry.ends_at, entry.status = want.starts_at, want.ends_at, CONFIRMED
        entry.location, entry.summary = want.location, want.summary
        entry.description, entry.ward_id = want.description, want.ward_id
        entry.changed_at = now
        session.add(entry)
        counts["changed"] += 1


# --- the roster -------------------------------------------------------------------------

ROSTERED = "Rostered: "  # a tour's summary until its week is deployed
AWAY = {"rest": "Rest day", "leave": "Annual leave", "course": "Course", "court": "Court"}


def rest_uid(team_id: str, staff_id: str, day: date) -> str:
    """The UID of a rostered rest day or absence in its officer's feed."""
    return f"rest-{team_id}-{staff_id}-{day.isoformat()}@beatplan"


def _rest_day(uid: str) -> str:
    """The ISO day a `rest_uid` names."""
    return uid.removesuffix("@beatplan")[-10:]


def roster_entries(
    session: Session, team: tables.Team, roster: Roster, skipped: set[date]
) -> dict[date, dict[str, Wanted]]:
    """By week, the entries a published roster gives its officers: each tour under the
    UID its deployed duty will have ("Rostered: Early 07:00-15:00"), and each rest day or
    absence; none in the `skipped` weeks (their deployment is published)."""
    zone = ZoneInfo(team.timezone)
    templates = {t.id: t.spec["name"] for t in session.exec(_items(tables.DutyTemplate, team.id))}
    station = team.station or team.name
    weeks: dict[date, dict[str, Wanted]] = {}
    for day in roster.days:
        monday = day.day - timedelta(days=day.day.weekday())
        if monday in skipped:
            continue
        span = (
            f" {_clock(day.start, zone)}-{_clock(day.end, zone)}"
            if day.start is not None and day.end is not None
            else ""
        )
        if day.kind == "duty" and day.start is not None and day.end is not None:
            name = templates.get(day.template or "", day.template or "duty")
            want = Wanted(
                uid=f"duty-{team.id}-{day.staff}-{day.day.isoformat()}@beatplan",
                kind="duty",
                staff_id=day.staff,
                ward_id=None,
                starts_at=day.start.astimezone(UTC),
                ends_at=day.end.astimezone(UTC),
                summary=f"{ROSTERED}{name}{span}",
                location=station,
                description="Your rostered tour: wards, patrols and events follow when "
                "the week is deployed.",
            )
        else:
            begins = datetime.combine(day.day, time(0), zone)
            ends = datetime.combine(day.day + timedelta(days=1), time(0), zone)
            words = AWAY.get(day.kind, "Away")
            want = Wanted(
                uid=rest_uid(team.id, day.staff, day.day),
                kind="rest",
                staff_id=day.staff,
                ward_id=None,
                starts_at=(day.start or begins).astimezone(UTC),
                ends_at=(day.end or ends).astimezone(UTC),
                summary=f"{words}{span}",
                location="" if day.kind == "rest" else station,
                description=f"Rostered: {words.lower()} ({day.code}).",
            )
        weeks.setdefault(monday, {})[want.uid] = want
    return weeks


def sync_roster(
    session: Session, team: tables.Team, roster: Roster, skipped: set[date]
) -> dict[str, int]:
    """Bring officers' feeds to a published roster, week by week, except the `skipped`
    weeks (their deployment is published, and its rota governs them); the caller commits.
    An entry the roster no longer gives is cancelled."""
    now = datetime.now(UTC)
    counts = {"added": 0, "changed": 0, "cancelled": 0, "removed": 0, "unchanged": 0}
    entries = roster_entries(session, team, roster, skipped)
    for monday in roster_weeks(roster):
        if monday in skipped:
            continue
        wanted = entries.get(monday, {})
        existing = {
            entry.uid: entry
            for entry in session.exec(
                select(tables.FeedEntry).where(
                    col(tables.FeedEntry.team_id) == team.id,
                    col(tables.FeedEntry.week_start) == monday,
                    col(tables.FeedEntry.kind).in_(["duty", "rest"]),
                )
            )
        }
        _bring(session, team.id, monday, wanted, existing, now, counts)
        for uid, entry in existing.items():
            if uid not in wanted and entry.status != CANCELLED:
                entry.status, entry.sequence, entry.changed_at = CANCELLED, entry.sequence + 1, now
                session.add(entry)
                counts["cancelled"] += 1
    return counts


def roster_weeks(roster: Roster) -> list[date]:
    return [roster.start + timedelta(weeks=n) for n in range(roster.weeks)]


def withdraw_private(session: Session, team_id: str, event_ids: list[str]) -> int:
    """Take events made private out of their wards' public feeds at once, not at the next
    publication: residents are not to know of them. Returns how many entries went."""
    uids = [public_uid(team_id, event_id) for event_id in event_ids]
    if not uids:
        return 0
    now = datetime.now(UTC)
    entries = session.exec(
        select(tables.FeedEntry).where(
            col(tables.FeedEntry.team_id) == team_id,
            col(tables.FeedEntry.uid).in_(uids),
            col(tables.FeedEntry.status) != WITHDRAWN,
        )
    ).all()
    for entry in entries:
        _withdraw(session, entry, now)
    return len(entries)


def _withdraw(session: Session, entry: tables.FeedEntry, now: datetime) -> None:
    entry.status, entry.sequence, entry.changed_at = WITHDRAWN, entry.sequence + 1, now
    session.add(entry)


def public_description(spec: dict[str, Any], ward: str) -> str:
    """A public event in words: who it is for (its `audience`, or everyone)."""
    audience = spec.get("audience") or ""
    who = f"For {audience}." if audience else "Open to everyone."
    return f"Come and meet your neighbourhood team: {spec['name']} ({ward}). {who}"


def public_uid(team_id: str, event_id: str) -> str:
    """The UID of an event in its ward's public feed."""
    return f"public-{team_id}-{event_id}@beatplan"


def _made_private(session: Session, team_id: str, uids: set[str]) -> set[str]:
    """Of these public-feed UIDs, those whose event is now private."""
    prefix, suffix = public_uid(team_id, "").split("@")
    by_event = {uid.removeprefix(prefix).removesuffix("@" + suffix): uid for uid in uids}
    if not by_event:
        return set()
    rows = session.exec(
        _items(tables.EngagementEvent, team_id).where(col(tables.EngagementEvent.id).in_(by_event))
    )
    return {by_event[row.id] for row in rows if not row.spec.get("public", True)}


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Whose feed: an officer's (duties or busy-only), a team's, or a ward's public one."""

    kind: str  # "duties", "busy", "team" or "ward"
    team_id: str
    staff_id: str | None = None
    ward_id: str | None = None


def _selection(kind: str) -> list[Any]:
    """The WHERE clause of a kind of feed, with bind parameters `team`, `who` (the staff
    or ward id), `since` (four weeks back) and `now`."""
    entry = tables.FeedEntry
    where = [
        col(entry.team_id) == sa.bindparam("team"),
        col(entry.ends_at) >= sa.bindparam("since", type_=tables.UTCDateTime),
        sa.or_(
            col(entry.status) != CANCELLED,
            col(entry.ends_at) >= sa.bindparam("now", type_=tables.UTCDateTime),
        ),
    ]
    if kind == "duties":
        where += [col(entry.staff_id) == sa.bindparam("who"), col(entry.kind) != "public"]
    elif kind == "busy":  # an attended event lies inside its duty: one block, not two
        where += [col(entry.staff_id) == sa.bindparam("who"), col(entry.kind) == "duty"]
    elif kind == "team":
        where.append(col(entry.kind) == "duty")
    else:
        where += [col(entry.kind) == "public", col(entry.ward_id) == sa.bindparam("who")]
    return where


def _parameters(subject: Subject, now: datetime) -> dict[str, Any]:
    parameters = {"team": subject.team_id, "since": now - PAST_WINDOW, "now": now}
    if subject.kind != "team":
        parameters["who"] = subject.ward_id if subject.kind == "ward" else subject.staff_id
    return parameters


_AGGREGATES = {  # built once: the hot path of every poll
    kind: sa.select(sa.func.count(), sa.func.max(tables.FeedEntry.changed_at)).where(
        *_selection(kind)
    )
    for kind in ("duties", "busy", "team", "ward")
}
_ENTRIES = {  # the aggregates count withdrawn entries too, for their time of change
    kind: select(tables.FeedEntry)
    .where(*_selection(kind), col(tables.FeedEntry.status) != WITHDRAWN)
    .order_by(col(tables.FeedEntry.starts_at), col(tables.FeedEntry.uid))
    for kind in ("duties", "busy", "team", "ward")
}


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None


def validators(
    connection: sa.Connection, subject: Subject, name: str, zone: str, now: datetime
) -> Validators:
    """ETag and Last-Modified from one aggregate query, without rendering: the feed's
    bytes are a function of its entries' count and latest change, the name, the time
    zone (its VTIMEZONE) and FORMAT."""
    count, latest = connection.execute(_AGGREGATES[subject.kind], _parameters(subject, now)).one()
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    who = (subject.kind, subject.team_id, str(subject.staff_id), str(subject.ward_id))
    basis = "|".join([FORMAT, *who, name, zone, str(count), latest.isoformat() if latest else "-"])
    return Validators(f'"{hashlib.sha256(basis.encode()).hexdigest()[:32]}"', latest)


@lru_cache(maxsize=8)
def _timezone(zone: str) -> bytes:
    """The zone's VTIMEZONE over `_TIMEZONE_YEARS`, from its real transitions.

    Written here because icalendar 7.3's `Timezone.from_tzid` gives the spring change's
    onset in the new offset's clock (02:00 where RFC 5545 wants 01:00, the local time
    before it) and lists the years in one comma-separated RDATE, which ical.js
    (Thunderbird's parser) read as no change at all: +00:00 all summer."""
    tz = ZoneInfo(zone)
    first, last = (datetime(year, 1, 1, tzinfo=UTC) for year in _TIMEZONE_YEARS)
    start = first.astimezone(tz)
    observances: dict[tuple[Any, ...], list[datetime]] = {  # how the span begins
        (bool(start.dst()), start.utcoffset(), start.utcoffset(), start.tzname()): [
            start.replace(tzinfo=None)
        ]
    }
    for moment in _transitions(tz, first, last):
        before, after = (moment - timedelta(minutes=1)).astimezone(tz), moment.astimezone(tz)
        onset = (moment + before.utcoffset()).replace(tzinfo=None)  # RFC 5545: local, before
        key = (bool(after.dst()), before.utcoffset(), after.utcoffset(), after.tzname())
        observances.setdefault(key, []).append(onset)
    component = icalendar.Timezone()
    component.add("tzid", zone)
    for (daylight, before, after, name), onsets in observances.items():
        part = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
        part.add("dtstart", onsets[0])
        # One RDATE each (ical.js misreads a comma-separated list), the first too: ical.js
        # takes a DTSTART as an onset only when there is no RDATE (RFC 5545 allows both).
        for onset in onsets if len(onsets) > 1 else []:
            part.add("rdate", onset)
        part.add("tzname", name)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        component.add_component(part)
    return component.to_ical()


def _transitions(tz: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """The UTC instants (to the minute) where the zone's offset or name changes."""
    found = []
    day = timedelta(days=1)
    moment = first
    while moment < last:
        following = moment + day
        if _observance(tz, moment) != _observance(tz, following):
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if _observance(tz, middle) == _observance(tz, low):
                    low = middle
                else:
                    high = middle
            found.append(high)
        moment = following
    return found


def _observance(tz: ZoneInfo, moment: datetime) -> tuple[Any, ...]:
    local = moment.astimezone(tz)
    return local.utcoffset(), local.tzname()


def render(session: Session, subject: Subject, name: str, zone: str, now: datetime) -> bytes:
    """The feed as iCalendar bytes (RFC 5545 with RFC 7986 names)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # TEXT values (RFC 7986 NAME; x-properties default to TEXT): escaped as such, which
    # icalendar does not do for properties it does not know.
    calendar.add("name", icalendar.vText(name))
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    names: dict[str, str] = {}
    if subject.kind == "team":
        names = {
            s.id: s.spec["name"] for s in session.exec(_items(tables.StaffMember, subject.team_id))
        }
    entries = session.exec(_ENTRIES[subject.kind], params=_parameters(subject, now))
    for entry in entries:
        calendar.add_component(_event(entry, subject, names))
    # The VTIMEZONE is the same for every feed of a zone: spliced in as cached bytes
    # after the calendar's properties (building and folding it each time tripled the cost).
    text = calendar.to_ical()
    at = text.find(b"BEGIN:VEVENT\r\n")
    at = text.rindex(b"END:VCALENDAR") if at < 0 else at
    return text[:at] + _timezone(zone) + text[at:]


def _event(entry: tables.FeedEntry, subject: Subject, names: dict[str, str]) -> icalendar.Event:
    event = icalendar.Event()
    cancelled = entry.status == CANCELLED
    uid = entry.uid if subject.kind in ("duties", "ward") else f"{subject.kind}-{entry.uid}"
    event.add("uid", uid)
    event.add("dtstamp", entry.changed_at)
    event.add("last-modified", entry.changed_at)
    event.add("sequence", entry.sequence)
    event.add("dtstart", entry.starts_at)
    event.add("dtend", entry.ends_at)
    event.add("status", entry.status)
    summary = entry.summary
    if subject.kind == "busy":
        summary = "Busy"
        event.add("class", "PRIVATE")
    else:
        if subject.kind == "team":
            person = names.get(entry.staff_id or "", entry.staff_id or "")
            summary = f"{person}: {summary}"
        event.add("location", entry.location)
        event.add("description", entry.description)
    event.add("summary", f"CANCELLED: {summary}" if cancelled else summary)
    transparent = cancelled or subject.kind == "ward" or entry.kind == "rest"
    event.add("transp", "TRANSPARENT" if transparent else "OPAQUE")
    return event
