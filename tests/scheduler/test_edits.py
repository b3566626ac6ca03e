"""A sergeant's own edits of a rota (`scheduler.edits`): made as asked, figures worked out
again, and what they break said by the independent checker."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from pydantic import ValidationError

from scheduler import check
from scheduler.codes import RuleCode
from scheduler.edits import DutyEdit, EditError, apply_edit
from scheduler.rota import Rota
from scheduler.scenario import Scenario
from tests.support import small_team, solve_checked


@pytest.fixture(scope="module")
def week() -> tuple[Scenario, Rota]:
    scenario = small_team()
    return scenario, solve_checked(scenario)


def _day_of(rota: Rota, staff: str, working: bool) -> date:
    worked = {duty.day for duty in rota.duties_of(staff)}
    days = [rota.week_start + timedelta(days=n) for n in range(7)]
    return next(day for day in days if (day in worked) == working)


def test_a_duty_is_moved_to_another_template_in_the_ward_asked(week) -> None:  # type: ignore[no-untyped-def]
    scenario, rota = week
    day = _day_of(rota, "pc-ann", working=True)
    old = next(d for d in rota.duties_of("pc-ann") if d.day == day)
    other = next(t for t in scenario.duty_templates if t.id != old.template)
    edit = DutyEdit(staff="pc-ann", day=day, to="duty", template=other.id, ward="south")
    edited = apply_edit(scenario, rota, edit)
    (duty,) = [d for d in edited.duties_of("pc-ann") if d.day == day]
    assert duty.template == other.id
    local = duty.start.astimezone(scenario.zone)
    assert f"{local:%H:%M}" == other.start and local.date() == day
    assert duty.end - duty.start == timedelta(hours=8)
    patrols = [a for a in duty.activities if a.kind == "patrol"]
    assert {a.ward for a in patrols} == {"south"}
    # patrols and kept events fill the duty, end to end
    times = sorted((a.start, a.end) for a in duty.activities)
    assert times[0][0] == duty.start and times[-1][1] == duty.end
    assert all(a[1] == b[0] for a, b in pairwise(times))
    # everyone else's duties are as they were; the figures are the edited rota's
    rest = [d for d in edited.duties if (d.staff, d.day) != ("pc-ann", day)]
    assert rest == [d for d in rota.duties if (d.staff, d.day) != ("pc-ann", day)]
    south = next(w for w in edited.wards if w.ward == "south")
    before = next(w for w in rota.wards if w.ward == "south")
    assert south.visible_hours > before.visible_hours
    assert edited.report is None


def test_a_day_off_and_a_swap_move_exactly_those_duties(week) -> None:  # type: ignore[no-untyped-def]
    scenario, rota = week
    day = _day_of(rota, "pcso-cy", working=True)
    off = apply_edit(scenario, rota, DutyEdit(staff="pcso-cy", day=day, to="off"))
    assert [d for d in off.duties_of("pcso-cy") if d.day == day] == []
    assert len(off.duties) == len(rota.duties) - 1
    hours = {s.staff: s.hours for s in off.staff}
    assert hours["pcso-cy"] < {s.staff: s.hours for s in rota.staff}["pcso-cy"]

    worked = {d.day for d in rota.duties_of("pcso-di")}
    day = next(d.day for d in rota.duties_of("pcso-cy") if d.day not in worked)
    swapped = apply_edit(
        scenario, rota, DutyEdit(staff="pcso-cy", day=day, to="swap", other="pcso-di")
    )
    cy = next(d for d in rota.duties_of("pcso-cy") if d.day == day)
    assert [d for d in swapped.duties_of("pcso-cy") if d.day == day] == []
    (di,) = [d for d in swapped.duties_of("pcso-di") if d.day == day]
    assert di.model_copy(update={"staff": "pcso-cy"}) == cy


def test_the_checker_says_what_an_edit_breaks(week) -> None:  # type: ignore[no-untyped-def]
    """Made as asked, lawful or not: a PCSO put on a night duty, on leave, or on a day
    outside their pattern is a rota the checker refuses, naming them."""
    scenario, rota = week
    night = apply_edit(
        scenario,
        rota,
        DutyEdit(staff="pcso-di", day=rota.week_start, to="duty", template="night"),
    )
    broken = check(scenario, night)
    assert broken and all(v.staff in ("pcso-di", None) for v in broken), broken
    assert any(v.rule in (RuleCode.TEMPLATE, RuleCode.PCSO_WINDOW) for v in broken), broken
    sunday = rota.week_start + timedelta(days=6)  # not one of Di's working days
    outside = apply_edit(
        scenario, rota, DutyEdit(staff="pcso-di", day=sunday, to="duty", template="early")
    )
    assert any(v.staff == "pcso-di" for v in check(scenario, outside))


def test_an_edit_that_names_what_the_week_lacks_is_refused_naming_the_field(week) -> None:  # type: ignore[no-untyped-def]
    scenario, rota = week
    cases = {
        "staff": DutyEdit(staff="nobody", day=rota.week_start, to="off"),
        "day": DutyEdit(staff="pc-ann", day=rota.week_start - timedelta(days=1), to="off"),
        "template": DutyEdit(staff="pc-ann", day=rota.week_start, to="duty", template="x"),
        "ward": DutyEdit(
            staff="pc-ann", day=rota.week_start, to="duty", template="early", ward="moon"
        ),
        "other": DutyEdit(staff="pc-ann", day=rota.week_start, to="swap", other="nobody"),
    }
    for field, edit in cases.items():
        with pytest.raises(EditError) as raised:
            apply_edit(scenario, rota, edit)
        assert raised.value.field == field
    with pytest.raises(ValidationError, match="names its template"):
        DutyEdit(staff="pc-ann", day=rota.week_start, to="duty")
    with pytest.raises(ValidationError, match="someone else"):
        DutyEdit(staff="pc-ann", day=rota.week_start, to="swap", other="pc-ann")
