"""Re-planning benchmark: repair time and what changes, against a from-scratch re-solve.

    python -m benchmarks.replan            # sample team (3 seeds) and the BCU (10 teams)
    python -m benchmarks.replan --short    # sample team only, one seed (run by the tests)

Two changes, each reported on Tuesday at noon: the common one, an officer working on
Wednesday goes sick for the day; and a harder one, an urgent mandatory briefing at the
start of Thursday's first duties that needs two more people than start then (someone
must be moved or called in). Each team's week is first solved and taken as published;
each repair (`scheduler.replan`, its default 2.5 s budget) is timed, its changed duties,
ward changes and event attendance changes counted, and the same change re-solved from
scratch (the whole week, no least-change costs) for comparison. Writes the "Re-planning"
section of docs/benchmarks.md.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from benchmarks.document import REPLAN, machine, part_command, sample_plan
from scheduler import SolveOptions, check, solve
from scheduler.generate import generate_instance
from scheduler.replan import (
    REPAIR_OPTIONS,
    Absence,
    EventChange,
    Replan,
    apply_changes,
    compare,
    replan,
)
from scheduler.rota import Rota
from scheduler.scenario import EngagementEvent, Scenario

PUBLISH_LIMIT = 20.0  # seconds to solve the week that is then "published"
SCRATCH_LIMIT = 20.0  # seconds for the from-scratch re-solve of the changed week


@dataclass(frozen=True)
class Run:
    team: str
    change: str  # "sick" or "briefing"
    repair_seconds: float
    changed: int  # duties added, stood down or moved by the repair
    ward_changes: int
    attendance_changes: int  # people who join or leave an event that has not begun
    scratch_changed: int  # ... by a from-scratch re-solve of the same change
    violations: int
    status: str


def _tuesday_noon(scenario: Scenario) -> datetime:
    local_noon = datetime.combine(scenario.week_start + timedelta(days=1), datetime.min.time())
    return local_noon.replace(hour=12, tzinfo=scenario.zone).astimezone(UTC)


def sick(scenario: Scenario, published: Rota) -> Replan:
    """Someone working on Wednesday goes sick for the day, reported Tuesday noon."""
    wednesday = scenario.week_start + timedelta(days=2)
    who = sorted(d.staff for d in published.duties if d.day == wednesday)[0]
    start = datetime.combine(wednesday, datetime.min.time(), scenario.zone)
    return Replan(
        now=_tuesday_noon(scenario),
        changes=[
            Absence(
                staff=who,
                start=start,
                end=start + timedelta(days=1),
                category="sick",
            )
        ],
    )


def briefing(scenario: Scenario, published: Rota) -> Replan:
    """An urgent mandatory briefing, for an hour from the start of Thursday's first
    duties, in the team's first ward: it needs two more people than start then."""
    thursday = scenario.week_start + timedelta(days=3)
    first = min(d.start for d in published.duties if d.day == thursday)
    starting = sum(1 for d in published.duties if d.day == thursday and d.start == first)
    event = EngagementEvent(
        id="urgent-briefing",
        name="Briefing after an overnight incident",
        ward=scenario.wards[0].id,
        place="the station",
        start=first,
        end=first + timedelta(hours=1),
        min_staff=starting + 2,
        max_staff=starting + 2,
        mandatory=True,
    )
    return Replan(now=_tuesday_noon(scenario), changes=[EventChange(event=event)])


CHANGES = {"sick": sick, "briefing": briefing}


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    seed: int = 0
    publish_limit: float = PUBLISH_LIMIT
    scratch_limit: float = SCRATCH_LIMIT
    change: str = "sick"


def publish_week(job: Job) -> Rota:
    """The week as published: solved for up to `publish_limit` seconds."""
    options = SolveOptions(
        time_limit=job.publish_limit, seed=job.seed, relative_gap=0.001, continuity_time=0
    )
    rota = solve(job.scenario, options).rota
    assert rota is not None, f"{job.scenario.team.id}: no rota to publish"
    return rota


def repair_week(item: tuple[Job, Rota]) -> Run:
    """Repair the change, timed; the from-scratch figure is filled in later."""
    job, published = item
    request = CHANGES[job.change](job.scenario, published)
    started = time.perf_counter()
    result, repair, changed = replan(
        job.scenario, published, request, replace(REPAIR_OPTIONS, seed=job.seed)
    )
    seconds = time.perf_counter() - started
    if repair is None:
        return Run(
            job.scenario.team.id, job.change, seconds, -1, -1, -1, -1, -1, result.report.status
        )
    return Run(
        team=job.scenario.team.id,
        change=job.change,
        repair_seconds=seconds,
        changed=repair.changed_duties,
        ward_changes=sum(1 for c in repair.changes if c.change == "ward changed"),
        attendance_changes=len(repair.attendance),
        scratch_changed=-1,
        violations=len(check(changed, repair.rota)),
        status=repair.status,
    )


