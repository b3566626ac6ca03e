"""Beatplan's scheduling library: scenario in, lawful presence-maximising rota out.

A pure library (no web, no database): `load_scenario` or `Scenario.model_validate`,
then `solve`, then `check` to re-verify every hard rule independently.
"""

from scheduler.checker import Violation, check
from scheduler.codes import RuleCode, SolveStatus
from scheduler.rota import Rota, load_rota
from scheduler.scenario import Scenario, ScenarioError, load_scenario
from scheduler.solve import Progress, SolveOptions, SolveResult, solve

__all__ = [
    "Progress",
    "Rota",
    "RuleCode",
    "Scenario",
    "ScenarioError",
    "SolveOptions",
    "SolveResult",
    "SolveStatus",
    "Violation",
    "check",
    "load_rota",
    "load_scenario",
    "solve",
]
