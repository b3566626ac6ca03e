"""The CP-SAT model of a team's week.

Formulation (see DESIGN.md, "The formulation decides the speed"):
- per person, a boolean for each duty they could work (`DutyOption`s are pre-filtered by
  role, availability, working days, PCSO window and carry-in rest, so impossible
  variables never exist);
- per *patrol class* (people interchangeable for patrolling: same role group, same
  allowed wards), an integer count of how many patrol each ward in each real hour: far
  less symmetric than a boolean per person, hour and ward;
- per person and event, a boolean for attendance.
Named patrol blocks are made from the counts afterwards (`scheduler.blocks`).

One function per rule family, named after its `RuleCode`, in a module named after its
family: the checker (`scheduler.checker`) checks the same rule in its module of the same
name. `RULES` says what enforces each rule, including those that hold by construction.
Requirement groups that a sergeant can relax (mandatory events, ward minimums, pins) are
guarded by literals, so an infeasible week can be explained in their words by switching
groups off (`scheduler.explain`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from scheduler import blocks
from scheduler.codes import RuleCode
from scheduler.model import (
    continuity,
    coverage,
    duties,
    events,
    objective,
    pins,
    working_time,
)
from scheduler.model.contracts import ContractShortfall, contract_shortfalls, describe_shortfalls
from scheduler.model.duties import UNSOCIAL_MIN_HOURS, duty_options
from scheduler.model.objective import OBJECTIVE_PARTS
from scheduler.model.week import SCALE, DutyOption, PatrolClass, Requirement, WeekModel
from scheduler.rota import Rota
from scheduler.scenario import Scenario
from scheduler.timegrid import TimeGrid

__all__ = [
    "OBJECTIVE_PARTS",
    "RULES",
    "SCALE",
    "UNSOCIAL_MIN_HOURS",
    "ContractShortfall",
    "DutyOption",
    "Enforcement",
    "PatrolClass",
    "Requirement",
    "WeekModel",
    "build",
    "contract_shortfalls",
    "describe_shortfalls",
    "duty_options",
]


@dataclass(frozen=True)
class Enforcement:
    """What enforces a rule in the model: a constraint family named after the rule's code
    (`by_construction` None), or a step that leaves no way to break the rule (it says how)."""

    function: Callable[..., object]
    by_construction: str | None = None


RULES: dict[RuleCode, Enforcement] = {
    RuleCode.REFERENCE: Enforcement(
        blocks.build_duties, "the rota is built from the model's own people, duties and wards"
    ),
    RuleCode.ACTIVITY: Enforcement(
        blocks.build_duties, "activities are cut from their duty's hours, one after another"
    ),
    RuleCode.TEMPLATE: Enforcement(
        duties.duty_options, "a duty option has its template's times and allows the role"
    ),
    RuleCode.ONE_DUTY_PER_DAY: Enforcement(duties.one_duty_per_day),
    RuleCode.UNAVAILABLE: Enforcement(
        duties.duty_options, "no duty option overlaps leave or falls off the working days"
    ),
    RuleCode.DAILY_REST: Enforcement(working_time.daily_rest),
    RuleCode.WEEKLY_REST: Enforcement(working_time.weekly_rest),
    RuleCode.WEEKLY_HOURS: Enforcement(working_time.weekly_hours),
    RuleCode.NIGHT_WORK: Enforcement(working_time.night_work),
    RuleCode.REST_DAYS: Enforcement(working_time.rest_days),
    RuleCode.CONSECUTIVE_DAYS: Enforcement(working_time.consecutive_days),
    RuleCode.BREAK: Enforcement(
        duties.validate_templates, "a template breaking the break rule is refused as bad input"
    ),
    RuleCode.DUTY_LENGTH: Enforcement(
        duties.duty_options,
        "no duty option lasts longer than the limit (a longer template is refused as bad "
        "input; a clock-change night's longer duty is not an option)",
    ),
    RuleCode.PCSO_WINDOW: Enforcement(
        duties.duty_options, "a PCSO has duty options only inside the PCSO window"
    ),
    RuleCode.PATROL_WARDS: Enforcement(
        coverage.add_patrol_counts, "a patrol class has counts only for its patrol wards"
    ),
    RuleCode.EVENT_STAFFING: Enforcement(events.event_staffing),
    RuleCode.LONE_WORKING: Enforcement(coverage.lone_working),
    RuleCode.WARD_MINIMUM: Enforcement(coverage.ward_minimum),
    RuleCode.PINS: Enforcement(pins.pins),
    RuleCode.PINNED_OFF: Enforcement(duties.duty_options, "a day pinned off has no duty options"),
    RuleCode.BLOCK_LENGTH: Enforcement(
        continuity.add_blocks,
        "a duty is cut into blocks of at least the minimum, each in one ward, and everyone "
        "on duty is in their block's ward",
    ),
    RuleCode.WARDS_PER_DUTY: Enforcement(continuity.wards_per_duty),
    RuleCode.OWN_WARD_SHARE: Enforcement(continuity.own_ward_share),
    RuleCode.OWN_OFFICERS: Enforcement(continuity.own_officers),
}


def build(
    scenario: Scenario,
    now: datetime | None = None,
    *,
    in_blocks: bool = True,
    history: Rota | None = None,
) -> WeekModel:
    """Build the whole model: variables, every rule family in `RULES` order, then the
    objective.

    `now` is for a repair of a week under way: a duty that starts before it may end early,
    where the person becomes unavailable during it (see `duty_options`). `in_blocks`
    False, when the policy asks for continuity: the plan of duties, without blocks (only
    `own_officers`, a rule on attendance, holds); `scheduler.solve` deploys it after.
    `history`, in a repair deployed in blocks: the published rota, whose wards before
    `now` count in the continuity rules of the duties under way and of the week."""
    duties.validate_templates(scenario)
    week = WeekModel(scenario, TimeGrid.of(scenario), now=now, in_blocks=in_blocks, history=history)
    duties.add_duty_options(week, now)
    pins.place_ward_pins(week)
    events.add_event_attendance(week)
    coverage.classify(week)
    continuity.add_blocks(week)
    coverage.add_patrol_counts(week)
    for enforcement in RULES.values():
        if enforcement.by_construction is None:
            enforcement.function(week)
    objective.add_objective(week)
    objective.add_continuity(week)
    return week
