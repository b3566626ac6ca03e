"""Re-planning: the repair changes little, never the past, passes the checker, and
owes what DOMAIN.md's table says."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from benchmarks.replan import briefing
from scheduler import load_scenario
from scheduler.model import build
from scheduler.replan import (
    Absence,
    EventChange,
    PinChange,
    Replan,
    Surge,
    apply_changes,
    compare,
    compensation,
    history_of,
    replan,
)
from scheduler.replan.repair import _touched_days
from scheduler.rota import Duty, Rota
from scheduler.scenario import EngagementEvent, Pin, Policy, Role, Scenario
from tests.support import FIXTURES, lawful_repair, sample_rota

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Tuesday noon of the sample week
# Removing one officer for one day may change at most this many other officers' duties.
OTHERS_CHANGED_BOUND = 3


@pytest.fixture(scope="module")
def published() -> tuple[Scenario, Rota]:
    return load_scenario(FIXTURES / "riverside.json"), sample_rota()


def _someone_working(rota: Rota, day: date) -> str:
    return next(d.staff for d in rota.duties if d.day == day)


@pytest.mark.extra  # repairs the sample team: about 8 s
def test_one_officer_sick_for_a_day(published):
    """The sick officer's duty goes; other officers' duties change within the bound;
    duties already started are exactly as published; the checker passes."""
    scenario, rota = published
    wednesday = date(2026, 11, 25)
    sick = _someone_working(rota, wednesday)
    absence = Absence(
        staff=sick,
        start=datetime(2026, 11, 25, 0, 0, tzinfo=UTC),
        end=datetime(2026, 11, 26, 0, 0, tzinfo=UTC),
        category="sick",
    )
    repair = lawful_repair(scenario, rota, NOW, absence)
    assert not any(d.staff == sick and d.day == wednesday for d in repair.rota.duties)
    others = {c.staff for c in repair.changes if c.staff != sick and c.change != "ward changed"}
    assert len(others) <= OTHERS_CHANGED_BOUND, repair.changes
    assert any(c.staff == sick and c.change == "stood down" for c in repair.changes)


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
def test_an_urgent_event_short_of_people_moves_few_duties_on_its_own_day(published):
    """A mandatory briefing at the start of Thursday's first duties needs two more people
    than start then (`benchmarks.replan`'s second change): the repair brings two in on
    Thursday (a move or a rest-day duty) and changes nothing on any other day. (In its
    default 2.5 s the full repair alone changed a median of 8 duties across the week, up
    to 112 on BCU teams; the quick try that lets anyone change on the touched days only
    is what gets it right in time. Here the budget is generous, so this asserts the
    bound, not the speed.) The sample's plan, as benchmarks/replan.py measures it: with
    familiar faces, the five brought in may include a dedicated officer whose own-ward
    share the hour in Market Square breaks (the plan of duties does not weigh shares),
    and the deployment falls back to the plan (docs/model.md)."""
    scenario, rota = published
    scenario = scenario.with_policy(continuity=None)
    request = briefing(scenario, rota)
    (change,) = request.changes
    assert isinstance(change, EventChange)
    thursday = date(2026, 11, 26)
    assert change.event.start.astimezone(scenario.zone).date() == thursday
    repair = lawful_repair(scenario, rota, request.now, change, time_limit=3)
    changed = [c for c in repair.changes if c.change != "ward changed"]
    assert {c.day for c in changed} == {thursday}, changed
    assert len(changed) <= 3, changed
    came = {(s, e) for s, e in repair.rota.attendance() if e == change.event.id}
    assert len(came) == change.event.min_staff


def test_the_days_a_change_touches():
    """The days whose duties an absence, event or surge overlaps, or a pin names: where
    the second quick try lets anyone change."""
    week = build(load_scenario(FIXTURES / "riverside.json"), now=NOW)
    wednesday = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    sick = Absence(
        staff="pc-walsh", start=wednesday, end=wednesday + timedelta(days=1), category="sick"
    )
    # Tuesday's Late-late (18:00-02:00) runs into Wednesday.
    assert _touched_days(week, Replan(now=NOW, changes=[sick])) == {
        date(2026, 11, 24),
        date(2026, 11, 25),
    }
    dawn = wednesday + timedelta(days=1, hours=7)  # Thursday 07:00-08:00: early duties only
    event = EventChange(
        event=EngagementEvent(
            id="ev-dawn",
            name="Briefing",
            ward="northfield",
            place="Northfield",
            start=dawn,
            end=dawn + timedelta(hours=1),
            mandatory=True,
        )
    )
    assert _touched_days(week, Replan(now=NOW, changes=[event])) == {date(2026, 11, 26)}
    friday_night = wednesday + timedelta(days=2, hours=20)
    surge = Surge(ward="market-square", start=friday_night, end=friday_night + timedelta(hours=3))
    assert _touched_days(week, Replan(now=NOW, changes=[surge])) == {date(2026, 11, 27)}
    pin = PinChange(pin=Pin(staff="pc-walsh", day=date(2026, 11, 28), off=True))
    assert _touched_days(week, Replan(now=NOW, changes=[pin, event])) == {
        date(2026, 11, 26),
        date(2026, 11, 28),
    }


def _attendance_from(scenario: Scenario, rota: Rota, now: datetime) -> set[tuple[str, str]]:
    """(staff, event) for the events that begin at or after `now`."""
    begins = {event.id: event.start for event in scenario.events}
    return {(staff, event) for staff, event in rota.attendance() if begins[event] >= now}


@pytest.mark.extra  # repairs the sample team (its deployment in blocks): about 9 s
def test_others_keep_their_events_and_every_attendance_change_is_listed(published):
    """An officer with no event that day goes sick: nobody is taken off an event they
    were published to attend (swapping attendees buys nothing and unsettles officers and
    organisers), and the repair lists exactly who joins or leaves an event."""
    scenario, rota = published
    wednesday = date(2026, 11, 25)
    sick = next(
        d.staff
        for d in rota.duties
        if d.day == wednesday and not any(a.event for a in d.activities)
    )
    start = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    absence = Absence(staff=sick, start=start, end=start + timedelta(days=1), category="sick")
    repair = lawful_repair(scenario, rota, NOW, absence)
    before = _attendance_from(scenario, rota, NOW)
    after = _attendance_from(scenario, repair.rota, NOW)
    assert before <= after, f"taken off an event: {sorted(before - after)}"
    listed = {(c.staff, c.event, c.change) for c in repair.attendance}
    assert listed == {(staff, event, "joined") for staff, event in after - before}
    events = {event.id: event for event in scenario.events}
    for change in repair.attendance:
        event = events[change.event]
        assert (change.name, change.ward, change.start) == (event.name, event.ward, event.start)
        assert change.notice_hours == round((event.start - NOW).total_seconds() / 3600, 1)


def _under_way(rota: Rota, now: datetime) -> Duty:
    """A duty that started before `now` and runs on for two hours or more after it, whose
    person is not at an event that began before `now` and is still going on."""

    def attending(duty: Duty) -> bool:
        return any(a.kind == "event" and a.start < now < a.end for a in duty.activities)

    return next(
        d
        for d in sorted(rota.duties, key=lambda d: (d.start, d.staff))
        if d.start < now and d.end - now >= timedelta(hours=2) and not attending(d)
    )


@pytest.mark.extra  # repairs the sample team: about 10 s (and five moments below)
def test_officer_sent_home_mid_duty_leaves_then(published):
    """Someone sent home sick at `now` leaves their duty then: the repair ends that duty at
    `now`, keeps what it did before as published, reports it cut short, and passes the
    checker (others may be moved to cover the hours)."""
    scenario, rota = published
    under_way = _under_way(rota, NOW)
    sick = Absence(staff=under_way.staff, start=NOW, end=NOW + timedelta(days=1), category="sick")
    repair = lawful_repair(scenario, rota, NOW, sick)
    [kept] = [d for d in repair.rota.duties if (d.staff, d.day) == (under_way.staff, under_way.day)]
    assert (kept.template, kept.start, kept.end) == (under_way.template, under_way.start, NOW)
    assert all(a.end <= NOW for a in kept.activities)
    assert any(
        (c.staff, c.day, c.change) == (under_way.staff, under_way.day, "cut short")
        for c in repair.changes
    )


@pytest.mark.extra  # repairs the sample team mid-event: about 10 s
def test_officer_pulled_from_an_event_under_way_leaves_when_it_ends(published):
    """An absence that begins while its person is at an event that has begun starts when
    the event ends: the event stays staffed as it happened, and the duty ends then."""
    scenario, rota = published
    under_way, event = next(
        (d, a)
        for d in sorted(rota.duties, key=lambda d: (d.start, d.staff))
        for a in d.activities
        if a.kind == "event" and d.start < a.start and d.end - a.end >= timedelta(hours=1)
    )
    now = event.start + (event.end - event.start) / 2
    pulled = Absence(staff=under_way.staff, start=now, end=now + timedelta(hours=8), category="aid")
    repair = lawful_repair(scenario, rota, now, pulled)
    [kept] = [d for d in repair.rota.duties if (d.staff, d.day) == (under_way.staff, under_way.day)]
    assert kept.end.astimezone(UTC) == event.end.astimezone(UTC)
    assert event in kept.activities


@pytest.mark.extra  # repairs the sample team (its deployment in blocks): about 9 s
def test_urgent_event_and_surge_are_covered(published):
    """A mandatory reassurance meeting is staffed; a surge leaves the past alone."""
    scenario, rota = published
    meeting = EngagementEvent(
        id="ev-reassurance",
        name="Reassurance meeting after knife incident",
        kind="community-meeting",
        ward="northfield",
        place="Northfield community centre",
        start=datetime(2026, 11, 26, 18, 0, tzinfo=UTC),
        end=datetime(2026, 11, 26, 19, 30, tzinfo=UTC),
        min_staff=2,
        min_warranted=1,
        mandatory=True,
    )
    surge = Surge(
        ward="northfield",
        start=datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
        end=datetime(2026, 11, 26, 22, 0, tzinfo=UTC),
        weight=3,
    )
    # Lawful as `lawful_repair` has it: every rule kept and the past as published, but
    # for a dedicated officer whose patrol before Tuesday noon was already short of the
    # own-ward share in the rota solved for this process (the week then falls short by
    # no more than that past does: docs/model.md, "Familiar faces").
    repair = lawful_repair(scenario, rota, NOW, EventChange(event=meeting), surge, time_limit=1)
    staffing = next(e for e in repair.rota.events if e.event == "ev-reassurance")
    assert staffing.staffed and len(staffing.attendees) >= 2


def test_surges_join_the_week_and_add_up(published):
    """Each surge joins the week's `surges` (two in one ward both count) and survives the
    scenario's JSON, which is how the service stores the week."""
    scenario, rota = published
    evening = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    surges = [
        Surge(ward="northfield", start=evening, end=evening + timedelta(hours=6), weight=3),
        Surge(ward="northfield", start=evening, end=evening + timedelta(hours=2), weight=2),
    ]
    changed, _ = apply_changes(scenario, rota, Replan(now=NOW, changes=surges))
    ward = scenario.ward("northfield")

    def expected(key: tuple[int, int], added: float) -> float:
        raw = ward.demand_by_local_hour.get(key, 0.0) + added
        return max(raw, 1.0) * scenario.policy.peak_multiplier if key in ward.peak_hours else raw

    # Thursday 16:00 and 17:00 have both surges, 18:00-21:00 the first, 22:00 neither.
    for hour, added in ((16, 5), (17, 5), (18, 3), (21, 3), (22, 0)):
        weight = changed.demand_weight("northfield", (3, hour))
        assert weight == pytest.approx(expected((3, hour), added)), hour
    assert Scenario.model_validate(changed.model_dump(mode="json")).surges == changed.surges


def test_impossible_repair_is_explained(published):
    """A mandatory event needing a skill nobody has is explained, not dropped."""
    scenario, rota = published
    impossible = EngagementEvent(
        id="ev-impossible",
        name="Briefing in Klingon",
        ward="northfield",
        place="Library",
        start=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        end=datetime(2026, 11, 27, 11, 0, tzinfo=UTC),
        required_skills=["klingon"],
        mandatory=True,
    )
    result, repair, _ = replan(
        scenario, rota, Replan(now=NOW, changes=[EventChange(event=impossible)])
    )
    assert repair is None and result.rota is None
    assert any(
        "Briefing in Klingon" in line or "klingon" in line for line in result.report.explanation
    )


def test_changes_outside_the_week_are_refused_naming_the_week():
    """An absence in another week, or a repair after the week has ended, is bad input
    (the service answers 422), not a draft with nothing changed. Event times without an
    offset are refused too, as every other time in a repair is."""
    scenario = load_scenario(FIXTURES / "riverside.json")
    rota = Rota(team=scenario.team.id, week_start=scenario.week_start, duties=[])
    later = datetime(2027, 1, 25, 9, 0, tzinfo=UTC)
    away = Absence(staff="pc-walsh", start=later, end=later + timedelta(days=1), category="sick")
    with pytest.raises(ValueError, match="outside the week of 23 Nov 2026"):
        apply_changes(scenario, rota, Replan(now=NOW, changes=[away]))
    with pytest.raises(ValueError, match="after the week of 23 Nov 2026 has ended"):
        apply_changes(scenario, rota, Replan(now=later, changes=[away]))
    inside = away.model_copy(update={"start": NOW, "end": NOW + timedelta(hours=8)})
    changed, _ = apply_changes(scenario, rota, Replan(now=NOW, changes=[inside]))
    assert any(u.start == NOW for p in changed.staff if p.id == "pc-walsh" for u in p.unavailable)
    naive = {
        "kind": "event",
        "event": {
            "id": "ev-naive",
            "name": "Briefing",
            "ward": "northfield",
            "place": "Library",
            "start": "2026-11-27T10:00:00",
            "end": "2026-11-27T11:00:00",
        },
    }
    with pytest.raises(ValueError, match="has no offset"):
        Replan.model_validate({"now": NOW, "changes": [naive]})


def test_pins_that_clash_are_refused_not_solved():
    """A repair's pin that repeats or contradicts the week's pins or an earlier pin of
    the repair is bad input (the command line says which), not an impossible week."""
    scenario = load_scenario(FIXTURES / "riverside.json")
    rota = Rota(team=scenario.team.id, week_start=scenario.week_start, duties=[])
    panel = PinChange(pin=Pin(staff="pc-walsh", event="ev-panel-northfield"))  # Thu 26 Nov
    thursday_off = PinChange(pin=Pin(staff="pc-walsh", day=date(2026, 11, 26), off=True))
    with pytest.raises(ValueError, match=r"changes\[1\] repeats or contradicts changes\[0\]"):
        apply_changes(scenario, rota, Replan(now=NOW, changes=[panel, thursday_off]))
    # The sample week pins the sergeant to the market panel on Tuesday evening.
    tuesday_off = PinChange(pin=Pin(staff="sgt-okoye", day=date(2026, 11, 24), off=True))
    with pytest.raises(ValueError, match=r"changes\[0\] repeats or contradicts the week's pins"):
        apply_changes(scenario, rota, Replan(now=NOW, changes=[tuesday_off]))
    friday_off = thursday_off.model_copy(
        update={"pin": Pin(staff="pc-walsh", day=date(2026, 11, 27), off=True)}
    )
    changed, _ = apply_changes(scenario, rota, Replan(now=NOW, changes=[panel, friday_off]))
    assert len(changed.pins) == len(scenario.pins) + 2


@pytest.mark.parametrize(
    ("arguments", "rule", "paid", "off"),
    [
        # Work a rostered rest day at under 15 days' notice: time-and-a-half, minimum 4 h.
        (
            {"role": Role.PC, "change": "added", "hours": 8, "clear_days": 3},
            "time-and-a-half",
            12,
            0,
        ),
        ({"role": Role.PC, "change": "added", "hours": 3, "clear_days": 3}, "minimum 4 h", 6, 0),
        # ... with 15 days' notice or more: a replacement rest day.
        (
            {"role": Role.SGT, "change": "added", "hours": 8, "clear_days": 15},
            "replacement rest day",
            0,
            0,
        ),
        # Public holiday at under 8 days: double time plus a day in lieu, minimum 4 h.
        (
            {
                "role": Role.PC,
                "change": "added",
                "hours": 8,
                "clear_days": 2,
                "public_holiday": True,
            },
            "day in lieu",
            16,
            8,
        ),
        # Public holiday otherwise: double time, minimum 4 h.
        (
            {
                "role": Role.PC,
                "change": "added",
                "hours": 2,
                "clear_days": 9,
                "public_holiday": True,
            },
            "double time",
            8,
            0,
        ),
        # Start brought forward at under 8 hours' notice: the extra hours as overtime.
        (
            {
                "role": Role.PC,
                "change": "moved",
                "hours": 8,
                "clear_days": 0,
                "brought_forward_hours": 3,
                "hours_notice": 5,
            },
            "brought forward",
            4,
            0,
        ),
        # PCSO works a rest day at under 5 days' notice: overtime plus time off in lieu.
        (
            {"role": Role.PCSO, "change": "added", "hours": 6, "clear_days": 2},
            "time off in lieu",
            8,
            6,
        ),
    ],
)
def test_compensation_follows_the_domain_table(arguments, rule, paid, off):
    owed = compensation(**arguments)
    assert owed is not None and rule in owed.rule
    assert owed.paid_hours == pytest.approx(paid)
    assert owed.time_off_hours == pytest.approx(off)


def test_pcso_rest_day_notice_is_the_teams_setting():
    """The 5 days' notice a PCSO's rest day needs varies by force (DOMAIN.md `[?]`): a
    team that sets 10 owes overtime for a rest day worked at 7 clear days' notice."""
    default = compensation(role=Role.PCSO, change="added", hours=6, clear_days=7)
    assert default is not None and "replacement rest day" in default.rule
    stricter = compensation(
        role=Role.PCSO, change="added", hours=6, clear_days=7, pcso_notice_days=10
    )
    assert stricter is not None and "under 10 days' notice" in stricter.rule
    assert stricter.paid_hours == pytest.approx(8) and stricter.time_off_hours == 6
    with pytest.raises(ValidationError):
        Policy(pcso_rest_day_notice_days=-1)


def test_a_repair_owes_a_pcso_by_the_teams_notice(published):
    """`compare` reads the team's policy: a PCSO's Sunday duty added on Monday morning (5
    clear days) is a replacement rest day by default, overtime where a force asks for 6."""
    scenario, rota = published
    sunday = date(2026, 11, 29)
    pcsos = {p.id for p in scenario.staff if p.role is Role.PCSO}
    duty = next(d for d in rota.duties if d.day == sunday and d.staff in pcsos)
    without = rota.model_copy(update={"duties": [d for d in rota.duties if d is not duty]})
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)

    def owed(days: int) -> str:
        notice = scenario.with_policy(pcso_rest_day_notice_days=days)
        changes = compare(notice, without, rota, monday)
        (added,) = [c for c in changes if c.staff == duty.staff and c.change == "added"]
        assert added.compensation is not None
        return added.compensation

    assert "replacement rest day" in owed(5)
    assert "under 6 days' notice" in owed(6)


