"""The independent checker: each hard rule of docs/rules.md, broken on its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler.checker import Violation, check
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import EngagementEvent, Scenario

LONDON = ZoneInfo("Europe/London")
SPRING = date(2026, 3, 23)  # clocks go forward on Sun 29 Mar
AUTUMN = date(2026, 10, 19)  # clocks go back on Sun 25 Oct
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def team(week: date = SPRING, **changes: Any) -> Scenario:
    """A small team: 2 wards, a PC, a sergeant, 2 PCSOs; early, late and night duties.

    `policy`, `events` and `pins` are given whole; `duty_templates`, `wards` and `staff`
    map an id to fields that update that item (or add it if the id is new).
    """
    data: dict[str, Any] = {
        "team": {"id": "north", "name": "North neighbourhood team"},
        "week_start": week.isoformat(),
        "policy": changes.pop("policy", {}),
        "events": changes.pop("events", []),
        "pins": changes.pop("pins", []),
        "duty_templates": [
            {"id": "early", "name": "Early", "start": "07:00", "end": "15:00", "break_minutes": 45},
            {"id": "late", "name": "Late", "start": "14:00", "end": "22:00", "break_minutes": 45},
            {"id": "night", "name": "Night", "start": "22:00", "end": "06:00", "break_minutes": 45},
        ],
        "wards": [
            {"id": "ward-a", "name": "Abbey ward"},
            {"id": "ward-b", "name": "Brook ward"},
        ],
        "staff": [
            {"id": "pc-khan", "name": "Amir Khan", "role": "PC", "home_ward": "ward-a"},
            {"id": "sgt-obi", "name": "Grace Obi", "role": "SGT"},
            {"id": "pcso-lee", "name": "Sam Lee", "role": "PCSO", "home_ward": "ward-a"},
            {"id": "pcso-ray", "name": "Jo Ray", "role": "PCSO", "home_ward": "ward-b"},
        ],
    }
    for section, updates in changes.items():
        items = {item["id"]: item for item in data[section]}
        for item_id, fields in updates.items():
            items[item_id] = {**items.get(item_id, {"id": item_id}), **fields}
        data[section] = list(items.values())
    return Scenario.model_validate(data)


def panel(week: date = SPRING, **fields: Any) -> dict[str, Any]:
    """A ward panel in Abbey ward on Wednesday 10:00-11:00 local."""
    wednesday = week + timedelta(days=WED)
    return {
        "id": "panel",
        "name": "Ward panel",
        "ward": "ward-a",
        "place": "Library",
        "start": f"{wednesday}T10:00",
        "end": f"{wednesday}T11:00",
        **fields,
    }


def at(day: date, clock: str) -> datetime:
    """Local clock time on `day` in London, kept in the zone as a solver would store it."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day + timedelta(days=hours // 24), time(hours % 24, minutes), LONDON)


def duty(
    scenario: Scenario,
    staff: str,
    day: int,
    template: str = "early",
    ward: str | None = "ward-a",
    activities: list[Activity] | None = None,
) -> Duty:
    """`staff` works `template` on the week's `day`, patrolling `ward` throughout by default."""
    shape = next(item for item in scenario.duty_templates if item.id == template)
    starts = scenario.week_start + timedelta(days=day)
    ends = starts + timedelta(days=shape.end <= shape.start)
    start, end = at(starts, shape.start), at(ends, shape.end)
    if activities is None:
        activities = [patrol(ward, start, end)] if ward is not None else []
    return Duty(
        staff=staff, day=starts, template=template, start=start, end=end, activities=activities
    )


def patrol(ward: str, start: datetime, end: datetime) -> Activity:
    return Activity(kind="patrol", ward=ward, start=start, end=end)


def attend(event: EngagementEvent) -> Activity:
    return Activity(kind="event", ward=event.ward, event=event.id, start=event.start, end=event.end)


def early_at_event(scenario: Scenario, staff: str, event: EngagementEvent) -> Duty:
    """An early duty on the event's day: patrol its ward, attend, patrol again."""
    day = event.start.date()
    activities = [
        patrol(event.ward, at(day, "07:00"), event.start),
        attend(event),
        patrol(event.ward, event.end, at(day, "15:00")),
    ]
    return duty(scenario, staff, (day - scenario.week_start).days, activities=activities)


