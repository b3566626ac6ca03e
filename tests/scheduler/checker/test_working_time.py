"""The working-time rules: `daily_rest`, `weekly_rest`, `weekly_hours`, `night_work`,
`rest_days`, `consecutive_days`."""

from __future__ import annotations

from datetime import date

import pytest

from tests.scheduler.checker.checker_support import (
    AUTUMN,
    FRI,
    MON,
    SAT,
    SPRING,
    SUN,
    THU,
    TUE,
    WED,
    WEEKDAYS,
    broken,
    duty,
    team,
    violations,
    week_of,
)


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
