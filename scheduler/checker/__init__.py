"""The independent rota checker: re-verifies every hard rule of docs/rules.md.

`check(scenario, rota)` reads only the raw fields of the input and output models (see
`Context`), so a bug in the solver shows up here as a violation rather than being
repeated. It never stops at the first problem: every broken rule is reported as a
sentence a sergeant can act on.

One function per rule, named after its `RuleCode`, in a module named after its family;
the model enforces the same rule in `scheduler.model`'s module of the same name.
"""

from __future__ import annotations

from collections.abc import Callable

from scheduler.checker import (
    continuity,
    coverage,
    duties,
    events,
    pins,
    structure,
    working_time,
)
from scheduler.checker.context import Context, Violation
from scheduler.codes import RuleCode
from scheduler.rota import Rota
from scheduler.scenario import Scenario

__all__ = ["RULES", "Violation", "check"]

Check = Callable[[Context], list[Violation]]

# Each rule's check, in the order they run (and so the order of the violations).
RULES: dict[RuleCode, Check] = {
    RuleCode.REFERENCE: structure.reference,
    RuleCode.ACTIVITY: structure.activity,
    RuleCode.TEMPLATE: duties.template,
    RuleCode.ONE_DUTY_PER_DAY: duties.one_duty_per_day,
    RuleCode.UNAVAILABLE: duties.unavailable,
    RuleCode.DAILY_REST: working_time.daily_rest,
    RuleCode.WEEKLY_REST: working_time.weekly_rest,
    RuleCode.WEEKLY_HOURS: working_time.weekly_hours,
    RuleCode.NIGHT_WORK: working_time.night_work,
    RuleCode.REST_DAYS: working_time.rest_days,
    RuleCode.CONSECUTIVE_DAYS: working_time.consecutive_days,
    RuleCode.BREAK: duties.break_,
    RuleCode.DUTY_LENGTH: duties.duty_length,
    RuleCode.PCSO_WINDOW: duties.pcso_window,
    RuleCode.PATROL_WARDS: coverage.patrol_wards,
    RuleCode.EVENT_STAFFING: events.event_staffing,
    RuleCode.LONE_WORKING: coverage.lone_working,
    RuleCode.WARD_MINIMUM: coverage.ward_minimum,
    RuleCode.PINS: pins.pins,
    RuleCode.PINNED_OFF: pins.pinned_off,
    RuleCode.BLOCK_LENGTH: continuity.block_length,
    RuleCode.WARDS_PER_DUTY: continuity.wards_per_duty,
    RuleCode.OWN_WARD_SHARE: continuity.own_ward_share,
    RuleCode.OWN_OFFICERS: continuity.own_officers,
}


def check(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every hard-rule violation of `rota` against `scenario`; empty when the rota is valid."""
    context = Context.of(scenario, rota)
    return [violation for rule in RULES.values() for violation in rule(context)]