def week_of(scenario: Scenario, staff: str, days: tuple[int, ...], **kwargs: Any) -> list[Duty]:
    return [duty(scenario, staff, day, **kwargs) for day in days]


def broken(scenario: Scenario, *duties: Duty, **rota_fields: Any) -> set[str]:
    """The codes of the rules the rota breaks."""
    return {violation.rule for violation in violations(scenario, *duties, **rota_fields)}


def violations(scenario: Scenario, *duties: Duty, **rota_fields: Any) -> list[Violation]:
    fields = {"team": scenario.team.id, "week_start": scenario.week_start, **rota_fields}
    return check(scenario, Rota(duties=list(duties), **fields))


def test_valid_rota_has_no_violations() -> None:
    """A full week obeying every rule (events, pins, carry-in, minimums, lone working) passes."""
    scenario = team(
        wards={
            "ward-a": {"min_weekly_hours": 60},
            "ward-b": {"lone_working_windows": [{"start": "20:00", "end": "22:00"}]},
        },
        staff={
            "pc-khan": {
                "carry_in": {"last_duty_end": "2026-03-22T15:00", "days_worked_in_a_row": 2}
            }
        },
        events=[panel(mandatory=True, min_warranted=1)],
        pins=[
            {"staff": "pc-khan", "day": "2026-03-23", "template": "early"},
            {"staff": "sgt-obi", "day": "2026-03-28", "off": True},
            {"staff": "pc-khan", "event": "panel"},
        ],
    )
    khan = week_of(scenario, "pc-khan", (MON, TUE, THU, FRI))
    khan.append(early_at_event(scenario, "pc-khan", scenario.events[0]))
    duties = [
        *khan,
        *week_of(scenario, "pcso-lee", WEEKDAYS),
        *week_of(scenario, "sgt-obi", WEEKDAYS, template="late", ward="ward-b"),
        *week_of(scenario, "pcso-ray", WEEKDAYS, template="late", ward="ward-b"),
    ]
    assert violations(scenario, *duties) == []


@pytest.mark.parametrize(
    ("make", "rota_fields"),
    [
        (lambda s: duty(s, "pc-ghost", MON), {}),
        (lambda s: duty(s, "pc-khan", MON).model_copy(update={"template": "dawn"}), {}),
        (lambda s: duty(s, "pc-khan", MON, ward="ward-z"), {}),
        (lambda s: duty(s, "pc-khan", SUN + 1), {}),
        (lambda s: duty(s, "pc-khan", MON), {"team": "south"}),
        (lambda s: duty(s, "pc-khan", MON), {"week_start": date(2026, 3, 30)}),
    ],
    ids=["unknown-staff", "unknown-template", "unknown-ward", "outside-week", "team", "week"],
)
def test_reference(make: Any, rota_fields: dict[str, Any]) -> None:
    """A rota for another team or week, or naming unknown people, templates or wards, is caught."""
    scenario = team()
    assert broken(scenario, make(scenario), **rota_fields) == {"reference"}


@pytest.mark.parametrize(
    "activities",
    [
        [patrol("ward-a", at(SPRING, "06:00"), at(SPRING, "15:00"))],
        [
            patrol("ward-a", at(SPRING, "07:00"), at(SPRING, "12:00")),
            patrol("ward-b", at(SPRING, "11:00"), at(SPRING, "15:00")),
        ],
        [patrol("ward-a", at(SPRING, "09:00"), at(SPRING, "09:00"))],
    ],
    ids=["outside-duty", "overlapping", "empty"],
)
def test_activity_inside_duty_without_overlap(activities: list[Activity]) -> None:
    """Activities lie inside their duty, last some time, and never overlap each other."""
    scenario = team()
    assert broken(scenario, duty(scenario, "pc-khan", MON, activities=activities)) == {"activity"}


