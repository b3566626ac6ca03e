"""The roster benchmark's pieces: the five-week pattern, its scoring, and (extra tier) a
tiny run of the whole section.

The quick tier solves nothing: the pattern and its figures are read from days alone.
"""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

import pytest

from benchmarks import roster as bench
from scheduler import Scenario
from scheduler.roster import Roster, RosterPeriod, RosterReport
from scheduler.roster.check import RULES
from scheduler.roster.period import ABSENCE_CODES
from scheduler.scenario import WEEKDAYS, CarryIn, clock_minutes


@pytest.fixture(scope="module")
def sample_period() -> tuple[Scenario, RosterPeriod]:
    return bench.load_sample()


@pytest.mark.parametrize(
    ("cycle", "duties", "letters"),
    [(bench.OFFICER_CYCLE, 5, "ELN"), (bench.PCSO_CYCLE, 4, "EL")],
)
def test_rosettes_rotate_forward_with_rest(cycle: tuple[str, ...], duties: int, letters: str):
    """Each week its duties and rest days; at most 7 days in a row; never an earlier
    start the day after; a full weekend off at least once in every three weeks."""
    days = [letter for row in cycle for letter in row.split()]
    assert len(days) == 35 and set(days) <= {*letters, "R"}
    for row in cycle:
        assert sum(letter != "R" for letter in row.split()) == duties
    doubled = days + days
    longest = max(len(run) for run in "".join(doubled).split("R"))
    assert longest <= 7
    for today, tomorrow in itertools.pairwise(doubled):
        if "R" not in (today, tomorrow):
            assert letters.index(tomorrow) >= letters.index(today), (today, tomorrow)
    off = [row.split()[5:] == ["R", "R"] for row in cycle]
    assert all(any(off[(week + n) % 5] for n in range(3)) for week in range(5))


def test_pattern_gives_every_person_one_day_for_every_day(
    sample_period: tuple[Scenario, RosterPeriod],
):
    team, period = sample_period
    days = bench.pattern_roster(team, period)
    keys = [(d.staff, d.day) for d in days]
    assert len(keys) == len(set(keys)) == len(team.staff) * len(period.days)
    by_key = dict(zip(keys, days, strict=True))
    for absence in period.absences:
        for day in absence.days:
            entry = by_key[absence.staff, day]
            assert (entry.kind, entry.code) == (absence.kind, ABSENCE_CODES[absence.kind])
            assert (entry.start is not None) == absence.worked
    templates = {t.id: t for t in team.duty_templates}
    people = {p.id: p for p in team.staff}
    for entry in days:
        if entry.kind != "duty":
            continue
        template = templates[entry.template or ""]
        assert template.worked_by(people[entry.staff])
        assert entry.start is not None and entry.end is not None
        assert entry.end - entry.start == timedelta(minutes=template.clock_length_minutes)
        local = entry.start.astimezone(team.zone)
        assert local.date() == entry.day
        assert local.hour * 60 + local.minute == clock_minutes(template.start)
    for person in team.staff:  # part-timers on their working days only
        if person.working_days is not None:
            duty_days = {
                WEEKDAYS[d.day.weekday()] for d in days if d.staff == person.id and d.kind == "duty"
            }
            assert duty_days <= set(person.working_days)


def test_pattern_figures_are_finite(sample_period: tuple[Scenario, RosterPeriod]):
    team, period = sample_period
    found = bench.score(team, period, bench.pattern_roster(team, period))
    figures = found.figures
    assert math.isfinite(figures.expected_presence) and figures.expected_presence > 0
    assert math.isfinite(figures.cover_short_hours) and figures.cover_short_hours >= 0
    assert set(figures.hours) == {p.id for p in team.staff}
    assert all(math.isfinite(hours) and hours >= 0 for hours in figures.hours.values())
    assert found.nights_spread[True] is not None and found.nights_spread[True] >= 0
    assert found.nights_spread[False] is None  # the sample's PCSOs may work no night
    assert all(spread >= 0 for spread in found.weekends_spread.values())
    assert 0 <= found.short_of_contract <= len(team.staff)
    assert found.violations == sum(found.rules.values())
    assert set(found.rules) <= {str(rule) for rule in RULES}


def test_pattern_is_lawful_without_carry_in_or_absences(
    sample_period: tuple[Scenario, RosterPeriod],
):
    """The rosettes themselves keep every rule: what the pattern breaks on the sample
    period comes from the carry-in and the absences it is laid over."""
    team, period = sample_period
    fresh = team.model_copy(  # nothing carried in, no leave of the team week's own
        update={
            "staff": [
                p.model_copy(update={"carry_in": CarryIn(), "unavailable": []}) for p in team.staff
            ]
        }
    )
    plain = RosterPeriod(start=period.start, weeks=period.weeks)
    found = bench.score(fresh, plain, bench.pattern_roster(fresh, plain))
    assert found.violations == 0, found.rules
    assert found.short_of_contract == 0


def test_within_1pct_reads_the_trace_against_the_final_bound():
    def roster(bound: float | None, trace: list[tuple[float, float]]) -> Roster:
        report = RosterReport(status="FEASIBLE", wall_time=1.0, best_bound=bound, trace=trace)
        return Roster(team="t", start="2026-11-23", weeks=4, days=[], report=report)

    trace = [(2.0, 90.0), (5.0, 99.0), (9.0, 99.5)]
    assert bench.within_1pct(roster(100.0, trace)) == 5.0
    assert bench.within_1pct(roster(101.0, trace[:2])) is None
    assert bench.within_1pct(roster(None, trace)) is None


@pytest.mark.extra
def test_a_tiny_report_writes_every_table(monkeypatch: pytest.MonkeyPatch):
    """The section in a tiny short mode: one sample solve, two force teams (solves for
    a minute or more: the extra tier)."""
    monkeypatch.setattr(bench, "SHORT_SAMPLE_LIMIT", 10.0)
    monkeypatch.setattr(bench, "SHORT_FORCE_TEAMS", 2)
    monkeypatch.setattr(bench, "SHORT_FORCE_LIMIT", 5.0)
    lines = bench.report(short=True)
    text = "\n".join(lines)
    assert lines[0] == bench.ROSTER
    assert "cores" in text and "python -m benchmarks.roster --short" in text
    for heading in ("### The sample team's", "### Against a five-week pattern", "### A force's"):
        assert heading in text
    sample = next(line for line in lines if line.startswith("| sample |"))
    cells = [cell.strip() for cell in sample.strip("|").split("|")]
    assert cells[-2] in ("0", "-"), "a solved sample roster passes the checker"
    assert any(line.startswith("| five-week pattern |") for line in lines)
