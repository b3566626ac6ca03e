"""What the pages show, computed from a week's scenario and rota: plain data for templates.

Kept apart from the routes so the figures (grid, heatmap, fairness) can be tested
without a browser, and so the templates only lay out what is computed here.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from scheduler.rota import Duty, Rota
from scheduler.scenario import Scenario, absence_code
from scheduler.summary import presence_by_slot
from scheduler.timegrid import TimeGrid

WARD_COLOURS = 10  # .ward-0 ... .ward-9 in beatplan.css, light fills dark text
ROLE_ORDER = {"SGT": 0, "PC": 1, "PCSO": 2}


def team_order(person: Any) -> tuple[int, str]:
    """The one order people are listed in on every page: sergeants, constables, PCSOs,
    each by name (a staff model or its stored JSON)."""
    role = person["role"] if isinstance(person, dict) else person.role
    name = person["name"] if isinstance(person, dict) else person.name
    return ROLE_ORDER.get(str(role), 9), str(name)


def span(start: datetime, end: datetime, zone: Any) -> str:
    begins, ends = start.astimezone(zone), end.astimezone(zone)
    return f"{begins:%H:%M}–{ends:%H:%M}"


def ward_order(duty: Duty, ward_names: dict[str, str]) -> list[str]:
    """The wards a duty visits, its main ward (the one it spends longest in) first, then
    by name, as every page writes them."""
    main = duty.main_ward
    wards = {activity.ward for activity in duty.activities}
    return sorted(wards, key=lambda ward: (ward != main, ward_names.get(ward, ward)))


def short_span(start: datetime, end: datetime, zone: Any) -> str:
    """Times as a wall sheet writes them: "15–23", "13:45–23"."""

    def clock(instant: datetime) -> str:
        local = instant.astimezone(zone)
        return f"{local:%H}" if local.minute == 0 else f"{local:%H:%M}"

    return f"{clock(start)}–{clock(end)}"


@dataclass
class Cell:
    """One person's day in the grid."""

    text: str = ""  # times
    short: str = ""  # times for print ("15–23")
    # (name, colour index), the main ward (the one the duty spends longest in) first
    wards: list[tuple[str, int]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    colour: int | None = None  # the main ward's colour index
    template: str = ""
    leave: str = ""  # reason, when unavailable all or part of the day and off
    code: str = ""  # the reason's code (`absence_code`), when off and unavailable


@dataclass
class Row:
    staff_id: str
    name: str
    role: str
    home: str
    cells: list[Cell]
    hours: float


@dataclass
class HeatCell:  # one hour of the week in one ward
    people: int  # the fewest present at any time in the hour
    demand: float
    peak: bool
    # "idle" (no demand, nobody), "extra" (no demand, someone), and where there is demand,
    # by its shortfall: "gap" (nobody), "s2" (at least 40% short), "s1" (short), "met"
    level: str
    title: str
    short: float = 0.0  # where there is demand: the share of full presence missing
    day: str = ""  # the local day's label, "Mon 23"
    hour: int = 0  # the local hour, 0-23


@dataclass
class HeatRow:
    ward: str
    colour: int
    cells: list[HeatCell]
    uncovered_peaks: int
    covered_share: float
    own_share: float | None = None  # of its visible hours, by its own dedicated officers
    given_up: float | None = None  # weighted presence given up for continuity


@dataclass
class EventLine:
    id: str
    name: str
    ward: str
    when: str
    place: str
    needs: str
    attendees: list[str]
    staffed: bool
    public: bool
    mandatory: bool


@dataclass
class Week:
    days: list[date]
    rows: list[Row]
    day_spans: list[tuple[str, int]]  # heatmap header: (day label, hours in it)
    heat: list[HeatRow]
    events: list[EventLine]
    staff: list[dict[str, Any]]
    fairness: list[str]
    wards: list[tuple[str, str, int]]  # (id, name, colour)
    codes: list[tuple[str, str]]  # the absence codes in the grid, with their meanings
    # Familiar faces: (presence without continuity, with it), when the rota was deployed
    # for continuity (`scheduler.solve.keep_faces`)
    faces: tuple[float, float] | None = None
    full_presence: int = 3  # people in a ward-hour the presence values count


def build_week(scenario: Scenario, rota: Rota) -> Week:
    zone = scenario.zone
    days = [scenario.week_start + timedelta(days=offset) for offset in range(7)]
    colours = {ward.id: index % WARD_COLOURS for index, ward in enumerate(scenario.wards)}
    ward_names = {ward.id: ward.name for ward in scenario.wards}
    event_names = {event.id: event.name for event in scenario.events}
    people = {person.id: person for person in scenario.staff}
    summaries = {summary.staff: summary for summary in rota.staff}
    by_person: dict[str, dict[date, Duty]] = {}
    for duty in rota.duties:
        by_person.setdefault(duty.staff, {})[duty.day] = duty

    rows = []
    for person in sorted(scenario.staff, key=team_order):
        cells = []
        for day in days:
            duty = by_person.get(person.id, {}).get(day)
            if duty is None:
                reason = leave_on(person.unavailable, day, zone)
                code = absence_code(reason)[0] if reason else ""
                cells.append(Cell(leave=reason, code=code))
                continue
            main = duty.main_ward
            ward_ids = ward_order(duty, ward_names)
            cells.append(
                Cell(
                    text=span(duty.start, duty.end, zone),
                    short=short_span(duty.start, duty.end, zone),
                    wards=[(ward_names.get(w, w), colours.get(w, 0)) for w in ward_ids],
                    events=[
                        event_names.get(a.event, a.event)
                        for a in duty.activities
                        if a.kind == "event" and a.event
                    ],
                    colour=colours.get(main) if main else None,
                    template=duty.template,
                )
            )
        summary = summaries.get(person.id)
        rows.append(
            Row(
                staff_id=person.id,
                name=person.name,
                role=person.role,
                home=ward_names.get(person.home_ward or "", ""),
                cells=cells,
                hours=summary.hours if summary else 0.0,
            )
        )

    grid = TimeGrid.of(scenario)
    present = presence_by_slot(scenario, rota.duties)
    # One heatmap cell per hour of the week: a quarter-hour duty cuts an hour into slots
    # (`TimeGrid`), folded back here so the axis reads in hours, as the summary counts them.
    hours: dict[datetime, list[int]] = {}
    for slot in range(grid.week_slots):
        hour = grid.hour_start(slot)
        hours.setdefault(hour, []).append(slot)
    day_spans: list[tuple[str, int]] = []
    for hour in hours:
        label = f"{hour.astimezone(zone):%a %d}"
        if day_spans and day_spans[-1][0] == label:
            day_spans[-1] = (label, day_spans[-1][1] + 1)
        else:
            day_spans.append((label, 1))
    heat = []
    coverage = {line.ward: line for line in rota.wards}
    for ward in scenario.wards:
        cells_ = []
        total = covered = 0.0
        uncovered_peaks = 0
        for hour, slots in hours.items():
            key = grid.local_keys[slots[0]]
            demand = scenario.demand_weight(ward.id, key)
            counts = [len(present.get((ward.id, slot), ())) for slot in slots]
            fewest, most = min(counts), max(counts)
            seen = sum(grid.slot_minutes(s) for s, n in zip(slots, counts, strict=True) if n) / 60
            peak = key in ward.peak_hours
            if demand > 0:
                total += demand * sum(grid.slot_minutes(s) for s in slots) / 60
                covered += demand * seen
            if peak and not fewest:  # a peak hour is covered only if covered throughout
                uncovered_peaks += 1
            short = shortfall(scenario.policy.presence_values, fewest) if demand > 0 else 0.0
            level = heat_level(demand, fewest, short)
            who = f"{fewest}" if fewest == most else f"{fewest}–{most}"
            local = hour.astimezone(zone)
            title = (
                f"{ward.name}, {local:%a %H:00}: {who} present, demand {demand:g}"
                + (", peak hour" if peak else "")
                + (" – uncovered" if level == "gap" and not most else "")
                + (" – uncovered for part of the hour" if level == "gap" and most else "")
                + (f" – {short:.0%} short" if 0 < short < 1 else "")
            )
            cells_.append(
                HeatCell(fewest, demand, peak, level, title, short, f"{local:%a %d}", local.hour)
            )
        heat.append(
            HeatRow(
                ward=ward.name,
                colour=colours[ward.id],
                cells=cells_,
                uncovered_peaks=uncovered_peaks,
                covered_share=covered / total if total else 1.0,
                own_share=line.own_officers_share if (line := coverage.get(ward.id)) else None,
                given_up=(
                    line.presence_without_continuity - line.weighted_presence
                    if line is not None and line.presence_without_continuity is not None
                    else None
                ),
            )
        )
    before = [w.presence_without_continuity for w in rota.wards]
    faces = (
        (sum(b for b in before if b is not None), sum(w.weighted_presence for w in rota.wards))
        if rota.wards and all(b is not None for b in before)
        else None
    )

    staffing = {line.event: line for line in rota.events}
    events = []
    for event in sorted(scenario.events, key=lambda e: e.start):
        line = staffing.get(event.id)
        attendees = [people[s].name if s in people else s for s in (line.attendees if line else [])]
        needs = f"{event.min_staff}–{event.max_staff} staff"
        if event.min_warranted:
            needs += f", {event.min_warranted} warranted"
        if event.required_skills:
            needs += ", skills: " + ", ".join(event.required_skills)
        events.append(
            EventLine(
                id=event.id,
                name=event.name,
                ward=ward_names.get(event.ward, event.ward),
                when=f"{event.start.astimezone(zone):%a %d %b} "
                + span(event.start, event.end, zone),
                place=event.place,
                needs=needs,
                attendees=attendees,
                staffed=bool(line and line.staffed),
                public=event.public,
                mandatory=event.mandatory,
            )
        )

    staff_lines = []
    for person in sorted(scenario.staff, key=team_order):
        summary = summaries.get(person.id)
        staff_lines.append(
            {
                "name": person.name,
                "role": person.role,
                "contracted": person.contracted_hours,
                "hours": summary.hours if summary else 0.0,
                "duties": summary.duties if summary else 0,
                "unsocial": summary.unsocial_duties if summary else 0,
                "home_share": summary.home_ward_share if summary else None,
                "preferences": (
                    f"{summary.preferences_met}/{summary.preferences_total}"
                    if summary and summary.preferences_total
                    else "–"
                ),
            }
        )
    return Week(
        days=days,
        rows=rows,
        day_spans=day_spans,
        heat=heat,
        events=events,
        staff=staff_lines,
        fairness=fairness_lines(scenario, rota),
        wards=[(ward.id, ward.name, colours[ward.id]) for ward in scenario.wards],
        codes=sorted({absence_code(c.leave) for row in rows for c in row.cells if c.code}),
        faces=faces,
        full_presence=len(scenario.policy.presence_values),
    )


def shortfall(values: list[float], present: int) -> float:
    """The share of full presence an hour with demand misses: full presence is as many
    people as the team's presence values count (1, 0.6, 0.3 by default: three), so one
    person of three leaves 1 - 1/1.9 = 47% short, nobody 100%."""
    full = sum(values)
    return 1 - sum(values[:present]) / full if full else 0.0


def heat_level(demand: float, present: int, short: float) -> str:
    """A heatmap cell's shade: no demand (idle, or extra if someone is there), else by
    the shortfall (gap: nobody; s2: at least 40% short; s1: short; met)."""
    if demand <= 0:
        return "extra" if present else "idle"
    if present == 0:
        return "gap"
    return "s2" if short >= 0.4 else "s1" if short > 0 else "met"


def leave_on(unavailable: list[Any], day: date, zone: Any) -> str:
    """The reason someone is away all or part of the day (local), or ""."""
    for absence in unavailable:
        first = absence.start.astimezone(zone).date()
        last = (absence.end - timedelta(seconds=1)).astimezone(zone).date()
        if first <= day <= last:
            return absence.reason
    return ""


def fairness_lines(scenario: Scenario, rota: Rota) -> list[str]:
    """Plain sentences on how evenly the week falls: hours against contract by role,
    unsocial duties, home-ward share, preferences met."""
    roles = {person.id: person.role for person in scenario.staff}
    contracts = {person.id: person.contracted_hours for person in scenario.staff}
    lines = []
    for role in sorted({*roles.values()}, key=lambda r: ROLE_ORDER.get(r, 9)):
        mine = [s for s in rota.staff if roles.get(s.staff) == role]
        share = [s.hours / contracts[s.staff] for s in mine if s.hours]
        unsocial = [s.unsocial_duties for s in mine]
        if share:
            lines.append(
                f"{role}: hours worked {min(share):.0%}–{max(share):.0%} of contract "
                f"(median {statistics.median(share):.0%}); unsocial duties "
                f"{min(unsocial)}–{max(unsocial)} each."
            )
    homes = [s.home_ward_share for s in rota.staff if s.home_ward_share is not None]
    if homes:
        lines.append(
            f"Dedicated ward officers spend a median {statistics.median(homes):.0%} of their "
            f"patrol hours in their own ward (lowest {min(homes):.0%})."
        )
    met = sum(s.preferences_met for s in rota.staff)
    asked = sum(s.preferences_total for s in rota.staff)
    if asked:
        lines.append(f"Preferences met: {met} of {asked}.")
    uncovered = sum(len(w.uncovered_peak_hours) for w in rota.wards)
    peaks = sum(w.peak_hours for w in rota.wards)
    lines.append(f"Peak hours uncovered: {uncovered} of {peaks} ward-hours.")
    return lines


def duty_lines(
    duties: list[Duty],
    zone: Any,
    ward_names: dict[str, str],
    spot_names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """An officer's duties, in order, as what/when/where lines, with their hot-spot visits."""
    lines = []
    for duty in sorted(duties, key=lambda d: d.start):
        wards = sorted({ward_names.get(a.ward, a.ward) for a in duty.activities})
        events = [a.event for a in duty.activities if a.kind == "event" and a.event]
        visits = [
            f"{span(v.start, v.end, zone)} {(spot_names or {}).get(v.hot_spot, v.hot_spot)}"
            for a in duty.activities
            for v in a.visits
        ]
        lines.append(
            {
                "day": duty.start.astimezone(zone),
                "times": span(duty.start, duty.end, zone),
                "wards": wards,
                "events": events,
                "visits": visits,
            }
        )
    return lines
