"""Re-planning benchmark: repair time and changed duties, against a from-scratch re-solve.

    python -m benchmarks.replan            # sample team (3 seeds) and the BCU (10 teams)
    python -m benchmarks.replan --short    # sample team only, one seed (run by the tests)

The change is the common one: an officer working on Wednesday goes sick for the day,
reported on Tuesday at noon. Each team's week is first solved and taken as published;
the repair (`scheduler.replan`, its default 2.5 s budget) is timed, its changed duties
counted, and the same change re-solved from scratch (the whole week, no least-change
costs) for comparison. Writes the "Re-planning" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.run import REPLAN, ROOT, machine, write_section
from scheduler import SolveOptions, check, load_scenario, solve
from scheduler.generate import generate_instance
from scheduler.replan import REPAIR_OPTIONS, Absence, Replan, apply_changes, compare, replan
from scheduler.scenario import Scenario

PUBLISH_LIMIT = 20.0  # seconds to solve the week that is then "published"
SCRATCH_LIMIT = 20.0  # seconds for the from-scratch re-solve of the changed week


@dataclass(frozen=True)
class Run:
    team: str
    repair_seconds: float
    changed: int  # duties added, stood down or moved by the repair
    ward_changes: int
    scratch_changed: int  # ... by a from-scratch re-solve of the same change
    violations: int
    status: str


def _change(scenario: Scenario, published) -> Replan:  # type: ignore[no-untyped-def]
    """Someone working on Wednesday goes sick for the day, reported Tuesday noon."""
    wednesday = scenario.week_start + timedelta(days=2)
    sick = sorted(d.staff for d in published.duties if d.day == wednesday)[0]
    local_noon = datetime.combine(scenario.week_start + timedelta(days=1), datetime.min.time())
    now = local_noon.replace(hour=12, tzinfo=scenario.zone).astimezone(UTC)
    start = datetime.combine(wednesday, datetime.min.time(), scenario.zone)
    return Replan(
        now=now,
        changes=[
            Absence(
                staff=sick,
                start=start,
                end=start + timedelta(days=1),
                category="sick",
            )
        ],
    )


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    seed: int = 0
    publish_limit: float = PUBLISH_LIMIT
    scratch_limit: float = SCRATCH_LIMIT


def run_team(job: Job) -> Run:
    scenario, seed = job.scenario, job.seed
    published = solve(
        scenario,
        SolveOptions(
            time_limit=job.publish_limit, seed=seed, relative_gap=0.001, continuity_time=0
        ),
    ).rota
    assert published is not None, f"{scenario.team.id}: no rota to publish"
    request = _change(scenario, published)
    started = time.perf_counter()
    result, repair, changed = replan(
        scenario, published, request, replace(REPAIR_OPTIONS, seed=seed)
    )
    seconds = time.perf_counter() - started
    if repair is None:
        return Run(scenario.team.id, seconds, -1, -1, -1, -1, result.report.status)
    scratch_scenario, _ = apply_changes(scenario, published, request)
    scratch = solve(
        scratch_scenario,
        SolveOptions(
            time_limit=job.scratch_limit, seed=seed, relative_gap=0.001, continuity_time=0
        ),
    ).rota
    scratch_changes = compare(changed, published, scratch, request.now) if scratch else []
    return Run(
        team=scenario.team.id,
        repair_seconds=seconds,
        changed=repair.changed_duties,
        ward_changes=sum(1 for c in repair.changes if c.change == "ward changed"),
        scratch_changed=sum(1 for c in scratch_changes if c.change != "ward changed"),
        violations=len(check(changed, repair.rota)),
        status=repair.status,
    )


def _pool_map(jobs: list[Job], processes: int) -> list[Run]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, maxtasksperchild=1) as pool:
        return pool.map(run_team, jobs, chunksize=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    arguments = parser.parse_args(argv)
    sample = load_scenario(ROOT / "fixtures" / "riverside.json")
    seeds = [0] if arguments.short else [0, 1, 2]
    limits = (10.0, 5.0) if arguments.short else (PUBLISH_LIMIT, SCRATCH_LIMIT)
    sample_runs = [run_team(Job(sample, seed, *limits)) for seed in seeds]
    bcu_runs: list[Run] = []
    if not arguments.short:
        # One sick officer in each of the BCU's teams, each team in its own process.
        teams = generate_instance("bcu", seed=0)
        bcu_runs = _pool_map([Job(team) for team in teams], 2)
    lines = [
        REPLAN,
        "",
        f"Generated by `python -m benchmarks.replan{' --short' if arguments.short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}. The change: an officer "
        "working on Wednesday goes sick for the day, reported Tuesday at noon; the published "
        f"week was solved in up to {limits[0]:g} s. Repair budget "
        f"{REPAIR_OPTIONS.time_limit:g} s (least-change try, then the full repair); the "
        f"from-scratch re-solve of the same change gets {limits[1]:g} s.",
        "",
        "| instance | repair time | duties changed by the repair | ward changes | "
        "duties changed by a from-scratch re-solve | checker violations |",
        "|---|---|---|---|---|---|",
    ]
    for run, seed in zip(sample_runs, seeds, strict=True):
        lines.append(
            f"| sample team, seed {seed} | {run.repair_seconds:.2f} s | {run.changed} | "
            f"{run.ward_changes} | {run.scratch_changed} | {run.violations} |"
        )
    for run in bcu_runs:
        lines.append(
            f"| BCU team {run.team} | {run.repair_seconds:.2f} s | {run.changed} | "
            f"{run.ward_changes} | {run.scratch_changed} | {run.violations} |"
        )
    median_sample = statistics.median(r.repair_seconds for r in sample_runs)
    lines += [
        "",
        f"- Sample team repair under 3 s: {'met' if median_sample < 3 else 'MISSED'} "
        f"(median {median_sample:.2f} s).",
    ]
    if bcu_runs:
        total = sum(r.repair_seconds for r in bcu_runs)
        longest = max(r.repair_seconds for r in bcu_runs)
        lines.append(
            f"- BCU (10 teams, one sick officer each) repaired under 30 s: "
            f"{'met' if total / 2 < 30 else 'MISSED'} ({total:.1f} s of repair in all, "
            f"{total / 2:.1f} s on 2 processes; the longest team {longest:.2f} s)."
        )
    lines.append("")
    write_section(arguments.out, REPLAN, lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