@pytest.mark.parametrize(
    "change",
    [
        {"start": datetime(2026, 3, 25, 10, 30, tzinfo=LONDON)},
        {"ward": "ward-b"},
        {"event": None},
        {"kind": "patrol"},
    ],
    ids=["times", "ward", "no-event", "patrol-naming-event"],
)
def test_activity_matches_its_event(change: dict[str, Any]) -> None:
    """An event activity has the event's times and ward; only event activities name events."""
    scenario = team(events=[panel()])
    attended = early_at_event(scenario, "pc-khan", scenario.events[0])
    attended.activities[1] = attended.activities[1].model_copy(update=change)
    assert broken(scenario, attended) == {"activity"}


def test_template_times() -> None:
    """A duty starting at other times than its template's on its day is caught."""
    scenario = team()
    start, end = at(SPRING, "08:00"), at(SPRING, "15:00")
    late_start = duty(scenario, "pc-khan", MON).model_copy(
        update={"start": start, "activities": [patrol("ward-a", start, end)]}
    )
    assert broken(scenario, late_start) == {"template"}


def test_duty_cut_short_only_where_the_person_becomes_unavailable() -> None:
    """A duty may end early exactly when an unavailability of its person begins during
    it (sent home sick mid-duty); ending early otherwise, or at someone else's absence,
    breaks the template."""
    sick = {"start": "2026-03-24T11:00", "end": "2026-03-25T00:00", "reason": "sick"}
    scenario = team(staff={"pc-khan": {"unavailable": [sick]}})
    tuesday = SPRING + timedelta(days=TUE)

    def cut(staff: str, clock: str) -> Duty:
        whole = duty(scenario, staff, TUE)
        end = at(tuesday, clock)
        return whole.model_copy(
            update={"end": end, "activities": [patrol("ward-a", whole.start, end)]}
        )

    assert broken(scenario, cut("pc-khan", "11:00")) == set()
    assert broken(scenario, cut("pc-khan", "10:00")) == {"template"}
    assert broken(scenario, cut("pc-khan", "12:00")) == {"template", "unavailable"}
    assert broken(scenario, cut("sgt-obi", "11:00")) == {"template"}
    assert broken(scenario, duty(scenario, "pc-khan", TUE)) == {"unavailable"}


def test_template_roles() -> None:
    """A person may only work templates that allow their role."""
    scenario = team(duty_templates={"early": {"roles": ["PCSO"]}})
    assert broken(scenario, duty(scenario, "pcso-lee", MON)) == set()
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == {"template"}


def test_template_start_in_spring_gap_moves_forward() -> None:
    """A template time that does not exist (01:00 on 29 Mar) moves on by the gap, to 01:00 UTC."""
    scenario = team(
        duty_templates={"small": {"name": "Small hours", "start": "01:00", "end": "09:00"}}
    )
    gap_duty = duty(scenario, "pc-khan", SUN, "small", ward=None)
    right = gap_duty.model_copy(update={"start": datetime(2026, 3, 29, 1, 0, tzinfo=UTC)})
    early = gap_duty.model_copy(update={"start": datetime(2026, 3, 29, 0, 0, tzinfo=UTC)})
    assert broken(scenario, right) == set()
    assert broken(scenario, early) == {"template"}


def test_one_duty_per_day() -> None:
    """Two duties starting on one day are caught even when rest rules would allow them."""
    scenario = team(policy={"min_rest_hours": 5})
    duties = duty(scenario, "pc-khan", MON), duty(scenario, "pc-khan", MON, "night")
    assert broken(scenario, *duties) == {"one_duty_per_day"}


def test_overlapping_duties() -> None:
    """Overlapping duties are reported once, as one_duty_per_day, not as negative rest."""
    scenario = team()
    duties = (
        duty(scenario, "pc-khan", MON, ward=None),
        duty(scenario, "pc-khan", MON, "late", ward=None),
    )
    found = violations(scenario, *duties)
    assert {violation.rule for violation in found} == {"one_duty_per_day"}
    assert any("overlaps" in violation.message for violation in found)


def test_unavailable_leave() -> None:
    """No duty overlaps the person's leave, training or court."""
    absence = {"start": "2026-03-24T09:00", "end": "2026-03-24T17:00", "reason": "training"}
    scenario = team(staff={"pc-khan": {"unavailable": [absence]}})
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == set()
    assert broken(scenario, duty(scenario, "pc-khan", TUE)) == {"unavailable"}


