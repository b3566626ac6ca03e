"""The roster: each person's tours and rest days for weeks ahead (Police Regulations reg 22:
published a month before it starts, for at least three months), planned on the week's own
rules and the rules that need more than a week; each week is then deployed within it.

`period` (what the sergeant gives), `model` (the CP-SAT model), `solve`, `output` (the
roster and its figures), `check` (the independent checker) and `within` (a week deployed
inside a published roster, and what a change to it owes).
"""

from scheduler.roster.output import Roster, RosterDay, RosterReport
from scheduler.roster.period import (
    Cover,
    DemandException,
    RosterAbsence,
    RosterCarry,
    RosterPeriod,
    RosterRequest,
    RosterRules,
)
from scheduler.roster.solve import RosterOptions, solve_roster

__all__ = [
    "Cover",
    "DemandException",
    "Roster",
    "RosterAbsence",
    "RosterCarry",
    "RosterDay",
    "RosterOptions",
    "RosterPeriod",
    "RosterReport",
    "RosterRequest",
    "RosterRules",
    "solve_roster",
]
