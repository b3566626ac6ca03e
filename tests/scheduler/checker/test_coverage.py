"""Rules `patrol_wards`, `lone_working` and `ward_minimum`: where people are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.scheduler.checker.checker_support import (
    MON,
    SPRING,
    SUN,
    THU,
    WED,
    at,
    attend,
    broken,
    duty,
    panel,
    patrol,
    team,
    violations,
)


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


def test_lone_working_is_checked_at_every_moment_not_by_the_hour() -> None:
    """A PCSO there 20:00-20:30 and a PC 20:30-21:00 were never together: a violation
    for 20:00-20:30, though both are in the ward in the hour."""
    scenario = team(
        wards={
            "ward-b": {
                "lone_working_windows": [{"days": ["mon"], "start": "20:00", "end": "21:00"}]
            }
        }
    )
    monday = scenario.week_start
    pcso = duty(
        scenario,
        "pcso-ray",
        MON,
        "late",
        activities=[patrol("ward-b", at(monday, "20:00"), at(monday, "20:30"))],
    )
    pc = duty(
        scenario,
        "pc-khan",
        MON,
        "late",
        activities=[patrol("ward-b", at(monday, "20:30"), at(monday, "21:00"))],
    )
    (found,) = violations(scenario, pcso, pc)
    assert found.rule == "lone_working" and "Mon 20:00-20:30 only PCSO Jo Ray" in found.message
    together = duty(
        scenario,
        "pc-khan",
        MON,
        "late",
        activities=[patrol("ward-b", at(monday, "20:00"), at(monday, "21:00"))],
    )
    assert violations(scenario, pcso, together) == []
