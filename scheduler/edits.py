"""A sergeant's own change to one person's day of a rota: work a given duty (in a given
ward), take the day off, or swap the day with someone else.

The change is made as asked, lawful or not: the independent checker
(`scheduler.checker.check`) then says what it breaks, and a rota that breaks a rule is
never published (the service refuses it). The rota's figures (coverage, events, hours)
are worked out again for the changed duties. What the solver knew of the old duty is not
kept: a changed duty patrols one ward for its whole length, around the events of the old
duty that still fall inside it; "re-solve around my edits" (pins of the changed days)
lets the solver plan its blocks again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import model_validator

from scheduler.checker.context import Context
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import Id, Scenario
from scheduler.scenario.base import Strict
from scheduler.summary import figures


class DutyEdit(Strict):
    """One change to one person's day."""

    staff: Id
    day: date
    to: Literal["duty", "off", "swap"]
    template: Id | None = None  # to="duty": the duty they work that day
    ward: Id | None = None  # to="duty": where they patrol (their home ward if not given)
    other: Id | None = None  # to="swap": whose day (duty or rest day) they swap with

    @model_validator(mode="after")
    def _complete(self) -> DutyEdit:
        if self.to == "duty" and self.template is None:
            raise ValueError("a change to a duty names its template (which duty they work)")
        if self.to == "swap" and self.other is None:
            raise ValueError("a swap names the other person (other)")
        if self.to == "swap" and self.other == self.staff:
            raise ValueError("a swap is with someone else; choose another person")
        return self


class EditError(ValueError):
    """An edit that cannot be made at all (an unknown person, day, duty or ward); `field`
    names the edit's field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def apply_edit(scenario: Scenario, rota: Rota, edit: DutyEdit) -> Rota:
    """The rota with `edit` made, its figures worked out again and no solve report (it
    was not solved). Raises EditError if the edit names what the week does not have."""
    people = {person.id: person for person in scenario.staff}
    if edit.staff not in people:
        raise EditError("staff", f"{edit.staff!r} is not a member of the team")
    if not 0 <= (edit.day - scenario.week_start).days < 7:
        raise EditError("day", f"{edit.day} is not in the week of {scenario.week_start}")
    duties = [duty for duty in rota.duties if not _on(duty, edit.staff, edit.day)]
    old = next((duty for duty in rota.duties if _on(duty, edit.staff, edit.day)), None)
    if edit.to == "duty":
        duties.append(_duty(scenario, rota, edit, old))
    elif edit.to == "swap":
        assert edit.other is not None
        if edit.other not in people:
            raise EditError("other", f"{edit.other!r} is not a member of the team")
        theirs = next((duty for duty in rota.duties if _on(duty, edit.other, edit.day)), None)
        if old is None and theirs is None:
            raise EditError("other", f"neither {edit.staff!r} nor {edit.other!r} works that day")
        duties = [duty for duty in duties if not _on(duty, edit.other, edit.day)]
        if old is not None:
            duties.append(old.model_copy(update={"staff": edit.other}))
        if theirs is not None:
            duties.append(theirs.model_copy(update={"staff": edit.staff}))
    duties.sort(key=lambda duty: (duty.staff, duty.day))
    return Rota(
        team=rota.team,
        week_start=rota.week_start,
        duties=duties,
        **figures(scenario, duties),
        generated_at=rota.generated_at,
    )


def _on(duty: Duty, staff: str, day: date) -> bool:
    return duty.staff == staff and duty.day == day


def _duty(scenario: Scenario, rota: Rota, edit: DutyEdit, old: Duty | None) -> Duty:
    templates = {template.id: template for template in scenario.duty_templates}
    template = templates.get(edit.template or "")
    if template is None:
        raise EditError("template", f"{edit.template!r} is not one of the team's duty templates")
    wards = {ward.id for ward in scenario.wards}
    person = next(person for person in scenario.staff if person.id == edit.staff)
    main = old.main_ward if old else None
    ward = edit.ward or person.home_ward or main or (person.patrol_wards or [None])[0]
    ward = ward or scenario.wards[0].id
    if ward not in wards:
        raise EditError("ward", f"{ward!r} is not one of the team's wards")
    start, end = Context.of(scenario, rota).span(edit.day, template.start, template.end)
    kept = [  # the old duty's events that still fall inside it
        activity
        for activity in (old.activities if old else [])
        if activity.kind == "event" and start <= activity.start and activity.end <= end
    ]
    return Duty(
        staff=edit.staff,
        day=edit.day,
        template=template.id,
        start=start,
        end=end,
        activities=sorted(kept + _patrols(ward, start, end, kept), key=lambda a: a.start),
    )


def _patrols(ward: str, start: datetime, end: datetime, events: list[Activity]) -> list[Activity]:
    """Patrols of `ward` filling [start, end) around the events."""
    patrols, at = [], start
    for event in sorted(events, key=lambda activity: activity.start):
        if event.start > at:
            patrols.append(Activity(kind="patrol", ward=ward, start=at, end=event.start))
        at = max(at, event.end)
    if at < end:
        patrols.append(Activity(kind="patrol", ward=ward, start=at, end=end))
    return patrols
