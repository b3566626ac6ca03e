"""Reproducible solver benchmarks: writes docs/benchmarks.md.

    python -m benchmarks.run            # full run (about 5 minutes on 2 cores)
    python -m benchmarks.run --short    # small and quick; the test suite runs this

Every team solve runs in a fresh process, so its peak memory is its own. A BCU is solved
team by team (teams share no staff), across processes; its objective and bound are the
sums over its teams.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ortools

from scheduler import Scenario, SolveOptions, check, load_scenario, solve
from scheduler.generate import generate_instance
from scheduler.solve import Progress

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "sample team (riverside)"
REPLAN = "## Re-planning"  # the section benchmarks/replan.py owns
SERVICE = "## Service"  # the section benchmarks/api.py owns
SECTIONS = (REPLAN, SERVICE)  # in this order after this module's own part


def write_section(path: Path, heading: str | None, lines: list[str]) -> None:
    """Replace one part of docs/benchmarks.md (None: the solver part at the top), keeping
    the parts the other benchmark modules wrote."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    parts: dict[str | None, str] = {}
    starts = sorted((text.index(h), h) for h in SECTIONS if h in text)
    parts[None] = text[: starts[0][0]] if starts else text
    ends = [begin for begin, _ in starts[1:]] + ([len(text)] if starts else [])
    for (begin, name), end in zip(starts, ends, strict=True):
        parts[name] = text[begin:end]
    parts[heading] = "\n".join(lines)
    ordered = [parts.get(None, "").strip()] + [parts[h].strip() for h in SECTIONS if h in parts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(p for p in ordered if p) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class TeamRun:
    team: str
    status: str
    objective: float
    bound: float
    first_feasible: float | None
    within_1pct: float | None
    wall: float
    peak_mib: float
    violations: int | None  # None: no rota to check


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    time_limit: float
    workers: int
    seed: int = 0
    gap: float = 0.0
    deadline: float | None = None  # wall-clock time.time() by which the solve must stop


def solve_team(job: Job) -> TeamRun:
    """Solve one team in this (fresh) process and measure it."""
    scenario = job.scenario
    limit = job.time_limit
    if job.deadline is not None:
        limit = max(1.0, min(limit, job.deadline - time.time()))
    history: list[Progress] = []
    started = time.perf_counter()
    result = solve(
        scenario,
        SolveOptions(
            time_limit=limit,
            workers=job.workers,
            seed=job.seed,
            relative_gap=job.gap,
            continuity_time=0,
        ),
        progress=history.append,
    )
    wall = time.perf_counter() - started
    report = result.report
    bound = report.best_bound if report.best_bound is not None else float("nan")
    # Time to a rota provably within 1% of optimal: judged against the final bound.
    within = next(
        (p.elapsed for p in history if abs(bound - p.objective) <= 0.01 * max(1.0, abs(bound))),
        None,
    )
    return TeamRun(
        team=scenario.team.id,
        status=report.status,
        objective=report.objective if report.objective is not None else float("nan"),
        bound=bound,
        first_feasible=report.first_solution_time,
        within_1pct=within,
        wall=wall,
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        violations=len(check(scenario, result.rota)) if result.rota else None,
    )


def run_teams(jobs: list[Job], processes: int) -> tuple[list[TeamRun], float]:
    """Solve teams in parallel processes (one fresh process per team); total wall time."""
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(processes, maxtasksperchild=1) as pool:
        runs = pool.map(solve_team, jobs, chunksize=1)
    return runs, time.perf_counter() - started


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def _gap(objective: float, bound: float) -> float:
    return abs(bound - objective) / max(1.0, abs(bound))


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"OR-Tools {ortools.__version__}, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="small instances, short limits")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args(argv)

    short = arguments.short
    sample = load_scenario(ROOT / "fixtures" / "riverside.json")
    team = generate_instance("team", seed=0)
    bcu = generate_instance("bcu", seed=0)
    if short:
        bcu = bcu[:2]
    seeds = [0] if short else [0, 1, 2]
    limit = 10.0 if short else 60.0

    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python -m benchmarks.run{' --short' if short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {machine()}.",
        "",
        "Definitions: *first feasible* is when the first lawful rota was found; *within 1%* is "
        "when the incumbent came within 1% of the final bound; times in seconds from the "
        "start of the solve (model building included in *wall*); *peak memory* is the "
        "solving process's maximum resident size. Every rota was re-verified by the "
        "independent checker (*violations* must be 0).",
        "",
        "## Single teams (2 CP-SAT workers; one row per seed)",
        "",
        "| instance | seed | status | objective | bound | gap | first feasible | within 1% "
        "| wall | peak memory MiB | violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    walls: dict[str, list[float]] = {}
    sample_statuses: list[str] = []
    for name, scenario in ((SAMPLE, sample), ("generated team", team[0])):
        for seed in seeds:
            (run,), _ = run_teams([Job(scenario, limit, workers=2, seed=seed)], processes=1)
            walls.setdefault(name, []).append(run.wall)
            if name == SAMPLE:
                sample_statuses.append(run.status)
            lines.append(
                f"| {name} ({len(scenario.wards)} wards, {len(scenario.staff)} staff, "
                f"{len(scenario.events)} events) | {seed} | {run.status} | {_fmt(run.objective)} | "
                f"{_fmt(run.bound)} | {_gap(run.objective, run.bound):.2%} | "
                f"{_fmt(run.first_feasible)} | {_fmt(run.within_1pct)} | {_fmt(run.wall)} | "
                f"{_fmt(run.peak_mib, 0)} | {_fmt(run.violations, 0)} |"
            )
    lines += [""]
    for name, values in walls.items():
        lines.append(
            f"- {name}: median wall time {statistics.median(values):.1f} s over {len(values)} "
            f"seed(s) (min {min(values):.1f}, max {max(values):.1f})."
        )

    budget = 60.0 if not short else 15.0
    cap, gap = 25.0, 0.005
    lines += [
        "",
        f"## BCU: {len(bcu)} teams solved team by team in {arguments.processes} processes",
        "",
        f"1 CP-SAT worker per team; each team stops at a {gap:.1%} gap, after {cap:g} s, or "
        f"at the BCU's {budget:g} s deadline, whichever comes first, so teams that prove "
        "optimal early leave time to the rest.",
        "",
        "| team | status | objective | bound | gap | first feasible | within 1% | wall "
        "| peak memory MiB | violations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    deadline = time.time() + budget
    jobs = [Job(s, cap, workers=1, gap=gap, deadline=deadline) for s in bcu]
    runs, total_wall = run_teams(jobs, arguments.processes)
    for run in runs:
        lines.append(
            f"| {run.team} | {run.status} | {_fmt(run.objective)} | {_fmt(run.bound)} | "
            f"{_gap(run.objective, run.bound):.2%} | {_fmt(run.first_feasible)} | "
            f"{_fmt(run.within_1pct)} | {_fmt(run.wall)} | {_fmt(run.peak_mib, 0)} | "
            f"{_fmt(run.violations, 0)} |"
        )
    solved = [run for run in runs if run.violations is not None]
    objective = sum(run.objective for run in solved)
    bound = sum(run.bound for run in solved)
    bcu_gap = _gap(objective, bound) if solved else float("nan")
    lines += [
        "",
        f"BCU total ({sum(len(s.wards) for s in bcu)} wards, {sum(len(s.staff) for s in bcu)} "
        f"staff, {sum(len(s.events) for s in bcu)} events): {len(solved)} of {len(runs)} teams "
        f"have a rota; over those, objective {objective:.1f}, bound {bound:.1f}, gap "
        f"{bcu_gap:.2%}; wall time {total_wall:.1f} s; largest process "
        f"{max(run.peak_mib for run in runs):.0f} MiB.",
        "",
        "## Targets",
        "",
    ]
    sample_walls = walls[SAMPLE]
    sample_optimal = statistics.median(sample_walls) < 10 and all(
        row_status == "OPTIMAL" for row_status in sample_statuses
    )
    bcu_met = len(solved) == len(runs) and bcu_gap <= 0.02 and total_wall <= budget + 5
    lines += [
        f"- Sample team proven optimal in under 10 s (median): "
        f"{'met' if sample_optimal else 'MISSED'} "
        f"(median {statistics.median(sample_walls):.1f} s).",
        f"- BCU within 2% of the bound in {budget:g} s: {'met' if bcu_met else 'MISSED'} "
        f"({len(solved)}/{len(runs)} teams, gap {bcu_gap:.2%}, {total_wall:.1f} s).",
        "",
    ]
    write_section(arguments.out, None, lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
