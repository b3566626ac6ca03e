"""A sergeant's pins are kept."""

from __future__ import annotations

from datetime import date

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
