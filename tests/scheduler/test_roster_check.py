"""The roster's independent checker (`scheduler.roster.check`): each rule broken and kept
on hand-made rosters with real instants (the boundaries, the clocks changing in
Europe/London, the carry-in), three rules against brute-force readings on random rosters,
and a solved roster that must pass."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.checker import wording
from scheduler.codes import SolveStatus
from scheduler.roster import (
    Roster,
    RosterAbsence,
    RosterCarry,
    RosterDay,
    RosterOptions,
    RosterPeriod,
    RosterReport,
    RosterRequest,
    RosterRules,
    solve_roster,
)
from scheduler.roster.check import RosterRule, RosterViolation, check_roster
from scheduler.scenario import Scenario

LONDON = ZoneInfo("Europe/London")
# Periods of 4 weeks; in SPRING and AUTUMN the clocks change on the second week's Sunday
# (day 13): forward on Sun 29 Mar 2026, back on Sun 25 Oct 2026.
PLAIN = date(2026, 1, 5)
SPRING = date(2026, 3, 16)
AUTUMN = date(2026, 10, 12)
SAT2, SUN2 = 12, 13  # the second week's Saturday and Sunday, as day numbers

TEMPLATES: list[dict[str, Any]] = [
    {"id": "early", "name": "Early", "start": "07:00", "end": "15:00"},
    {"id": "late", "name": "Late", "start": "14:00", "end": "22:00"},
    {"id": "night", "name": "Night", "start": "22:00", "end": "06:00", "roles": ["PC", "SGT"]},
    {"id": "day", "name": "Day", "start": "09:00", "end": "17:00"},
    {"id": "eight", "name": "Eight", "start": "08:00", "end": "16:00"},
    {"id": "late15", "name": "Late 15", "start": "14:15", "end": "22:15"},
    {
        "id": "latelate",
        "name": "Late-late",
        "start": "18:00",
        "end": "02:00",
        "roles": ["PC", "SGT"],
    },
    {"id": "lateb", "name": "Late B", "start": "15:30", "end": "23:30"},
    {
        "id": "small",
        "name": "Small hours",
        "start": "00:00",
        "end": "06:00",
        "break_minutes": 0,
        "roles": ["PC", "SGT"],
    },
    {
        "id": "school",
        "name": "School hours",
        "start": "09:30",
        "end": "15:00",
        "break_minutes": 30,
        "arranged": True,
    },
]
STAFF: list[dict[str, Any]] = [
    {"id": "pc-ann", "name": "Ann Shah", "role": "PC"},
    {"id": "pcso-cy", "name": "Cy Adeyemi", "role": "PCSO", "contracted_hours": 37},
    {
        "id": "pc-di",
        "name": "Di Nowak",
        "role": "PC",
        "contracted_hours": 24,
        "working_days": ["mon", "tue", "wed"],
        "templates": ["early", "school"],
    },
]
CODES = {"leave": "AL", "course": "TRG", "court": "CRT", "other": "ABS"}
KINDS = {code: kind for kind, code in CODES.items()}


def team(policy: dict[str, Any] | None = None, staff: list[str] | None = None) -> Scenario:
    """The test team (all of STAFF, or the ids given) with some policy values changed."""
    return Scenario.model_validate(
        {
            "team": {"id": "test-team", "name": "Test Team"},
            "week_start": PLAIN.isoformat(),
            "policy": policy or {},
            "duty_templates": TEMPLATES,
            "wards": [{"id": "north", "name": "North"}],
            "staff": [s for s in STAFF if staff is None or s["id"] in staff],
        }
    )


def period(start: date = PLAIN, **fields: Any) -> RosterPeriod:
    """Four weeks; no weekend rule unless asked (`weekends_off_in` in `rules`)."""
    rules = RosterRules(**{"weekends_off_in": 0, **fields.pop("rules", {})})
    return RosterPeriod(start=start, weeks=fields.pop("weeks", 4), rules=rules, **fields)


def at(day: date, clock: str) -> datetime:
    """A London clock time on `day`, as a UTC instant (fold=0, as the roster reads it)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=LONDON).astimezone(UTC)


def interval(day: date, start: str, end: str) -> tuple[datetime, datetime]:
    end_day = day + timedelta(days=1) if end <= start else day
    return at(day, start), at(end_day, end)


def entry(scenario: Scenario, staff: str, day: date, token: str) -> RosterDay:
    """One day from a token: a template id, R (rest), or AL / TRG / CRT / ABS (leave, a
    course, a court date, another absence), with @HH:MM-HH:MM for one with hours."""
    if token == "R":
        return RosterDay(staff=staff, day=day, kind="rest", code="R")
    code, _, hours = token.partition("@")
    if code in KINDS:
        start = end = None
        if hours:
            start, end = interval(day, *hours.split("-"))
        return RosterDay(staff=staff, day=day, kind=KINDS[code], start=start, end=end, code=code)
    template = next(t for t in scenario.duty_templates if t.id == token)
    start, end = interval(day, template.start, template.end)
    return RosterDay(
        staff=staff, day=day, kind="duty", template=token, start=start, end=end, code=token
    )


Plan = str | dict[int, str]


