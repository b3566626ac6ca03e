"""Reproducible benchmarks: the one command that regenerates docs/benchmarks.md.

    python -m benchmarks.run                  # everything (30-50 minutes on 2 quiet cores)
    python -m benchmarks.run --short          # small and quick; the test suite runs this
    python -m benchmarks.run --only solver,baselines   # a subset; other sections are kept

Parts, in the order of the file: *solver* (single teams, among them the sample team
stretched by cuts, a BCU, a force of 100 teams),
*baselines* (Beatplan against a sergeant's pattern rota and a marginal-gain greedy),
*cuts* (cost of staff cuts on the sample team, with a plot), *curtois* (the published
Curtois & Qu benchmark, `benchmarks.curtois`), *replan* (`benchmarks.replan`) and
*service* (`benchmarks.api`). Each part replaces only its own section of the file.

Every team solve runs in a worker process, so its peak memory is its own. A BCU or a
force is solved team by team (teams share no staff), across processes; its objective and
bound are the sums over its teams. The baselines reuse the rotas the solver part found.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks import cuts
from benchmarks.baselines import Metrics, greedy_rota, metrics, pattern_rota, solve_parts
from benchmarks.document import (
    BASELINES,
    CURTOIS,
    CUTS,
    DOCUMENT,
    REPLAN,
    ROOT,
    SERVICE,
    cpu_model,
    write_and_show,
)
from scheduler import Rota, Scenario, SolveOptions, SolveResult, check, load_scenario, solve
from scheduler.generate import generate_instance
from scheduler.scenario import Policy, Role
from scheduler.solve import Progress

SAMPLE = "sample team (riverside)"
STRETCHED = "stretched sample team"
STRETCH = {Role.PCSO: 8, Role.PC: 8}  # removed from the sample team for STRETCHED
PARTS = ("solver", "baselines", "cuts", "curtois", "replan", "service")
FORCE_SHORT_TEAMS = 2  # --short solves this many of the force's 100 teams
FORCE_TARGET = 600.0  # seconds: every force team has a lawful rota within 10 minutes


# ---- solving teams in worker processes --------------------------------------------------


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
    rota: Rota | None = field(default=None, repr=False)  # reused by the baselines


@dataclass(frozen=True)
class Job:
    scenario: Scenario
    time_limit: float
    workers: int
    seed: int = 0
    gap: float = 0.0
    deadline: float | None = None  # wall-clock time.time() by which the solve must stop
    after_first: float | None = None  # stop this many seconds after the first rota


def solve_team(job: Job) -> TeamRun:
    """Solve one team in a worker process and measure it."""
    scenario = job.scenario
    limit = job.time_limit
    if job.deadline is not None:
        limit = max(1.0, min(limit, job.deadline - time.time()))
    history: list[Progress] = []
    cancel = threading.Event()
    timers: list[threading.Timer] = []

    def progress(update: Progress) -> None:
        history.append(update)
        if job.after_first is not None and not timers:
            timer = threading.Timer(job.after_first, cancel.set)
            timer.daemon = True
            timer.start()
            timers.append(timer)

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
        progress=progress,
        cancel=cancel,
    )
    wall = time.perf_counter() - started
    for timer in timers:
        timer.cancel()
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
        rota=result.rota,
    )


def run_teams(
    jobs: list[Job], processes: int, *, fresh: bool = True
) -> tuple[list[TeamRun], float]:
    """Solve teams in parallel worker processes; total wall time.

    `fresh`: one new process per team, so each team's peak memory is its own. A force's
    hundred teams reuse their processes instead: starting Python and OR-Tools a hundred
    times would cost more than many teams' solves.
    """
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    runs: list[TeamRun] = []
    with context.Pool(processes, maxtasksperchild=1 if fresh else None) as pool:
        for run in pool.imap(solve_team, jobs, chunksize=1):
            runs.append(run)
            if len(jobs) >= 20 and len(runs) % 10 == 0:  # a long run says how far it is
                print(
                    f"benchmarks.run: {len(runs)}/{len(jobs)} teams solved with {processes} "
                    f"process(es), {time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    return runs, time.perf_counter() - started


# ---- formatting ---------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def _gap(objective: float, bound: float) -> float:
    return abs(bound - objective) / max(1.0, abs(bound))


def versions() -> str:
    """Versions of the packages the benchmarks use, as installed."""
    names = (
        "ortools",
        "protobuf",
        "pydantic",
        "numpy",
        "matplotlib",
        "fastapi",
        "uvicorn",
        "sqlmodel",
        "httpx",
    )
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"Python {platform.python_version()}; " + ", ".join(found)


# ---- the solver part --------------------------------------------------------------------


@dataclass
class Solved:
    """An instance's teams and the Beatplan rota of each (None: no rota found)."""

    name: str
    scenarios: list[Scenario]
    rotas: list[Rota | None]


