"""From the model's answer to named people: patrol blocks that keep faces in one place.

With continuity (`scheduler.model.continuity`) the model has put each duty's blocks in
wards, and everyone patrols their block's ward. Without it, the model says how many of a
patrol class patrol each ward each hour, and this second step says who: a dedicated ward
officer goes to their own ward, someone else stays in the ward they patrolled the hour
before, and anyone left fills what remains. Within a class every member may patrol every
ward of the class, so any assignment is lawful; the order only improves continuity.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from scheduler.rota import Activity, Duty
from scheduler.scenario import EngagementEvent
from scheduler.timegrid import as_local

if TYPE_CHECKING:  # the model names this rota builder in its RULES: no import at run time
    from scheduler.model import DutyOption, PatrolClass, WeekModel

SlotState = tuple[str, str]  # ("patrol", ward id) or ("event", event id)


def _event_state(
    week: WeekModel, attended: set[tuple[str, str]]
) -> dict[str, dict[int, SlotState]]:
    states: dict[str, dict[int, SlotState]] = defaultdict(dict)
    for staff_id, event_id in attended:
        for slot in week.event_slots[event_id]:
            states[staff_id][slot] = ("event", event_id)
    return states


def assign_patrols(
    week: WeekModel,
    worked: list[DutyOption],
    attended: set[tuple[str, str]],
    counts: dict[tuple[PatrolClass, str, int], int],
    blocked: dict[tuple[str, int], str] | None = None,
) -> dict[str, dict[int, SlotState]]:
    """Each person's ward or event in each slot they are on duty. `blocked` gives the
    ward of each person's block, where the model chose one (`scheduler.model.continuity`):
    there they patrol; the counts place everyone else."""
    states = _event_state(week, attended)
    counts = dict(counts)
    for (staff_id, slot), ward in (blocked or {}).items():
        if slot in states[staff_id]:
            continue  # at an event in the block's ward
        states[staff_id][slot] = ("patrol", ward)
        key = (week.classes[staff_id], ward, slot)
        counts[key] = counts.get(key, 0) - 1
    home = {person.id: person.home_ward for person in week.scenario.staff}
    duty_of: dict[str, list[DutyOption]] = defaultdict(list)
    for option in worked:
        duty_of[option.staff].append(option)
    members: dict[PatrolClass, list[str]] = defaultdict(list)
    for staff_id, patrol in week.classes.items():
        members[patrol].append(staff_id)

    for slot in range(week.grid.slots):
        start, end = week.grid.slot_start(slot), week.grid.slot_end(slot)
        for patrol, staff_ids in members.items():
            wanted = {ward: counts.get((patrol, ward, slot), 0) for ward in patrol.wards}
            if not any(wanted.values()):
                continue
            free = [
                staff_id
                for staff_id in staff_ids
                if slot not in states[staff_id]
                # on duty the whole slot, as the model counts who may patrol it (a slot
                # a duty only partly covers, as after Lord Howe's half-hour change, would
                # give a ward less than the model planned)
                and any(o.start <= start and end <= o.end for o in duty_of[staff_id])
            ]

            # Where a pin keeps them; in a repair, where the published rota had them; then
            # dedicated ward officers home, then stay where you were, then the rest.
            chosen = _place(free, wanted, {s: week.ward_pins.get((s, slot)) for s in free})
            chosen |= _place(
                [s for s in free if s not in chosen],
                wanted,
                {s: week.planned_wards.get((s, slot)) for s in free},
            )
            chosen |= _place(
                [s for s in free if s not in chosen], wanted, {sid: home[sid] for sid in free}
            )
            previous = {sid: states[sid].get(slot - 1, ("", ""))[1] for sid in free}
            chosen |= _place([s for s in free if s not in chosen], wanted, previous)
            for staff_id in free:
                ward = next((w for w, n in wanted.items() if n > 0), None)
                if ward is None:
                    break
                if staff_id not in chosen:
                    chosen[staff_id] = ward
                    wanted[ward] -= 1
            for staff_id, ward in chosen.items():
                states[staff_id][slot] = ("patrol", ward)
    return states


def _place(
    people: list[str], wanted: dict[str, int], choice: dict[str, str | None]
) -> dict[str, str]:
    """Send each person to the ward `choice` names while that ward still wants people."""
    placed = {}
    for staff_id in people:
        ward = choice.get(staff_id)
        if ward is not None and wanted.get(ward, 0) > 0:
            placed[staff_id] = ward
            wanted[ward] -= 1
    return placed


def _slot_pieces(
    week: WeekModel, state: SlotState, slot: int
) -> list[tuple[str, str, str | None, datetime, datetime]]:
    """The activities of one slot: a patrol, or an event with patrol around it in its ward."""
    slot_start, slot_end = week.grid.slot_start(slot), week.grid.slot_end(slot)
    kind, name = state
    if kind == "patrol":
        return [("patrol", name, None, slot_start, slot_end)]
    event = next(e for e in week.scenario.events if e.id == name)
    return event_slot_pieces(event, slot_start, slot_end)


def event_slot_pieces(
    event: EngagementEvent, slot_start: datetime, slot_end: datetime
) -> list[tuple[str, str, str | None, datetime, datetime]]:
    """A slot that `event` touches, spent in the event's ward: patrol there before the
    event, the event itself (in the slot where it starts, whole), patrol after it."""
    event_start, event_end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    pieces: list[tuple[str, str, str | None, datetime, datetime]] = []
    if event_start > slot_start:
        pieces.append(("patrol", event.ward, None, slot_start, event_start))
    if slot_start <= event_start < slot_end:
        pieces.append(("event", event.ward, event.id, event_start, event_end))
    if event_end < slot_end:
        pieces.append(("patrol", event.ward, None, event_end, slot_end))
    return pieces


def add_piece(
    activities: list[Activity],
    kind: str,
    ward: str,
    event_id: str | None,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
) -> None:
    """Append a piece of a duty; a patrol that continues the last one in the same ward
    lengthens it instead, so consecutive hours make one block."""
    last = activities[-1] if activities else None
    if (
        kind == "patrol"
        and last is not None
        and last.kind == "patrol"
        and last.ward == ward
        and last.end == start
    ):
        last.end = as_local(end, zone)
        return
    activities.append(
        Activity(
            kind=kind,  # type: ignore[arg-type]
            ward=ward,
            event=event_id,
            start=as_local(start, zone),
            end=as_local(end, zone),
        )
    )


def build_duties(
    week: WeekModel, worked: list[DutyOption], states: dict[str, dict[int, SlotState]]
) -> list[Duty]:
    """Duties with their activities, consecutive patrols of one ward merged into a block."""
    zone = week.scenario.zone
    duties = []
    for option in sorted(worked, key=lambda o: (o.staff, o.start)):
        activities: list[Activity] = []
        for slot in week.grid.slots_touching(option.start, option.end):
            state = states.get(option.staff, {}).get(slot)
            if state is None:
                continue
            for kind, ward, event_id, start, end in _slot_pieces(week, state, slot):
                # within the duty: one cut short at an event's end has no slot after it
                start, end = max(start, option.start), min(end, option.end)
                if start < end:
                    add_piece(activities, kind, ward, event_id, start, end, zone)
        duties.append(
            Duty(
                staff=option.staff,
                day=option.day,
                template=option.template,
                start=as_local(option.start, zone),
                end=as_local(option.end, zone),
                activities=activities,
            )
        )
    return duties