def tokens(plan: Plan, days: int) -> list[str]:
    """A plan as one token per day: a string of tokens ('|' between weeks is ignored), or
    {day number: token}; rest days elsewhere."""
    if isinstance(plan, dict):
        return [plan.get(n, "R") for n in range(days)]
    listed = [token for token in plan.split() if token != "|"]
    return listed + ["R"] * (days - len(listed))


def roster(scenario: Scenario, span: RosterPeriod, **plans: Plan) -> Roster:
    """Everyone's days (keyword: staff id with '-' as '_'); rest where no plan says."""
    days = []
    for person in scenario.staff:
        plan = tokens(plans.get(person.id.replace("-", "_"), ""), len(span.days))
        days += [
            entry(scenario, person.id, day, token)
            for day, token in zip(span.days, plan, strict=True)
        ]
    return Roster(
        team=scenario.team.id,
        start=span.start,
        weeks=span.weeks,
        days=days,
        report=RosterReport(status=SolveStatus.OPTIMAL, wall_time=0),
    )


def found(
    scenario: Scenario, span: RosterPeriod, rule: str | None = None, **plans: Plan
) -> list[RosterViolation]:
    """The violations of the roster the plans make (of one rule, if given)."""
    violations = check_roster(scenario, span, roster(scenario, span, **plans))
    return [v for v in violations if rule is None or v.rule == rule]


def messages(violations: list[RosterViolation]) -> list[str]:
    return [v.message for v in violations]


EARLIES = "early early early early early R R"


def test_the_rule_codes() -> None:
    assert [str(rule) for rule in RosterRule] == [
        "reference",
        "template",
        "duty_length",
        "break",
        "absence",
        "daily_rest",
        "weekly_rest",
        "rest_days",
        "consecutive_days",
        "weekly_hours",
        "night_work",
        "average_hours",
        "contract",
        "weekends",
    ]


# reference
def test_an_all_rest_roster_breaks_nothing() -> None:
    assert found(team(), period()) == []


def test_a_lawful_working_roster_breaks_nothing() -> None:
    scenario = team()
    assert (
        found(
            scenario,
            period(),
            pc_ann=" | ".join([EARLIES, "late late late late late R R"] * 2),
            pcso_cy=" | ".join(["day day day day R R R"] * 4),
            pc_di=" | ".join(["early school early R R R R"] * 4),
        )
        == []
    )


def test_reference_every_person_every_day_once() -> None:
    scenario, span = team(), period()
    good = roster(scenario, span, pc_ann=EARLIES)
    ann = [d for d in good.days if d.staff == "pc-ann"]
    others = [d for d in good.days if d.staff != "pc-ann"]
    tuesday = ann[1]
    broken = good.model_copy(
        update={
            "days": others
            + [d for d in ann if d.day != tuesday.day]
            + [ann[2].model_copy(update={"kind": "rest", "template": None, "start": None})]
        }
    )
    violations = check_roster(scenario, span, broken)
    assert {v.rule for v in violations} == {"reference"}
    assert messages(violations) == [
        "PC Ann Shah has nothing on Tue 06 Jan; every day of the period needs a duty, a rest "
        "day or an absence.",
        "PC Ann Shah has 2 entries on Wed 07 Jan (the Early, a rest day); each day has exactly "
        "one.",
        "PC Ann Shah's rest day on Wed 07 Jan has hours; a rest day has none.",
        "PC Ann Shah's rest day on Wed 07 Jan shows 'early' on the grid, not 'R'.",
    ]


def test_reference_unknown_people_templates_and_days() -> None:
    scenario, span = team(), period()
    good = roster(scenario, span, pc_ann=EARLIES)
    first = good.days[0]
    extra = [
        first.model_copy(update={"staff": "pc-zed"}),
        first.model_copy(update={"template": "swing", "code": "swing"}),
        first.model_copy(update={"day": span.end}),
    ]
    broken = good.model_copy(update={"team": "other", "days": [*good.days[1:], *extra]})
    violations = check_roster(scenario, span, broken)
    assert {v.rule for v in violations} == {"reference"}
    assert messages(violations) == [
        "The roster is for team 'other' but the team is 'test-team'.",
        "The roster has 1 day for 'pc-zed', who is not a member of the team.",
        "The roster gives PC Ann Shah Mon 02 Feb, outside the period (Mon 05 Jan to Sun 01 Feb).",
        "PC Ann Shah's duty on Mon 05 Jan uses template 'swing', which the team does not define.",
    ]


def test_reference_a_person_left_out() -> None:
    scenario, span = team(), period()
    good = roster(scenario, span)
    broken = good.model_copy(update={"days": [d for d in good.days if d.staff != "pc-di"]})
    assert messages(check_roster(scenario, span, broken)) == [
        "PC Di Nowak is not on the roster: every day of the period needs a duty, a rest day "
        "or an absence."
    ]