def test_no_compensation_for_a_start_moved_later_or_with_notice():
    assert compensation(role=Role.PC, change="moved", hours=8, clear_days=3) is None
    late = compensation(
        role=Role.PC,
        change="moved",
        hours=8,
        clear_days=0,
        brought_forward_hours=2,
        hours_notice=10,
    )
    assert late is None


def test_a_duty_under_way_keeps_its_past_and_takes_the_repairs_future():
    """A duty that started before the repair keeps what it did before `now` as published,
    and does from `now` what the repair decided (a published event after `now` that the
    repair gave to someone else must not stay on it: that double-staffed the event)."""
    from scheduler.replan.repair import _splice
    from scheduler.rota import Activity, Duty

    def at(hour: int) -> datetime:
        return datetime(2026, 11, 24, hour, tzinfo=UTC)

    def duty(*activities: Activity) -> Duty:
        return Duty(
            staff="p",
            day=date(2026, 11, 24),
            template="day",
            start=at(10),
            end=at(18),
            activities=list(activities),
        )

    published = duty(
        Activity(kind="patrol", ward="a", start=at(10), end=at(14)),
        Activity(kind="event", ward="a", event="panel", start=at(14), end=at(15)),
        Activity(kind="patrol", ward="a", start=at(15), end=at(18)),
    )
    solved = duty(
        Activity(kind="patrol", ward="b", start=at(10), end=at(11)),
        Activity(kind="patrol", ward="a", start=at(11), end=at(16)),
        Activity(kind="patrol", ward="c", start=at(16), end=at(18)),
    )
    spliced = _splice(published, solved, at(12))
    assert [(a.kind, a.ward, a.event, a.start.hour, a.end.hour) for a in spliced.activities] == [
        ("patrol", "a", None, 10, 16),  # history to 12:00 merged with the same block after
        ("patrol", "c", None, 16, 18),
    ]
    assert history_of(
        Rota(team="t", week_start=date(2026, 11, 23), duties=[published]), at(12)
    ) == (history_of(Rota(team="t", week_start=date(2026, 11, 23), duties=[spliced]), at(12)))
    assert _splice(published, None, at(12)) == published
    assert _splice(published, solved, at(19)) == published  # finished: history entirely


