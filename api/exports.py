"""A week's rota as CSV and XLSX, for the sergeant's spreadsheet and the station wall.

The CSV has one row per activity (patrol or event) of each duty, with the duty's own
fields repeated, so it reads back into the same duties (`duties_from_csv`). The XLSX has
the same rows on its "Duties" sheet and a staff-by-day grid on its "Week" sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scheduler.rota import Activity, Duty
from scheduler.scenario import absence_code

COLUMNS = (
    "staff_id",
    "staff_name",
    "role",
    "day",
    "template",
    "duty_start",
    "duty_end",
    "activity",
    "ward_id",
    "ward_name",
    "event_id",
    "activity_start",
    "activity_end",
)


def duty_rows(
    duties: Iterable[Duty], staff: dict[str, dict[str, str]], wards: dict[str, str]
) -> list[dict[str, str]]:
    """One row per activity (a duty with none still gets a row), in staff and day order.
    `staff` maps id -> {"name", "role"}; `wards` maps id -> name."""
    rows = []
    for duty in sorted(duties, key=lambda d: (d.staff, d.day, d.start)):
        person = staff.get(duty.staff, {})
        common = {
            "staff_id": duty.staff,
            "staff_name": person.get("name", duty.staff),
            "role": person.get("role", ""),
            "day": duty.day.isoformat(),
            "template": duty.template,
            "duty_start": duty.start.isoformat(),
            "duty_end": duty.end.isoformat(),
        }
        blank = {"activity": "", "ward_id": "", "ward_name": "", "event_id": ""}
        for activity in duty.activities or [None]:
            if activity is None:
                rows.append({**common, **blank, "activity_start": "", "activity_end": ""})
                continue
            rows.append(
                {
                    **common,
                    "activity": activity.kind,
                    "ward_id": activity.ward,
                    "ward_name": wards.get(activity.ward, activity.ward),
                    "event_id": activity.event or "",
                    "activity_start": activity.start.isoformat(),
                    "activity_end": activity.end.isoformat(),
                }
            )
    return rows


# A cell a spreadsheet would read as a formula (OWASP's list of leading characters).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so that Excel reads the CSV as UTF-8 (names such as Zoë, 李雷)


def _text(value: str) -> str:
    """A name as inert text: a leading quote keeps '=HYPERLINK(...)' from running."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def to_csv(rows: list[dict[str, str]]) -> str:
    """The rows as CSV with a byte-order mark; no cell starts a formula (ids and times
    never do, so only names can be changed, and they are not read back)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: _text(value) for column, value in row.items()} for row in rows)
    return buffer.getvalue()


def duties_from_csv(text: str) -> list[Duty]:
    """The duties a CSV export holds (the inverse of `duty_rows` + `to_csv`)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix(BOM)))
    missing = set(COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"not a Beatplan rota CSV: missing column(s) {', '.join(sorted(missing))}")
    duties: dict[tuple[str, str, str], Duty] = {}
    for row in reader:
        key = (row["staff_id"], row["day"], row["duty_start"])
        duty = duties.get(key)
        if duty is None:
            duty = duties[key] = Duty(
                staff=row["staff_id"],
                day=date.fromisoformat(row["day"]),
                template=row["template"],
                start=datetime.fromisoformat(row["duty_start"]),
                end=datetime.fromisoformat(row["duty_end"]),
            )
        if row["activity"]:
            duty.activities.append(
                Activity(
                    kind=row["activity"],  # type: ignore[arg-type]
                    ward=row["ward_id"],
                    event=row["event_id"] or None,
                    start=datetime.fromisoformat(row["activity_start"]),
                    end=datetime.fromisoformat(row["activity_end"]),
                )
            )
    return list(duties.values())


def to_xlsx(
    title: str,
    week_start: date,
    duties: list[Duty],
    staff: dict[str, dict[str, str]],
    wards: dict[str, str],
    away: dict[str, dict[date, str]] | None = None,
) -> bytes:
    """A workbook: "Week" (staff by day, each cell the duty's times and wards, or the
    code and reason of a day away, from `away`: staff -> day -> reason; a legend of the
    codes below; one A4 landscape page) and "Duties" (the CSV's rows, typed: dates and
    times as text in ISO form)."""
    away = away or {}
    codes: set[tuple[str, str]] = set()
    book = Workbook()
    grid = book.active
    grid.title = "Week"
    days = [week_start + timedelta(days=offset) for offset in range(7)]
    grid.append([title])
    grid["A1"].font = Font(bold=True, size=14)
    grid.append(["Name", "Role", *(f"{day:%a %d %b}" for day in days)])
    for cell in grid[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
    by_person: dict[str, dict[date, Duty]] = {}
    for duty in duties:
        by_person.setdefault(duty.staff, {})[duty.day] = duty
    for person_id, person in sorted(staff.items(), key=lambda item: item[1].get("name", "")):
        cells = []
        for day in days:
            duty = by_person.get(person_id, {}).get(day)
            if duty is None:
                reason = away.get(person_id, {}).get(day)
                if reason:
                    code = absence_code(reason)
                    codes.add(code)
                    cells.append(f"{code[0]}\n{reason}")
                else:
                    cells.append("off")
                continue
            places = sorted({wards.get(a.ward, a.ward) for a in duty.activities})
            cells.append(f"{duty.start:%H:%M}-{duty.end:%H:%M}\n" + ", ".join(places))
        grid.append([person.get("name", person_id), person.get("role", ""), *cells])
    for row in grid.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    grid.column_dimensions["A"].width = 24
    for column in range(3, 10):
        grid.column_dimensions[get_column_letter(column)].width = 22
    grid.append([])
    legend = "; ".join(f"{code} {meaning}" for code, meaning in sorted(codes))
    grid.append([f"Away: {legend}; off: no duty." if codes else "off: no duty."])
    grid.freeze_panes = "C3"
    grid.page_setup.orientation = "landscape"
    grid.page_setup.paperSize = grid.PAPERSIZE_A4
    grid.sheet_properties.pageSetUpPr.fitToPage = True  # else Excel ignores the fit below
    grid.page_setup.fitToWidth = 1
    grid.page_setup.fitToHeight = 1

    sheet = book.create_sheet("Duties")
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in duty_rows(duties, staff, wards):
        sheet.append([row[column] for column in COLUMNS])
    sheet.freeze_panes = "A2"
    for cell in (cell for part in book.worksheets for row in part.iter_rows() for cell in row):
        if cell.data_type == "f":  # openpyxl reads a text starting with "=" as a formula
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