def stretched(sample: Scenario) -> Scenario:
    """The sample team with STRETCH's PCSOs and PCs gone (in the cost-of-cuts order): the
    same wards and events for fewer staff. Here the greedy's early choices leave
    requirements unmet (on the full teams it never does), so the unmet-requirements
    comparison is tested, not only stated."""
    gone = {
        who for role, count in STRETCH.items() for who in cuts.removal_order(sample, role)[:count]
    }
    return cuts.without(sample, gone)


def solver_part(
    short: bool, processes: int, *, tables: bool = True
) -> tuple[list[str], list[Solved]]:
    """Single teams, the BCU and the force; Markdown lines and the rotas found.

    `tables=False` solves only what the baselines need (one seed, the force once).
    """
    sample = load_scenario(ROOT / "fixtures" / "riverside.json")
    team = generate_instance("team", seed=0)
    bcu = generate_instance("bcu", seed=0)
    force = generate_instance("force", seed=0)
    if short:
        bcu = bcu[:2]
        force = force[:FORCE_SHORT_TEAMS]
    seeds = [0] if short or not tables else [0, 1, 2]
    limit = 10.0 if short else 60.0

    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python -m benchmarks.run{' --short' if short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu_model()}), {platform.system()} "
        f"{platform.release()}.",
        "",
        f"Versions: {versions()}.",
        "",
        "Definitions: *first feasible* is when the first lawful rota was found; *within 1%* is "
        "when the incumbent came within 1% of the final bound; times in seconds from the "
        "start of the solve (model building and the presence check included in *wall*: "
        f"where a rota gave up more than {Policy().presence_trade_limit:.0%} of presence, the "
        "stretched team's, the check re-solves for up to "
        f"{SolveOptions().presence_time:g} s after the time limit, docs/model.md); "
        "*peak memory* is the solving process's maximum resident size. Every rota was "
        "re-verified by the independent checker (*violations* must be 0).",
        "",
        "## Single teams (2 CP-SAT workers; one row per seed)",
        "",
        "| instance | seed | status | objective | bound | gap | first feasible | within 1% "
        "| wall | peak memory MiB | violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    walls: dict[str, list[float]] = {}
    sample_statuses: list[str] = []
    solved: list[Solved] = []
    teams = ((SAMPLE, sample), ("generated team", team[0]), (STRETCHED, stretched(sample)))
    for name, scenario in teams:
        for seed in seeds:
            (run,), _ = run_teams([Job(scenario, limit, workers=2, seed=seed)], processes=1)
            walls.setdefault(name, []).append(run.wall)
            if seed == seeds[0]:
                solved.append(Solved(name, [scenario], [run.rota]))
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

    bcu_lines, bcu_met, bcu_runs = _bcu(bcu, short, processes)
    lines += bcu_lines
    solved.append(Solved("BCU", bcu, [run.rota for run in bcu_runs]))
    force_lines, force_met, force_runs = _force(force, short, processes, tables=tables)
    lines += force_lines
    solved.append(Solved("force", force, [run.rota for run in force_runs]))

    sample_walls = walls[SAMPLE]
    sample_optimal = statistics.median(sample_walls) < 10 and all(
        row_status == "OPTIMAL" for row_status in sample_statuses
    )
    lines += [
        "## Targets",
        "",
        f"- Sample team proven optimal in under 10 s (median): "
        f"{'met' if sample_optimal else 'MISSED'} "
        f"(median {statistics.median(sample_walls):.1f} s).",
        bcu_met,
        force_met,
        "",
    ]
    return lines, solved


