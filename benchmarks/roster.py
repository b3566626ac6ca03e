"""The roster part: multi-week rosters (`scheduler.roster`), solved and against a pattern.

    python -m benchmarks.roster [--short] [--out FILE]

Three measurements, written into the "The roster" section of docs/benchmarks.md:

1. The sample team's 13-week roster (fixtures/riverside.json with its period
   fixtures/riverside-roster.json), solved by `solve_roster` with SAMPLE_LIMIT seconds and
   WORKERS workers for each of SAMPLE_SEEDS, each run in a fresh process (spawned, one
   at a time) so that its peak memory is its own; then once with LONG_LIMIT seconds
   (seed 0) to show how the gap closes with more time.
2. That roster against a five-week pattern of the kind a force would publish
   (`pattern_roster`: a forward-rotating rosette, each person a week further on), both
   scored the same way by `scheduler.roster.figures` and read by the roster checker.
3. A force's rosters: the 100 teams of `generate_instance("force", seed=0)`, each given a
   13-week period from its own week and no absences, solved FORCE_PROCESSES at a time
   (one worker each) with FORCE_LIMIT seconds per team.

`--short` (the tests' mode): the sample at SHORT_SAMPLE_LIMIT seconds with seed 0 only,
no long run, and the first SHORT_FORCE_TEAMS force teams at SHORT_FORCE_LIMIT seconds.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from benchmarks.document import ROOT, ROSTER, machine, part_command
from scheduler.codes import SolveStatus
from scheduler.generate import generate_instance
from scheduler.roster import (
    Roster,
    RosterDay,
    RosterOptions,
    RosterPeriod,
    RosterReport,
    solve_roster,
)
from scheduler.roster.check import check_roster
from scheduler.roster.figures import RosterFigures, figures
from scheduler.roster.period import ABSENCE_CODES
from scheduler.scenario import (
    WEEKDAYS,
    CarryIn,
    DutyTemplate,
    Role,
    Scenario,
    Staff,
    clock_minutes,
    in_pcso_window,
    load_scenario,
)
from scheduler.timegrid import local_instant

SAMPLE_TEAM = ROOT / "fixtures" / "riverside.json"
SAMPLE_PERIOD = ROOT / "fixtures" / "riverside-roster.json"
WORKERS = 2  # CP-SAT workers for each sample solve
SAMPLE_LIMIT = 60.0  # seconds for each seed's sample solve
SAMPLE_SEEDS = (0, 1, 2)
LONG_LIMIT = 180.0  # seconds for the one longer sample solve (seed 0)
CHECKPOINTS = (15.0, 30.0, 60.0, 90.0, 120.0, 180.0)  # seconds at which the long run is read
FORCE_LIMIT = 20.0  # seconds for each force team's roster
# One team at a time with both cores: with one CP-SAT worker each (two teams at once),
# the first roster's weeks found little in their time and the rosters were poor.
FORCE_PROCESSES = 1  # force teams solved at a time, each in its own worker process
FORCE_WORKERS = 2  # CP-SAT workers for each force team
FORCE_WEEKS = 13
SHORT_SAMPLE_LIMIT = 20.0
SHORT_FORCE_TEAMS = 4
SHORT_FORCE_LIMIT = 10.0

# The five-week rosettes, one row a calendar week (Monday to Sunday); a person at offset k
# works row k in the period's first week, row k + 1 in the next, and so on. E, L and N
# are the person's earliest, middle (start nearest 14:00) and latest-starting templates;
# R a rest day. Both rotate forward within every run of duties (never an earlier start
# the day after), leave at least 11 h between duties, work at most 7 days in a row and
# keep two full weekends off in five, never three worked in a row.
OFFICER_CYCLE = (  # PCs and sergeants: 5 tours and 2 rest days a week
    "L L L L L R R",
    "R E E E R N N",
    "N N N N N R R",
    "N N R R E E E",
    "E E E R R L L",
)
PCSO_CYCLE = (  # PCSOs: 4 long tours and 3 rest days a week (early E, late L)
    "R E E E E R R",
    "R L L L R R E",
    "E R R R L L L",
    "L L L L R R R",
    "E E R R E E R",
)
PART_TIME_LETTERS = {True: "ELN", False: "EL"}  # part-timers: one kind a week, in turn


# The pattern.
def _start_key(template: DutyTemplate) -> int:
    """A template's start in minutes from 06:00 (a tour starting at 01:00 starts late)."""
    return (clock_minutes(template.start) - 360) % 1440


