"""Reproducible benchmarks: the one command that regenerates docs/benchmarks.md.

    python -m benchmarks.run                  # everything (90-110 minutes on 2 quiet cores)
    python -m benchmarks.run --short          # small and quick; the test suite runs this
    python -m benchmarks.run --only solver,baselines   # a subset; other sections are kept

Parts, in the order of the file, each a module of its own: *solver* (`benchmarks.scale`:
single teams, among them the sample team stretched by cuts, a BCU, a force of 100 teams),
*baselines* (`benchmarks.baselines`: Beatplan against a sergeant's pattern rota and a
marginal-gain greedy), *cuts* (`benchmarks.cuts`: cost of staff cuts on the sample team,
with a plot), *curtois* (`benchmarks.curtois`: the published Curtois & Qu benchmark),
*replan* (`benchmarks.replan`), *service* (`benchmarks.api`), *roster*
(`benchmarks.roster`: the sample team's 13-week roster, against a five-week pattern, and a
force's rosters) and *demand* (`benchmarks.demand`: demand and hot spots built from a
force's year of records, and the presence they give hot spots).

Every part has one entry, `report(short, ...)`, that returns its section's Markdown lines
(heading first) and writes nothing; this command writes each into the file with
`benchmarks.document.write_section`, so each part replaces only its own section, and
prints it. Two parts take more than `short`: the solver part also returns the rotas it
found, and the baselines part judges those same rotas against its rivals (with `--only
baselines`, the solver part solves them first without writing its tables); cuts takes
where its plot goes.
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
    DEMAND,
    DOCUMENT,
    FACES,
    REPLAN,
    ROSTER,
    SERVICE,
    write_and_show,
)
from benchmarks.scale import Solved

PARTS = (
    "solver",
    "baselines",
    "cuts",
    "faces",
    "curtois",
    "replan",
    "service",
    "roster",
    "demand",
)


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
        write_and_show(out, BASELINES, baselines.report(short, solved, processes))
    if "cuts" in only:
        plot = arguments.plot
        if plot is None:
            plot = Path(tempfile.gettempdir()) / "cost-of-cuts-short.png" if short else cuts.PLOT
        write_and_show(out, CUTS, cuts.report(short, plot))
    if "faces" in only:
        from benchmarks import faces

        write_and_show(out, FACES, faces.report(short))
    if "curtois" in only:
        # Imported only when run, as are replan and service below: they bring their own
        # solvers, servers and clients, which the other parts do not need.
        from benchmarks import curtois

        write_and_show(out, CURTOIS, curtois.report(short))
    if "replan" in only:
        from benchmarks import replan

        write_and_show(out, REPLAN, replan.report(short))
    if "service" in only:
        from benchmarks import api

        write_and_show(out, SERVICE, api.report(short))
    if "roster" in only:
        from benchmarks import roster

        write_and_show(out, ROSTER, roster.report(short))
    if "demand" in only:
        from benchmarks import demand

        write_and_show(out, DEMAND, demand.report(short))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