def _bcu(bcu: list[Scenario], short: bool, processes: int) -> tuple[list[str], str, list[TeamRun]]:
    # Short mode keeps a generous deadline: the test suite often shares the machine.
    budget = 60.0 if not short else 30.0
    cap, gap = 25.0, 0.005
    lines = [
        "",
        f"## BCU: {len(bcu)} teams solved team by team in {processes} processes",
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
    runs, total_wall = run_teams(jobs, processes)
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
    ]
    met = len(solved) == len(runs) and bcu_gap <= 0.01 and total_wall <= budget + 5
    target = (
        f"- BCU within 1% of the bound in {budget:g} s: {'met' if met else 'MISSED'} "
        f"({len(solved)}/{len(runs)} teams, gap {bcu_gap:.2%}, {total_wall:.1f} s)."
    )
    return lines, target, runs


def _force(
    force: list[Scenario], short: bool, processes: int, *, tables: bool
) -> tuple[list[str], str, list[TeamRun]]:
    """The force, team by team, with 1 process and with one per core (`processes`)."""
    cap, gap, after_first = 60.0, 0.01, 2.0
    counts = sorted({1, processes}) if tables else [processes]
    jobs = [Job(s, cap, workers=1, gap=gap, after_first=after_first) for s in force]
    shape = (
        f"{len(force)} teams: {sum(len(s.wards) for s in force)} wards, "
        f"{sum(len(s.staff) for s in force):,} staff, {sum(len(s.events) for s in force):,} "
        "events"
    )
    lines = [
        f"## Force: {'the first ' if short else ''}{shape}",
        "",
        f"Team by team across worker processes (each process solves team after team). 1 CP-SAT "
        f"worker per team; a team stops at a {gap:.0%} gap, {after_first:g} s after its first "
        f"lawful rota, or after {cap:g} s. *First feasible* and *team wall* are per team "
        "(median / max); *total wall* is the whole force, from the first process starting to "
        "the last rota checked; *largest process* is the peak resident size of the largest "
        "worker.",
        "",
        "| processes | teams with a rota | violations | objective | bound | gap "
        "| first feasible median / max | team wall median / max | total wall | "
        "largest process MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    results: dict[int, tuple[list[TeamRun], float]] = {}
    for count in counts:
        runs, total_wall = run_teams(jobs, count, fresh=False)
        results[count] = (runs, total_wall)
        solved = [run for run in runs if run.violations is not None]
        firsts = [run.first_feasible for run in solved if run.first_feasible is not None]
        walls = [run.wall for run in runs]
        objective = sum(run.objective for run in solved)
        bound = sum(run.bound for run in solved)
        lines.append(
            f"| {count} | {len(solved)} of {len(runs)} | "
            f"{sum(run.violations or 0 for run in solved)} | {objective:.1f} | {bound:.1f} | "
            f"{_gap(objective, bound) if solved else float('nan'):.2%} | "
            f"{_fmt(statistics.median(firsts) if firsts else None)} / "
            f"{_fmt(max(firsts) if firsts else None)} | "
            f"{statistics.median(walls):.1f} / {max(walls):.1f} | {total_wall:.1f} | "
            f"{max(run.peak_mib for run in runs):.0f} |"
        )
    runs, total_wall = results[processes]
    solved = [run for run in runs if run.violations == 0]
    met = len(solved) == len(runs) and total_wall <= FORCE_TARGET
    scope = f" (short mode: {len(force)} of the 100 teams)" if short else ""
    target = (
        f"- Every force team a lawful rota in under {FORCE_TARGET / 60:g} minutes with "
        f"{processes} processes{scope}: {'met' if met else 'MISSED'} ({len(solved)}/{len(runs)} "
        f"teams with a rota and no violations, {total_wall:.1f} s)."
    )
    lines += [""]
    return lines, target, runs


# ---- the baselines part -----------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """One team's rotas judged by `benchmarks.baselines.metrics`."""

    pattern: Metrics
    greedy: Metrics
    beatplan: Metrics | None  # None: Beatplan found no rota for the team
    greedy_seconds: float


def judge_team(item: tuple[Scenario, Rota | None]) -> Judged:
    """Build the pattern and greedy rotas for a team and judge all three."""
    scenario, rota = item
    started = time.perf_counter()
    greedy = greedy_rota(scenario)
    seconds = time.perf_counter() - started
    return Judged(
        pattern=metrics(scenario, pattern_rota(scenario)),
        greedy=metrics(scenario, greedy),
        beatplan=metrics(scenario, rota) if rota is not None else None,
        greedy_seconds=seconds,
    )


def baselines_part(solved: list[Solved], short: bool, processes: int) -> list[str]:
    """Pattern, greedy and Beatplan side by side for every instance, and the targets."""
    context = multiprocessing.get_context("spawn")
    items = [
        (scenario, rota)
        for instance in solved
        for scenario, rota in zip(instance.scenarios, instance.rotas, strict=True)
    ]
    with context.Pool(processes) as pool:
        judged = pool.map(judge_team, items, chunksize=1)
    lines = [
        BASELINES,
        "",
        f"Generated by `python -m benchmarks.run{' --short' if short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Beatplan's rotas are the ones the solver "
        "tables above found (seed 0; the force run with one process per core). *Pattern*: a "
        "sergeant's spreadsheet (fixed five-on two-off, staggered rest days, earlies and lates "
        "alternating, home ward all duty, events first come; it knows leave, working days and "
        "contracts, not last week's finishing times). *Greedy*: repeatedly the lawful duty, "
        "ward or event staffing that adds most demand-weighted presence (see "
        "`benchmarks/baselines.py`). The *stretched sample team* is the sample team with "
        f"{STRETCH[Role.PCSO]} PCSOs and {STRETCH[Role.PC]} PCs removed (the same wards "
        "and events for fewer staff), where the hard parts bite.",
        "",
        "*Presence* is demand-weighted presence with Beatplan's diminishing-returns values, "
        "computed from each rota's activities; *unmet* counts the checker's violations by "
        "kind: mandatory-event staffing, ward minimums, lone-working pairs (ward-hours with a "
        "PCSO alone), rest (daily, weekly, rest days, days in a row) and any other rule. "
        "*Coverage / need* is, per ward, the person-hours present in hours with demand divided "
        "by those hours: its minimum and maximum over wards and coefficient of variation "
        "(lower is more even). BCU and force figures are sums over their teams (spread: over "
        "all their wards).",
        "",
        "| instance | rota | presence | ratio to Beatplan | unmet events | minimums | pairs "
        "| rest | other | events staffed | coverage / need min | max | CV |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    targets: dict[str, list[tuple[str, bool, str]]] = {"pattern": [], "greedy": [], "unmet": []}
    position = 0
    greedy_seconds: list[float] = []
    outscored_by_incomplete_greedy = False  # more presence, but requirements left unmet
    explained: tuple[Scenario, Rota, Judged] | None = None  # the trade-offs' team
    for instance in solved:
        mine = judged[position : position + len(instance.scenarios)]
        position += len(instance.scenarios)
        if instance.name == STRETCHED and instance.rotas[0] is not None:
            explained = (instance.scenarios[0], instance.rotas[0], mine[0])
        kept = [j for j in mine if j.beatplan is not None]
        greedy_seconds += [j.greedy_seconds for j in mine]
        label = instance.name
        if not kept:
            lines.append(f"| {label} | (Beatplan found no rota for any team) |" + " - |" * 11)
        elif len(kept) < len(mine):
            label += f" ({len(kept)} of {len(mine)} teams with a Beatplan rota)"
        figures = {
            "pattern": Metrics.combine(j.pattern for j in kept),
            "greedy": Metrics.combine(j.greedy for j in kept),
            "Beatplan": Metrics.combine(j.beatplan for j in kept if j.beatplan is not None),
        }
        beatplan = figures["Beatplan"].presence
        for name, m in figures.items() if kept else ():
            ratio = m.presence / beatplan if beatplan else float("nan")
            lines.append(
                f"| {label} | {name} | {m.presence:.1f} | {ratio:.3f} | {m.events} | "
                f"{m.minimums} | {m.pairs} | {m.rest} | {m.other} | {m.events_staffed} | "
                f"{m.spread_min:.2f} | {m.spread_max:.2f} | {m.spread_cv:.3f} |"
            )
        pattern, greedy, ours = figures["pattern"], figures["greedy"], figures["Beatplan"]
        below = sum(j.beatplan.presence < j.greedy.presence for j in kept if j.beatplan is not None)
        unmet = ""
        if greedy.unmet:
            plural = "s" if greedy.unmet != 1 else ""
            unmet = f", where the greedy leaves {greedy.unmet} requirement{plural} unmet"
            outscored_by_incomplete_greedy |= bool(kept) and ours.presence < greedy.presence
        targets["pattern"].append(
            (
                instance.name,
                bool(kept) and ours.presence >= 1.2 * pattern.presence,
                f"{ours.presence / pattern.presence:.2f}x" if pattern.presence else "-",
            )
        )
        targets["greedy"].append(
            (
                instance.name,
                bool(kept) and ours.presence >= greedy.presence,
                f"{ours.presence / greedy.presence:.3f}x"
                + (f", {below} of {len(kept)} teams below the greedy" if below else "")
                + unmet
                if greedy.presence
                else "-",
            )
        )
        targets["unmet"].append(
            (
                instance.name,
                bool(kept) and ours.unmet == 0,
                f"Beatplan {ours.unmet}, greedy {greedy.unmet}, pattern {pattern.unmet}",
            )
        )

    def verdict(rows: list[tuple[str, bool, str]]) -> str:
        ok = all(met for _, met, _ in rows)
        details = "; ".join(f"{name} {detail}" for name, _, detail in rows)
        return f"{'met' if ok else 'MISSED'} ({details})"

    lines += [
        "",
        f"- Beatplan at least 1.2 x the pattern rota's presence: {verdict(targets['pattern'])}.",
        f"- Beatplan never below the greedy: {verdict(targets['greedy'])}.",
        *(
            [
                "  Beatplan's objective also values optional events and even coverage across "
                "wards, and it must meet every requirement: where the greedy leaves some "
                "unmet, it can score more presence (compare the *events staffed*, *unmet* and "
                "*coverage / need* columns; for the stretched sample team, the table below "
                "measures what each part of the objective costs in presence)."
            ]
            if outscored_by_incomplete_greedy
            else []
        ),
        "- Zero unmet hard requirements for Beatplan (where the greedy or pattern has some): "
        f"{verdict(targets['unmet'])}.",
        f"- The greedy took {statistics.median(greedy_seconds):.2f} s per team (median; max "
        f"{max(greedy_seconds):.2f} s).",
        "",
    ]
    if explained is not None:
        lines += trade_offs(*explained, short)
    return lines


TRADE_OFFS = (  # each row maximises these parts of Beatplan's objective (OBJECTIVE_PARTS)
    ("presence only", ("presence",)),
    ("+ optional events", ("presence", "optional events")),
    ("+ ward fairness", ("presence", "optional events", "ward fairness")),
)


def trade_offs(scenario: Scenario, rota: Rota, judged: Judged, short: bool) -> list[str]:
    """What each part of Beatplan's objective costs in presence on one team: the model
    re-solved for growing subsets of its objective, every hard rule kept."""
    limit = 10.0 if short else 60.0
    lines = [
        f"### What the objective trades for presence: {STRETCHED}",
        "",
        "Beatplan's model re-solved for part of its objective (2 workers, seed 0, up to "
        f"{limit:g} s each, no continuity phase), every hard rule kept. Each row adds parts to "
        "the row above, so the fall in *presence* from one row to the next is what the added "
        "part costs; the whole objective's rota is Beatplan's from the tables above. "
        "*Ward fairness* charges extra for demand left uncovered below a ward's target "
        "share (`coverage_target`, `coverage_shortfall_weight`), so quiet wards are not "
        "starved. Beatplan's solve then checks what the softer goals cost: if its rota has "
        "less than (1 - `presence_trade_limit`) of the most presence it can find, it "
        "re-solves with presence held there (`scheduler.solve`, `presence_time` s; the "
        "wall time includes it). The row before Beatplan's is the same solve with no limit.",
        "",
        "| objective maximised | status | wall s | presence | ratio to greedy | unmet "
        "| events staffed | coverage / need min | CV |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    greedy = judged.greedy

    def row(name: str, status: str, wall: float, m: Metrics) -> str:
        ratio = m.presence / greedy.presence if greedy.presence else float("nan")
        return (
            f"| {name} | {status} | {wall:.1f} | {m.presence:.1f} | {ratio:.3f} | {m.unmet} | "
            f"{m.events_staffed} | {m.spread_min:.2f} | {m.spread_cv:.3f} |"
        )

    def solved_row(name: str, result: SolveResult) -> Metrics | None:
        """Appends the row of a solve; its metrics, or None when it found no rota."""
        if result.rota is None:
            lines.append(f"| {name} | {result.report.status} | - | - | - | - | - | - | - |")
            return None
        m = metrics(scenario, result.rota)
        lines.append(row(name, result.report.status, result.report.wall_time, m))
        return m

    presence_only: tuple[str, Metrics] | None = None
    for name, parts in TRADE_OFFS:
        options = SolveOptions(time_limit=limit, workers=2, seed=0)
        result = solve_parts(scenario, parts, options)
        m = solved_row(name, result)
        if m is not None and parts == ("presence",):
            presence_only = (result.report.status, m)
    unlimited = scenario.with_policy(presence_trade_limit=1.0)
    result = solve(unlimited, SolveOptions(time_limit=limit, workers=2, seed=0, continuity_time=0))
    solved_row("+ unsocial fairness, preferences (the whole objective), no presence limit", result)
    report, whole = rota.report, judged.beatplan
    assert report is not None and whole is not None  # a solved rota, judged
    lines.append(
        row(
            "Beatplan: the whole objective, presence held within "
            f"{scenario.policy.presence_trade_limit:.0%} of the most found",
            report.status,
            report.wall_time,
            whole,
        )
    )
    lines.append(row("greedy (for comparison)", "-", judged.greedy_seconds, greedy))
    if presence_only is not None and greedy.presence:
        status, m = presence_only
        proved = "proved optimal" if status == "OPTIMAL" else f"the best found in {limit:g} s"
        lines += [
            "",
            f"Maximising presence alone under every hard rule ({proved}) gives "
            f"{m.presence:.1f}, {m.presence / greedy.presence:.3f}x the greedy's, with "
            f"{m.unmet} requirements unmet against the greedy's {greedy.unmet}.",
        ]
    lines.append("")
    return lines


# ---- the other parts --------------------------------------------------------------------


def curtois_part(short: bool) -> list[str]:
    """The published-benchmark section, from `benchmarks.curtois.report`.

    Imported here, not at the top: that module builds its own CP-SAT models and data
    loaders, which the other parts do not need.
    """
    from benchmarks.curtois import report

    return report(short)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="small instances, short limits")
    parser.add_argument("--out", type=Path, default=DOCUMENT)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run, from {','.join(PARTS)} (default: all)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        help="where the cost-of-cuts PNG goes (default docs/cost-of-cuts.png; with --short a "
        "temporary file)",
    )
    arguments = parser.parse_args(argv)
    only = [part.strip() for part in arguments.only.split(",") if part.strip()]
    unknown = sorted(set(only) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    short, out, processes = arguments.short, arguments.out, arguments.processes

    solved: list[Solved] | None = None
    if "solver" in only:
        lines, solved = solver_part(short, processes)
        write_and_show(out, None, lines)
    if "baselines" in only:
        if solved is None:
            _, solved = solver_part(short, processes, tables=False)
        lines = baselines_part(solved, short, processes)
        write_and_show(out, BASELINES, lines)
    if "cuts" in only:
        plot = arguments.plot
        if plot is None:
            plot = Path(tempfile.gettempdir()) / "cost-of-cuts-short.png" if short else cuts.PLOT
        lines = cuts.report(short, plot)
        write_and_show(out, CUTS, lines)
    if "curtois" in only:
        lines = curtois_part(short)
        write_and_show(out, CURTOIS, lines)
    if "replan" in only:
        from benchmarks import replan

        write_and_show(out, REPLAN, replan.report(short))
    if "service" in only:
        from benchmarks import api

        write_and_show(out, SERVICE, api.report(short))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
