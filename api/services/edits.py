"""A sergeant's own edits of a week's rota: each makes a new draft (`scheduler.edits`),
the independent checker says at once what it breaks, and "re-solve around my edits" pins
the edited days and solves the week again.

An edited draft that breaks a rule is stored, so the sergeant can see it and edit on, but
it is never published (`publishing.publish_draft` refuses every break but coverage). An
edited draft records which version it came from and every (person, day) edited so far in
`basis["edited"]`; an edit of a draft keeps that draft's basis (published version, pins),
so an edit of an outdated draft is outdated too, and an edit of the published version is
planned from the week as it stands.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from api import tables
from api.services import jobs, pins, versions
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Conflict, Invalid
from api.services.scenarios import assemble_scenario, refuse_ended
from scheduler import check
from scheduler.edits import DutyEdit, EditError, apply_edit
from scheduler.rota import Rota
from scheduler.scenario import Pin


def edit_version(
    session: Session,
    caller: Caller,
    team: tables.Team,
    week: date,
    number: int,
    edit: DutyEdit,
    now: datetime,
) -> tuple[tables.RotaVersion, list[str]]:
    """Store version `number` with `edit` made as the week's next draft, and commit;
    returns it and what it breaks (every rule the checker knows, in its words). Refused
    for an ended week or a superseded version (Conflict), or an edit naming what the week
    lacks (Invalid)."""
    refuse_ended(team, week, now)
    source = versions.chosen(session, team.id, week, number)
    if source.status == versions.SUPERSEDED:
        raise Conflict(
            f"version {number} is superseded: an edit of it would undo what the versions "
            "after it changed. Edit the published version or a draft."
        )
    scenario = assemble_scenario(session, team, week)
    try:
        edited = apply_edit(scenario, Rota.model_validate(source.rota), edit)
    except EditError as error:
        raise Invalid.at(["body", error.field], str(error)) from None
    days = {tuple(day) for day in edited_days(source)} | {(edit.staff, edit.day.isoformat())}
    if edit.other is not None:
        days.add((edit.other, edit.day.isoformat()))
    # A draft's edit is planned from what the draft was; the published version's from
    # the week as it stands now (that version, today's pins)
    planned = source.basis if source.status == versions.DRAFT and source.basis else None
    basis: dict[str, Any] = {
        **(planned or versions.basis(session, team.id, week)),
        "edited": {"from": source.number, "days": sorted(list(day) for day in days)},
    }
    made = edited.model_copy(update={"generated_at": datetime.now(UTC)})
    draft = versions.add_draft(session, team.id, week, made, basis=basis)
    session.flush()
    audit(
        session, caller, "edit", team.id, f"{week} v{number} -> v{draft.number}",
        **edit.model_dump(mode="json"),
    )  # fmt: skip
    session.commit()
    return draft, [violation.message for violation in check(scenario, edited)]


def edited_days(version: tables.RotaVersion) -> list[list[str]]:
    """The (person, day) pairs a sergeant edited in this version and those it came from."""
    return list(((version.basis or {}).get("edited") or {}).get("days", []))


def keep_edits(
    session: Session,
    caller: Caller,
    team: tables.Team,
    week: date,
    number: int,
    time_limit: float,
    now: datetime,
) -> tables.SolveJob:
    """Pin every edited day of version `number` as it stands there (the duty's template,
    or a rest day), and queue a solve of the week, all in one commit: the solver plans
    the rest of the week, and the wards and blocks of the edited duties, around them.
    A day already pinned the same way is not pinned twice; one pinned otherwise is a
    Conflict naming that pin, and nothing is stored."""
    refuse_ended(team, week, now)
    version = versions.chosen(session, team.id, week, number)
    days = edited_days(version)
    if not days:
        raise Conflict(
            f"version {number} has no edits of yours to keep: edit a duty first, or generate "
            "the week"
        )
    rota = Rota.model_validate(version.rota)
    pinned = [row.spec for row in pins.stored_pins(session, team.id, week)]
    for staff, day in days:
        duty = next((d for d in rota.duties if d.staff == staff and d.day.isoformat() == day), None)
        pin = (
            Pin(staff=staff, day=date.fromisoformat(day), template=duty.template)
            if duty is not None
            else Pin(staff=staff, day=date.fromisoformat(day), off=True)
        )
        wanted = pin.model_dump(mode="json", exclude_defaults=True)
        if any(_same(stored, wanted) for stored in pinned):
            continue
        pins.store_pin(session, caller, team, week, pin)
    job = tables.SolveJob(
        team_id=team.id, week_start=week, time_limit=time_limit, created_at=datetime.now(UTC)
    )
    jobs.queue(session, job, "a solve")
    audit(session, caller, "keep edits", team.id, jobs.url(job), version=number)
    session.commit()
    return job


def _same(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether two pins say the same (a field left out is its default: None or False)."""

    def given(pin: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in pin.items() if value not in (None, False)}

    return given(stored) == given(wanted)
