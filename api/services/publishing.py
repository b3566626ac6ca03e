"""Publishing a draft: refused unless it is current and still fits the week.

Current: planned from the version published now and from the week's pins as they are
(publishing an older draft would silently undo a repair or drop a pin made since), in a
week that has not ended. Fits: a sergeant may knowingly publish a week short of a
coverage requirement, never one that breaks a rule protecting a person: leave or
sickness recorded since the draft was made, a pin, last week's published finish, a
deleted person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import groupby, pairwise
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api import tables
from api.services import pins, rosters, versions
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Conflict, Forbidden
from api.services.scenarios import ScenarioConflict, assemble_scenario, refuse_ended
from scheduler import Rota, RuleCode, Scenario, check
from scheduler.replan import compare

# Requirements a sergeant may knowingly publish short of: a ward minimum, an event's
# staffing, their own pins to a duty or an event, the team's familiar-faces policy (a
# rota whose duties could not be deployed in blocks says why). Every other rule protects
# a person or names the team's data, and so does a day pinned off (`pinned_off`: time off
# agreed).
COVERAGE_RULES = frozenset(
    {
        RuleCode.WARD_MINIMUM,
        RuleCode.EVENT_STAFFING,
        RuleCode.PINS,
        RuleCode.BLOCK_LENGTH,
        RuleCode.WARDS_PER_DUTY,
        RuleCode.OWN_WARD_SHARE,
        RuleCode.OWN_OFFICERS,
    }
)
STALE_SHOWN = 3


def person_breaks(scenario: Scenario, stored: dict[str, Any]) -> list[str]:
    """What a stored rota breaks that no sergeant may publish: every rule but the
    coverage ones."""
    rota = Rota.model_validate(stored)
    return [v.message for v in check(scenario, rota) if v.rule not in COVERAGE_RULES]


def publish_draft(
    session: Session, caller: Caller, team: tables.Team, week: date, number: int, now: datetime
) -> tuple[tables.RotaVersion, list[str]]:
    """Publish draft `number` of the team-week atomically (the published one, if any, is
    superseded), and commit. Refused (Conflict) if the week has ended by `now`, if it is
    not a draft, if it is not current (`refuse_outdated`), if it no longer fits the week
    as it now stands, or if another publish won at the same moment. Returns the version
    and what the following week's published rota now breaks."""
    refuse_ended(team, week, now)
    version = versions.chosen(session, team.id, week, number)
    if version.status != versions.DRAFT:
        raise Conflict(f"version {number} is {version.status}; only a draft can be published")
    refuse_outdated(session, team, week, version)
    broken = person_breaks(assemble_scenario(session, team, week), version.rota)
    if broken:
        shown = "; ".join(broken[:STALE_SHOWN])
        more = f" (and {len(broken) - STALE_SHOWN} more)" if len(broken) > STALE_SHOWN else ""
        raise Conflict(
            f"version {version.number} no longer fits the week as it stands, so it was not "
            f"published: {shown}{more}. Generate or repair the week again and publish the "
            "new draft."
        )
    try:
        versions.publish(session, version, now)
        session.flush()
        following = following_week_breaks(session, team, week)
        audit(session, caller, "publish", team.id, f"{week} v{number}")
        session.commit()
    except (versions.PublishConflict, IntegrityError):
        session.rollback()
        raise Conflict(
            f"version {number} or another one was published at the same moment; reload"
        ) from None
    session.refresh(version)
    return version, following


def refuse_outdated(
    session: Session, team: tables.Team, week: date, version: tables.RotaVersion
) -> None:
    """Conflict if the draft was planned from another published version, or other pins,
    than the week's now, naming what changed since and the fix. A draft whose basis is
    not known (stored by hand) is not checked."""
    if version.basis is None:
        return
    then, current = version.basis, versions.basis(session, team.id, week)
    made = f"version {version.number} was planned"
    fix = "Repair the published week, or generate it again, and publish the new draft."
    if then["published"] != current["published"]:
        planned = f"from version {then['published']}" if then["published"] else "before any"
        raise Conflict(
            f"{made} {planned} was published, but version {current['published']} is "
            "published now: publishing it would undo what that version changed. " + fix
        )
    added = sorted(set(current["pins"]) - set(then["pins"]))
    removed = sorted(set(then["pins"]) - set(current["pins"]))
    if added or removed:
        changes = [
            f"pin {row.id} added since ({pins.pin_words_of(session, team, row)})"
            for row in pins.stored_pins(session, team.id, week)
            if row.id in added
        ] + [f"pin {pin_id} removed since" for pin_id in removed]
        raise Conflict(
            f"{made} before the week's pins changed: {'; '.join(changes)}. "
            "Generate it again (or repair the published week) and publish the new draft."
        )