def test_unavailable_part_time_days() -> None:
    """A part-timer works only on their working days."""
    scenario = team(staff={"pcso-lee": {"working_days": ["mon", "tue"], "contracted_hours": 16}})
    assert broken(scenario, duty(scenario, "pcso-lee", TUE)) == set()
    assert broken(scenario, duty(scenario, "pcso-lee", WED)) == {"unavailable"}


def test_daily_rest() -> None:
    """A late then an early next morning leaves 9 h rest, under the 11 h minimum."""
    scenario = team()
    found = violations(
        scenario, duty(scenario, "pc-khan", MON, "late"), duty(scenario, "pc-khan", TUE)
    )
    assert [violation.rule for violation in found] == ["daily_rest"]
    assert found[0].staff == "pc-khan"
    assert found[0].message == (
        "PC Amir Khan (pc-khan) has 9.0 h rest between the Late duty ending Mon 22:00 and the "
        "Early duty starting Tue 07:00; the minimum is 11 h."
    )


def test_daily_rest_from_carry_in() -> None:
    """Rest counts from last week's last duty to the first duty of this week."""
    scenario = team(staff={"pc-khan": {"carry_in": {"last_duty_end": "2026-03-22T23:00"}}})
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == {"daily_rest"}
    assert broken(scenario, duty(scenario, "pc-khan", MON, "late")) == set()


@pytest.mark.parametrize(
    ("week", "minimum", "expected"),
    [(AUTUMN, 9.5, set()), (SPRING, 8.5, {"daily_rest"})],
    ids=["october-10h", "march-8h"],
)
def test_daily_rest_counts_real_hours_across_clock_change(
    week: date, minimum: float, expected: set[str]
) -> None:
    """Sat late to Sun early is 10 real hours in October and 8 in March, not 9."""
    scenario = team(week, policy={"min_rest_hours": minimum})
    duties = duty(scenario, "pc-khan", SAT, "late"), duty(scenario, "pc-khan", SUN)
    assert broken(scenario, *duties) == expected


def test_weekly_rest() -> None:
    """Split rest days give no 48 h stretch off when the policy asks for one."""
    scenario = team(policy={"weekly_rest_hours": 48})
    duties = week_of(scenario, "pc-khan", (MON, TUE, THU, FRI, SUN))
    assert broken(scenario, *duties) == {"weekly_rest"}


@pytest.mark.parametrize(
    ("last_duty_end", "expected"),
    [(None, set()), ("2026-03-23T08:00", {"weekly_rest"})],
    ids=["no-carry-in", "carry-in-monday-morning"],
)
def test_weekly_rest_starts_after_carry_in(last_duty_end: str | None, expected: set[str]) -> None:
    """Weekly rest is sought only after last week's last duty ends."""
    scenario = team(
        policy={"min_rest_days": 1},
        staff={"pc-khan": {"contracted_hours": 48, "carry_in": {"last_duty_end": last_duty_end}}},
    )
    duties = week_of(scenario, "pc-khan", (TUE, WED, THU, FRI, SAT, SUN))
    assert broken(scenario, *duties) == expected


@pytest.mark.parametrize(
    ("overtime", "expected"), [(0, {"weekly_hours"}), (3, set())], ids=["no-overtime", "overtime"]
)
def test_weekly_hours(overtime: float, expected: set[str]) -> None:
    """40 h of duties exceed a 37 h contract unless 3 h of overtime are allowed."""
    scenario = team(
        policy={"max_overtime_hours": overtime}, staff={"pcso-lee": {"contracted_hours": 37}}
    )
    assert broken(scenario, *week_of(scenario, "pcso-lee", WEEKDAYS)) == expected


@pytest.mark.parametrize(
    ("day", "expected"), [(SAT, {"weekly_hours"}), (WED, set())], ids=["saturday", "wednesday"]
)
def test_october_night_is_nine_hours(day: int, expected: set[str]) -> None:
    """A 22:00-06:00 night starting Sat 24 Oct 2026 is 9 real hours; on Wed it is 8."""
    scenario = team(AUTUMN, staff={"pc-khan": {"contracted_hours": 8}})
    assert broken(scenario, duty(scenario, "pc-khan", day, "night")) == expected


