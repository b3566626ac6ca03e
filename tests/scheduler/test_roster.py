"""The roster: solved rosters keep every roster rule (by the independent checker), and a
week deployed within a published roster keeps its tours unless changes are allowed, each
change listed with its notice and what it owes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.checker import check
from scheduler.cli import main
from scheduler.roster import (
    Roster,
    RosterAbsence,
    RosterCarry,
    RosterDay,
    RosterOptions,
    RosterPeriod,
    RosterRequest,
    solve_roster,
)
from scheduler.roster.check import check_roster
from scheduler.roster.within import deploy, pinned, roster_rota
from scheduler.rota import Rota
from scheduler.scenario import Scenario
from scheduler.solve import gap_words
from tests.support import RULE_TEST, one_line_exit_2, small_team

DATA = Path(__file__).parent / "data"
START = date(2026, 11, 23)  # the small team's week: a Monday
TOLD = datetime(2026, 10, 1, 9, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")  # well over 15 days before the period


def team(**overrides) -> Scenario:
    return small_team(**overrides)


@cache
@cache
def four_weeks() -> tuple[Scenario, RosterPeriod, Roster]:
    """The small team's roster for four weeks, with leave, a course day and a request;
    solved once per test process (the tests read it, never change it), with time to spare
    for a loaded machine: each week of the first pass has two seconds, and a week that
    finds nothing in them falls back to a lawful roster that need not staff the events."""
    scenario = team()
    period = RosterPeriod(
        start=START,
        weeks=4,
        absences=[
            RosterAbsence(staff="pcso-cy", first=date(2026, 12, 1), last=date(2026, 12, 3)),
            RosterAbsence(
                staff="pc-ann", first=date(2026, 12, 9), kind="course", start="09:00", end="17:00"
            ),
        ],
        requests=[RosterRequest(staff="sgt-bo", day=date(2026, 12, 12), off=True)],
        carry=[RosterCarry(staff="pc-ann", days_worked_in_a_row=6)],
    )
    roster = solve_roster(scenario, period, RosterOptions(time_limit=6))
    assert roster.days, roster.report.explanation
    return scenario, period, roster


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_a_solved_roster_keeps_every_roster_rule():
    scenario, period, roster = four_weeks()
    assert check_roster(scenario, period, roster) == []
    assert {d.day for d in roster.days} == set(period.days)
    assert len(roster.days) == len(scenario.staff) * len(period.days)
    report = roster.report
    assert report.objective is not None and report.best_bound is not None
    assert report.objective <= report.best_bound + 1e-6
    assert 0 <= (report.gap or 0) < 1


def test_booked_days_are_shown_and_worked_courses_count():
    _, period, roster = four_weeks()
    leave = [d for d in roster.days if d.staff == "pcso-cy" and d.kind == "leave"]
    assert [d.day for d in leave] == period.absences[0].days
    assert all(d.code == "AL" for d in leave)
    course = roster.day_of("pc-ann", date(2026, 12, 9))
    assert course is not None and course.kind == "course" and course.code == "TRG"
    assert course.hours == 8
    ann = next(p for p in roster.people if p.staff == "pc-ann")
    assert ann.hours >= 8  # the course's hours count towards their time


def test_carried_days_in_a_row_are_respected():
    _, _, roster = four_weeks()
    # six days worked before the period: at most one more before a rest day (limit 7)
    first_days = [roster.day_of("pc-ann", START + timedelta(days=n)) for n in range(2)]
    assert any(d is not None and d.kind != "duty" for d in first_days)


def test_every_person_stays_within_contract_and_tolerance():
    _, period, roster = four_weeks()
    for person in roster.people:
        assert person.hours <= person.contracted_hours + period.rules.contract_tolerance_hours


def test_a_week_deployed_within_the_roster_keeps_every_tour():
    scenario, _, roster = four_weeks()
    week = scenario  # the roster's first week is the team's own week
    deployment = deploy(week, roster, changes="never", now=TOLD, options=RULE_TEST)
    rota = deployment.result.rota
    assert rota is not None, deployment.result.report.explanation
    rostered = {
        (d.staff, d.day, d.template) for d in roster.duties() if d.day < START + timedelta(7)
    }
    assert rota.worked() == rostered
    assert deployment.changes == [] and deployment.kept_roster
    assert check(deployment.scenario, rota) == []


def test_re_solving_an_unchanged_published_week_changes_no_duty():
    scenario, _, roster = four_weeks()
    first = deploy(scenario, roster, changes="if-needed", now=TOLD, options=RULE_TEST)
    again = deploy(scenario, roster, changes="if-needed", now=TOLD, options=RULE_TEST)
    assert first.result.rota is not None and again.result.rota is not None
    assert first.result.rota.worked() == again.result.rota.worked()
    assert again.changes == []


def test_an_event_nobody_rostered_can_staff_changes_the_roster_at_a_cost():
    """A mandatory event on a day the roster gives every warranted officer off: with
    changes never allowed there is no week; if needed, the fewest tours change, each with
    its notice and what it owes."""
    scenario, _, solved = four_weeks()
    second_week = [START + timedelta(days=7 + n) for n in range(7)]
    off_day = second_week[2]  # a Wednesday: Ann rostered off, Bo on a late
    late = next(t for t in scenario.duty_templates if t.id == "late")
    edits = {
        ("pc-ann", second_week[1]): RosterDay(
            staff="pc-ann", day=second_week[1], kind="rest", code="R"
        ),
        ("sgt-bo", second_week[1]): RosterDay(
            staff="sgt-bo", day=second_week[1], kind="rest", code="R"
        ),
        ("pc-ann", off_day): RosterDay(staff="pc-ann", day=off_day, kind="rest", code="R"),
        ("sgt-bo", off_day): RosterDay(
            staff="sgt-bo",
            day=off_day,
            kind="duty",
            template="late",
            start=at(off_day, late.start),
            end=at(off_day, late.end),
            code="late",
        ),
    }
    roster = solved.model_copy(
        update={"days": [edits.get((d.staff, d.day), d) for d in solved.days]}
    )
    data = json.loads(scenario.model_dump_json())
    data["week_start"] = str(second_week[0])
    data["pins"] = []
    data["events"] = [
        {
            "id": "urgent",
            "name": "Gold group briefing",
            "ward": "north",
            "place": "Station",
            "start": f"{off_day}T12:00:00",
            "end": f"{off_day}T13:00:00",
            "mandatory": True,
            "min_warranted": 2,
        }
    ]
    week = Scenario.model_validate(data)
    never = deploy(week, roster, changes="never", now=TOLD, options=RULE_TEST)
    assert never.result.rota is None
    needed = deploy(week, roster, changes="if-needed", now=TOLD, options=RULE_TEST)
    rota = needed.result.rota
    assert rota is not None, needed.result.report.explanation
    assert not needed.kept_roster and needed.note
    assert check(needed.scenario, rota) == []
    made = {(c.staff, c.change) for c in needed.changes if c.day == off_day}
    assert made == {("pc-ann", "added"), ("sgt-bo", "moved")}
    for change in needed.changes:
        assert change.clear_days >= 15
        assert change.compensation is None or "replacement rest day" in change.compensation
    # told the day before: under 15 days' notice, time and a half, at least 4 h
    late = datetime.combine(off_day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    urgent = deploy(week, roster, changes="if-needed", now=late, options=RULE_TEST)
    assert urgent.result.rota is not None
    owed = [c for c in urgent.changes if c.change == "added"]
    assert owed and all("time-and-a-half" in (c.compensation or "") for c in owed)
    assert all(c.paid_hours >= 6 for c in owed)


def at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LONDON).astimezone(UTC)


def test_pinned_week_pins_every_rostered_day():
    scenario, _, roster = four_weeks()
    week = pinned(scenario, roster)
    days = {(p.staff, p.day) for p in week.pins if p.day is not None}
    assert days == {(s.id, d) for s in scenario.staff for d in scenario.days}
    assert roster_rota(week, roster).worked() == {
        (d.staff, d.day, d.template) for d in roster.duties() if d.day in set(scenario.days)
    }


def test_a_week_outside_the_roster_is_refused():
    scenario, _, roster = four_weeks()
    later = scenario.model_copy(update={"week_start": START + timedelta(weeks=6)})
    with pytest.raises(ValueError, match="outside the roster"):
        deploy(later, roster, now=TOLD, options=RULE_TEST)


def test_period_input_is_checked_with_readable_messages():
    with pytest.raises(ValueError, match="a roster starts on a Monday"):
        RosterPeriod(start=date(2026, 11, 24))
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        RosterAbsence(staff="x", first=date(2026, 12, 2), last=date(2026, 12, 1))
    with pytest.raises(ValueError, match="leave is a whole day"):
        RosterAbsence(staff="x", first=date(2026, 12, 2), start="09:00", end="17:00")
    with pytest.raises(ValueError, match="either template or off"):
        RosterRequest(staff="x", day=date(2026, 12, 2))


@pytest.mark.extra  # three solves through the command line: 12 s of the quick tier's 5 minutes
def test_cli_plans_checks_and_writes_a_roster(tmp_path: Path, capsys):
    """`beatplan roster` plans and checks the period; `beatplan deploy` deploys its first
    week (the scenario's) and, with --week and --period, a later one with that week's
    leave and events."""
    scenario_path = tmp_path / "team.json"
    scenario_path.write_text(team().model_dump_json())
    period_path = tmp_path / "period.json"
    third = START + timedelta(weeks=2)
    leave = {"staff": "pc-ann", "first": str(third + timedelta(days=1))}
    gate = {
        "id": "gate",
        "name": "School gate",
        "ward": "south",
        "place": "St Mark's Primary",
        "start": f"{third + timedelta(days=2)}T08:15",
        "end": f"{third + timedelta(days=2)}T09:00",
        "mandatory": True,
    }
    period = {"start": str(START), "weeks": 4, "absences": [leave], "events": [gate]}
    period_path.write_text(json.dumps(period))
    out = tmp_path / "roster.json"
    by_work = ["--time-limit", "3", "--limit-by", "work"]
    code = main(["roster", str(scenario_path), str(period_path), *by_work, "-o", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "every roster rule holds" in text
    roster = Roster.model_validate_json(out.read_text())
    assert len(roster.days) == 4 * 7 * len(team().staff)
    rota_out = tmp_path / "rota.json"
    code = main(
        [
            "deploy",
            str(scenario_path),
            str(out),
            "--now",
            "2026-10-01T09:00",
            "--time-limit",
            "5",
            "--limit-by",
            "work",
            "-o",
            str(rota_out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0, text
    # The period does not know the team week's ward panel, so the roster may not have a
    # warranted officer on for it: then the tours it needs change, each listed.
    assert "Every rostered tour and rest day kept." in text or "Changes to the roster" in text
    assert rota_out.exists()
    deploy_argv = ["deploy", str(scenario_path), str(out), "--now", "2026-10-01T09:00"]
    later = [*deploy_argv, "--week", str(third)]
    err = one_line_exit_2(main, later, capsys)
    assert "--period" in err and str(START) in err, err
    err = one_line_exit_2(main, [*deploy_argv, "--week", "2027-01-04"], capsys)
    assert "outside the roster" in err, err
    with pytest.raises(SystemExit) as refused:  # the argument parser's usage and error
        main([*deploy_argv, "--week", str(third + timedelta(days=1))])
    assert refused.value.code == 2 and "is a Tuesday" in capsys.readouterr().err
    by_work = ["--time-limit", "5", "--limit-by", "work", "-o", str(rota_out)]
    code = main([*later, "--period", str(period_path), *by_work])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "every hard rule holds" in text
    rota = Rota.model_validate_json(rota_out.read_text())
    assert rota.week_start == third
    assert not rota.duties_of("pc-ann") or all(
        d.day != third + timedelta(days=1) for d in rota.duties_of("pc-ann")
    )
    assert [e.event for e in rota.events if e.staffed] == ["gate"]  # not the team week's panel


def test_cli_bad_period_is_one_line_exit_2(tmp_path: Path, capsys):
    scenario_path = tmp_path / "team.json"
    scenario_path.write_text(team().model_dump_json())
    period_path = tmp_path / "period.json"
    period_path.write_text(json.dumps({"start": "2026-11-24", "weeks": 4}))
    err = one_line_exit_2(main, ["roster", str(scenario_path), str(period_path)], capsys)
    assert "Monday" in err
    period_path.write_text(
        json.dumps({"start": str(START), "absences": [{"staff": "nobody", "first": str(START)}]})
    )
    err = one_line_exit_2(main, ["roster", str(scenario_path), str(period_path)], capsys)
    assert "absences.0.staff is 'nobody'" in err and "not one of the team's staff ids" in err
    # every id the period uses is the team's: an event's ward, a demand exception's, a
    # requested template (each once a page of pydantic's)
    at = f"{START}T10:00:00"
    event = {"id": "x", "name": "X", "ward": "nowhere", "place": "Hall", "start": at, "end": at}
    event["end"] = f"{START}T11:00:00"
    surge = {"ward": "nowhere", "start": at, "end": event["end"], "weight": 1}
    request = {"staff": "pc-ann", "day": str(START), "template": "siesta"}
    for field, item, said in (
        ("events", event, "events.0.ward is 'nowhere', which is not one of the team's ward ids"),
        ("demand_exceptions", surge, "demand_exceptions.0.ward is 'nowhere'"),
        ("requests", request, "requests.0.template is 'siesta', which is not one of the team's"),
    ):
        period_path.write_text(json.dumps({"start": str(START), field: [item]}))
        err = one_line_exit_2(main, ["roster", str(scenario_path), str(period_path)], capsys)
        assert said in err and "use one of" in err, err
    # a course in the hour the clocks skip is no time at all (01:30-02:00 on 28 Mar 2027,
    # Europe/London); the hour after it is a real hour
    course = {"staff": "pc-ann", "first": "2027-03-27", "last": "2027-03-28", "kind": "course"}
    skipped = {**course, "start": "01:30", "end": "02:00"}
    period_path.write_text(json.dumps({"start": "2027-03-22", "weeks": 4, "absences": [skipped]}))
    err = one_line_exit_2(main, ["roster", str(scenario_path), str(period_path)], capsys)
    assert "pc-ann" in err and "Sun 28 Mar 2027" in err and "clocks go forward" in err, err
    real = RosterPeriod.model_validate(
        {"start": "2027-03-22", "absences": [{**course, "start": "02:00", "end": "03:00"}]}
    )
    assert real.hours_lost_to_the_clocks(team()) == []


def test_unreadable_period_is_one_line_exit_2(tmp_path: Path, capsys):
    path = tmp_path / "period.json"
    path.write_text("{not json")
    scenario_path = tmp_path / "team.json"
    scenario_path.write_text(team().model_dump_json())
    err = one_line_exit_2(main, ["roster", str(scenario_path), str(path)], capsys)
    assert str(path) in err


@pytest.mark.extra  # the sample team's 13 weeks: a minute's search
def test_the_sample_roster_keeps_every_rule_and_its_first_week_deploys():
    from scheduler.roster.figures import figures
    from scheduler.scenario import load_scenario
    from tests.support import FIXTURES

    scenario = load_scenario(FIXTURES / "riverside.json")
    period = RosterPeriod.model_validate(
        json.loads((FIXTURES / "riverside-roster.json").read_text())
    )
    roster = solve_roster(scenario, period, RosterOptions(time_limit=60))
    assert roster.days, roster.report.explanation
    assert check_roster(scenario, period, roster) == []
    # the figures read from the days alone agree with the model's own
    assert figures(scenario, period, roster.days).expected_presence == pytest.approx(
        roster.report.expected_presence, abs=0.2
    )
    # the booked absences are on the roster, the carried 48-hour average holds PC Walsh
    # to 24 h in the first week (16 weeks of 49.5 h before it)
    walsh = sum(
        d.hours for d in roster.days if d.staff == "pc-walsh" and d.day < START + timedelta(7)
    )
    assert walsh <= 24
    deployment = deploy(scenario, roster, now=TOLD, options=RULE_TEST)
    rota = deployment.result.rota
    assert rota is not None, deployment.result.report.explanation
    assert check(deployment.scenario, rota) == []
    kept = {(d.staff, d.day, d.template) for d in roster.duties() if d.day in set(scenario.days)}
    if deployment.kept_roster:
        assert rota.worked() == kept
    else:
        changed = {(c.staff, c.day) for c in deployment.changes}
        assert {(s, d) for s, d, _ in rota.worked() ^ kept} <= changed
        assert all(c.clear_days >= 15 for c in deployment.changes)


@pytest.mark.extra  # plans a roster and deploys its week: about 6 s of the quick tier's 5 minutes
def test_the_team_files_own_leave_and_events_reach_the_roster():
    """What the team's file itself books is in the roster, as the week deployed within it
    will have it: a day's leave in its week, a court date weeks later, and a one-off
    mandatory panel that needs the Prevent skill (only the sergeant has it); the checker
    reads the leave too, and the week deploys without changing a tour."""
    data = json.loads(team().model_dump_json())
    away = {
        "pc-ann": ("2026-11-25T00:00:00", "2026-11-26T00:00:00", "annual leave"),
        "pcso-cy": ("2026-12-09T09:00:00", "2026-12-09T17:00:00", "court"),
    }
    for person in data["staff"]:
        if person["id"] in away:
            start, end, reason = away[person["id"]]
            person["unavailable"] = [{"start": start, "end": end, "reason": reason}]
    prevent = {
        "id": "prevent",
        "name": "Prevent panel",
        "ward": "north",
        "place": "Town hall",
        "start": "2026-11-26T10:00:00",
        "end": "2026-11-26T11:00:00",
        "mandatory": True,
        "required_skills": ["prevent"],
    }
    data["events"].append(prevent)
    scenario = Scenario.model_validate(data)
    period = RosterPeriod(start=START, weeks=4, weekly_events=["panel"])
    roster = solve_roster(scenario, period, RosterOptions(time_limit=6))
    assert roster.days, roster.report.explanation
    assert check_roster(scenario, period, roster) == []
    for staff, (start, end, _) in away.items():
        begins, ends = (datetime.fromisoformat(t).replace(tzinfo=LONDON) for t in (start, end))
        assert not [
            d for d in roster.duties() if d.staff == staff and d.start < ends and begins < d.end
        ]
    panel = datetime(2026, 11, 26, 10, tzinfo=LONDON)
    tour = roster.day_of("sgt-bo", panel.date())
    assert tour is not None and tour.kind == "duty" and tour.start <= panel < tour.end
    [cover] = [e for e in roster.events if e.event == "prevent"]
    assert cover.on_duty >= 1 and cover.unmet == []
    deployment = deploy(scenario, roster, changes="never", now=TOLD, options=RULE_TEST)
    assert deployment.result.rota is not None and deployment.kept_roster
    # The checker reads the team's leave: a tour on it is named
    ann = next(d for d in roster.days if (d.staff, d.day) == ("pc-ann", date(2026, 11, 25)))
    early = next(t for t in scenario.duty_templates if t.id == "early")
    on_leave = roster.model_copy(
        update={
            "days": [
                d.model_copy(
                    update={
                        "kind": "duty",
                        "template": "early",
                        "code": "E",
                        "start": datetime.combine(d.day, time.fromisoformat(early.start), LONDON),
                        "end": datetime.combine(d.day, time.fromisoformat(early.end), LONDON),
                    }
                )
                if d is ann
                else d
                for d in roster.days
            ]
        }
    )
    named = [v.message for v in check_roster(scenario, period, on_leave) if v.rule == "absence"]
    assert any("overlaps their annual leave" in m for m in named), named


def test_a_period_carrying_a_duty_into_itself_or_two_bookings_a_day_is_refused():
    with pytest.raises(ValueError, match="inside the period"):
        RosterPeriod(
            start=START,
            carry=[RosterCarry(staff="pc-ann", last_duty_end=datetime(2026, 11, 29, 12))],
        )
    night = RosterPeriod(  # the Sunday night before ends on the first morning: allowed
        start=START, carry=[RosterCarry(staff="pc-ann", last_duty_end=datetime(2026, 11, 23, 6))]
    )
    assert night.carry[0].last_duty_end is not None
    with pytest.raises(ValueError, match="two bookings with hours on Wed 09 Dec 2026"):
        RosterPeriod(
            start=START,
            absences=[
                RosterAbsence(
                    staff="pc-ann", first=date(2026, 12, 9), kind=kind, start=start, end=end
                )
                for kind, start, end in (("course", "09:00", "12:00"), ("court", "13:00", "17:00"))
            ],
        )


def test_a_sergeants_event_pin_on_a_rostered_rest_day():
    """The week pins the sergeant to the panel on a day the roster gives them off: never
    changing the roster is a readable error; if needed, their tour changes, at a cost."""
    scenario, _, solved = four_weeks()
    panel_day = date(2026, 11, 24)
    roster = solved.model_copy(
        update={
            "days": [
                RosterDay(staff=d.staff, day=d.day, kind="rest", code="R")
                if (d.staff, d.day) == ("sgt-bo", panel_day)
                else d
                for d in solved.days
            ]
        }
    )
    data = json.loads(scenario.model_dump_json())
    data["pins"] = [{"staff": "sgt-bo", "event": "panel"}]
    week = Scenario.model_validate(data)
    with pytest.raises(ValueError, match="clash with the roster"):
        deploy(week, roster, changes="never", now=TOLD, options=RULE_TEST)
    needed = deploy(week, roster, changes="if-needed", now=TOLD, options=RULE_TEST)
    assert needed.result.rota is not None and not needed.kept_roster
    changed = {(c.staff, c.day) for c in needed.changes}
    # only what the week needs: the panel day, and at most one day to keep the rest days
    assert ("sgt-bo", panel_day) in changed and len(changed) <= 2, changed
    assert check(needed.scenario, needed.result.rota) == []


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_the_roster_keeps_the_sergeants_pins_where_the_period_holds_them():
    """The week's pins reach the roster: a pin to a weekly event puts that person on a
    tour covering it each week; a dated tour or rest day is rostered so."""
    data = json.loads(team().model_dump_json())
    data["pins"] = [
        {"staff": "sgt-bo", "event": "panel"},
        {"staff": "pc-ann", "day": "2026-11-24", "off": True},
        {"staff": "pcso-cy", "day": "2026-11-26", "template": "early"},
    ]
    scenario = Scenario.model_validate(data)
    period = RosterPeriod(start=START, weeks=4, weekly_events=["panel"])
    roster = solve_roster(scenario, period, RosterOptions(time_limit=6))
    assert roster.days, roster.report.explanation
    assert check_roster(scenario, period, roster) == []
    for week in range(4):
        panel = datetime(2026, 11, 24, 18, 30, tzinfo=LONDON) + timedelta(weeks=week)
        tour = roster.day_of("sgt-bo", panel.date())
        assert tour is not None and tour.kind == "duty", (week, tour)
        assert tour.start <= panel and panel + timedelta(minutes=90) <= tour.end
    assert roster.day_of("pc-ann", date(2026, 11, 24)).kind == "rest"
    assert roster.day_of("pcso-cy", date(2026, 11, 26)).template == "early"
    # so the week deployed within it keeps every tour, the sergeant's pin with them
    deployment = deploy(scenario, roster, changes="never", now=TOLD, options=RULE_TEST)
    assert deployment.result.rota is not None and deployment.kept_roster


@pytest.mark.extra  # the sample week deployed twice: about 40 s
def test_a_week_that_needs_a_change_changes_only_what_it_needs():
    """A roster the demo planned (its first week, kept in tests/scheduler/data) leaves the
    sample's Friday prayers visit, which needs a warranted officer speaking Urdu, with
    neither speaker on duty then: the week is deployed with one tour moved, not
    re-planned (freeing every tour at once changed 96 of its tours)."""
    from scheduler.scenario import load_scenario
    from tests.support import FIXTURES

    roster = Roster.model_validate_json(DATA.joinpath("riverside-roster-week.json").read_text())
    scenario = load_scenario(FIXTURES / "riverside.json", roster.start)
    never = deploy(scenario, roster, changes="never", now=TOLD, options=RULE_TEST)
    assert never.result.rota is None and "urdu" in " ".join(never.result.report.explanation)
    deployment = deploy(scenario, roster, changes="if-needed", now=TOLD, options=RULE_TEST)
    rota = deployment.result.rota
    assert rota is not None, deployment.result.report.explanation
    assert check(deployment.scenario, rota) == []
    changed = {(c.staff, c.day) for c in deployment.changes}
    friday = roster.start + timedelta(days=4)
    assert changed & {("pc-hussain", friday), ("pc-shah", friday)}, changed
    assert len(changed) <= 2, deployment.changes


def test_the_gap_is_said_in_words_a_sergeant_can_use():
    assert gap_words(0.032) == "at most 3.2% below the best possible"
    assert gap_words(0.0) == "the best possible"
    assert gap_words(None).startswith("how far from the best possible is not known")
    # costs still outweigh presence early in a search: a gap over 100% means nothing more
    assert gap_words(12.254) == (
        "far from the best possible (more than 100% below it): give it more time"
    )


@pytest.mark.extra  # 4-8 s: the quick tier keeps under 5 minutes
def test_a_roster_search_limited_by_work_counts_work_and_the_clock_only_stops_a_runaway():
    """`RosterOptions(limit="work")` holds each step of the search to units of CP-SAT's
    deterministic time (the clock stops it only at WORK_CLOCK_CAP times that) and the
    whole search to the time limit in work; a roster is still found and checked.
    Options a search cannot run with are refused by name."""
    from scheduler.phases import WORK_CLOCK_CAP
    from scheduler.roster.search import _solver

    step = _solver(1.5, 2, 0, limit="work")
    assert step.parameters.max_deterministic_time == 1.5
    assert step.parameters.max_time_in_seconds == 1.5 * WORK_CLOCK_CAP
    assert _solver(1.5, 2, 0).parameters.max_time_in_seconds == 1.5  # the clock's
    scenario = team()
    period = RosterPeriod.model_validate({"start": str(START), "weeks": 4})
    roster = solve_roster(scenario, period, RosterOptions(time_limit=2, limit="work"))
    assert roster.days and check_roster(scenario, period, roster) == []
    with pytest.raises(ValueError, match='limit must be "clock" or "work"'):
        RosterOptions(limit="moon")  # type: ignore[arg-type]