# template
def test_template_times_on_the_day() -> None:
    scenario, span = team(), period()
    good = roster(scenario, span, pc_ann=EARLIES)
    late_by_an_hour = [
        d.model_copy(update={"start": d.start + timedelta(hours=1)})
        if d.staff == "pc-ann" and d.day == PLAIN
        else d
        for d in good.days
    ]
    violations = check_roster(scenario, span, good.model_copy(update={"days": late_by_an_hour}))
    assert messages(violations) == [
        "PC Ann Shah's Early on Mon 05 Jan runs Mon 05 Jan 08:00-15:00, but the Early runs "
        "Mon 05 Jan 07:00-15:00 that day."
    ]


@pytest.mark.parametrize(("start", "real_hours"), [(SPRING, 7), (AUTUMN, 9), (PLAIN, 8)])
def test_template_night_across_the_clock_change(start: date, real_hours: int) -> None:
    """Sat night to Sun: 7 real hours in March, 9 in October; read as 8 it is wrong."""
    scenario, span = team(), period(start)
    good = roster(scenario, span, pc_ann={SAT2: "night"})
    night = next(d for d in good.days if d.staff == "pc-ann" and d.kind == "duty")
    assert night.end - night.start == timedelta(hours=real_hours)
    assert check_roster(scenario, span, good) == []
    eight_hours = night.model_copy(update={"end": night.start + timedelta(hours=8)})
    wrong = good.model_copy(update={"days": [eight_hours if d is night else d for d in good.days]})
    expected = [] if real_hours == 8 else ["template"]
    assert [v.rule for v in check_roster(scenario, span, wrong)] == expected


def test_template_who_may_work_it() -> None:
    scenario, span = team(), period()
    violations = found(
        scenario,
        span,
        "template",
        pc_ann="school",  # arranged: Ann does not list it
        pcso_cy="night lateb",  # open to PC and SGT only, and past the PCSO window
        pc_di="early late R early",  # not one of Di's templates; Thursday not her day
    )
    assert messages(violations) == [
        "PC Ann Shah may not work the School hours on Mon 05 Jan: it is worked only by "
        "arrangement (by staff who list it in their templates).",
        "PCSO Cy Adeyemi may not work the Night on Mon 05 Jan: it is open only to PC and SGT.",
        "PCSO Cy Adeyemi may not work the Night on Mon 05 Jan: it runs 22:00-06:00, outside "
        "the PCSO working window 07:00-23:00.",
        "PCSO Cy Adeyemi may not work the Late B on Tue 06 Jan: it runs 15:30-23:30, outside "
        "the PCSO working window 07:00-23:00.",
        "PC Di Nowak may not work the Late on Tue 06 Jan: it is not one of the templates they "
        "work (early, school).",
        "PC Di Nowak's Early on Thu 08 Jan falls outside their working days (Mon, Tue, Wed).",
    ]
    allowed = found(scenario, span, pc_ann="night", pcso_cy="late", pc_di="school early")
    assert allowed == []


# duty_length and break: a short template runs long on the night the clocks go back
def test_duty_length_and_break_on_the_clocks_going_back() -> None:
    scenario = team({"max_duty_hours": 8.5})
    assert found(scenario, period(PLAIN), pc_ann={SAT2: "night", SUN2: "R"}) == []
    violations = found(scenario, period(AUTUMN), pc_ann={SAT2: "night"})
    assert messages(violations) == [
        "PC Ann Shah's Night on Sat 24 Oct lasts 9 h (Sat 24 Oct 22:00-Sun 25 Oct 06:00); a "
        "duty may last at most 8.5 h."
    ]
    violations = found(team(), period(AUTUMN), pc_ann={SUN2: "small"})
    assert [v.rule for v in violations] == ["break"]
    assert violations[0].message == (
        "PC Ann Shah's Small hours on Sun 25 Oct lasts 7 h with a 0-minute break; a duty over "
        "6 h needs at least 20 minutes."
    )
    assert found(team(), period(PLAIN), pc_ann={SUN2: "small"}) == []


# absence
def test_absence_booked_days_show_as_booked() -> None:
    scenario = team()
    span = period(
        absences=[
            RosterAbsence(
                staff="pc-ann", first=PLAIN + timedelta(days=1), last=PLAIN + timedelta(days=2)
            ),
            RosterAbsence(staff="pcso-cy", first=PLAIN, kind="course", start="09:00", end="17:00"),
            RosterAbsence(staff="pcso-cy", first=PLAIN + timedelta(days=1), kind="court"),
        ]
    )
    assert found(scenario, span, pc_ann="R AL AL", pcso_cy="TRG@09:00-17:00 CRT") == []
    violations = found(
        scenario, span, pc_ann="R AL early AL", pcso_cy="TRG@10:00-17:00 CRT@09:00-12:00"
    )
    assert {v.rule for v in violations} == {"absence"}
    assert messages(violations) == [
        "PC Ann Shah is booked on leave on Wed 07 Jan, but the roster shows the Early.",
        "PCSO Cy Adeyemi's course on Mon 05 Jan runs Mon 05 Jan 10:00-17:00, but it is booked "
        "Mon 05 Jan 09:00-17:00.",
        "PCSO Cy Adeyemi's court date on Tue 06 Jan has hours (Tue 06 Jan 09:00-12:00), but it "
        "is booked as a whole day away.",
        "PC Ann Shah is shown on leave on Thu 08 Jan, but none is booked that day.",
    ]
    violations = found(scenario, span, pc_ann="R R AL", pcso_cy="TRG CRT")
    assert messages(violations) == [
        "PC Ann Shah is booked on leave on Tue 06 Jan, but the roster shows a rest day.",
        "PCSO Cy Adeyemi's course on Mon 05 Jan has no hours, but it is booked Mon 05 Jan "
        "09:00-17:00.",
    ]


