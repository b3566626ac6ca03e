"""What the roster page shows, computed from the team, the period and a roster: plain data
for the template (people by days in blocks of four weeks, duty codes and their legend,
who is on each tour, the fewest on duty against each cover window, each person's
figures over the period).

Kept apart from the routes, as `api.views` is for the week, so the figures can be tested
without a browser.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from api.views import team_order
from scheduler.roster import Roster, RosterPeriod
from scheduler.roster.output import PersonSummary, RosterDay
from scheduler.roster.period import ABSENCE_CODES
from scheduler.scenario import DutyTemplate, Scenario, clock_minutes
from scheduler.scenario.times import WEEKDAYS

BLOCK_DAYS = 28  # four weeks a block, one A4 landscape page each when printed
ABSENCE_NAMES = {"AL": "annual leave", "TRG": "course", "CRT": "court", "ABS": "other absence"}
REST = "R"


@dataclass
class Legend:
    code: str
    meaning: str


@dataclass
class RosterCell:
    code: str
    kind: str  # duty, rest, leave, course, court, other
    title: str  # the day in words, for a tooltip and screen readers


@dataclass
class RosterRow:
    staff_id: str
    name: str
    role: str
    cells: list[RosterCell]


@dataclass
class CountRow:
    label: str
    counts: list[int | None]  # None: the window does not apply that day
    need: int | None = None  # a cover window's minimum on duty
    short: list[bool] | None = None


@dataclass
class Block:
    days: list[date]
    rows: list[RosterRow]
    tours: list[CountRow]  # on each tour, per day
    cover: list[CountRow]  # the fewest on duty in each cover window, per day


@dataclass
class PersonLine:
    name: str
    role: str
    summary: PersonSummary

    @property
    def against_contract(self) -> float:
        return round(self.summary.hours - self.summary.contracted_hours, 2)


@dataclass
class RosterSheet:
    blocks: list[Block]
    legend: list[Legend]
    people: list[PersonLine]
    short_days: int  # days with a cover window short


def short_codes(templates: list[DutyTemplate]) -> dict[str, str]:
    """A short code for each duty template: the initials of its name ("Long early" LE,
    "Late-late" LL), made unique with a number, never R or an absence's code."""
    taken = {REST, *ABSENCE_CODES.values()}
    codes = {}
    for template in templates:
        words = template.name.replace("-", " ").split() or [template.id]
        base = "".join(word[0] for word in words).upper()[:3]
        code, n = base, 2
        while code in taken:
            code, n = f"{base}{n}", n + 1
        taken.add(code)
        codes[template.id] = code
    return codes


def build_roster(scenario: Scenario, period: RosterPeriod, roster: Roster) -> RosterSheet:
    zone = scenario.zone
    templates = {t.id: t for t in scenario.duty_templates}
    codes = short_codes(scenario.duty_templates)
    index = {(d.staff, d.day): d for d in roster.days}
    people = sorted(scenario.staff, key=team_order)
    days = period.days
    blocks = []
    for first in range(0, len(days), BLOCK_DAYS):
        shown = days[first : first + BLOCK_DAYS]
        rows = [
            RosterRow(
                staff_id=p.id,
                name=p.name,
                role=p.role,
                cells=[_cell(index.get((p.id, day)), codes, templates, zone) for day in shown],
            )
            for p in people
        ]
        blocks.append(
            Block(
                days=shown,
                rows=rows,
                tours=_tours(roster, shown, codes, templates),
                cover=_cover(roster, period, shown, zone),
            )
        )
    used = {d.template for d in roster.days if d.kind == "duty"}
    legend = [
        Legend(codes[t.id], f"{t.name} {t.start}-{t.end}")
        for t in scenario.duty_templates
        if t.id in used
    ]
    legend.append(Legend(REST, "rest day"))
    legend += [
        Legend(code, ABSENCE_NAMES[code])
        for code in ABSENCE_NAMES
        if any(d.code == code for d in roster.days)
    ]
    names = {p.id: p for p in scenario.staff}
    lines = [
        PersonLine(names[s.staff].name, names[s.staff].role, s)
        for s in roster.people
        if s.staff in names
    ]
    lines.sort(key=team_order)
    short = {
        day
        for block in blocks
        for row in block.cover
        for day, flag in zip(block.days, row.short or [], strict=True)
        if flag
    }
    return RosterSheet(blocks=blocks, legend=legend, people=lines, short_days=len(short))


def _cell(
    day: RosterDay | None, codes: dict[str, str], templates: dict[str, DutyTemplate], zone: ZoneInfo
) -> RosterCell:
    if day is None:
        return RosterCell("", "none", "not rostered")
    times = ""
    if day.start is not None and day.end is not None:
        times = f" {day.start.astimezone(zone):%H:%M}-{day.end.astimezone(zone):%H:%M}"
    if day.kind == "duty" and day.template is not None:
        name = templates[day.template].name if day.template in templates else day.template
        return RosterCell(codes.get(day.template, day.template), "duty", f"{name}{times}")
    if day.kind == "rest":
        return RosterCell(REST, "rest", "rest day")
    return RosterCell(day.code, day.kind, f"{ABSENCE_NAMES.get(day.code, day.kind)}{times}")


def _tours(
    roster: Roster, days: list[date], codes: dict[str, str], templates: dict[str, DutyTemplate]
) -> list[CountRow]:
    counts: dict[tuple[str, date], int] = {}
    for d in roster.days:
        if d.kind == "duty" and d.template is not None:
            counts[d.template, d.day] = counts.get((d.template, d.day), 0) + 1
    used = [t for t in templates if any((t, day) in counts for day in days)]
    return [
        CountRow(
            label=f"{codes.get(t, t)} {templates[t].name}",
            counts=[counts.get((t, day), 0) for day in days],
        )
        for t in used
    ]


def _cover(
    roster: Roster, period: RosterPeriod, days: list[date], zone: ZoneInfo
) -> list[CountRow]:
    """For each cover window of the period, the fewest on duty in any of its hours, per
    day it applies, against its minimum."""
    # Tours by the day they start: a window opening on `day` (and running past midnight)
    # is covered only by tours starting the day before, that day or the next.
    spans: dict[date, list[tuple[datetime, datetime]]] = defaultdict(list)
    for d in roster.days:
        if d.kind == "duty" and d.start is not None and d.end is not None:
            spans[d.day].append((d.start, d.end))
    rows = []
    for cover in period.cover:
        begin, end = clock_minutes(cover.start), clock_minutes(cover.end)
        length = (end - begin) % (24 * 60) or 24 * 60
        counts: list[int | None] = []
        for day in days:
            if WEEKDAYS[day.weekday()] not in cover.days:
                counts.append(None)
                continue
            opens = datetime.combine(day, time(0), zone) + timedelta(minutes=begin)
            near = [*spans[day - timedelta(days=1)], *spans[day], *spans[day + timedelta(days=1)]]
            fewest = None
            for hour in range(0, length, 60):
                at = (opens + timedelta(minutes=hour)).astimezone(zone)
                until = at + timedelta(minutes=min(60, length - hour))
                on = sum(1 for start, finish in near if start <= at and until <= finish)
                fewest = on if fewest is None else min(fewest, on)
            counts.append(fewest)
        rows.append(
            CountRow(
                label=f"{cover.start}-{cover.end}",
                counts=counts,
                need=cover.min_on_duty,
                short=[c is not None and c < cover.min_on_duty for c in counts],
            )
        )
    return rows
