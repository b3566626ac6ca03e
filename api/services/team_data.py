"""A team's standing data: import a whole scenario, and create, read, update and delete
its wards, staff, duty templates and events (staff also from CSV).

Every item is validated by the scheduler's own model, and every change is checked
against the rest of the team's data (a staff member's home ward must exist, a ward
still in use cannot go) in the same transaction, so a refused change leaves nothing
half-written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, delete, select

from api import feeds, tables
from api.schemas import TeamSettings
from api.services.access import Caller, require_admin, require_lead
from api.services.audit import audit
from api.services.errors import Conflict, Invalid, NotFound, field_error
from api.services.pins import event_clash
from api.services.scenarios import check_stored_weeks, import_scenario, monday_of
from scheduler import scenario as model
from scheduler.model import ContractShortfall, contract_shortfalls
from scheduler.scenario.moving import moved_by


def teams_of(session: Session, caller: Caller) -> list[tables.Team]:
    """The teams the caller leads (all, for an admin; their own, for an officer)."""
    teams = session.exec(select(tables.Team).order_by(col(tables.Team.id)))
    return [team for team in teams if caller.may_lead(team.id) or caller.user.team_id == team.id]


def led_team(session: Session, caller: Caller, team_id: str) -> tables.Team:
    """The team, for its sergeants and admins (checked before existence, so others
    cannot probe which teams exist)."""
    require_lead(caller, team_id)
    team = session.get(tables.Team, team_id)
    if team is None:
        raise NotFound(f"no team {team_id!r}; import its scenario first")
    return team


def import_team_scenario(
    session: Session, caller: Caller, team_id: str, scenario: model.Scenario
) -> list[ContractShortfall]:
    """Store a whole scenario in one transaction, and commit. An admin may create a team
    this way; a sergeant may replace the data of a team they lead. Returns who the duty
    templates can never give their contracted hours in a week."""
    require_lead(caller, team_id)
    if scenario.team.id != team_id:
        raise Invalid.at(
            ["body", "team", "id"],
            f"team.id {scenario.team.id!r} does not match the URL's {team_id!r}",
        )
    import_scenario(session, scenario)
    audit(session, caller, "import scenario", team_id, str(scenario.week_start))
    session.commit()
    return contract_shortfalls(scenario)


def settings_of(team: tables.Team) -> TeamSettings:
    """The team's own settings and policy, as stored."""
    return TeamSettings(
        team=model.Team(
            id=team.id,
            name=team.name,
            timezone=team.timezone,
            station=team.station,
            contact=team.contact,
        ),
        policy=model.Policy.model_validate(team.policy),
    )


def save_team(
    session: Session, caller: Caller, settings: model.Team, policy: model.Policy
) -> tuple[tables.Team, bool]:
    """Create a team (an admin) or replace its name, station, contact and policy (its
    sergeants), and commit; returns the team and whether it was created. A new team has
    no wards, staff or duty templates yet: they are added one by one (`write_item`) or
    by importing a scenario. Its time zone is fixed once created (the stored events'
    and absences' local times are read in it)."""
    row = session.get(tables.Team, settings.id)
    created = row is None
    if row is None:
        require_admin(caller)
        row = tables.Team(id=settings.id, name=settings.name, timezone=settings.timezone)
    else:
        require_lead(caller, settings.id)
        if settings.timezone != row.timezone:
            raise Invalid.at(
                ["body", "team", "timezone"],
                f"the time zone is fixed once a team is made ({row.timezone}); "
                "keep it, or make a new team",
            )
    row.name, row.station, row.contact = settings.name, settings.station, settings.contact
    row.policy = policy.model_dump(mode="json")
    session.add(row)
    session.flush()
    if not created:
        check_stored_weeks(session, row)
    audit(session, caller, "create team" if created else "write team", row.id, None)
    session.commit()
    return row, created


