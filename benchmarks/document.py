"""docs/benchmarks.md, the one document every benchmark part writes a section of.

Where it is, its sections' headings in the order they appear, how one part replaces only
its own section (also when a part runs alone, `part_command`), and the machine line the
sections quote. The parts import this module, never `benchmarks.run`, which imports them.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import ortools

from scheduler import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "benchmarks.md"
SAMPLE = ROOT / "fixtures" / "riverside.json"
# The solver part writes the top of the document, before any of these headings.
BASELINES = "## Baselines"  # benchmarks/baselines.py
CUTS = "## Cost of cuts"  # benchmarks/cuts.py
CURTOIS = "## Published benchmark"  # benchmarks/curtois: "...: Curtois & Qu instances 1-8"
FACES = "## Familiar faces"  # benchmarks/faces.py
REPLAN = "## Re-planning"  # benchmarks/replan.py
SERVICE = "## Service"  # benchmarks/api.py
ROSTER = "## The roster"  # benchmarks/roster.py
DEMAND = "## Demand"  # benchmarks/demand.py: "... from data"
# in this order after the solver part
SECTIONS = (BASELINES, CUTS, FACES, CURTOIS, REPLAN, SERVICE, ROSTER, DEMAND)


def _heading_at(text: str, heading: str) -> int | None:
    """Where a section heading starts a line in the text, if it does."""
    found = re.search(rf"(?m)^{re.escape(heading)}", text)
    return found.start() if found else None


def write_section(path: Path, heading: str | None, lines: list[str]) -> None:
    """Replace one part of docs/benchmarks.md (None: the solver part at the top), keeping
    the parts the other benchmark modules wrote."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    parts: dict[str | None, str] = {}
    starts = sorted((begin, h) for h in SECTIONS if (begin := _heading_at(text, h)) is not None)
    parts[None] = text[: starts[0][0]] if starts else text
    ends = [begin for begin, _ in starts[1:]] + ([len(text)] if starts else [])
    for (begin, name), end in zip(starts, ends, strict=True):
        parts[name] = text[begin:end]
    parts[heading] = "\n".join(lines)
    ordered = [parts.get(None, "").strip()] + [parts[h].strip() for h in SECTIONS if h in parts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(p for p in ordered if p) + "\n", encoding="utf-8")


def write_and_show(path: Path, heading: str | None, lines: list[str]) -> None:
    """Replace the section and print it: what every benchmark command does with a part's
    lines."""
    write_section(path, heading, lines)
    print("\n".join(lines), flush=True)


def part_command(
    doc: str, heading: str, report: Callable[[bool], list[str]], argv: Sequence[str] | None
) -> int:
    """A part run on its own (`python -m benchmarks.replan [--short] [--out FILE]`): its
    section written into the document and printed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--out", type=Path, default=DOCUMENT)
    arguments = parser.parse_args(argv)
    write_and_show(arguments.out, heading, report(arguments.short))
    return 0


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return (
        f"{os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"OR-Tools {ortools.__version__}, {platform.system()} {platform.release()}"
    )


def sample_plan() -> Scenario:
    """The sample team without its familiar-faces policy: what the solver, cost-of-cuts
    and re-planning figures measure (the plan for presence, proved optimal or not; the
    familiar-faces part, benchmarks/faces.py, measures the sample with its policy)."""
    return load_scenario(SAMPLE).with_policy(continuity=None)
