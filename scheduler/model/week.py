"""The week model: the CP-SAT model of a team's week and its typed variables.

What every rule family reads and adds to: the duties each person could work
(`DutyOption`), the patrol classes (`PatrolClass`), the literal-guarded requirement groups
(`Requirement`), and who is present where in each hour slot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from ortools.sat.python import cp_model

from scheduler.rota import Rota
from scheduler.scenario import Pin, Scenario
from scheduler.timegrid import TimeGrid

SCALE = 100  # objective units per demand-weighted presence hour
EPSILON = 1e-6  # what the checker also forgives (its TOLERANCE)


@dataclass(frozen=True)
class DutyOption:
    """A duty a person could work: template on a local day, with real start and end."""

    staff: str
    day: date
    template: str
    start: datetime
    end: datetime
    night: bool
    unsocial: bool

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class PatrolClass:
    """People who are interchangeable for patrolling: same role group, same allowed wards.

    Home wards are deliberately not part of the key, and continuity is not in the
    objective: both made the sample team several times slower to prove optimal (see
    docs/model.md). Continuity is the job of the patrol-block step (`scheduler.blocks`).
    """

    warranted: bool
    wards: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """Part of a duty option spent in one ward (`scheduler.model.continuity`): its slots,
    their minutes, and one boolean per ward it could be in."""

    slots: tuple[int, ...]
    minutes: int
    wards: dict[str, cp_model.IntVar]


@dataclass
class Requirement:
    """A literal-guarded group of constraints, described in a sergeant's words."""

    literal: cp_model.IntVar
    sentence: str
    pin: Pin | None = None  # the pin it holds, for an explanation that pairs two pins


@dataclass
class WeekModel:
    """The CP-SAT model and its typed variables."""

    scenario: Scenario
    grid: TimeGrid
    now: datetime | None = None  # a repair of a week under way: what started is history
    # Duties deployed in blocks when the policy asks for continuity; False for the plan
    # of duties that comes first (`scheduler.solve`), where only rules on attendance hold
    in_blocks: bool = True
    # A repair deployed in blocks: the published rota, whose duties under way at `now`
    # carry their wards before it into the continuity rules (`scheduler.model.continuity`)
    history: Rota | None = None
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    options: dict[str, list[DutyOption]] = field(default_factory=dict)
    works: dict[DutyOption, cp_model.IntVar] = field(default_factory=dict)
    classes: dict[str, PatrolClass] = field(default_factory=dict)
    patrol: dict[tuple[PatrolClass, str, int], cp_model.IntVar] = field(default_factory=dict)
    attends: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    staffed: dict[str, cp_model.IntVar] = field(default_factory=dict)
    requirements: list[Requirement] = field(default_factory=list)
    objective_terms: list[cp_model.LinearExprT] = field(default_factory=list)
    # The same terms by purpose (OBJECTIVE_PARTS), so a benchmark can weigh what each costs
    objective_parts: dict[str, list[cp_model.LinearExprT]] = field(default_factory=dict)
    continuity: cp_model.LinearExprT = 0
    # Costs of soft rules (familiar faces as goals), the objective's "familiar faces" part
    soft_terms: list[cp_model.LinearExprT] = field(default_factory=list)
    # Each duty option's blocks, when the policy asks for continuity (else empty)
    blocks: dict[DutyOption, list[Block]] = field(default_factory=dict)
    event_slots: dict[str, range] = field(default_factory=dict)
    # (ward, slot) -> (warranted?, count or attendance variable) of everyone who may be there
    present: dict[tuple[str, int], list[tuple[bool, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (staff, slot) -> ward in a published rota being repaired: patrols keep it if they can
    planned_wards: dict[tuple[str, int], str] = field(default_factory=dict)
    # (staff, slot) -> the ward a pin keeps them in (`scheduler.model.pins.place_ward_pins`)
    ward_pins: dict[tuple[str, int], str] = field(default_factory=dict)


def requirement(
    week: WeekModel, name: str, sentence: str, pin: Pin | None = None
) -> cp_model.IntVar:
    """A new requirement group: its literal, which the group's constraints are enforced by."""
    literal = week.model.new_bool_var(f"requirement[{name}]")
    week.requirements.append(Requirement(literal, sentence, pin))
    return literal


def covering_slot(week: WeekModel, staff_ids: list[str], slot: int) -> list[cp_model.IntVar]:
    """Duty variables of these people whose duty covers the whole slot."""
    start, end = week.grid.slot_start(slot), week.grid.slot_end(slot)
    return [
        week.works[option]
        for staff_id in staff_ids
        for option in week.options[staff_id]
        if option.start <= start and end <= option.end
    ]


def presence(
    week: WeekModel, ward: str, slot: int, *, pcso_only: bool = False
) -> cp_model.LinearExpr:
    """People visibly present in a ward in a slot: patrolling it or at an event in it."""
    return sum(
        var
        for warranted, var in week.present.get((ward, slot), [])
        if not (pcso_only and warranted)
    )
