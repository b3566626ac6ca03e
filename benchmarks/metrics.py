"""The metrics that judge any rota alike, from its activities alone (no solver code).

`metrics` gives demand-weighted presence (Beatplan's diminishing-returns values), unmet
hard requirements by kind from the independent checker's violations, and how evenly
coverage follows need across wards; the cost-of-cuts part also counts peak hours covered
and the hours residents see no one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scheduler.checker import Violation, check
from scheduler.codes import RuleCode
from scheduler.rota import Duty, Rota
from scheduler.scenario import Scenario
from scheduler.summary import event_staffing, presence_by_slot, ward_coverage
from scheduler.timegrid import TimeGrid

# The checker's rule codes, grouped into the kinds of unmet requirement the tables show.
REQUIREMENT_KINDS = {
    RuleCode.EVENT_STAFFING: "events",
    RuleCode.WARD_MINIMUM: "minimums",
    RuleCode.LONE_WORKING: "pairs",
    RuleCode.DAILY_REST: "rest",
    RuleCode.WEEKLY_REST: "rest",
    RuleCode.REST_DAYS: "rest",
    RuleCode.CONSECUTIVE_DAYS: "rest",
}


@dataclass(frozen=True)
class Metrics:
    """How good and how lawful a rota is, judged from the rota alone."""

    presence: float  # demand-weighted presence (Beatplan's presence curve, week's hours)
    events: int  # checker violations of event staffing (a mandatory event left short, ...)
    minimums: int  # wards below their weekly minimum
    pairs: int  # ward-hours with a PCSO alone in a lone-working window
    rest: int  # daily rest, weekly rest, rest days, consecutive days
    other: int  # any other rule (weekly hours, leave, pins, ...)
    events_staffed: int  # events (optional or mandatory) with enough attendees
    ratios: tuple[float, ...]  # per ward: person-hours present in demand hours / demand hours

    @property
    def unmet(self) -> int:
        return self.events + self.minimums + self.pairs + self.rest + self.other

    @property
    def spread_min(self) -> float:
        return min(self.ratios) if self.ratios else math.nan

    @property
    def spread_max(self) -> float:
        return max(self.ratios) if self.ratios else math.nan

    @property
    def spread_cv(self) -> float:
        """Coefficient of variation of coverage-to-need over wards (0: perfectly even)."""
        if len(self.ratios) < 2 or statistics.fmean(self.ratios) == 0:
            return 0.0
        return statistics.pstdev(self.ratios) / statistics.fmean(self.ratios)

    @classmethod
    def combine(cls, parts: Iterable[Metrics]) -> Metrics:
        """Several teams (a BCU, a force) as one: sums, and the spread over all wards."""
        items = list(parts)
        return cls(
            presence=sum(m.presence for m in items),
            events=sum(m.events for m in items),
            minimums=sum(m.minimums for m in items),
            pairs=sum(m.pairs for m in items),
            rest=sum(m.rest for m in items),
            other=sum(m.other for m in items),
            events_staffed=sum(m.events_staffed for m in items),
            ratios=tuple(ratio for m in items for ratio in m.ratios),
        )


def presence_score(scenario: Scenario, rota: Rota) -> float:
    """Demand-weighted presence over the week, with the model's diminishing-returns values.

    Recomputed from the rota's activities by `scheduler.summary`, so a rota from any
    source is scored the same way as Beatplan's.
    """
    return sum(ward.weighted_presence for ward in ward_coverage(scenario, rota.duties))


def people_in_demand_hours(
    scenario: Scenario, duties: list[Duty]
) -> dict[str, list[tuple[int, int]]]:
    """Per ward, how many people are present in each slot of the week it has demand, with
    the slot's minutes."""
    grid = TimeGrid.of(scenario)
    present = presence_by_slot(scenario, duties)
    return {
        ward.id: [
            (len(present.get((ward.id, slot), ())), grid.slot_minutes(slot))
            for slot in range(grid.week_slots)
            if scenario.demand_weight(ward.id, grid.local_keys[slot]) > 0
        ]
        for ward in scenario.wards
    }


def coverage_ratios(scenario: Scenario, rota: Rota) -> tuple[float, ...]:
    """Per ward, person-hours present in hours with demand divided by those demand hours."""
    counts = people_in_demand_hours(scenario, rota.duties).values()
    return tuple(
        sum(people * minutes for people, minutes in slots) / sum(m for _, m in slots)
        for slots in counts
        if slots
    )


def unmet_by_kind(violations: Sequence[Violation]) -> dict[str, int]:
    """Checker violations counted by kind: events, minimums, pairs, rest, other."""
    counts = dict.fromkeys(("events", "minimums", "pairs", "rest", "other"), 0)
    for violation in violations:
        counts[REQUIREMENT_KINDS.get(violation.rule, "other")] += 1
    return counts


def metrics(scenario: Scenario, rota: Rota) -> Metrics:
    """Judge a rota for a scenario: presence, unmet requirements by kind, coverage spread."""
    counts = unmet_by_kind(check(scenario, rota))
    staffed = sum(item.staffed for item in event_staffing(scenario, rota.duties))
    return Metrics(
        presence=presence_score(scenario, rota),
        events_staffed=staffed,
        ratios=coverage_ratios(scenario, rota),
        **counts,
    )


def demand_hours_unseen(scenario: Scenario, duties: list[Duty]) -> tuple[float, float]:
    """Ward-hours with demand in which nobody is present in the ward, and all ward-hours
    with demand (the week's, summed over wards): the hours residents see no one."""
    slots = [slot for ward in people_in_demand_hours(scenario, duties).values() for slot in ward]
    unseen = sum(minutes for people, minutes in slots if people == 0)
    return unseen / 60, sum(minutes for _, minutes in slots) / 60


def peak_hours_covered(scenario: Scenario, rota: Rota) -> int:
    """Hours inside the wards' peak windows with at least one person present in the ward."""
    return sum(
        ward.peak_hours - len(ward.uncovered_peak_hours)
        for ward in ward_coverage(scenario, rota.duties)
    )
