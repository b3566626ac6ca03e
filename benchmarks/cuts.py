"""Cost of cuts: what the sample team loses in visible presence as staff are taken away.

    python -m benchmarks.cuts                    # up to 8 PCSOs, then up to 8 PCs, removed
    python -m benchmarks.cuts --short --plot /tmp/cuts.png   # 2 of each, short limits

For the sample team (fixtures/riverside.json), PCSOs are removed one at a time,
cumulatively (0, 1, 2, ... gone), and the week re-solved; then, separately, constables.
Who goes is deterministic: the last of that role in the staff list, as a budget cut by
"last in, first out" might fall. Each point records the visible-presence score
(demand-weighted presence, `benchmarks.metrics.presence_score`), the peak hours
covered (hours inside the wards' peak windows with someone present in the ward), the
hours residents see no one (ward-hours with demand and nobody present in the ward), and
whether a lawful rota exists at all: when it does not, the point says so and why.

Writes the "Cost of cuts" section of docs/benchmarks.md and a PNG plot (matplotlib; the
plot is part of the output, so a missing matplotlib is an error, never a skipped step).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.document import CUTS, DOCUMENT, ROOT, sample_plan, write_and_show
from benchmarks.metrics import demand_hours_unseen, peak_hours_covered, presence_score
from scheduler import Scenario, SolveOptions, check, solve
from scheduler.codes import SolveStatus
from scheduler.scenario import Role

PLOT = ROOT / "docs" / "cost-of-cuts.png"
SERIES = ((Role.PCSO, "PCSOs"), (Role.PC, "PCs"))


@dataclass(frozen=True)
class Point:
    """One re-solve with `removed` staff of one role gone."""

    role: Role
    removed: int
    staff_left: int
    gone: str | None  # id of the last person removed
    feasible: bool
    status: str
    presence: float | None
    peak_hours: int | None
    peak_hours_total: int
    unseen: float | None  # ward-hours with demand and nobody present
    demand_hours: float  # ward-hours with demand, in all
    violations: int | None
    wall: float
    reason: str | None  # why no rota exists, in the solver's words


def without(scenario: Scenario, staff_ids: set[str]) -> Scenario:
    """The scenario with these people gone, and the pins that name them."""
    data = scenario.model_dump()
    data["staff"] = [p for p in data["staff"] if p["id"] not in staff_ids]
    data["pins"] = [pin for pin in data["pins"] if pin["staff"] not in staff_ids]
    return Scenario.model_validate(data)


def removal_order(scenario: Scenario, role: Role) -> list[str]:
    """Who goes first: the last of the role in the staff list, then the one before, ..."""
    return [person.id for person in reversed(scenario.staff) if person.role is role]


def _total_peak_hours(scenario: Scenario) -> int:
    from scheduler.timegrid import TimeGrid

    grid = TimeGrid.of(scenario)
    return sum(
        sum(grid.local_keys[slot] in ward.peak_hours for slot in range(grid.week_slots))
        for ward in scenario.wards
    )


def measure(scenario: Scenario, role: Role, most: int, options: SolveOptions) -> list[Point]:
    """Re-solve with 0, 1, ..., `most` people of `role` removed (cumulatively)."""
    order = removal_order(scenario, role)
    total_peaks = _total_peak_hours(scenario)
    points = []
    for removed in range(min(most, len(order)) + 1):
        cut = without(scenario, set(order[:removed]))
        started = time.perf_counter()
        result = solve(cut, options)
        wall = time.perf_counter() - started
        rota = result.rota
        unseen, demand_hours = demand_hours_unseen(cut, rota.duties if rota else [])
        points.append(
            Point(
                role=role,
                removed=removed,
                staff_left=len(cut.staff),
                gone=order[removed - 1] if removed else None,
                feasible=rota is not None,
                status=result.report.status,
                presence=presence_score(cut, rota) if rota else None,
                peak_hours=peak_hours_covered(cut, rota) if rota else None,
                peak_hours_total=total_peaks,
                unseen=unseen if rota else None,
                demand_hours=demand_hours,
                violations=len(check(cut, rota)) if rota else None,
                wall=wall,
                reason=None if rota else " ".join(result.report.explanation) or "no rota found",
            )
        )
    return points


def plot(points: list[Point], path: Path) -> None:
    """Presence, peak hours covered and hours unseen against staff removed, a line per role.

    Infeasible weeks have no value to plot; they are marked on the axis with a cross.
    """
    import matplotlib  # the `bench` extra; deliberately not guarded (see module docstring)

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (top, middle, bottom) = pyplot.subplots(3, 1, figsize=(7, 9), sharex=True)
    markers = dict(zip((role for role, _ in SERIES), ("o", "s"), strict=True))
    for role, label in SERIES:
        solved = [p for p in points if p.role is role and p.feasible]
        for axis, values in (
            (top, [p.presence for p in solved]),
            (middle, [p.peak_hours for p in solved]),
            (bottom, [p.unseen for p in solved]),
        ):
            axis.plot(
                [p.removed for p in solved], values, marker=markers[role], label=f"{label} removed"
            )
    total = points[0].peak_hours_total if points else 0
    middle.set_ylim(-0.5, total + 0.5)
    demand_hours = points[0].demand_hours if points else 0
    bottom.set_ylim(bottom=0)
    for role, label in SERIES:
        failed = [p.removed for p in points if p.role is role and not p.feasible]
        if not failed:
            continue
        for axis in (top, middle, bottom):
            axis.plot(
                failed,
                [axis.get_ylim()[0]] * len(failed),
                linestyle="none",
                marker="x",
                markersize=10,
                color="red" if role is Role.PCSO else "darkred",
                label=f"{label} removed: no rota",
            )
    top.set_ylabel("demand-weighted presence")
    top.set_title("Sample team (riverside): cost of cuts")
    middle.set_ylabel(f"peak hours covered (of {total})")
    bottom.set_ylabel(f"ward-hours with demand,\nnobody present (of {demand_hours})")
    bottom.set_xlabel("staff of that role removed (last in the staff list first)")
    for axis in (top, middle, bottom):
        axis.grid(alpha=0.3)
        axis.legend(fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    pyplot.close(figure)


def report(short: bool, plot_path: Path) -> list[str]:
    """The section's Markdown lines; the plot is written to `plot_path`."""
    sample = sample_plan()
    most = 2 if short else 8
    options = SolveOptions(
        time_limit=4.0 if short else 20.0,
        workers=2,
        relative_gap=0.01 if short else 0.005,
        continuity_time=0,
    )
    points = [p for role, _ in SERIES for p in measure(sample, role, most, options)]
    plot(points, plot_path)
    shown = (
        f"![Cost of cuts]({plot_path.name})"
        if plot_path.resolve() == PLOT.resolve()
        else f"Plot written to `{plot_path}`."
    )
    lines = [
        CUTS,
        "",
        f"Generated by `python -m benchmarks.run{' --short' if short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. The sample team "
        f"({len(sample.staff)} staff) re-solved with up to {most} PCSOs, then separately up "
        f"to {most} PCs, removed one at a time (the last of the role in the staff list goes "
        f"first). Each solve: {options.workers} workers, stops at a "
        f"{options.relative_gap:.1%} gap or after {options.time_limit:g} s. *Presence* is the "
        "demand-weighted presence of the rota; *peak hours* are hours in the wards' peak "
        "windows with at least one person present in the ward; *hours unseen* are "
        "ward-hours with demand in which nobody is present in the ward (of all ward-hours "
        "with demand): the hours residents see no one.",
        "",
        "| removed | who went | staff left | status | presence | vs none removed "
        "| peak hours covered | hours unseen | violations | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for role, label in SERIES:
        series = [p for p in points if p.role is role]
        base = series[0].presence if series and series[0].presence else None
        for p in series:
            change = f"{p.presence / base - 1:+.1%}" if p.presence is not None and base else "-"
            presence = (
                f"{p.presence:.1f}"
                if p.presence is not None
                else "no lawful rota"
                if p.status == SolveStatus.INFEASIBLE
                else f"none found in {options.time_limit:g} s"
            )
            peaks = f"{p.peak_hours}/{p.peak_hours_total}" if p.peak_hours is not None else "-"
            unseen = f"{p.unseen:g}/{p.demand_hours:g}" if p.unseen is not None else "-"
            lines.append(
                f"| {p.removed} {label} | {p.gone or '-'} | {p.staff_left} | {p.status} | "
                f"{presence} | {change} | {peaks} | {unseen} | "
                f"{p.violations if p.violations is not None else '-'} | {p.wall:.1f} |"
            )
    lines.append("")
    peaks = {p.peak_hours for p in points if p.peak_hours is not None}
    if len(peaks) == 1 and len(points) > 1:
        lines.append(
            f"- Peak hours covered stay at {peaks.pop()}/{points[0].peak_hours_total} whatever "
            "is cut: peak windows carry the highest demand weight, so the solver keeps them "
            "covered and the cuts fall on other hours (*hours unseen*); a peak hour that no "
            "duty template reaches stays uncovered."
        )
    for p in points:
        if p.status == SolveStatus.INFEASIBLE:
            lines.append(
                f"- With {p.removed} {dict(SERIES)[p.role]} removed there is no lawful rota: "
                f"{p.reason}"
            )
        elif not p.feasible:
            lines.append(
                f"- With {p.removed} {dict(SERIES)[p.role]} removed no rota was found within "
                f"{options.time_limit:g} s (not proven impossible)."
            )
    lines += ["", shown, ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="2 of each role, short limits")
    parser.add_argument("--out", type=Path, default=DOCUMENT)
    parser.add_argument("--plot", type=Path, default=PLOT, help="where to write the PNG")
    arguments = parser.parse_args(argv)
    write_and_show(arguments.out, CUTS, report(arguments.short, arguments.plot))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