def test_absence_no_night_runs_into_leave() -> None:
    scenario = team()
    span = period(absences=[RosterAbsence(staff="pc-ann", first=PLAIN + timedelta(days=1))])
    assert found(scenario, span, pc_ann="late AL") == []
    assert messages(found(scenario, span, pc_ann="night AL")) == [
        "PC Ann Shah's Night Mon 05 Jan 22:00-Tue 06 Jan 06:00 runs into their leave on Tue 06 "
        "Jan; the whole day is booked away."
    ]


# daily_rest
def test_daily_rest_exactly_the_minimum_passes() -> None:
    assert found(team(), period(), "daily_rest", pc_ann="late day") == []


def test_daily_rest_a_quarter_short_fails() -> None:
    violations = found(team(), period(), "daily_rest", pc_ann="late15 day")
    assert violations == [
        RosterViolation(
            "daily_rest",
            "pc-ann",
            "PC Ann Shah has 10 h 45 min between the Late 15 ending Mon 05 Jan 22:15 and the "
            "Day on Tue 06 Jan 09:00; at least 11 h are needed.",
        )
    ]


@pytest.mark.parametrize(
    ("start", "template", "broken"),
    [
        (SPRING, "day", True),  # 22:00 to 09:00 is 10 real hours
        (PLAIN, "day", False),  # 11
        (AUTUMN, "eight", False),  # 22:00 to 08:00 is 11 real hours
        (PLAIN, "eight", True),  # 10
    ],
)
def test_daily_rest_counts_real_hours_across_the_clock_change(
    start: date, template: str, broken: bool
) -> None:
    violations = found(team(), period(start), "daily_rest", pc_ann={SAT2: "late", SUN2: template})
    assert bool(violations) is broken


def test_daily_rest_from_the_carry_in() -> None:
    scenario = team()

    def carried(end: str) -> list[RosterViolation]:
        carry = RosterCarry(staff="pc-ann", last_duty_end=datetime.fromisoformat(end))
        return found(scenario, period(carry=[carry]), "daily_rest", pc_ann="early")

    assert carried("2026-01-04T20:00") == []  # naive: local time, 11 h
    assert messages(carried("2026-01-04T20:15")) == [
        "PC Ann Shah has 10 h 45 min between the last duty before the roster ending Sun 04 Jan "
        "20:15 and the Early on Mon 05 Jan 07:00; at least 11 h are needed."
    ]
    assert carried("2026-01-04T20:00:00+00:00") == []
    assert carried("2026-01-04T21:00:00+01:00") == []  # 20:00 UTC
    assert len(carried("2026-01-04T20:00:00-01:00")) == 1  # 21:00 UTC
    # in summer time a naive end is still local: 20:00 BST, 19:00 UTC
    summer = RosterCarry(staff="pc-ann", last_duty_end=datetime(2026, 10, 11, 20))
    assert found(scenario, period(AUTUMN, carry=[summer]), "daily_rest", pc_ann="early") == []
    summer = RosterCarry(staff="pc-ann", last_duty_end=datetime(2026, 10, 11, 20, 15))
    assert len(found(scenario, period(AUTUMN, carry=[summer]), pc_ann="early")) == 1


def test_daily_rest_a_course_counts_and_overlaps_are_caught() -> None:
    scenario = team()
    tuesday = PLAIN + timedelta(days=1)
    course = {"staff": "pc-ann", "first": tuesday, "kind": "course"}
    span = period(absences=[RosterAbsence(**course, start="12:00", end="21:00")])
    assert messages(found(scenario, span, "daily_rest", pc_ann="R TRG@12:00-21:00 early")) == [
        "PC Ann Shah has 10 h between the course ending Tue 06 Jan 21:00 and the Early on Wed "
        "07 Jan 07:00; at least 11 h are needed."
    ]
    span = period(absences=[RosterAbsence(**course, start="05:00", end="13:00")])
    assert messages(found(scenario, span, "daily_rest", pc_ann="night TRG@05:00-13:00")) == [
        "PC Ann Shah's course on Tue 06 Jan 05:00 starts before the Night ending Tue 06 Jan "
        "06:00 has ended; at least 11 h are needed between them."
    ]


# weekly_rest
# Earlies (16 h between), a Day on Friday (21 h before Saturday's Late) and a Night on
# Sunday: the longest stretch off is Sat 22:00 to Sun 22:00, by the wall clock 24 h.
WEEK_OF_24 = "early early early early day late night"