def following_week_breaks(session: Session, team: tables.Team, week: date) -> list[str]:
    """What the following week's published rota now breaks, as its carry-in comes from
    this week's (a later finish on Sunday night, a longer run of days): it is published
    all the same, since that week can only be repaired from this one, and the sergeant
    is told to repair it."""
    later = week + timedelta(days=7)
    following = versions.published(session, team.id, later)
    if following is None:
        return []
    try:
        return person_breaks(assemble_scenario(session, team, later), following.rota)
    except ScenarioConflict as error:
        return [str(error)]


def duty_changes(
    scenario: Scenario, before: Rota, after: Rota, now: datetime
) -> list[dict[str, Any]]:
    """What publishing `after` over `before` at `now` changes, person by person: each
    change's staff, day, kind ("added", "stood down", "moved", "cut short", "ward
    changed"), the duty before and after (`Duty`, or None for a day off), the clear days'
    notice and what the Regulations owe for it (`scheduler.replan.compare`, in the
    week's rules), in day order."""
    duties_before = {(d.staff, d.day): d for d in before.duties}
    duties_after = {(d.staff, d.day): d for d in after.duties}
    return [
        {
            "staff": change.staff,
            "day": change.day,
            "change": change.change,
            "before": duties_before.get((change.staff, change.day)),
            "after": duties_after.get((change.staff, change.day)),
            "clear_days": change.clear_days,
            "owed": change.compensation,
        }
        for change in compare(scenario, before, after, now)
    ]


def changes_told(
    session: Session, team: tables.Team, staff: str, today: date
) -> list[dict[str, Any]]:
    """The changes to one person's duties from `today` on that publishing made: for each
    week, each version published over an earlier one against the one before it, as
    `duty_changes` at the publication's instant, with when they were told (`told`). A
    week whose stored data no longer makes a scenario (its sergeant is told to mend it)
    is left out rather than failing the officer's page."""
    monday = today - timedelta(days=today.weekday())
    told = session.exec(
        select(tables.RotaVersion)
        .where(
            col(tables.RotaVersion.team_id) == team.id,
            col(tables.RotaVersion.week_start) >= monday,
            col(tables.RotaVersion.published_at).is_not(None),
        )
        .order_by(col(tables.RotaVersion.week_start), col(tables.RotaVersion.number))
    ).all()
    changes: list[dict[str, Any]] = []
    for week, published in groupby(told, key=lambda version: version.week_start):
        versions_ = list(published)
        if len(versions_) < 2:
            continue
        try:
            scenario = assemble_scenario(session, team, week)
        except ScenarioConflict:
            continue
        for before, after in pairwise(versions_):
            assert after.published_at is not None
            changes += [
                {**change, "told": after.published_at}
                for change in duty_changes(
                    scenario,
                    Rota.model_validate(before.rota),
                    Rota.model_validate(after.rota),
                    after.published_at,
                )
                if change["staff"] == staff and change["day"] >= today
            ]
    return changes


def changes_told_to(session: Session, caller: Caller, now: datetime) -> list[dict[str, Any]]:
    """`changes_told` for the calling officer, from their team's today at `now`;
    Forbidden for anyone who is not an officer with a place in a team."""
    user = caller.user
    if user.role != tables.Role.OFFICER.value or not user.team_id or not user.staff_id:
        raise Forbidden(
            "the changes told are an officer's own; sergeants and admins read a week's "
            "versions and their differences"
        )
    team = session.get(tables.Team, user.team_id)
    assert team is not None  # a user's team cannot be deleted under them
    return changes_told(session, team, user.staff_id, rosters.today_of(team, now))
