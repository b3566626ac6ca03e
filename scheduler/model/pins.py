"""A sergeant's pins: pinned duties worked and pinned events attended (rule `pins`).

Each such pin is a requirement group. A day pinned off has no duty options at all
(`scheduler.model.duties`), so `pinned_off` holds by construction.
"""

from __future__ import annotations

from scheduler.model.events import describe_event
from scheduler.model.week import WeekModel, requirement
from scheduler.scenario import Pin


def _describe_pin(week: WeekModel, pin: Pin) -> str:
    person = next(p for p in week.scenario.staff if p.id == pin.staff)
    who = f"{person.role.value} {person.name}"
    if pin.event is not None:
        event = next(e for e in week.scenario.events if e.id == pin.event)
        return f"The pin puts {who} at {describe_event(week, event)}."
    assert pin.day is not None
    if pin.off:
        return f"The pin gives {who} {pin.day:%a %d %b} off."
    return (
        f"The pin puts {who} on the {pin.template} duty on {pin.day:%a %d %b} "
        "(it must also respect their leave, working days, role and rest rules)."
    )


def pins(week: WeekModel) -> None:
    """Rule `pins`: duty and event pins are requirement groups (off pins are applied when
    options are made)."""
    for index, pin in enumerate(week.scenario.pins):
        if pin.off:
            continue
        literal = requirement(week, f"pin:{index}", _describe_pin(week, pin))
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
        if target is None:
            week.model.add_bool_or([literal.Not()])
        else:
            week.model.add_implication(literal, target)
