"""A sergeant's pins are kept."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.support import small_team, solve_checked


def test_duty_pin_is_worked():
    """A sergeant's pin puts Bo on Thursday's late duty."""
    pins = [{"staff": "sgt-bo", "day": "2026-11-26", "template": "late"}]
    rota = solve_checked(small_team(pins=pins))
    assert any(
        d.template == "late" and d.day == date(2026, 11, 26) for d in rota.duties_of("sgt-bo")
    )


def test_off_pin_gives_rest():
    """An off pin leaves the day free."""
    pins = [{"staff": "pc-ann", "day": "2026-11-25", "off": True}]
    rota = solve_checked(small_team(pins=pins))
    assert all(d.day != date(2026, 11, 25) for d in rota.duties_of("pc-ann"))


@pytest.mark.parametrize(
    ("part", "window"),
    [({}, ("14:00", "22:00")), ({"start": "18:30", "end": "20:00"}, ("18:30", "20:00"))],
    ids=["whole-duty", "part"],
)
def test_a_ward_pin_keeps_the_person_in_that_ward(part: dict, window: tuple[str, str]):
    """'PC Ann in South on Thursday's late' (or from 18:30 to 20:00 of it): the patrol
    blocks keep her there, though South has no demand after 20:00 and the North is where
    presence counts; the checker agrees."""
    pin = {"staff": "pc-ann", "day": "2026-11-26", "template": "late", "ward": "south", **part}
    rota = solve_checked(small_team(pins=[pin]))
    (late,) = [d for d in rota.duties_of("pc-ann") if d.day == date(2026, 11, 26)]
    start = datetime.fromisoformat(f"2026-11-26T{window[0]}+00:00")
    end = datetime.fromisoformat(f"2026-11-26T{window[1]}+00:00")
    inside = [a for a in late.activities if a.start < end and start < a.end]
    assert {a.ward for a in inside} == {"south"}
    assert (
        sum((min(a.end, end) - max(a.start, start)).total_seconds() for a in inside)
        == (end - start).total_seconds()
    )