@pytest.mark.parametrize(
    ("day", "expected"), [(SAT, set()), (WED, {"weekly_hours"})], ids=["saturday", "wednesday"]
)
def test_march_night_is_seven_hours(day: int, expected: set[str]) -> None:
    """A 22:00-06:00 night starting Sat 28 Mar 2026 is 7 real hours; on Wed it is 8."""
    scenario = team(SPRING, staff={"pc-khan": {"contracted_hours": 7}})
    assert broken(scenario, duty(scenario, "pc-khan", day, "night")) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [("night", {"night_work"}), ("early", set())],
    ids=["nights", "earlies"],
)
def test_night_work(template: str, expected: set[str]) -> None:
    """Five nights (40 h) exceed a night worker's 5 h per 24 h; five earlies are not night work."""
    scenario = team(policy={"night_average_hours_per_24h": 5})
    assert broken(scenario, *week_of(scenario, "pc-khan", WEEKDAYS, template=template)) == expected


@pytest.mark.parametrize(
    ("nights", "expected"), [(5, set()), (6, {"night_work"})], ids=["40h", "48h"]
)
def test_night_work_leaves_the_weekly_rest_out(nights: int, expected: set[str]) -> None:
    """WTR reg 6(5): the average is over the days less the weekly rest, so at 7 h per
    24 h a night worker may do 7 x 6 = 42 h in the week, not 7 x 7 = 49 (here with the
    48-hour limit opted out, so only the night rule can bind)."""
    scenario = team(
        policy={"night_average_hours_per_24h": 7, "min_rest_days": 1, "max_weekly_hours": 60},
        staff={"pc-khan": {"contracted_hours": 48}},
    )
    days = (TUE, WED, THU, FRI, SAT, SUN)[:nights]
    assert broken(scenario, *week_of(scenario, "pc-khan", days, template="night")) == expected


@pytest.mark.parametrize(
    ("night_min_hours", "expected"),
    [(3, set()), (2, {"night_work"})],
    ids=["2h-short", "2h-enough"],
)
def test_night_work_threshold(night_min_hours: float, expected: set[str]) -> None:
    """A late with 2 h in a 20:00-06:00 night window is night work only if 2 h suffice."""
    policy = {
        "night_start": "20:00",
        "night_average_hours_per_24h": 5,
        "night_min_hours": night_min_hours,
    }
    scenario = team(policy=policy)
    assert broken(scenario, *week_of(scenario, "pc-khan", WEEKDAYS, template="late")) == expected


def test_rest_days() -> None:
    """Six duties leave one rest day, under the minimum of two."""
    scenario = team(staff={"pc-khan": {"contracted_hours": 48}})
    duties = week_of(scenario, "pc-khan", (*WEEKDAYS, SAT))
    assert broken(scenario, *duties) == {"rest_days"}


@pytest.mark.parametrize(
    ("carried", "expected"), [(4, set()), (5, {"consecutive_days"})], ids=["seven", "eight"]
)
def test_consecutive_days(carried: int, expected: set[str]) -> None:
    """Days worked at the end of last week count towards the run of at most 7."""
    scenario = team(staff={"pc-khan": {"carry_in": {"days_worked_in_a_row": carried}}})
    assert broken(scenario, *week_of(scenario, "pc-khan", (MON, TUE, WED))) == expected


@pytest.mark.parametrize(
    ("start", "expected"), [("07:00", {"break"}), ("09:00", set())], ids=["8h", "6h"]
)
def test_break(start: str, expected: set[str]) -> None:
    """A duty over 6 h needs a 20-minute break; a 15-minute one is too short."""
    scenario = team(duty_templates={"early": {"start": start, "break_minutes": 15}})
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == expected


@pytest.mark.parametrize(
    ("template", "window_end", "expected"),
    [
        ("night", "23:00", {"pcso_window"}),
        ("late-late", "23:00", {"pcso_window"}),
        ("late-late", "24:00", set()),
    ],
)
def test_pcso_window(template: str, window_end: str, expected: set[str]) -> None:
    """A PCSO's duty lies in the PCSO window; a 24:00 window end allows duties to midnight."""
    scenario = team(
        policy={"pcso_window_end": window_end},
        duty_templates={"late-late": {"name": "Late-late", "start": "16:00", "end": "24:00"}},
    )
    assert broken(scenario, duty(scenario, "pcso-lee", MON, template)) == expected