@dataclass(frozen=True)
class Kind:
    """A kind of team item: its URL name, its table and the scheduler's model of it."""

    name: str
    table: type[tables.TeamItem]
    schema: type[BaseModel]


KINDS = {
    kind.name: kind
    for kind in (
        Kind("wards", tables.Ward, model.Ward),
        Kind("staff", tables.StaffMember, model.Staff),
        Kind("duty-templates", tables.DutyTemplate, model.DutyTemplate),
        Kind("events", tables.EngagementEvent, model.EngagementEvent),
    )
}


def list_items(session: Session, kind: Kind, team: tables.Team) -> list[dict[str, Any]]:
    table = kind.table
    query = select(table).where(col(table.team_id) == team.id).order_by(col(table.id))
    return [row.spec for row in session.exec(query)]


def read_item(session: Session, kind: Kind, team: tables.Team, item_id: str) -> dict[str, Any]:
    row = session.get(kind.table, (team.id, item_id))
    if row is None:
        raise NotFound(f"no {kind.name} item {item_id!r} in team {team.id!r}")
    return row.spec


def write_item(
    session: Session, caller: Caller, kind: Kind, team: tables.Team, item_id: str, item: BaseModel
) -> BaseModel:
    """Create or replace one item, and commit; Conflict if the team's data would no
    longer fit together. Returns the item as stored (an event's naive times localised)."""
    if item.id != item_id:  # type: ignore[attr-defined]
        raise Invalid.at(
            ["body", "id"],
            f"id {item.id!r} does not match the URL's {item_id!r}",  # type: ignore[attr-defined]
        )
    if isinstance(item, model.EngagementEvent):
        item = _localised(team, item)
    old = session.get(kind.table, (team.id, item_id))
    weeks = _week_of(team, item) | (
        _week_of(team, kind.schema.model_validate(old.spec)) if old else set()
    )
    if isinstance(item, model.EngagementEvent):
        clash = event_clash(session, team, weeks, item, "change the event again")
        if clash is not None:
            raise Conflict(clash)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(_row(kind.table, team.id, item))
    session.flush()
    check_stored_weeks(session, team, weeks)
    if isinstance(item, model.EngagementEvent) and not item.public:
        feeds.withdraw_private(session, team.id, [item.id])
    audit(session, caller, f"write {kind.name}", team.id, item_id)
    session.commit()
    return item


MAX_REPEATS = 52  # a weekly event planned up to a year ahead


def write_weekly_event(
    session: Session, caller: Caller, team: tables.Team, event: model.EngagementEvent, weeks: int
) -> list[str]:
    """An event held every week at the same local time, `weeks` times in all (2-52): the
    first keeps its id, each repeat is `{id}-{date}`; all stored or none, and commit.
    Returns the ids. Conflict, naming it, if any id is taken or any week would no longer
    fit together (an event in an unknown ward, a clash with a pin)."""
    if not 2 <= weeks <= MAX_REPEATS:
        raise Invalid.at(["body", "weeks"], f"weeks is 2 to {MAX_REPEATS} (the first included)")
    first = _localised(team, event).model_dump(mode="json")
    zone = ZoneInfo(team.timezone)
    made = []
    for week in range(weeks):
        moved = moved_by(first, timedelta(weeks=week), team.timezone)  # same local time
        day = datetime.fromisoformat(moved["start"]).astimezone(zone).date()
        item_id = event.id if week == 0 else f"{event.id}-{day}"
        if session.get(tables.EngagementEvent, (team.id, item_id)) is not None:
            raise Conflict(
                f"event id {item_id!r} is taken; give the weekly event another id, or remove "
                "that event first"
            )
        repeat = model.EngagementEvent.model_validate({**moved, "id": item_id})
        weeks_of = _week_of(team, repeat)
        clash = event_clash(session, team, weeks_of, repeat, "move the weekly event")
        if clash is not None:
            raise Conflict(clash)
        session.add(_row(tables.EngagementEvent, team.id, repeat))
        session.flush()
        check_stored_weeks(session, team, weeks_of)
        made.append(item_id)
    if not event.public:
        feeds.withdraw_private(session, team.id, made)
    audit(session, caller, "write weekly event", team.id, event.id, weeks=weeks)
    session.commit()
    return made


