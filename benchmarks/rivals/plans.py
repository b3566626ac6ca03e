"""What both rivals build their rotas from: planned duties, turned into a real `Rota`.

A `Plan` is one duty (the option, the ward patrolled, events attended, hours at the
station); `rota_of` turns a rival's plans into a `scheduler.rota.Rota` with Beatplan's own
activity pieces, and `choose_attendees` picks who staffs an event from candidates in a
rival's order of preference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scheduler.blocks import add_piece, event_slot_pieces
from scheduler.model import DutyOption
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import EngagementEvent, Scenario, Staff
from scheduler.summary import figures
from scheduler.timegrid import TimeGrid, as_local

EPSILON = 1e-9  # slack when sums of floats (hours, presence gains) meet a threshold


@dataclass
class Plan:
    """One planned duty: the option, the ward patrolled, events attended, station hours."""

    option: DutyOption
    ward: str
    events: list[EngagementEvent] = field(default_factory=list)
    station: set[int] = field(default_factory=set)  # slots spent off the street


def _activities(scenario: Scenario, grid: TimeGrid, plan: Plan) -> list[Activity]:
    """Patrol of the plan's ward, with each event's hour slots spent in the event's ward.

    Like Beatplan's own rotas (`scheduler.blocks`), an hour that an event touches is spent
    in the event's ward (patrolling there before and after the event), so a person counts
    in one ward per hour.
    """
    zone = scenario.zone
    start, end = plan.option.start, plan.option.end
    event_at: dict[int, EngagementEvent] = {}
    for event in plan.events:
        for slot in grid.slots_touching(event.start, event.end):
            event_at[slot] = event
    pieces: list[tuple[str, str, str | None, datetime, datetime]] = []
    for slot in grid.slots_touching(start, end):
        slot_start, slot_end = grid.slot_start(slot), grid.slot_end(slot)
        event = event_at.get(slot)
        if event is None:
            if slot not in plan.station:
                pieces.append(("patrol", plan.ward, None, slot_start, slot_end))
            continue
        pieces.extend(event_slot_pieces(event, slot_start, slot_end))
    activities: list[Activity] = []
    for kind, ward, event_id, piece_start, piece_end in pieces:
        piece_start, piece_end = max(piece_start, start), min(piece_end, end)
        if piece_end <= piece_start:
            continue
        add_piece(activities, kind, ward, event_id, piece_start, piece_end, zone)
    return activities


def rota_of(scenario: Scenario, plans: Iterable[Plan]) -> Rota:
    grid = TimeGrid.of(scenario)
    zone = scenario.zone
    duties = [
        Duty(
            staff=plan.option.staff,
            day=plan.option.day,
            template=plan.option.template,
            start=as_local(plan.option.start, zone),
            end=as_local(plan.option.end, zone),
            activities=_activities(scenario, grid, plan),
        )
        for plan in sorted(plans, key=lambda p: (p.option.staff, p.option.start))
    ]
    return Rota(
        team=scenario.team.id,
        week_start=scenario.week_start,
        duties=duties,
        **figures(scenario, duties),
    )


def touched_slots(grid: TimeGrid, event: EngagementEvent) -> set[int]:
    return set(grid.slots_touching(event.start, event.end))


def covers(option: DutyOption, event: EngagementEvent) -> bool:
    return option.start <= event.start.astimezone(UTC) and event.end.astimezone(UTC) <= option.end


def choose_attendees(
    event: EngagementEvent, candidates: Sequence[Staff], first: Sequence[Staff] = ()
) -> list[Staff] | None:
    """Who staffs an event from candidates in order of preference, or None if it can't be.

    Pinned people (`first`) go first; then each seat (`event.seats`, `count` times) its
    own person, the first pinned or candidate who fits it and holds no other seat (first
    fit, not a matching: a greedy may miss an assignment that exists); then, for each
    required skill, the first candidate with it; then warranted officers up to
    `min_warranted`; then anyone up to `min_staff` (at least one). None when the needs
    cannot all be met.
    """
    chosen: list[Staff] = [person for person in first if person in candidates]
    rest = [person for person in candidates if person not in chosen]

    def take(match: Iterable[Staff]) -> bool:
        person = next(iter(match), None)
        if person is None:
            return False
        chosen.append(person)
        rest.remove(person)
        return True

    seated: list[Staff] = []
    for seat in event.seats:
        for _ in range(seat.count):
            person = next((p for p in chosen if p not in seated and seat.fits(p)), None)
            if person is None and take(p for p in rest if seat.fits(p)):
                person = chosen[-1]
            if person is None:
                return None
            seated.append(person)
    for skill in event.required_skills:
        if not any(skill in person.skills for person in chosen) and not take(
            p for p in rest if skill in p.skills
        ):
            return None
    while sum(p.role.warranted for p in chosen) < event.min_warranted:
        if not take(p for p in rest if p.role.warranted):
            return None
    while len(chosen) < max(event.min_staff, 1):
        if not take(rest):
            return None
    return chosen if len(chosen) <= event.max_staff else None