@pytest.mark.parametrize(
    ("start", "longest"),
    [(PLAIN, 24), (SPRING, 23), (AUTUMN, 25)],
    ids=["plain", "spring", "autumn"],
)
def test_weekly_rest_counts_real_hours(start: date, longest: int) -> None:
    span = period(start)
    violations = found(team(), span, "weekly_rest", pc_ann=f"R R R R R R R | {WEEK_OF_24}")
    if longest >= 24:
        assert violations == []
        return
    sat, sun = start + timedelta(days=SAT2), start + timedelta(days=SUN2)
    monday, next_monday = start + timedelta(days=7), start + timedelta(days=14)
    assert messages(violations) == [
        f"PC Ann Shah's longest time off in the week of {wording.date(monday)} "
        f"({wording.date(monday)} 00:00 to {wording.date(next_monday)} 00:00) is 23 h, "
        f"{wording.date(sat)} 22:00-{wording.date(sun)} 22:00; at least 24 h in one stretch "
        "are needed."
    ]


def test_weekly_rest_boundary() -> None:
    plan = f"R R R R R R R | {WEEK_OF_24}"
    assert found(team({"weekly_rest_hours": 24}), period(), "weekly_rest", pc_ann=plan) == []
    assert len(found(team({"weekly_rest_hours": 24.25}), period(), "weekly_rest", pc_ann=plan)) == 1


def test_weekly_rest_from_the_carry_in() -> None:
    """Monday off, then earlies: 31 h from the week's start to Tuesday 07:00, unless the
    last duty before the roster ended after Monday 00:00."""
    scenario, plan = team(), "R early early early early early early"

    def carried(end: str) -> list[RosterViolation]:
        carry = RosterCarry(staff="pc-ann", last_duty_end=datetime.fromisoformat(end))
        return found(scenario, period(carry=[carry]), "weekly_rest", pc_ann=plan)

    assert carried("2026-01-04T22:00") == []
    assert carried("2026-01-05T07:00") == []  # 24 h
    assert messages(carried("2026-01-05T08:00")) == [
        "PC Ann Shah's longest time off in the week of Mon 05 Jan (Mon 05 Jan 00:00 to Mon 12 "
        "Jan 00:00) is 23 h, Mon 05 Jan 08:00-Tue 06 Jan 07:00; at least 24 h in one stretch "
        "are needed."
    ]


# rest_days
def test_rest_days() -> None:
    scenario = team()
    assert found(scenario, period(), "rest_days", pc_ann=EARLIES) == []
    assert messages(found(scenario, period(), "rest_days", pc_ann="early " * 6)) == [
        "PC Ann Shah has 1 rest day in the week of Mon 05 Jan: Sun 11 Jan; at least 2 are needed."
    ]
    # Sunday's night runs into Monday: Monday is still a day on which no duty starts
    sunday_night = "R R R R R R night | R early early early early early R"
    assert found(scenario, period(), "rest_days", pc_ann=sunday_night) == []


# consecutive_days
def test_consecutive_days() -> None:
    scenario = team()
    seven = "R R R early early early early | early early early R"
    eight = "R R R early early early early | early early early early"
    assert found(scenario, period(), "consecutive_days", pc_ann=seven) == []
    assert messages(found(scenario, period(), "consecutive_days", pc_ann=eight)) == [
        "PC Ann Shah works 8 days in a row, Thu 08 Jan to Thu 15 Jan; at most 7 are allowed."
    ]


def test_consecutive_days_from_the_carry_in() -> None:
    scenario = team()

    def carried(days: int) -> list[RosterViolation]:
        carry = RosterCarry(staff="pc-ann", days_worked_in_a_row=days)
        return found(scenario, period(carry=[carry]), "consecutive_days", pc_ann=EARLIES)

    assert carried(2) == []
    assert messages(carried(3)) == [
        "PC Ann Shah works 8 days in a row, Mon 05 Jan to Fri 09 Jan, after 3 before the "
        "roster; at most 7 are allowed."
    ]
    assert (
        found(
            scenario,
            period(carry=[RosterCarry(staff="pc-ann", days_worked_in_a_row=9)]),
            "consecutive_days",
        )
        == []
    )


# weekly_hours
def test_weekly_hours() -> None:
    scenario = team()
    assert found(scenario, period(), "weekly_hours", pc_ann=EARLIES) == []
    assert messages(found(scenario, period(), "weekly_hours", pc_ann="early " * 6)) == [
        "PC Ann Shah works 48 h in the week of Mon 05 Jan, 8 h over the limit of 40 h (40 h "
        "contract + 0 h overtime, at most 48 h)."
    ]
    overtime = team({"max_overtime_hours": 10})
    assert found(overtime, period(), "weekly_hours", pc_ann="early " * 6) == []
    assert len(found(overtime, period(), "weekly_hours", pc_ann="early " * 7)) == 1  # 56 > 48


@pytest.mark.parametrize(("start", "broken"), [(PLAIN, False), (SPRING, False), (AUTUMN, True)])
def test_weekly_hours_count_real_hours(start: date, broken: bool) -> None:
    """Four earlies and a Saturday night: 40 h, 39 h in March, 41 h in October."""
    plan = "R R R R R R R | early early early early R night R"
    assert bool(found(team(), period(start), "weekly_hours", pc_ann=plan)) is broken