def scratch_week(item: tuple[Job, Rota]) -> int:
    """Duties a from-scratch re-solve of the same change moves, adds or stands down."""
    job, published = item
    request = CHANGES[job.change](job.scenario, published)
    changed, _ = apply_changes(job.scenario, published, request)
    options = SolveOptions(
        time_limit=job.scratch_limit, seed=job.seed, relative_gap=0.001, continuity_time=0
    )
    scratch = solve(changed, options).rota
    if scratch is None:
        return -1
    return sum(
        1 for c in compare(changed, published, scratch, request.now) if c.change != "ward changed"
    )


def run_teams(jobs: list[Job], processes: int) -> tuple[list[Run], dict[str, float]]:
    """Publish; then for each change, repair (timed, all teams at once) and re-solve
    from scratch. Returns the runs and each change's wall time for all the teams."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, maxtasksperchild=1) as pool:
        rotas = pool.map(publish_week, jobs, chunksize=1)
    runs: list[Run] = []
    walls = {}
    for change in CHANGES:
        items = [(replace(job, change=change), rota) for job, rota in zip(jobs, rotas, strict=True)]
        started = time.perf_counter()
        with context.Pool(processes, maxtasksperchild=1) as pool:
            repaired = pool.map(repair_week, items, chunksize=1)
        walls[change] = time.perf_counter() - started
        with context.Pool(processes, maxtasksperchild=1) as pool:
            scratches = pool.map(scratch_week, items, chunksize=1)
        runs += [replace(r, scratch_changed=n) for r, n in zip(repaired, scratches, strict=True)]
    return runs, walls


LABELS = {"sick": "officer sick on Wednesday", "briefing": "urgent briefing, 2 short"}


def report(short: bool) -> list[str]:
    """The Re-planning section's Markdown lines: the sample team's repairs (3 seeds; short:
    one), and in full mode the BCU's."""
    sample = sample_plan()
    seeds = [0] if short else [0, 1, 2]
    limits = (10.0, 5.0) if short else (PUBLISH_LIMIT, SCRATCH_LIMIT)
    labelled: list[tuple[str, Run]] = []
    for seed in seeds:
        job = Job(sample, seed, *limits)
        published = publish_week(job)
        for change in CHANGES:
            item = (replace(job, change=change), published)
            run = replace(repair_week(item), scratch_changed=scratch_week(item))
            labelled.append((f"sample team, seed {seed}", run))
    sample_runs = [run for _, run in labelled]
    bcu_runs: list[Run] = []
    bcu_walls: dict[str, float] = {}
    if not short:
        # Each change in each of the BCU's teams, repaired two teams at a time.
        bcu_runs, bcu_walls = run_teams([Job(team) for team in generate_instance("bcu", 0)], 2)
        labelled += [(f"BCU team {run.team}", run) for run in bcu_runs]
    lines = [
        REPLAN,
        "",
        f"Generated by `python -m benchmarks.replan{' --short' if short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}. Two changes, each reported "
        "Tuesday at noon: an officer working on Wednesday goes sick for the day; and an "
        "urgent mandatory briefing, for an hour from the start of Thursday's first duties, "
        "that needs two more people than start then (someone must be moved or called in). "
        f"The published week was solved in up to {limits[0]:g} s. Repair budget "
        f"{REPAIR_OPTIONS.time_limit:g} s (least-change tries, then the full repair); the "
        f"from-scratch re-solve of the same change gets {limits[1]:g} s.",
        "",
        "| instance | change | repair time | duties changed by the repair | ward changes | "
        "event attendance changes | duties changed by a from-scratch re-solve | "
        "checker violations |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, run in sorted(labelled, key=lambda pair: list(CHANGES).index(pair[1].change)):
        lines.append(
            f"| {label} | {LABELS[run.change]} | {run.repair_seconds:.2f} s | {run.changed} | "
            f"{run.ward_changes} | {run.attendance_changes} | {run.scratch_changed} | "
            f"{run.violations} |"
        )
    median_sample = statistics.median(r.repair_seconds for r in sample_runs if r.change == "sick")
    lines += [
        "",
        f"- Sample team repair of a sick officer under 3 s: "
        f"{'met' if median_sample < 3 else 'MISSED'} (median {median_sample:.2f} s).",
    ]
    if bcu_runs:
        sick_runs = [r for r in bcu_runs if r.change == "sick"]
        longest = max(r.repair_seconds for r in sick_runs)
        checked = all(r.violations == 0 for r in sick_runs)
        lines.append(
            f"- BCU (10 teams, one sick officer each, two teams at a time) repaired under "
            f"30 s: {'met' if bcu_walls['sick'] < 30 and checked else 'MISSED'} "
            f"({bcu_walls['sick']:.1f} s wall for all ten; the longest team {longest:.2f} s)."
        )
    urgent = [r for r in sample_runs + bcu_runs if r.change == "briefing"]
    lines.append(
        f"- Urgent briefing, {len(urgent)} repairs: duties changed median "
        f"{statistics.median(r.changed for r in urgent):g} (most {max(r.changed for r in urgent)}"
        f"), repair time median {statistics.median(r.repair_seconds for r in urgent):.2f} s "
        f"(most {max(r.repair_seconds for r in urgent):.2f} s); checker violations "
        f"{sum(max(r.violations, 0) for r in urgent)}."
    )
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    return part_command(__doc__, REPLAN, report, argv)


if __name__ == "__main__":
    raise SystemExit(main())
