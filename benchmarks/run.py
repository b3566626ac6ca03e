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
import os
import tempfile
from pathlib import Path

from benchmarks import baselines, cuts, scale
from benchmarks.document import (
    BASELINES,
    CURTOIS,
    CUTS,
    DOCUMENT,
    REPLAN,
    SERVICE,
    write_and_show,
)
from benchmarks.scale import Solved

PARTS = ("solver", "baselines", "cuts", "curtois", "replan", "service")


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
        lines, solved = scale.report(short, processes)
        write_and_show(out, None, lines)
    if "baselines" in only:
        if solved is None:
            _, solved = scale.report(short, processes, tables=False)
        lines = baselines.report(short, solved, processes)
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
