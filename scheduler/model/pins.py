"""A sergeant's pins: pinned duties worked, in the pinned ward for the pinned part of them,
and pinned events attended (rule `pins`).

Each such pin is a requirement group. A day pinned off has no duty options at all
(`scheduler.model.duties`), so `pinned_off` holds by construction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC

from ortools.sat.python import cp_model

from scheduler.model import causes
from scheduler.model.events import describe_event
from scheduler.model.week import PatrolClass, WeekModel, requirement
from scheduler.scenario import Pin
from scheduler.timegrid import duty_interval, pin_window


def _describe_pin(week: WeekModel, pin: Pin, possible: bool) -> str:
    """The pin in words; if the person could not be where it puts them at all, why not."""
    person = next(p for p in week.scenario.staff if p.id == pin.staff)
    who = causes.who(person)
    if pin.event is not None:
        event = next(e for e in week.scenario.events if e.id == pin.event)
        said = f"The pin puts {who} at {describe_event(week, event)}"
        start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    else:
        assert pin.day is not None and pin.template is not None
        template = next(t for t in week.scenario.duty_templates if t.id == pin.template)
        start, end = duty_interval(week.scenario, template, pin.day)
        said = f"The pin puts {who} on the {template.name} duty on {pin.day:%a %d %b}"
        if pin.ward is not None:
            ward = next(w.name for w in week.scenario.wards if w.id == pin.ward)
            part = f" from {pin.start} to {pin.end}" if pin.start is not None else ""
            said += f", in {ward}{part}"
    if possible:
        return f"{said}."
    cause = causes.why_not_on_duty(week, person, start, end, template=pin.template)
    return f"{said}, but they are {cause}." if cause else f"{said}, which they cannot work."


def place_ward_pins(week: WeekModel) -> None:
    """Record which slots a ward pin keeps its person in its ward (`WeekModel.ward_pins`),
    before patrol counts are made, so the ward has a count there for them."""
    for pin in week.scenario.pins:
        if pin.ward is None:
            continue
        start, end = pin_window(week.scenario, pin)
        for slot in week.grid.slots_touching(start, end):
            week.ward_pins[pin.staff, slot] = pin.ward


def _keep_in_wards(week: WeekModel, kept: dict[str, tuple[str, cp_model.IntVar]]) -> None:
    """In each slot a pin keeps someone in a ward, they attend no event elsewhere, and
    their patrol class has someone patrolling that ward for each such person not at one
    of its events there (the patrol-block step then sends them: `scheduler.blocks`)."""
    owed: dict[tuple[PatrolClass, str, int], list[cp_model.LinearExprT]] = defaultdict(list)
    for (staff_id, slot), ward in week.ward_pins.items():
        if staff_id not in kept:
            continue
        literal = kept[staff_id][1]
        here = []
        for (attendee, event_id), attends in week.attends.items():
            if attendee != staff_id or slot not in week.event_slots[event_id]:
                continue
            if _event_ward(week, event_id) == ward:
                here.append(attends)
            else:
                week.model.add(attends == 0).only_enforce_if(literal)
        owed[week.classes[staff_id], ward, slot].append(literal - sum(here))
    for key, people in owed.items():
        week.model.add(week.patrol[key] >= sum(people))


def _pin_blocks(week: WeekModel, pin: Pin, literal: cp_model.IntVar) -> None:
    """With continuity, the pinned duty's blocks that the pin's window touches are in the
    pinned ward (the whole block: a block is in one ward)."""
    assert pin.ward is not None
    for option in week.options[pin.staff]:
        if option.day != pin.day or option.template != pin.template:
            continue
        for block in week.blocks.get(option, []):
            if not any(week.ward_pins.get((pin.staff, slot)) == pin.ward for slot in block.slots):
                continue
            there = block.wards.get(pin.ward)
            if there is None:
                week.model.add_bool_or([literal.Not()])
            else:
                week.model.add_implication(literal, there)


def _event_ward(week: WeekModel, event_id: str) -> str:
    return next(event.ward for event in week.scenario.events if event.id == event_id)


def pins(week: WeekModel) -> None:
    """Rule `pins`: duty and event pins are requirement groups (off pins are applied when
    options are made)."""
    kept: dict[str, tuple[str, cp_model.IntVar]] = {}  # staff -> pinned ward, its literal
    for index, pin in enumerate(week.scenario.pins):
        if pin.off:
            continue
        if pin.event is not None:
            target = week.attends.get((pin.staff, pin.event))
        else:
            target = next(
                (
                    week.works[option]
                    for option in week.options[pin.staff]
                    if option.day == pin.day and option.template == pin.template
                ),
                None,
            )
        sentence = _describe_pin(week, pin, target is not None)
        literal = requirement(week, f"pin:{index}", sentence, pin=pin)
        if target is None:
            week.model.add_bool_or([literal.Not()])
        else:
            week.model.add_implication(literal, target)
            if pin.ward is not None:
                kept[pin.staff] = (pin.ward, literal)
                _pin_blocks(week, pin, literal)
    _keep_in_wards(week, kept)
