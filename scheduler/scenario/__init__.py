"""The scenario: one neighbourhood team's week, as a sergeant describes it.

Everything here is validated input. Rule values live in `Policy` with the defaults of
DOMAIN.md's hard-rule table, so a force can change them without touching code. Times of
day are local to the team (Europe/London); instants given without an offset are read as
local time; every instant is stored aware.

One module per part of the week, named as the model's and the checker's rule families
are where one exists: `duties` (templates), `coverage` (wards, windows, surges),
`events`, `pins`; then `staff`, `policy`, `times`, the whole `week` (`Scenario`),
`read` (files and their error messages) and `moving` (a scenario moved to another week).
"""

from scheduler.scenario.base import Id, Label, MaybeText, Name, Strict, Text, plain_text
from scheduler.scenario.coverage import (
    CategoryShare,
    DemandBasis,
    HotSpot,
    Surge,
    Ward,
    Window,
)
from scheduler.scenario.duties import DutyTemplate, in_pcso_window
from scheduler.scenario.events import EngagementEvent, Seat
from scheduler.scenario.moving import coming_monday, moved_to
from scheduler.scenario.pins import Pin
from scheduler.scenario.policy import Continuity, Policy, PublicNames
from scheduler.scenario.read import (
    ScenarioError,
    describe_validation_error,
    load_scenario,
    read_json,
)
from scheduler.scenario.staff import (
    CarryIn,
    Preference,
    Role,
    Staff,
    Unavailability,
    absence_code,
)
from scheduler.scenario.times import (
    ALL_DAYS,
    WEEKDAYS,
    ClockTime,
    Weekday,
    clock_minutes,
    local_day,
    parse_clock,
    real,
)
from scheduler.scenario.week import Scenario, Team

__all__ = [
    "ALL_DAYS",
    "WEEKDAYS",
    "CarryIn",
    "CategoryShare",
    "ClockTime",
    "Continuity",
    "DemandBasis",
    "DutyTemplate",
    "EngagementEvent",
    "HotSpot",
    "Id",
    "Label",
    "MaybeText",
    "Name",
    "Pin",
    "Policy",
    "Preference",
    "PublicNames",
    "Role",
    "Scenario",
    "ScenarioError",
    "Seat",
    "Staff",
    "Strict",
    "Surge",
    "Team",
    "Text",
    "Unavailability",
    "Ward",
    "Weekday",
    "Window",
    "absence_code",
    "clock_minutes",
    "coming_monday",
    "describe_validation_error",
    "in_pcso_window",
    "load_scenario",
    "local_day",
    "moved_to",
    "parse_clock",
    "plain_text",
    "read_json",
    "real",
]
