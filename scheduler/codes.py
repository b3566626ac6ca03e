"""The codes shared by the model, the checker, the service and the benchmarks.

A rule is named by one `RuleCode` wherever it appears: the checker's violations, the
model's registry of what enforces each rule, docs/rules.md's table, the service's and the
benchmarks' groupings; a solve ends with one `SolveStatus`. Both are `StrEnum`s, so they
print, compare and serialise as the plain strings used before them ("daily_rest",
"OPTIMAL").
"""

from __future__ import annotations

from enum import StrEnum


class RuleCode(StrEnum):
    """A hard rule of docs/rules.md, in the order the checker checks them."""

    REFERENCE = "reference"
    ACTIVITY = "activity"
    TEMPLATE = "template"
    ONE_DUTY_PER_DAY = "one_duty_per_day"
    UNAVAILABLE = "unavailable"
    DAILY_REST = "daily_rest"
    WEEKLY_REST = "weekly_rest"
    WEEKLY_HOURS = "weekly_hours"
    NIGHT_WORK = "night_work"
    REST_DAYS = "rest_days"
    CONSECUTIVE_DAYS = "consecutive_days"
    BREAK = "break"
    DUTY_LENGTH = "duty_length"
    PCSO_WINDOW = "pcso_window"
    PATROL_WARDS = "patrol_wards"
    EVENT_STAFFING = "event_staffing"
    LONE_WORKING = "lone_working"
    WARD_MINIMUM = "ward_minimum"
    PINS = "pins"
    PINNED_OFF = "pinned_off"
    BLOCK_LENGTH = "block_length"
    WARDS_PER_DUTY = "wards_per_duty"
    OWN_WARD_SHARE = "own_ward_share"
    OWN_OFFICERS = "own_officers"


class SolveStatus(StrEnum):
    """How a solve ended: CP-SAT's status names, which the solve report carries."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"