# night_work
def test_night_work() -> None:
    """A night worker may work 6 x 6 h = 36 h in a week here; a Late-late (18:00-02:00) has
    3 h of night time (23:00-02:00), just the night_min_hours."""
    scenario = team({"night_average_hours_per_24h": 6})
    assert found(scenario, period(), "night_work", pc_ann=EARLIES) == []
    assert messages(
        found(scenario, period(), "night_work", pc_ann="early early early early latelate")
    ) == [
        "PC Ann Shah works nights in the week of Mon 05 Jan (the Late-late on Fri 09 Jan has "
        "3 h of night time) and 40 h in the week, 4 h over the 36 h a night worker may work."
    ]
    not_night = team({"night_average_hours_per_24h": 6, "night_min_hours": 3.25})
    plan = "early early early early latelate"
    assert found(not_night, period(), "night_work", pc_ann=plan) == []
    assert found(scenario, period(), "night_work", pc_ann="early early early night") == []


# average_hours
def test_average_hours_with_the_weeks_before() -> None:
    scenario = team()

    def carried(hours: list[float], weeks: int = 4, **more: Any) -> list[RosterViolation]:
        carry = RosterCarry(staff="pc-ann", weekly_hours=hours, **more)
        span = period(carry=[carry], rules={"reference_weeks": weeks})
        return found(scenario, span, "average_hours", pc_ann=EARLIES)

    assert carried([48, 48, 48]) == []  # 184 h in 4 weeks, at most 192
    assert messages(carried([56, 56, 56])) == [
        "PC Ann Shah averages 52 h a week over the 4 weeks to Sun 11 Jan (168 h in the 3 weeks "
        "before the roster and 40 h in the roster's weeks from Mon 05 Jan); the average may be "
        "at most 48 h, so 16 h too many."
    ]
    assert carried([56, 56, 56], opted_out=True) == []
    # the most recent week is the last; a week not given is the contract's 40 h
    assert carried([100, 10], weeks=2) == []
    assert len(carried([10, 100], weeks=2)) == 1
    assert carried([64], weeks=3) == []  # 40 + 64 + 40 = 144
    assert len(carried([65], weeks=3)) == 1


# contract
def test_contract_over_the_period() -> None:
    """40 h a week over 4 weeks is 160 h, and 8 h more is allowed."""
    scenario = team()
    earlies = {n: "early" for n in range(28) if n % 7 < 5}  # 20
    assert found(scenario, period(), "contract", pc_ann={**earlies, 5: "early"}) == []
    assert messages(
        found(scenario, period(), "contract", pc_ann={**earlies, 5: "early", 12: "early"})
    ) == [
        "PC Ann Shah works 176 h over the roster; their contract asks 160 h (40 h a week over "
        "28 days) and at most 8 h more is allowed, so 8 h too many."
    ]


def test_contract_less_whole_days_away() -> None:
    """A week's leave takes 40 h off the contract (128 h with the tolerance); a course with
    hours does not, and its hours count."""
    scenario = team()
    leave = RosterAbsence(staff="pc-ann", first=PLAIN, last=PLAIN + timedelta(days=6))
    plan = {n: "early" for n in range(7, 28) if n % 7 < 5}  # 15 earlies: 120 h
    span = period(absences=[leave])
    away = {n: "AL" for n in range(7)}
    assert found(scenario, span, "contract", pc_ann={**away, **plan, 12: "early"}) == []
    assert messages(
        found(scenario, span, "contract", pc_ann={**away, **plan, 12: "early", 19: "early"})
    ) == [
        "PC Ann Shah works 136 h over the roster; their contract asks 120 h (40 h a week over "
        "28 days, less 7 days booked away) and at most 8 h more is allowed, so 8 h too many."
    ]
    course = leave.model_copy(update={"kind": "course", "start": "09:00", "end": "17:00"})
    span = period(absences=[course])
    on_course = {n: "TRG@09:00-17:00" for n in range(7)}  # 56 h
    over = found(scenario, span, "contract", pc_ann={**on_course, **plan})  # 176 h
    assert [v.message.split(";")[1] for v in over] == [
        " their contract asks 160 h (40 h a week over 28 days) and at most 8 h more is "
        "allowed, so 8 h too many."
    ]
    del plan[7]
    assert found(scenario, span, "contract", pc_ann={**on_course, **plan}) == []  # 168 h


