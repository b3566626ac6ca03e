"""Published benchmark: the Curtois & Qu shift scheduling instances 1-8.

    python -m benchmarks.curtois                   # instances 1-8, 60 s each, 2 workers, seeds 0-2
    python -m benchmarks.curtois --short           # instance 1 only, 10 s, seed 0
    python -m benchmarks.curtois --instances 5,6 --time-limit 30

Prints the section; `python -m benchmarks.run --only curtois` writes it into
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from benchmarks.curtois.section import report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="instance 1 only, 10 s")
    parser.add_argument("--instances", help="comma-separated instance numbers, e.g. 1,2,5")
    parser.add_argument("--time-limit", type=float, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", help="comma-separated solver seeds (default 0,1,2; short: 0)")
    args = parser.parse_args(argv)
    numbers = [int(n) for n in args.instances.split(",")] if args.instances else None
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else None
    lines = report(args.short, numbers, args.time_limit, args.workers, seeds)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