def test_patrol_wards() -> None:
    """A person patrols only the wards they may patrol."""
    scenario = team(staff={"pc-khan": {"patrol_wards": ["ward-a"]}})
    assert broken(scenario, duty(scenario, "pc-khan", MON, ward="ward-b")) == {"patrol_wards"}


@pytest.mark.parametrize(
    ("pieces", "thursday", "expected"),
    [
        ((("ward-b", "07:00", "10:00"), ("ward-a", "10:00", "10:15")), None, set()),
        ((("ward-b", "07:00", "10:15"),), "ward-a", {"patrol_wards"}),
        ((("ward-a", "07:00", "10:15"),), None, {"patrol_wards"}),
    ],
    ids=["in-the-events-hours", "another-day", "hours-before"],
)
def test_patrol_wards_include_attended_event_ward_around_it(
    pieces: tuple[tuple[str, str, str], ...], thursday: str | None, expected: set[str]
) -> None:
    """Attending an event (ward A, 10:15-11:15) lets a person who may patrol only ward B
    patrol ward A in the hours the event touches (10:00-12:00), as the model plans it;
    not in the hours before, and not on another day of the week."""
    wednesday = SPRING + timedelta(days=WED)
    event = panel(start=f"{wednesday}T10:15", end=f"{wednesday}T11:15")
    scenario = team(staff={"pc-khan": {"patrol_wards": ["ward-b"]}}, events=[event])
    attended = scenario.events[0]
    activities = [
        patrol(ward, at(wednesday, start), at(wednesday, end)) for ward, start, end in pieces
    ]
    activities += [
        attend(attended),
        patrol("ward-a", attended.end, at(wednesday, "12:00")),
        patrol("ward-b", at(wednesday, "12:00"), at(wednesday, "15:00")),
    ]
    duties = [duty(scenario, "pc-khan", WED, activities=activities)]
    if thursday is not None:
        duties.append(duty(scenario, "pc-khan", THU, ward=thursday))
    assert broken(scenario, *duties) == expected


def test_patrol_between_two_events_in_their_ward_is_lawful() -> None:
    """Between a 10:15-10:45 and an 11:15-12:00 event in ward A, one patrol of A from
    10:45 to 11:15 lies in hours the two events touch: lawful for someone who may patrol
    only ward B (the rota builder joins the two rests of the hours into one patrol)."""
    wednesday = SPRING + timedelta(days=WED)
    first = panel(start=f"{wednesday}T10:15", end=f"{wednesday}T10:45")
    second = panel(id="surgery", start=f"{wednesday}T11:15", end=f"{wednesday}T12:00")
    scenario = team(staff={"pc-khan": {"patrol_wards": ["ward-b"]}}, events=[first, second])
    one, two = scenario.events
    activities = [
        patrol("ward-b", at(wednesday, "07:00"), at(wednesday, "10:00")),
        patrol("ward-a", at(wednesday, "10:00"), one.start),
        attend(one),
        patrol("ward-a", one.end, two.start),
        attend(two),
        patrol("ward-b", two.end, at(wednesday, "15:00")),
    ]
    assert broken(scenario, duty(scenario, "pc-khan", WED, activities=activities)) == set()


def test_no_patrol_wards_listed_means_every_ward() -> None:
    """patrol_wards [] (a staff CSV cell of ';') means every ward, as the model reads it."""
    scenario = team(staff={"pc-khan": {"patrol_wards": []}})
    assert broken(scenario, duty(scenario, "pc-khan", MON, ward="ward-b")) == set()


@pytest.mark.parametrize(
    ("event_fields", "attendees"),
    [
        ({"mandatory": True}, ()),
        ({"min_warranted": 1}, ("pcso-lee",)),
        ({"required_skills": ["bsl"]}, ("pc-khan",)),
        ({"max_staff": 1}, ("pc-khan", "pcso-lee")),
        ({"min_staff": 2}, ("pc-khan",)),
    ],
    ids=["mandatory-unstaffed", "no-warranted", "no-skill", "too-many", "optional-too-few"],
)
def test_event_staffing(event_fields: dict[str, Any], attendees: tuple[str, ...]) -> None:
    """An attended or mandatory event has enough attendees, warranted officers and skills."""
    scenario = team(events=[panel(**event_fields)])
    event = scenario.events[0]
    duties = [early_at_event(scenario, staff, event) for staff in attendees]
    assert broken(scenario, *duties) == {"event_staffing"}


