"""How the checker names people, days and numbers in its sentences to a sergeant."""

from __future__ import annotations

import datetime

from scheduler.scenario import Staff

ROLE_TITLES = {"PC": "PC", "SGT": "Sgt", "PCSO": "PCSO"}


def number(value: float) -> str:
    """11.0 -> '11', 7.5 -> '7.5'."""
    return f"{value:g}"


def date(day: datetime.date) -> str:
    """'Mon 23 Mar'."""
    return day.strftime("%a %d %b")


def who(person: Staff) -> str:
    """'PC Amir Khan (pc-khan)'; a name that already starts with the rank keeps it."""
    title = ROLE_TITLES.get(person.role.value, person.role.value)
    first_word = (person.name.split() or [""])[0].rstrip(".").upper()
    titled = (
        person.name if first_word in {"PC", "SGT", "PCSO", "SERGEANT"} else f"{title} {person.name}"
    )
    return f"{titled} ({person.id})"