def delete_item(
    session: Session, caller: Caller, kind: Kind, team: tables.Team, item_id: str
) -> None:
    """Delete one item, and commit; Conflict if the team's data still names it."""
    table = kind.table
    row = session.get(table, (team.id, item_id))
    if row is None:
        raise NotFound(f"no {kind.name} item {item_id!r} in team {team.id!r}")
    weeks = _week_of(team, kind.schema.model_validate(row.spec))
    deleted = session.exec(
        delete(table).where(col(table.team_id) == team.id, col(table.id) == item_id)
    )
    if deleted.rowcount == 0:  # a simultaneous delete of the same item got there first
        raise NotFound(f"no {kind.name} item {item_id!r} in team {team.id!r}")
    check_stored_weeks(session, team, weeks)
    audit(session, caller, f"delete {kind.name}", team.id, item_id)
    session.commit()


def _week_of(team: tables.Team, item: BaseModel) -> set[date]:
    """The weeks whose scenario holds the event: the week it starts in, and the week
    before too if it starts before Monday noon (a Sunday night duty may attend it)."""
    if isinstance(item, model.EngagementEvent):
        local = item.start.astimezone(ZoneInfo(team.timezone))
        week = monday_of(local.date())
        seam = local.date() == week and local.hour < 12
        return {week, week - timedelta(days=7)} if seam else {week}
    return set()


def _localised(team: tables.Team, event: model.EngagementEvent) -> model.EngagementEvent:
    """Times without an offset are the team's local time, as in a scenario."""
    zone = ZoneInfo(team.timezone)
    return event.model_copy(
        update={
            name: getattr(event, name).replace(tzinfo=zone)
            for name in ("start", "end")
            if getattr(event, name).tzinfo is None
        }
    )


def _row(table: type[tables.TeamItem], team_id: str, item: BaseModel) -> tables.TeamItem:
    spec = item.model_dump(mode="json")
    extra = {"starts_at": item.start} if isinstance(item, model.EngagementEvent) else {}
    return table(team_id=team_id, id=spec["id"], spec=spec, **extra)


# -- staff from CSV ---------------------------------------------------------------------

STAFF_CSV_COLUMNS = (
    "id",
    "name",
    "role",
    "home_ward",
    "patrol_wards",
    "contracted_hours",
    "working_days",
    "templates",
    "skills",
)
LIST_COLUMNS = {"patrol_wards", "working_days", "templates", "skills"}
NUMBER_COLUMNS = {"contracted_hours"}