def test_event_attendee_duty_covers_event() -> None:
    """An attendee whose duty ends before the event does is caught."""
    scenario = team(events=[panel(start="2026-03-25T14:30", end="2026-03-25T15:30")])
    event = scenario.events[0]
    activities = [
        patrol("ward-a", at(SPRING + timedelta(days=WED), "07:00"), event.start),
        attend(event),
    ]
    attended = duty(scenario, "pc-khan", WED, activities=activities)
    assert "event_staffing" in broken(scenario, attended)


@pytest.mark.parametrize(
    ("companions", "expected"),
    [((), {"lone_working"}), (("sgt-obi",), set())],
    ids=["alone", "pair"],
)
def test_lone_working(companions: tuple[str, ...], expected: set[str]) -> None:
    """In a ward's risk hours a PCSO is not alone there."""
    scenario = team(
        wards={
            "ward-b": {
                "lone_working_windows": [{"days": ["mon"], "start": "20:00", "end": "22:00"}]
            }
        }
    )
    duties = [duty(scenario, staff, MON, "late", "ward-b") for staff in ("pcso-ray", *companions)]
    assert broken(scenario, *duties) == expected


@pytest.mark.parametrize(
    ("minimum", "expected"), [(8, set()), (10, {"ward_minimum"})], ids=["met", "short"]
)
def test_ward_minimum(minimum: float, expected: set[str]) -> None:
    """A ward gets at least its minimum weekly hours of visible presence."""
    scenario = team(wards={"ward-a": {"min_weekly_hours": minimum}})
    assert broken(scenario, duty(scenario, "pc-khan", MON)) == expected


@pytest.mark.parametrize(
    ("minimum", "expected"), [(2, set()), (3, {"ward_minimum"})], ids=["met", "short"]
)
def test_ward_minimum_counts_only_the_weeks_hours(minimum: float, expected: set[str]) -> None:
    """A Sunday night duty (22:00-06:00) gives the ward 2 h this week; its 6 h on the
    next Monday are next week's, as the model counts them."""
    scenario = team(wards={"ward-a": {"min_weekly_hours": minimum}})
    assert broken(scenario, duty(scenario, "pc-khan", SUN, "night")) == expected


def test_lone_working_is_checked_after_the_weeks_end() -> None:
    """A PCSO alone from midnight on the Sunday night duty's next Monday (a risk hour) is
    caught, though that hour lies after the week."""
    scenario = team(
        policy={"pcso_window_end": "06:00"},
        wards={
            "ward-b": {
                "lone_working_windows": [{"days": ["mon"], "start": "00:00", "end": "02:00"}]
            }
        },
    )
    found = violations(scenario, duty(scenario, "pcso-ray", SUN, "night", "ward-b"))
    assert {violation.rule for violation in found} == {"lone_working"}
    assert len(found) == 2  # 00:00-01:00 and 01:00-02:00 on Monday 30 March


@pytest.mark.parametrize(
    ("pin", "duties", "rule"),
    [
        ({"day": "2026-03-24", "template": "late"}, ((TUE, "early"),), "pins"),
        ({"day": "2026-03-24", "template": "early"}, (), "pins"),
        ({"day": "2026-03-23", "off": True}, ((MON, "early"),), "pinned_off"),
        ({"event": "panel"}, (), "pins"),
    ],
    ids=["other-template", "no-duty", "off-day-worked", "event-missed"],
)
def test_pins(pin: dict[str, Any], duties: tuple[tuple[int, str], ...], rule: str) -> None:
    """Pinned duties are worked as pinned and pinned events attended (`pins`); pinned
    days off are kept (`pinned_off`, its own code: the service never publishes it)."""
    scenario = team(events=[panel()], pins=[{"staff": "pc-khan", **pin}])
    worked = [duty(scenario, "pc-khan", day, template) for day, template in duties]
    assert broken(scenario, *worked) == {rule}