# weekends
def test_weekends_one_off_in_every_three() -> None:
    scenario = team()
    span = period(rules={"weekends_off_in": 3})
    saturdays = {5: "early", 12: "early", 26: "early"}  # weekends 1, 2 and 4
    assert found(scenario, span, "weekends", pc_ann=saturdays) == []
    assert messages(found(scenario, span, "weekends", pc_ann={**saturdays, 20: "early"})) == [
        "PC Ann Shah works each of the 3 weekends from Sat 10 Jan to Sun 25 Jan (on Sat 10 Jan, "
        "Sat 17 Jan, Sun 25 Jan); at least one full weekend off in every 3 is needed.",
        "PC Ann Shah works each of the 3 weekends from Sat 17 Jan to Sun 01 Feb (on Sat 17 Jan, "
        "Sun 25 Jan, Sat 31 Jan); at least one full weekend off in every 3 is needed.",
    ]
    # the weekends before the roster count, the most recent last
    worked_before = RosterCarry(staff="pc-ann", weekends_worked=[True, True, False])
    span_after = period(rules={"weekends_off_in": 3}, carry=[worked_before])
    assert found(scenario, span_after, "weekends", pc_ann={12: "early"}) == []
    worked_before = RosterCarry(staff="pc-ann", weekends_worked=[False, True, True])
    span_after = period(rules={"weekends_off_in": 3}, carry=[worked_before])
    assert messages(found(scenario, span_after, "weekends", pc_ann={5: "early"})) == [
        "PC Ann Shah works each of the 3 weekends from Sat 27 Dec to Sun 11 Jan (2 weekends "
        "before the roster, then on Sat 10 Jan); at least one full weekend off in every 3 is "
        "needed."
    ]
    # a Friday night ends on Saturday morning: that weekend is still off
    friday_night = {5: "early", 11: "night", 19: "early"}
    assert found(scenario, span, "weekends", pc_ann=friday_night) == []
    assert found(scenario, period(), "weekends", pc_ann={**saturdays, 20: "early"}) == []


# Brute-force readings of three rules on random rosters of one person.
BUSY = ["R", "R", "early", "late", "night", "day", "latelate", "late15"]
QUIET = ["R"] * 6 + ["early", "late", "night", "day"]  # mostly lawful, near the limits


@cache
def lone(min_rest: float, weekly_rest: float, most_days: int) -> Scenario:
    policy = {
        "min_rest_hours": min_rest,
        "weekly_rest_hours": weekly_rest,
        "max_consecutive_days": most_days,
    }
    return team(policy, staff=["pc-ann"])


@st.composite
def random_rosters(draw: st.DrawFn) -> tuple[Scenario, RosterPeriod, list[str]]:
    scenario = lone(
        draw(st.sampled_from([8.0, 10.75, 11.0, 12.0])),
        draw(st.sampled_from([12.0, 24.0, 30.0, 36.0, 48.0])),
        draw(st.integers(1, 8)),
    )
    start = draw(st.sampled_from([PLAIN, SPRING, AUTUMN]))
    end = draw(st.sampled_from([None, "18:00", "20:00", "22:00", "23:30", "+02:00", "+06:00"]))
    last_end = None
    if end is not None:
        day = start if end.startswith("+") else start - timedelta(days=1)
        last_end = datetime.combine(day, time.fromisoformat(end.lstrip("+")))
    carry = RosterCarry(
        staff="pc-ann",
        days_worked_in_a_row=draw(st.integers(0, 8)),
        last_duty_end=last_end,
    )
    choices = draw(st.sampled_from([BUSY, QUIET, QUIET]))
    plan = draw(st.lists(st.sampled_from(choices), min_size=28, max_size=28))
    return scenario, period(start, carry=[carry]), plan


def _carried_end(span: RosterPeriod) -> datetime | None:
    end = span.carry[0].last_duty_end
    return None if end is None else end.replace(tzinfo=LONDON).astimezone(UTC)


def brute_daily_rest(scenario: Scenario, span: RosterPeriod, days: list[RosterDay]) -> int:
    """Worked days whose start comes too soon after the end of any earlier one (or of the
    last duty before the roster)."""
    rest = timedelta(hours=scenario.policy.min_rest_hours)
    worked = [d for d in days if d.start is not None]
    carried = _carried_end(span)
    return sum(
        1
        for b in worked
        if any(a.start < b.start and b.start - a.end < rest for a in worked)
        or (carried is not None and b.start - carried < rest)
    )


def brute_weekly_rest(scenario: Scenario, span: RosterPeriod, days: list[RosterDay]) -> set[date]:
    """Mondays of the weeks whose longest run of free quarter hours is too short."""
    quarter = timedelta(minutes=15)
    carried = _carried_end(span)
    worked = [(d.start, d.end) for d in days if d.start is not None]
    short = set()
    for monday in span.mondays():
        moment, end = at(monday, "00:00"), at(monday + timedelta(days=7), "00:00")
        run = longest = 0
        while moment < end:
            busy = (carried is not None and moment < carried) or any(
                s <= moment < e for s, e in worked
            )
            run = 0 if busy else run + 1
            longest = max(longest, run)
            moment += quarter
        if longest * quarter < timedelta(hours=scenario.policy.weekly_rest_hours):
            short.add(monday)
    return short


