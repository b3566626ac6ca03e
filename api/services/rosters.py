"""Roster versions of a team and period: store a draft, list and choose them, publish one
atomically, compare two (DOMAIN.md, "The roster").

A roster is planned by `scheduler.roster` (`beatplan roster`) and stored as a draft only
when the roster's own checker finds it lawful for the team as stored. Publishing
supersedes the period's published version, and is refused less than a month before the
period starts unless the sergeant records why (Police Regulations, Annex E). Periods of
one team's published rosters never overlap. Officers' calendars carry the published
tours and rest days (`api.feeds.sync_roster`), except in weeks whose deployment is
published already: those follow their own rota, which a repair brings to the roster.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from api import feeds, tables
from api.services import versions
from api.services.access import Caller
from api.services.audit import audit
from api.services.errors import Conflict, Invalid
from api.services.scenarios import assemble_scenario, monday_of
from scheduler.replan.compare import compensation
from scheduler.roster import Roster, RosterPeriod
from scheduler.roster.check import check_roster
from scheduler.roster.output import RosterDay
from scheduler.scenario import Policy, Role, Scenario

DRAFT, PUBLISHED, SUPERSEDED = versions.DRAFT, versions.PUBLISHED, versions.SUPERSEDED
SHOWN = 3  # problems named in a refusal; the rest counted


def month_ahead(today: date) -> date:
    """The same day a calendar month later (the month's last day where it is shorter)."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def first_monday(day: date) -> date:
    """The first Monday on or after `day`: the earliest a roster from then can start."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def ends(version: tables.RosterVersion) -> date:
    """The day after the version's period."""
    return version.start + timedelta(weeks=version.weeks)


def superseded_by(session: Session, version: tables.RosterVersion) -> tables.RosterVersion | None:
    """The version of the same period that `version` superseded when it was published (the
    newest superseded one numbered before it), if any."""
    return session.exec(
        select(tables.RosterVersion)
        .where(
            col(tables.RosterVersion.team_id) == version.team_id,
            col(tables.RosterVersion.start) == version.start,
            col(tables.RosterVersion.status) == SUPERSEDED,
            col(tables.RosterVersion.number) < version.number,
        )
        .order_by(col(tables.RosterVersion.number).desc())
    ).first()


def _listed(items: list[str]) -> str:
    more = f" (and {len(items) - SHOWN} more)" if len(items) > SHOWN else ""
    return "; ".join(items[:SHOWN]) + more


def add_draft(
    session: Session,
    caller: Caller,
    team: tables.Team,
    period: RosterPeriod,
    roster: Roster,
) -> tables.RosterVersion:
    """Store a roster as the period's next draft, and commit. Refused (Invalid) if it is
    not the team's or not of this period, and (Conflict) if the roster checker finds it
    breaks a rule for the team as stored now, or if another published roster of the team
    overlaps the period."""
    version = store_draft(session, team, period, roster)
    audit(session, caller, "roster draft", team.id, f"{period.start} v{version.number}")
    session.commit()
    session.refresh(version)
    return version


def store_draft(
    session: Session, team: tables.Team, period: RosterPeriod, roster: Roster
) -> tables.RosterVersion:
    """Add the roster as the period's next draft, flushed, not committed (`add_draft`'s
    checks and refusals): the worker stores a generated roster in the transaction that
    ends its job."""
    if roster.team != team.id:
        raise Invalid.at(
            ["roster", "team"], f"the roster is team {roster.team!r}'s, not {team.id!r}"
        )
    if (roster.start, roster.weeks) != (period.start, period.weeks):
        raise Invalid.at(
            ["roster", "start"],
            f"the roster runs {roster.weeks} weeks from {roster.start}, but the period "
            f"{period.weeks} weeks from {period.start}; plan it for this period",
        )
    refuse_overlap(session, team.id, period)
    broken = check_roster(assemble_scenario(session, team, period.start), period, roster)
    if broken:
        raise Conflict(
            f"the roster breaks {len(broken)} rule(s) for the team as stored, so it was not "
            f"stored: {_listed([v.message for v in broken])}. Plan it again "
            "(beatplan roster) from the team's data as it is now."
        )
    latest = session.exec(
        select(func.max(tables.RosterVersion.number)).where(
            col(tables.RosterVersion.team_id) == team.id,
            col(tables.RosterVersion.start) == period.start,
        )
    ).one()
    version = tables.RosterVersion(
        team_id=team.id,
        start=period.start,
        weeks=period.weeks,
        number=(latest or 0) + 1,
        created_at=datetime.now(UTC),
        period=period.model_dump(mode="json"),
        roster=roster.model_dump(mode="json"),
    )
    session.add(version)
    session.flush()
    return version


def refuse_unknown(team: Scenario, period: RosterPeriod) -> None:
    """Invalid if the period names an id the team does not have (someone on leave, a
    carry-in or request; an event's or demand exception's ward; a requested template), or
    books a course or court day in the hour the clocks skip, at the item's place in the
    period."""
    unknown = period.unknown_references(team)
    if unknown:
        where, value, kind = unknown[0]
        choices = ", ".join(map(repr, period.known_ids(team)[kind][:6]))
        raise Invalid.at(
            ["period", *where],
            f"{value!r} is not one of the team's {kind} ids; use one of {choices}",
        )
    lost = period.hours_lost_to_the_clocks(team)
    if lost:
        where, why = lost[0]
        raise Invalid.at(["period", *where], why)


def refuse_overlap(session: Session, team_id: str, period: RosterPeriod) -> None:
    """Conflict if a published roster of the team, of another start, overlaps the period."""
    for other in session.exec(
        select(tables.RosterVersion).where(
            col(tables.RosterVersion.team_id) == team_id,
            col(tables.RosterVersion.status) == PUBLISHED,
            col(tables.RosterVersion.start) != period.start,
        )
    ):
        if other.start < period.end and period.start < ends(other):
            raise Conflict(
                f"the published roster of {other.weeks} weeks from {other.start} overlaps "
                f"this period ({period.weeks} weeks from {period.start}); a team's rosters "
                f"follow one another: start this one on {ends(other)} or later"
            )


def today_of(team: tables.Team, now: datetime) -> date:
    """The team's date at `now`."""
    return now.astimezone(ZoneInfo(team.timezone)).date()


def published(session: Session, team_id: str, start: date) -> tables.RosterVersion | None:
    """The period's published roster, if any."""
    return session.exec(
        select(tables.RosterVersion).where(
            col(tables.RosterVersion.team_id) == team_id,
            col(tables.RosterVersion.start) == start,
            col(tables.RosterVersion.status) == PUBLISHED,
        )
    ).first()


def covering(session: Session, team_id: str, week: date) -> tables.RosterVersion | None:
    """The published roster whose period holds the week, if any (they never overlap)."""
    for version in session.exec(
        select(tables.RosterVersion).where(
            col(tables.RosterVersion.team_id) == team_id,
            col(tables.RosterVersion.status) == PUBLISHED,
            col(tables.RosterVersion.start) <= week,
        )
    ):
        if week < ends(version):
            return version
    return None


def listed(session: Session, team_id: str) -> list[tables.RosterVersion]:
    """The team's roster versions, by period and number."""
    query = (
        select(tables.RosterVersion)
        .where(col(tables.RosterVersion.team_id) == team_id)
        .order_by(col(tables.RosterVersion.start), col(tables.RosterVersion.number))
    )
    return list(session.exec(query))


def chosen(session: Session, team_id: str, start: date, number: int | None) -> tables.RosterVersion:
    """A numbered version of the period; without a number the published one, else the
    newest draft."""
    found = versions.choose(
        [v for v in listed(session, team_id) if v.start == start], team_id, start, number, False
    )
    assert isinstance(found, tables.RosterVersion)
    return found


def publish(
    session: Session,
    caller: Caller,
    team: tables.Team,
    start: date,
    number: int,
    now: datetime,
    reason: str | None = None,
) -> tuple[tables.RosterVersion, list[dict[str, Any]], list[date]]:
    """Publish draft `number` of the period atomically (the published one, if any, is
    superseded), bring officers' calendars to it, and commit. Refused (Conflict) if it is
    not a draft, if the period has ended, if it starts less than a month after `now`
    without a `reason`, if another published roster overlaps it, or if another publish
    won at the same moment. Returns the version, each change from the roster it
    supersedes (with its notice and what it owes), and the weeks whose published
    deployment keeps its own duties (repair them to follow the roster)."""
    version = chosen(session, team.id, start, number)
    if version.status != DRAFT:
        raise Conflict(
            f"roster version {number} is {version.status}; only a draft can be published"
        )
    period = RosterPeriod.model_validate(version.period)
    today = today_of(team, now)
    if period.end <= today:
        raise Conflict(
            f"the roster's period ended on {period.end - timedelta(days=1)}; plan the next one"
        )
    reason = (reason or "").strip() or None
    if period.start < month_ahead(today) and reason is None:
        raise Invalid.at(
            ["reason"],
            f"the roster starts on {period.start}, less than a month from today ({today}); "
            "Police Regulations ask for a month's notice: give the reason it is late",
        )
    refuse_overlap(session, team.id, period)
    before = published(session, team.id, start)
    changes = diff_rosters(session, team, before, version, today) if before is not None else []
    same = (col(tables.RosterVersion.team_id) == team.id, col(tables.RosterVersion.start) == start)
    try:
        session.exec(
            update(tables.RosterVersion)
            .where(*same, col(tables.RosterVersion.status) == PUBLISHED)
            .values(status=SUPERSEDED)
        )
        done = session.exec(
            update(tables.RosterVersion)
            .where(
                col(tables.RosterVersion.id) == version.id,
                col(tables.RosterVersion.status) == DRAFT,
            )
            .values(status=PUBLISHED, published_at=datetime.now(UTC), late_reason=reason)
        )
        if done.rowcount != 1:
            raise versions.PublishConflict(f"roster version {number} is no longer a draft")
        roster = Roster.model_validate(version.roster)
        deployed = [week for week in period.mondays() if versions.published(session, team.id, week)]
        feeds.sync_roster(session, team, roster, set(deployed))
        detail = {"reason": reason} if reason else {}
        audit(session, caller, "publish roster", team.id, f"{start} v{number}", **detail)
        session.commit()
    except (versions.PublishConflict, IntegrityError):
        session.rollback()
        raise Conflict(
            f"roster version {number} or another one was published at the same moment; reload"
        ) from None
    session.refresh(version)
    return version, changes, deployed


def _words(day: RosterDay | None, zone: ZoneInfo) -> str:
    """A rostered day as the grid writes it: its code, and its local times if it has any."""
    if day is None:
        return "not rostered"
    if day.start is None or day.end is None:
        return day.code
    return f"{day.code} {day.start.astimezone(zone):%H:%M}-{day.end.astimezone(zone):%H:%M}"


def diff_rosters(
    session: Session,
    team: tables.Team,
    first: tables.RosterVersion,
    second: tables.RosterVersion,
    today: date,
) -> list[dict[str, Any]]:
    """What changed from roster `first` to `second`, per person and day, from `today` on:
    before and after (duty code and times, R for a rest day, or the absence's code), the
    clear days' notice, and for a tour added or moved what the Regulations owe for it."""
    zone = ZoneInfo(team.timezone)
    old = Roster.model_validate(first.roster)
    new = Roster.model_validate(second.roster)
    roles = {
        row.id: Role(row.spec["role"])
        for row in session.exec(
            select(tables.StaffMember).where(col(tables.StaffMember.team_id) == team.id)
        )
    }
    policy = Policy.model_validate(team.policy)
    before = {(d.staff, d.day): d for d in old.days}
    after = {(d.staff, d.day): d for d in new.days}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        staff, day = key
        if day < today:
            continue
        was, becomes = before.get(key), after.get(key)
        if _same(was, becomes):
            continue
        clear_days = (day - today).days - 1
        owed = None
        if becomes is not None and becomes.kind == "duty" and roles.get(staff) is not None:
            change = "added" if was is None or was.kind != "duty" else "moved"
            bring = 0.0
            if change == "moved" and was is not None and was.start and becomes.start:
                bring = max(0.0, (was.start - becomes.start).total_seconds() / 3600)
            owed = compensation(
                role=roles[staff],
                change=change,
                hours=becomes.hours,
                clear_days=clear_days,
                public_holiday=day in policy.public_holidays,
                pcso_notice_days=policy.pcso_rest_day_notice_days,
                brought_forward_hours=bring,
                hours_notice=24.0 * (clear_days + 1),  # told today, for a day ahead
            )
        changes.append(
            {
                "staff": staff,
                "day": day.isoformat(),
                "before": _words(was, zone),
                "after": _words(becomes, zone),
                "clear_days": clear_days,
                "owed": owed.rule if owed is not None else None,
            }
        )
    return changes


def _same(first: RosterDay | None, second: RosterDay | None) -> bool:
    if first is None or second is None:
        return first is second
    return (first.kind, first.template, first.start, first.end) == (
        second.kind,
        second.template,
        second.start,
        second.end,
    )


def rostered_for(
    session: Session, team: tables.Team, staff: str, today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One person's rostered days from `today` in the team's published rosters (day, code
    and times, kind), and the changes to them that each roster published over another
    made, from today on (as `diff_rosters`, with when they were told: the publication)."""
    zone = ZoneInfo(team.timezone)
    days: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for version in listed(session, team.id):
        if version.status != PUBLISHED or ends(version) <= today:
            continue
        roster = Roster.model_validate(version.roster)
        days += [
            {
                "day": d.day,
                "monday": monday_of(d.day),
                "kind": d.kind,
                "words": _words(d, zone),
            }
            for d in sorted(roster.days, key=lambda d: d.day)
            if d.staff == staff and d.day >= today
        ]
        before = superseded_by(session, version)
        if before is not None:
            changes += [
                {**change, "told": version.published_at}
                for change in diff_rosters(session, team, before, version, today)
                if change["staff"] == staff
            ]
    return days, changes