def import_staff_csv(session: Session, caller: Caller, team: tables.Team, body: bytes) -> int:
    """Create or replace staff from CSV (header: id,name,role,home_ward,patrol_wards,
    contracted_hours,working_days,templates,skills; lists separated by ';'), UTF-8 with or
    without Excel's byte-order mark, and commit. All rows or none: Invalid naming each
    problem by line and column. Returns how many people were stored."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise Invalid.at(
            ["body", f"line {line}"],
            "the file is not UTF-8 text; save it as 'CSV UTF-8' and send it again",
        ) from None
    reader = csv.DictReader(io.StringIO(text), restkey=EXTRA)
    try:
        rows = _rows(reader)
    except csv.Error as error:
        raise Invalid.at(
            ["body", f"line {reader.line_num}"], f"not readable as CSV ({error}); check that line"
        ) from None
    people, errors = [], []
    first_line: dict[str, int] = {}
    for line, row in rows:
        if EXTRA in row:
            errors.append(
                field_error(
                    ["body", f"line {line}"],
                    f"{len(reader.fieldnames or []) + len(row[EXTRA])} fields, but the header "
                    f"has {len(reader.fieldnames or [])}; quote a value that holds a comma",
                )
            )
            continue
        try:
            person = model.Staff.model_validate(_staff_from_row(row))
        except ValidationError as error:
            errors += [
                field_error(["body", f"line {line}", *map(str, e["loc"])], e["msg"], e["type"])
                for e in error.errors()
            ]
            continue
        if person.id in first_line:
            errors.append(
                field_error(
                    ["body", f"line {line}", "id"],
                    f"id {person.id!r} is also on line {first_line[person.id]}; "
                    "give each person one row",
                )
            )
        first_line.setdefault(person.id, line)
        people.append(person)
    if errors:
        raise Invalid(errors)
    for person in people:
        old = session.get(tables.StaffMember, (team.id, person.id))
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(_row(tables.StaffMember, team.id, person))
    session.flush()
    check_stored_weeks(session, team)
    audit(session, caller, "import staff csv", team.id, None, count=len(people))
    session.commit()
    return len(people)


def import_staff_xlsx(session: Session, caller: Caller, team: tables.Team, body: bytes) -> int:
    """Create or replace staff from the first sheet of an XLSX workbook, with the CSV's
    columns in its first row, and commit: read as the CSV is (`import_staff_csv`), so the
    same rules and the same messages apply, a row's line its row number in the sheet."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Invalid.at(
            ["body", "file"],
            f"not readable as an XLSX workbook ({error}); save it from the spreadsheet as "
            "'Excel Workbook (.xlsx)' or as 'CSV UTF-8' and send it again",
        ) from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    sheet = book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_CSV_ROWS + 1:
            raise Invalid.at(
                ["body", f"line {number}"],
                f"more than {MAX_CSV_ROWS} people in one file; split it and send each part",
            )
        cells = ["" if cell is None else _cell_text(cell) for cell in row]
        while cells and not cells[-1]:  # a sheet's rows are as wide as its widest
            cells.pop()
        writer.writerow(cells)
    book.close()
    return import_staff_csv(session, caller, team, out.getvalue().encode("utf-8"))


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


EXTRA = "extra fields"  # where DictReader puts a row's fields beyond the header's
MAX_CSV_ROWS = 1000  # a team is 3-40 people; a BCU's 400 fit too


def _rows(reader: csv.DictReader[str]) -> list[tuple[int, dict[str, Any]]]:
    """The data rows with their line numbers, once the header is known to be the staff
    columns (the three needed, none unknown) and the file at most MAX_CSV_ROWS rows; a
    file past that is refused before its rows are read into people (90,000 rows once
    held the database for a minute)."""
    header = reader.fieldnames or []
    missing = {"id", "name", "role"} - set(header)
    if missing:
        raise Invalid.at(["body", "header"], f"missing column(s): {', '.join(sorted(missing))}")
    unknown = [column for column in header if column not in STAFF_CSV_COLUMNS]
    if unknown:
        raise Invalid.at(
            ["body", "header"],
            f"unknown column(s): {', '.join(map(repr, unknown))}; the columns are "
            f"{','.join(STAFF_CSV_COLUMNS)}",
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        if len(rows) == MAX_CSV_ROWS:
            raise Invalid.at(
                ["body", f"line {line}"],
                f"more than {MAX_CSV_ROWS} people in one file; split it and send each part",
            )
        rows.append((line, row))
    return rows


def _staff_from_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a Staff dict: lists are ';'-separated, blanks are omitted, numbers
    are read as numbers (Staff's are strict; one that is not stays text, to be refused
    naming the column)."""
    data: dict[str, Any] = {}
    for column in STAFF_CSV_COLUMNS:
        value = (row.get(column) or "").strip()
        if not value:
            continue
        if column in LIST_COLUMNS:
            data[column] = [part.strip() for part in value.split(";") if part.strip()]
        elif column in NUMBER_COLUMNS:
            data[column] = _number(value)
        else:
            data[column] = value
    return data


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text