def brute_consecutive_days(scenario: Scenario, span: RosterPeriod, plan: list[str]) -> list[int]:
    """Lengths of the runs of duty days over the maximum, the days worked in a row before
    the roster counting in a run that reaches into it (not in one wholly before it)."""
    carried = span.carry[0].days_worked_in_a_row
    pattern = [2] * carried + [int(t != "R") for t in plan]  # 2: a day before the roster
    runs = [list(group) for worked, group in itertools.groupby(pattern, bool) if worked]
    return [
        len(run) for run in runs if 1 in run and len(run) > scenario.policy.max_consecutive_days
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_rosters())
def test_working_time_rules_match_brute_force(
    case: tuple[Scenario, RosterPeriod, list[str]],
) -> None:
    scenario, span, plan = case
    made = roster(scenario, span, pc_ann=" ".join(plan))
    violations = check_roster(scenario, span, made)
    by_rule: dict[str, list[RosterViolation]] = {}
    for violation in violations:
        by_rule.setdefault(violation.rule, []).append(violation)
    assert len(by_rule.get("daily_rest", [])) == brute_daily_rest(scenario, span, made.days)
    weekly = {
        monday
        for monday in span.mondays()
        for v in by_rule.get("weekly_rest", [])
        if f"the week of {wording.date(monday)} " in v.message
    }
    assert len(by_rule.get("weekly_rest", [])) == len(weekly)
    assert weekly == brute_weekly_rest(scenario, span, made.days)
    lengths = [
        int(v.message.split(" works ")[1].split()[0]) for v in by_rule.get("consecutive_days", [])
    ]
    assert lengths == brute_consecutive_days(scenario, span, plan)


# A solved roster passes.
SOLVE_TEAM: dict[str, Any] = {
    "team": {"id": "solve-team", "name": "Solve Team"},
    "week_start": SPRING.isoformat(),
    "duty_templates": [
        {"id": "early", "name": "Early", "start": "07:00", "end": "15:00"},
        {"id": "late", "name": "Late", "start": "14:00", "end": "22:00"},
        {"id": "night", "name": "Night", "start": "22:00", "end": "06:00", "roles": ["PC", "SGT"]},
    ],
    "wards": [
        {"id": "north", "name": "North", "demand": [{"start": "08:00", "end": "23:00"}]},
        {"id": "south", "name": "South", "demand": [{"start": "18:00", "end": "04:00"}]},
    ],
    "staff": [
        {"id": "pc-ann", "name": "Ann Shah", "role": "PC"},
        {"id": "sgt-bo", "name": "Bo Price", "role": "SGT"},
        {"id": "pcso-cy", "name": "Cy Adeyemi", "role": "PCSO", "contracted_hours": 37},
        {
            "id": "pcso-di",
            "name": "Di Nowak",
            "role": "PCSO",
            "contracted_hours": 24,
            "working_days": ["mon", "tue", "wed", "thu"],
        },
    ],
}


@pytest.mark.parametrize("start", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_a_solved_roster_passes_the_checker(start: date) -> None:
    scenario = Scenario.model_validate(SOLVE_TEAM)
    span = RosterPeriod(
        start=start,
        weeks=4,
        absences=[
            RosterAbsence(
                staff="pc-ann", first=start + timedelta(days=8), last=start + timedelta(days=10)
            ),
            RosterAbsence(
                staff="pcso-cy",
                first=start + timedelta(days=15),
                kind="course",
                start="09:00",
                end="17:00",
            ),
            RosterAbsence(staff="sgt-bo", first=start + timedelta(days=22), kind="court"),
        ],
        carry=[
            RosterCarry(
                staff="sgt-bo",
                weekly_hours=[48, 48, 48, 48],
                days_worked_in_a_row=5,
                last_duty_end=datetime.combine(start - timedelta(days=1), time(22)),
            ),
            RosterCarry(staff="pc-ann", days_worked_in_a_row=2),
        ],
    )
    # 2 s: the search finds its rosters early and then works on the bound (and may not
    # prove it), so a longer limit would only make this file slow
    result = solve_roster(scenario, span, RosterOptions(time_limit=2))
    assert result.report.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert len(result.days) == 4 * 28
    violations = check_roster(scenario, span, result)
    assert violations == [], messages(violations)


@cache
def nights_before_leave() -> tuple[str, ...]:
    """A one-PC team of nights, on leave on Mon 12 Jan and Wed 21 Jan, asking (a goal, not
    a rule) for the night before each: what the checker finds in the roster solved."""
    scenario = Scenario.model_validate(
        {
            "team": {"id": "nights", "name": "Nights"},
            "week_start": PLAIN.isoformat(),
            "duty_templates": [{"id": "night", "name": "Night", "start": "22:00", "end": "06:00"}],
            "wards": [{"id": "n", "name": "N", "demand": [{"start": "22:00", "end": "06:00"}]}],
            "staff": [{"id": "pc-ann", "name": "Ann Shah", "role": "PC"}],
        }
    )
    leave = [PLAIN + timedelta(days=7), PLAIN + timedelta(days=16)]
    span = period(
        absences=[RosterAbsence(staff="pc-ann", first=day) for day in leave],
        requests=[
            RosterRequest(staff="pc-ann", day=day - timedelta(days=1), template="night", weight=10)
            for day in leave
        ],
    )
    result = solve_roster(scenario, span, RosterOptions(time_limit=2))
    assert result.report.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    return tuple(messages(check_roster(scenario, span, result)))


def test_a_night_never_runs_into_midweek_leave() -> None:
    assert [m for m in nights_before_leave() if "Wed 21 Jan" in m] == []


def test_a_night_never_runs_into_leave_on_a_monday() -> None:
    """Each week's scenario once marked only its own days away, so a Sunday night (asked
    for) ran into leave booked on the next Monday."""
    assert [m for m in nights_before_leave() if "Mon 12 Jan" in m] == []
