"""Between tables and the scheduler: import a whole scenario, assemble a team-week's one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session, col, delete, select

from api import feeds, tables
from api.services import versions
from api.services.errors import Conflict
from scheduler.rota import Rota, carry_in_from
from scheduler.scenario import Scenario, describe_validation_error

TEAM_ITEMS: tuple[type[tables.TeamItem], ...] = (
    tables.Ward,
    tables.StaffMember,
    tables.DutyTemplate,
)


class ScenarioConflict(Conflict):
    """The stored team data no longer makes a valid scenario (e.g. a deleted ward)."""


class TeamIncomplete(ScenarioConflict):
    """A team still being set up: it has no wards, staff or duty templates yet
    (`lacking`: the scenario's parts it has none of, "wards", "staff", "duty_templates")."""

    def __init__(self, team_id: str, lacking: list[str]) -> None:
        words = " and no ".join(part.replace("_", " ") for part in lacking)
        super().__init__(
            f"team {team_id!r} has no {words} yet: add them on the team's data page "
            f"(/ui/teams/{team_id}/setup) or with PUT /teams/{team_id}/{{kind}}/{{id}} "
            "before planning a week"
        )
        self.lacking = lacking


def week_bounds(team: tables.Team, week_start: date) -> tuple[datetime, datetime, datetime]:
    """The team-week's start, the next Monday's start, and the end of its events (next
    Monday noon: a Sunday night duty may attend a morning event), as UTC instants."""
    zone = ZoneInfo(team.timezone)
    following = week_start + timedelta(days=7)
    start, monday, end = (
        datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
        for day, clock in ((week_start, time(0)), (following, time(0)), (following, time(12)))
    )
    return start, monday, end


def refuse_ended(team: tables.Team, week_start: date, now: datetime) -> None:
    """An ended week is kept as it was worked: no solve, repair or publish (Conflict)."""
    _, following, _ = week_bounds(team, week_start)
    if now >= following:
        last = week_start + timedelta(days=6)
        raise Conflict(
            f"the week of {week_start:%d %b %Y} ended on {last:%a %d %b %Y}, so it is kept as "
            "it was: no solve, repair or publish. Plan a week that has not ended."
        )


def monday_of(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def import_scenario(session: Session, scenario: Scenario) -> None:
    """Store a whole scenario: the team's standing data is replaced, and so are this
    week's events, pins and surges. The caller commits, so it is all or nothing."""
    team_id = scenario.team.id
    team = session.get(tables.Team, team_id) or tables.Team(id=team_id, name=scenario.team.name)
    team.name = scenario.team.name
    team.timezone = scenario.team.timezone
    team.station = scenario.team.station
    team.contact = scenario.team.contact
    team.policy = scenario.policy.model_dump(mode="json")
    session.add(team)
    session.flush()
    for table in TEAM_ITEMS:
        session.exec(delete(table).where(col(table.team_id) == team_id))
    start, monday, end = week_bounds(team, scenario.week_start)
    session.exec(  # this week's own events; next Monday morning's are the next week's
        delete(tables.EngagementEvent).where(
            col(tables.EngagementEvent.team_id) == team_id,
            col(tables.EngagementEvent.starts_at) >= start,
            col(tables.EngagementEvent.starts_at) < monday,
        )
    )
    for event in scenario.events:
        other = session.get(tables.EngagementEvent, (team_id, event.id))
        if other is None:
            continue
        if monday <= other.starts_at < end:  # next Monday morning's, in both weeks' files
            session.delete(other)
            continue
        when = other.starts_at.astimezone(ZoneInfo(team.timezone))
        raise ScenarioConflict(
            f"event id {event.id!r} is already used by the event on {when:%d %b %Y %H:%M} "
            f"({other.spec.get('name', '')}); give each event its own id, e.g. "
            f"'{event.id}-{event.start:%Y-%m-%d}'"
        )
    session.flush()
    feeds.withdraw_private(session, team_id, [e.id for e in scenario.events if not e.public])
    for weekly in (tables.Pin, tables.Surge):
        session.exec(
            delete(weekly).where(
                col(weekly.team_id) == team_id, col(weekly.week_start) == scenario.week_start
            )
        )
    rows: list[Any] = [
        tables.Ward(team_id=team_id, id=ward.id, spec=ward.model_dump(mode="json"))
        for ward in scenario.wards
    ]
    rows += [
        tables.StaffMember(team_id=team_id, id=person.id, spec=person.model_dump(mode="json"))
        for person in scenario.staff
    ]
    rows += [
        tables.DutyTemplate(team_id=team_id, id=template.id, spec=template.model_dump(mode="json"))
        for template in scenario.duty_templates
    ]
    rows += [
        tables.EngagementEvent(
            team_id=team_id,
            id=event.id,
            starts_at=event.start,
            spec=event.model_dump(mode="json"),
        )
        for event in scenario.events
    ]
    for weekly, items in ((tables.Pin, scenario.pins), (tables.Surge, scenario.surges)):
        rows += [
            weekly(
                team_id=team_id,
                id=f"{scenario.week_start}-{index}",
                week_start=scenario.week_start,
                spec=item.model_dump(mode="json"),
            )
            for index, item in enumerate(items, start=1)
        ]
    session.add_all(rows)
    session.flush()
    check_stored_weeks(session, team)  # a ward or person other weeks still name: 409


def check_stored_weeks(session: Session, team: tables.Team, weeks: set[date] | None = None) -> None:
    """Raise ScenarioConflict (409) if a team-week's stored data no longer makes a valid
    scenario: the given weeks, else (none given) this week and every week with events,
    pins or surges stored (a ward, person or template may be named by any of them).
    About 4 ms a week."""
    zone = ZoneInfo(team.timezone)
    if not weeks:
        weeks = {monday_of(datetime.now(zone).date())}
        events = select(tables.EngagementEvent.starts_at).where(
            col(tables.EngagementEvent.team_id) == team.id
        )
        weeks |= {monday_of(starts.astimezone(zone).date()) for starts in session.exec(events)}
        for weekly in (tables.Pin, tables.Surge):
            query = select(weekly.week_start).where(col(weekly.team_id) == team.id).distinct()
            weeks |= set(session.exec(query))
    for week in sorted(weeks):
        assemble_scenario(session, team, week, setting_up=True)


# A team being set up from nothing has no wards, staff or duty templates at first; its
# data is checked as if it had one stand-in of whatever it lacks, so that everything it
# does have must still fit together (a person's home ward must exist).
STAND_INS = {
    "duty_templates": {
        "id": "beatplan-stand-in",
        "name": "stand-in",
        "start": "09:00",
        "end": "17:00",
    },
    "wards": {"id": "beatplan-stand-in", "name": "stand-in"},
    "staff": {"id": "beatplan-stand-in", "name": "Stand In", "role": "PC"},
}


def stored_instant(text: str, team: tables.Team) -> datetime:
    """A stored event time: the team's local time where it has no offset."""
    instant = datetime.fromisoformat(text)
    return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo(team.timezone))


def _stored_carry_in(person: dict[str, Any], team: tables.Team, week: date) -> dict[str, Any]:
    """The carry-in given at import is for the week it came with: a week before that
    (browsed, or checked after a later week's import) takes none, and a week after it
    keeps the last duty's end but no run of days (nothing is known of the days between)."""
    carry = person.get("carry_in") or {}
    if carry.get("last_duty_end") is None:
        return person
    ended, zone = stored_instant(carry["last_duty_end"], team), ZoneInfo(team.timezone)
    if ended > datetime.combine(week, time(0), zone) + timedelta(days=1):  # Scenario's bound
        return {**person, "carry_in": {}}
    if ended <= datetime.combine(week - timedelta(days=1), time(0), zone):  # Sunday not worked
        return {**person, "carry_in": {**carry, "days_worked_in_a_row": 0}}
    return person


def _extend_full_runs(
    session: Session, team_id: str, week_start: date, carried: dict[str, dict[str, object]]
) -> None:
    """A run of days that fills the published week before (seven days) goes on into the
    weeks before that: add their published runs, week by week, while they are full too
    (a policy may allow more than seven days in a row)."""
    full = {who for who, carry in carried.items() if carry["days_worked_in_a_row"] == 7}
    earlier = week_start
    for weeks in range(2, MAX_WEEKS_OF_RUN + 1):
        earlier -= timedelta(days=7)
        published = versions.published(session, team_id, earlier) if full else None
        if published is None:
            return
        runs = carry_in_from(Rota.model_validate(published.rota))
        for who in list(full):
            run = runs.get(who, {}).get("days_worked_in_a_row", 0)
            carried[who]["days_worked_in_a_row"] = 7 * (weeks - 1) + run
            if run != 7:
                full.discard(who)


MAX_WEEKS_OF_RUN = 53  # the policy allows up to 366 days in a row


def assemble_scenario(
    session: Session, team: tables.Team, week_start: date, setting_up: bool = False
) -> Scenario:
    """The scenario of one team-week, from what is stored now; `setting_up`: with a
    stand-in (`STAND_INS`) for each part the team has none of yet, to check the rest."""
    team_id = team.id
    start, monday, end = week_bounds(team, week_start)

    def specs(table: type[tables.TeamItem], *where: Any) -> list[dict[str, Any]]:
        query = select(table).where(col(table.team_id) == team_id, *where).order_by(col(table.id))
        return [row.spec for row in session.exec(query)]

    data = {
        "team": {
            "id": team.id,
            "name": team.name,
            "timezone": team.timezone,
            "station": team.station,
            "contact": team.contact,
        },
        "week_start": week_start.isoformat(),
        "policy": team.policy,
        "duty_templates": specs(tables.DutyTemplate),
        "wards": specs(tables.Ward),
        "staff": specs(tables.StaffMember),
        "events": specs(
            tables.EngagementEvent,
            col(tables.EngagementEvent.starts_at) >= start,
            col(tables.EngagementEvent.starts_at) < end,
        ),
        "pins": specs(tables.Pin, col(tables.Pin.week_start) == week_start),
        "surges": specs(tables.Surge, col(tables.Surge.week_start) == week_start),
    }
    # Next Monday's morning events are this week's too, for Sunday night duties, but
    # only those over by noon: a later one is the following week's alone.
    data["events"] = [
        spec
        for spec in data["events"]
        if stored_instant(spec["start"], team) < monday or stored_instant(spec["end"], team) <= end
    ]
    days = {(week_start + timedelta(days=offset)).isoformat() for offset in range(7)}
    data["staff"] = [
        {  # a person's dated wishes are kept for every week; this week takes its own
            **person,
            "preferences": [
                wish
                for wish in person.get("preferences") or []
                if wish.get("day") is None or str(wish["day"]) in days
            ],
        }
        for person in data["staff"]
    ]
    previous = versions.published(session, team_id, week_start - timedelta(days=7))
    if previous is not None:
        # Last week's published rota, not the carry-in given at import, is what rest
        # rules must start from; someone who did not work last week carries nothing in.
        carried = carry_in_from(Rota.model_validate(previous.rota))
        _extend_full_runs(session, team_id, week_start - timedelta(days=7), carried)
        data["staff"] = [
            {**person, "carry_in": carried.get(person["id"], {})} for person in data["staff"]
        ]
    else:
        data["staff"] = [_stored_carry_in(person, team, week_start) for person in data["staff"]]
    if setting_up:
        for part, stand_in in STAND_INS.items():
            data[part] = data[part] or [stand_in]
    else:
        lacking = [part for part in STAND_INS if not data[part]]
        if lacking:
            raise TeamIncomplete(team_id, lacking)
    try:
        return Scenario.model_validate(data, context={"stored": True})
    except ValidationError as error:
        raise ScenarioConflict(
            f"team {team_id!r}, week of {week_start}: {describe_validation_error(error)}"
        ) from error
