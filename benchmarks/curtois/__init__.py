"""Published benchmark: the Curtois & Qu shift scheduling instances 1-8.

Beatplan's own instances are generated, so nobody else has solved them; these are public
(schedulingbenchmarks.org) with best known values from Gurobi, IP&VNS and branch and
price. The package has independent parts: a loader (`instance`), an evaluator that
re-scores a roster with plain loops (`evaluator`: no solver code, so a modelling slip
cannot hide), and a CP-SAT model stated with the scheduler's own rostering rules
(`model`: `scheduler.rules`, which also state the week model's working-time rules) and
solved through the scheduler's own solver configuration (`scheduler.phases`) by a search
(`search`) helped by column generation over whole rosters (`colgen`: GLOP for the LP,
CP-SAT for each person's pricing). `section` makes the docs/benchmarks.md section, and
`python -m benchmarks.curtois` prints it.
"""

from benchmarks.curtois.section import report

__all__ = ["report"]