def _may_work(team: Scenario, person: Staff, template: DutyTemplate) -> bool:
    """Their role may work it, it is theirs (`worked_by`), and a PCSO's is in the window."""
    return template.worked_by(person) and (
        person.role is not Role.PCSO or in_pcso_window(template, team.policy)
    )


def _shifts(team: Scenario, person: Staff) -> dict[str, DutyTemplate]:
    """The person's E, L (and N for officers) from the team's templates they may work:
    a PCSO's from the PCSO-only (long) templates in the PCSO window where there are any."""
    mine = [t for t in team.duty_templates if _may_work(team, person, t)]
    if person.role is Role.PCSO:
        long = [t for t in mine if t.roles is not None and Role.PCSO in t.roles]
        mine = long or mine
    if not mine:
        return {}
    ordered = sorted(mine, key=_start_key)
    early, latest = ordered[0], ordered[-1]
    if person.role is Role.PCSO:
        return {"E": early, "L": latest}
    middle = list(ordered[1:-1]) or [latest]
    late = min(middle, key=lambda t: abs(clock_minutes(t.start) - 14 * 60))
    return {"E": early, "L": late, "N": latest}


def _duty(team: Scenario, person: Staff, day: date, template: DutyTemplate) -> RosterDay:
    starts, ends = clock_minutes(template.start), clock_minutes(template.end)
    end_day = day + timedelta(days=1) if ends <= starts else day
    return RosterDay(
        staff=person.id,
        day=day,
        kind="duty",
        template=template.id,
        start=local_instant(team, day, template.start),
        end=local_instant(team, end_day, template.end),
        code=template.id,
    )


def _part_time_days(person: Staff, template: DutyTemplate) -> set[str]:
    """A part-timer's days in a week: their working days, weekdays first, as many as
    their contracted hours hold tours of this template."""
    assert person.working_days is not None
    ordered = sorted(person.working_days, key=lambda d: (d in ("sat", "sun"), WEEKDAYS.index(d)))
    hours = template.clock_length_minutes / 60
    count = min(len(ordered), math.floor(person.contracted_hours / hours + 1e-9))
    return set(ordered[:count])