@pytest.mark.extra  # five repairs of the sample team, about 45 s
@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 23, 8, 10, tzinfo=UTC),  # a Monday morning, mid-slot
        datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        datetime(2026, 11, 25, 17, 40, tzinfo=UTC),  # evening events under way
        datetime(2026, 11, 26, 22, 15, tzinfo=UTC),  # lates and nights on duty
        datetime(2026, 11, 28, 14, 5, tzinfo=UTC),
    ],
)
def test_a_repair_at_any_moment_keeps_the_familiar_faces(published, now: datetime):
    """Whoever is on duty at `now` is sent home then: the repair keeps every continuity
    rule of the sample team's policy (a duty under way finishes its block in its ward, its
    wards before `now` count), the cut duty's last run and a move at `now` that another
    rule needs aside (`tests.support.lawful_repair`)."""
    scenario, rota = published
    assert scenario.policy.continuity is not None
    on_duty = _under_way(rota, now)
    sick = Absence(staff=on_duty.staff, start=now, end=now + timedelta(days=1), category="sick")
    repair = lawful_repair(scenario, rota, now, sick)  # the checker passes, the past kept
    assert repair.rota.report is not None and repair.rota.report.faces is not None
    assert repair.rota.report.faces.status in ("OPTIMAL", "FEASIBLE")