def pattern_roster(team: Scenario, period: RosterPeriod) -> list[RosterDay]:
    """The period as a fixed five-week pattern would roster it, one day per person per day.

    Full-time PCs and sergeants work OFFICER_CYCLE, full-time PCSOs PCSO_CYCLE (on the
    PCSO-only long templates where the team has them), each person at the offset of their
    index (mod 5) among those on the same rosette. Part-timers (staff with working days)
    work only their working days, weekdays first, as many as fit their contracted hours,
    one kind of tour a week in turn (officers early, late, late-late; PCSOs early, late).
    Booked leave, courses and court days replace whatever the pattern had that day (a
    course or court day with its booked hours). Nothing else is adjusted: carry-in, the
    weeks' rules at the edges of an absence and cover are the pattern's own luck."""
    away = {(a.staff, day): a for a in period.absences for day in a.days}
    plan: dict[tuple[str, date], DutyTemplate] = {}
    rosettes: dict[bool, list[Staff]] = {True: [], False: []}  # warranted: people
    part_timers: dict[bool, list[Staff]] = {True: [], False: []}
    for person in team.staff:
        group = part_timers if person.working_days is not None else rosettes
        group[person.role is not Role.PCSO].append(person)
    for warranted, people in rosettes.items():
        cycle = OFFICER_CYCLE if warranted else PCSO_CYCLE
        for index, person in enumerate(people):
            shifts = _shifts(team, person)
            for number, day in enumerate(period.days):
                row = cycle[(number // 7 + index) % len(cycle)].split()
                letter = row[number % 7]
                if letter in shifts:
                    plan[person.id, day] = shifts[letter]
    for warranted, people in part_timers.items():
        letters = PART_TIME_LETTERS[warranted]
        for index, person in enumerate(people):
            shifts = _shifts(team, person)
            for week, monday in enumerate(period.mondays()):
                template = shifts.get(letters[(week + index) % len(letters)])
                if template is None:
                    continue
                working = _part_time_days(person, template)
                for offset in range(7):
                    day = monday + timedelta(days=offset)
                    if WEEKDAYS[day.weekday()] in working:
                        plan[person.id, day] = template
    days = []
    for person in team.staff:
        for day in period.days:
            absence = away.get((person.id, day))
            if absence is not None:
                start = end = None
                if absence.worked:
                    assert absence.start is not None and absence.end is not None
                    start = local_instant(team, day, absence.start)
                    end = local_instant(team, day, absence.end)
                days.append(
                    RosterDay(
                        staff=person.id,
                        day=day,
                        kind=absence.kind,
                        start=start,
                        end=end,
                        code=ABSENCE_CODES[absence.kind],
                    )
                )
            elif (person.id, day) in plan:
                days.append(_duty(team, person, day, plan[person.id, day]))
            else:
                days.append(RosterDay(staff=person.id, day=day, kind="rest", code="R"))
    return days


def as_roster(team: Scenario, period: RosterPeriod, days: list[RosterDay]) -> Roster:
    """Days in a `Roster` the checker reads (no figures of its own)."""
    return Roster(
        team=team.team.id,
        start=period.start,
        weeks=period.weeks,
        days=days,
        report=RosterReport(status=SolveStatus.FEASIBLE, wall_time=0.0),
    )


# Scoring a roster's days.
def _night_template(template: DutyTemplate, team: Scenario) -> bool:
    """At least the policy's night hours inside the night window, by the clock."""
    policy = team.policy
    start = clock_minutes(template.start)
    end = start + template.clock_length_minutes
    night = clock_minutes(policy.night_start)
    night_end = clock_minutes(policy.night_end)
    length = (night_end - night) % 1440 or 1440
    overlap = 0
    for base in (-1440, 0, 1440):
        begins = night + base
        overlap += max(0, min(end, begins + length) - max(start, begins))
    return overlap >= policy.night_min_hours * 60


@dataclass(frozen=True)
class Score:
    """A roster's days judged as the roster model judges them, by `figures` alone."""

    figures: RosterFigures
    nights_spread: dict[bool, int | None]  # warranted: spread (None: nobody works nights)
    weekends_spread: dict[bool, int]
    short_of_contract: int  # people more than the tolerance short of their contract
    violations: int
    rules: dict[str, int]  # rule: violations


def score(team: Scenario, period: RosterPeriod, days: list[RosterDay]) -> Score:
    found = figures(team, period, days)
    groups: dict[bool, list[Staff]] = {True: [], False: []}
    for person in team.staff:
        groups[person.role is not Role.PCSO].append(person)
    nights: dict[bool, int | None] = {}
    weekends: dict[bool, int] = {}
    for warranted, people in groups.items():
        # as the model spreads them: nights among those who may work one, weekends among all
        able = {
            p.id
            for p in people
            if any(_may_work(team, p, t) and _night_template(t, team) for t in team.duty_templates)
        }
        nights[warranted] = found.spread(found.nights, able) if able else None
        weekends[warranted] = found.spread(found.weekends_off, {p.id for p in people})
    tolerance = period.rules.contract_tolerance_hours
    away = Counter(a.staff for a in period.absences if not a.worked for _ in a.days)
    short = sum(
        1
        for p in team.staff
        if found.hours.get(p.id, 0.0)
        < p.contracted_hours * (len(period.days) - away[p.id]) / 7 - tolerance - 1e-6
    )
    violations = check_roster(team, period, as_roster(team, period, days))
    return Score(
        figures=found,
        nights_spread=nights,
        weekends_spread=weekends,
        short_of_contract=short,
        violations=len(violations),
        rules=dict(Counter(str(v.rule) for v in violations)),
    )


# The sample team's solves, each in a fresh process.
def load_sample() -> tuple[Scenario, RosterPeriod]:
    team = load_scenario(SAMPLE_TEAM)
    period = RosterPeriod.model_validate(json.loads(SAMPLE_PERIOD.read_text(encoding="utf-8")))
    return team, period


@dataclass(frozen=True)
class SampleRun:
    seed: int
    limit: float
    status: str
    wall: float
    first: float | None
    within_1pct: float | None  # first trace point at >= 99% of the final bound
    gap: float | None
    objective: float | None
    bound: float | None
    presence: float | None
    violations: int | None  # None: no roster
    peak_mib: float
    trace: list[tuple[float, float]] = field(default_factory=list)
    roster: Roster | None = field(default=None, repr=False)


def within_1pct(roster: Roster) -> float | None:
    report = roster.report
    if report.best_bound is None:
        return None
    return next(
        (seconds for seconds, value in report.trace if value >= 0.99 * report.best_bound), None
    )


def solve_sample(limit: float, seed: int) -> SampleRun:
    """The sample team's roster, solved and measured (run in a fresh process)."""
    team, period = load_sample()
    started = time.perf_counter()
    roster = solve_roster(team, period, RosterOptions(time_limit=limit, workers=WORKERS, seed=seed))
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    report = roster.report
    return SampleRun(
        seed=seed,
        limit=limit,
        status=str(report.status),
        wall=wall,
        first=report.first_roster_time,
        within_1pct=within_1pct(roster),
        gap=report.gap,
        objective=report.objective,
        bound=report.best_bound,
        presence=report.expected_presence,
        violations=len(check_roster(team, period, roster)) if roster.days else None,
        peak_mib=peak,
        trace=list(report.trace),
        roster=roster if roster.days else None,
    )


def in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a new spawned process, and its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(function, args)


# The force.
@dataclass(frozen=True)
class TeamRoster:
    team: str
    status: str
    wall: float
    gap: float | None
    found: bool
    violations: int | None
    peak_mib: float  # the worker process's peak so far (processes are reused)


def solve_force_team(job: tuple[Scenario, float]) -> TeamRoster:
    team, limit = job
    period = RosterPeriod(start=team.week_start, weeks=FORCE_WEEKS)
    started = time.perf_counter()
    roster = solve_roster(
        team, period, RosterOptions(time_limit=limit, workers=FORCE_WORKERS, seed=0)
    )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return TeamRoster(
        team=team.team.id,
        status=str(roster.report.status),
        wall=wall,
        gap=roster.report.gap,
        found=bool(roster.days),
        violations=len(check_roster(team, period, roster)) if roster.days else None,
        peak_mib=peak,
    )


def solve_force(teams: list[Scenario], limit: float) -> tuple[list[TeamRoster], float]:
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    runs: list[TeamRoster] = []
    with context.Pool(FORCE_PROCESSES) as pool:
        for run in pool.imap(solve_force_team, [(t, limit) for t in teams], chunksize=1):
            runs.append(run)
            if len(runs) % 10 == 0:
                print(
                    f"benchmarks.roster: {len(runs)}/{len(teams)} force rosters, "
                    f"{time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    return runs, time.perf_counter() - started


# The section.
def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _sample_row(name: str, run: SampleRun) -> str:
    within = _f(run.within_1pct) if run.within_1pct is not None else "not reached"
    if run.bound is None:
        within = "no bound"
    return (
        f"| {name} | {run.seed} | {run.limit:g} | {run.status} | {_f(run.wall)} | "
        f"{_f(run.first)} | {within} | {_pct(run.gap)} | {_f(run.objective)} | "
        f"{_f(run.bound)} | {_f(run.presence)} | "
        f"{'-' if run.violations is None else run.violations} | {_f(run.peak_mib, 0)} |"
    )


def _sample_lines(runs: list[SampleRun], long: SampleRun | None) -> list[str]:
    lines = [
        "| run | seed | limit s | status | wall s | first roster s | within 1% s | gap "
        "| objective | bound | expected presence | violations | peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_sample_row("sample", run) for run in runs]
    if len(runs) > 1:
        reached = [r.within_1pct for r in runs if r.within_1pct is not None]
        lines.append(
            f"| median of {len(runs)} | | {runs[0].limit:g} | | "
            f"{_f(_median([r.wall for r in runs]))} | {_f(_median([r.first for r in runs]))} | "
            f"{_f(statistics.median(reached)) if reached else 'not reached'} "
            f"({len(reached)} of {len(runs)}) | {_pct(_median([r.gap for r in runs]))} | "
            f"{_f(_median([r.objective for r in runs]))} | "
            f"{_f(_median([r.bound for r in runs]))} | "
            f"{_f(_median([r.presence for r in runs]))} | "
            f"{sum(r.violations or 0 for r in runs)} | "
            f"{_f(_median([r.peak_mib for r in runs]), 0)} |"
        )
    if long is not None:
        lines.append(_sample_row("longer", long))
        lines += ["", *_closing(long)]
    return lines


def _closing(run: SampleRun) -> list[str]:
    """The long run's best roster at each checkpoint, against its own final bound."""
    if not run.trace:
        return [f"- The {run.limit:g} s run found no roster."]
    lines = [
        f"How the gap closes in the {run.limit:g} s run (seed 0): the best objective the "
        "search had recorded by each time, and its gap to that run's final bound "
        f"({_f(run.bound)}).",
        "",
        "| seconds | best objective so far | gap to the final bound |",
        "|---|---|---|",
    ]
    for checkpoint in CHECKPOINTS:
        if checkpoint > run.limit:
            break
        best = [value for seconds, value in run.trace if seconds <= checkpoint]
        value = best[-1] if best else None
        gap = None
        if value is not None and run.bound:
            gap = max(0.0, (run.bound - value) / abs(run.bound))
        lines.append(f"| {checkpoint:g} | {_f(value)} | {_pct(gap)} |")
    lines.append(f"| {_f(run.wall)} (end) | {_f(run.objective)} | {_pct(run.gap)} |")
    return lines


def _cycle_lines() -> list[str]:
    lines = [
        "| week | officers (PC, SGT) Mon-Sun | PCSOs Mon-Sun |",
        "|---|---|---|",
    ]
    for number, (officer, pcso) in enumerate(zip(OFFICER_CYCLE, PCSO_CYCLE, strict=True)):
        lines.append(f"| {number + 1} | `{officer}` | `{pcso}` |")
    return lines


def _letter_words(team: Scenario) -> str:
    """What the letters stand for in this team: 'officers E Early, ...; PCSOs E ...'."""
    words = []
    for warranted, group in ((True, "officers"), (False, "PCSOs")):
        person = next(
            (
                p
                for p in team.staff
                if (p.role is not Role.PCSO) == warranted and p.working_days is None
            ),
            None,
        )
        if person is not None:
            shifts = _shifts(team, person)
            named = ", ".join(f"{letter} {t.name}" for letter, t in shifts.items())
            words.append(f"{group} {named or 'none'}")
    return "; ".join(words)


def _score_row(name: str, found: Score, pattern: Score) -> str:
    ratio = found.figures.expected_presence / pattern.figures.expected_presence
    broken = ", ".join(f"{rule} {count}" for rule, count in sorted(found.rules.items()))
    nights = [found.nights_spread[w] for w in (True, False)]
    return (
        f"| {name} | {found.figures.expected_presence:.1f} | {ratio:.3f} | "
        f"{found.figures.cover_short_hours:.1f} | "
        f"{'-' if nights[0] is None else nights[0]} | {'-' if nights[1] is None else nights[1]} | "
        f"{found.weekends_spread[True]} | {found.weekends_spread[False]} | "
        f"{found.short_of_contract} | {found.violations} | {broken or '-'} |"
    )


def _pattern_lines(
    team: Scenario, period: RosterPeriod, solved: list[tuple[str, Roster]]
) -> list[str]:
    pattern = score(team, period, pattern_roster(team, period))
    tolerance = period.rules.contract_tolerance_hours
    lines = [
        *_cycle_lines(),
        "",
        "| roster | expected presence | vs pattern | cover short person-h | nights spread "
        "warranted | nights spread PCSO | weekends-off spread warranted | weekends-off "
        f"spread PCSO | people > {tolerance:g} h short of contract | violations | rules "
        "broken (count) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        _score_row("five-week pattern", pattern, pattern),
    ]
    lines += [_score_row(name, score(team, period, r.days), pattern) for name, r in solved]
    if not solved:
        lines += ["", "- No solve above found a roster, so there is none to compare."]
    # the rosettes alone: the same team with nothing carried in and no leave of its own,
    # the period with no absences
    fresh = team.model_copy(
        update={
            "staff": [
                p.model_copy(update={"carry_in": CarryIn(), "unavailable": []}) for p in team.staff
            ]
        }
    )
    plain = RosterPeriod(start=period.start, weeks=period.weeks)
    alone = score(fresh, plain, pattern_roster(fresh, plain))
    lines += [
        "",
        f"- The pattern breaks {pattern.violations} hard rule(s) on this period as the "
        f"checker reads it; laid over the same weeks with no carry-in and no absences it "
        f"breaks {alone.violations}.",
    ]
    return lines


def _force_lines(runs: list[TeamRoster], wall: float, limit: float, short: bool) -> list[str]:
    gaps = [r.gap for r in runs if r.gap is not None]
    found = [r for r in runs if r.found]
    statuses = Counter(r.status for r in runs)
    scope = f"the first {len(runs)} of the 100 teams" if short else f"{len(runs)} teams"
    return [
        f"Force (`generate_instance('force', seed=0)`, {scope}), each a "
        f"{FORCE_WEEKS}-week period from its own week, no absences:",
        "",
        "| teams | limit s per team | processes | total wall s | team wall s median / max | "
        "with a roster | gap median | gap worst | no gap known | violations | statuses | "
        "largest worker peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {len(runs)} | {limit:g} | {FORCE_PROCESSES} | {wall:.0f} | "
        f"{_f(statistics.median(r.wall for r in runs))} / {_f(max(r.wall for r in runs))} | "
        f"{len(found)} of {len(runs)} | {_pct(statistics.median(gaps)) if gaps else '-'} | "
        f"{_pct(max(gaps)) if gaps else '-'} | {len(runs) - len(gaps)} | "
        f"{sum(r.violations or 0 for r in found)} | "
        f"{', '.join(f'{s} {n}' for s, n in sorted(statuses.items()))} | "
        f"{_f(max(r.peak_mib for r in runs), 0)} |",
    ]


def report(short: bool) -> list[str]:
    team, period = load_sample()
    limit = SHORT_SAMPLE_LIMIT if short else SAMPLE_LIMIT
    seeds = SAMPLE_SEEDS[:1] if short else SAMPLE_SEEDS
    runs = [in_fresh_process(solve_sample, limit, seed) for seed in seeds]
    long = None if short else in_fresh_process(solve_sample, LONG_LIMIT, 0)
    force_limit = SHORT_FORCE_LIMIT if short else FORCE_LIMIT
    teams = generate_instance("force", seed=0)
    force_runs, force_wall = solve_force(teams[:SHORT_FORCE_TEAMS] if short else teams, force_limit)
    solved = [
        (f"solved, seed {r.seed}, {r.limit:g} s", r.roster)
        for r in [*runs, *([long] if long else [])]
        if r.roster is not None
    ]
    command = f"python -m benchmarks.roster{' --short' if short else ''}"
    lines = [
        ROSTER,
        "",
        f"Generated by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}.",
        "",
        "What is measured, and how. *The sample team* (fixtures/riverside.json, "
        f"{len(team.staff)} staff) over its {period.weeks}-week period "
        "(fixtures/riverside-roster.json: leave, courses, court dates, demand exceptions, "
        f"events, cover, carry-in, requests), solved by `solve_roster` with {WORKERS} "
        f"workers and a time limit of {limit:g} s for each seed"
        + ("" if short else f", then once for {LONG_LIMIT:g} s (seed 0)")
        + ", each run in a fresh spawned process, one at a time. *First roster*: seconds to "
        "the first lawful roster; *within 1%*: the first point of the search's trace at or "
        "above 99% of the run's final bound (read from the search's trace, which starts "
        "with the first roster); *gap*: (bound - objective) / bound at the "
        "end; *wall*: the whole call, which can exceed the limit; *peak MiB*: the process's "
        "`ru_maxrss` after the solve; *violations*: the independent roster checker's. The "
        "five-week pattern (below) and each solved roster are scored alike by "
        "`scheduler.roster.figures` from their days alone: demand-weighted expected presence "
        "with the model's diminishing returns, person-hours below the period's minimum "
        "cover, the spread (most less fewest) of nights and of weekends off within each role "
        "group (nights among those who may work one), and the people more than the "
        f"contract tolerance ({period.rules.contract_tolerance_hours:g} h) short of their "
        "contract over the period (less whole days booked away). *The force*: each team "
        f"solved with {FORCE_WORKERS} workers, {FORCE_PROCESSES} team(s) at a time in "
        f"reused worker processes, {force_limit:g} s per team; the gap is each team's own.",
        "",
        f"### The sample team's {period.weeks} weeks",
        "",
        *_sample_lines(runs, long),
        "",
        "### Against a five-week pattern",
        "",
        "The pattern a force might publish instead (`benchmarks.roster.pattern_roster`): "
        "each full-time person on the rosette of their group, a week further on for each "
        "person (offset: their index mod 5); the letters are each person's earliest, "
        "middle (start nearest 14:00) and latest-starting templates, a PCSO's from the "
        f"PCSO-only ones where there are any ({_letter_words(team)}); part-timers on their "
        "working days only, weekdays first, up to their contracted hours, one kind of tour a "
        "week in turn; booked leave, courses and court days written over it. R: rest day.",
        "",
        *_pattern_lines(team, period, solved),
        "",
        "### A force's rosters",
        "",
        *_force_lines(force_runs, force_wall, force_limit, short),
        "",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    return part_command(__doc__ or "", ROSTER, report, argv)


if __name__ == "__main__":
    raise SystemExit(main())
