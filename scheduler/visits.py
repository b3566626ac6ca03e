"""Hot-spot visits planned inside the patrol blocks of a rota (`plan_visits`).

The research (docs/demand.md, "Hot spots and visits"): short visits of 10 to 15 minutes to
the few places where harm concentrates, at least every two hours in their peak times,
unpredictable but regular. So, for each hot spot of a ward (`scheduler.scenario.HotSpot`)
and each stretch of its peak hours in which somebody patrols the ward:

- the first visit starts within `FIRST` (an hour) of the stretch's start, and each next one
  `GAP` (55 to 95 minutes) after the one before, while a visit still fits; so no two hours
  of patrolled peak time pass without a visit starting (`spacing_problems` checks it);
- each visit lasts 10 to 15 minutes, and goes to someone patrolling the ward for its whole
  length who is free then, allowing for the walk from their visit before and to their
  visit after (`WALK` metres a minute between hot spots), the one with fewest visits that
  duty first; with nobody free, it moves later by 5 minutes at a time, up to `SHIFT`;
- the offsets, gaps, lengths and who goes are drawn from a generator seeded by team, ward,
  hot spot and day: the same rota gives the same visits every time, and two days differ.

Peak time that nobody patrols gets no visits: the solve decides where people are, and this
only plans what they do there. Visits are the officers' own (their duty's description and
feed), never public.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler.rota import Activity, Duty, Visit
from scheduler.scenario import HotSpot, Scenario
from scheduler.timegrid import as_local

VISIT_MINUTES = (10, 15)
EVERY = timedelta(hours=2)  # the longest patrolled peak time without a visit starting
FIRST = 60  # minutes: the first visit of a stretch starts within this of its start
GAP = (55, 95)  # minutes between one visit's start and the next's
SHIFT = 20  # minutes a visit may move later to find someone free
WALK = 80.0  # metres a minute between hot spots (about 5 km/h)

Interval = tuple[datetime, datetime]


def peak_stretches(spot: HotSpot, scenario: Scenario) -> list[Interval]:
    """The hot spot's peak hours in the scenario's week as stretches of real time (UTC),
    consecutive hours joined."""
    zone = scenario.zone
    stretches: list[list[datetime]] = []
    for hour in spot.peak_hours:
        day = scenario.week_start + timedelta(days=hour // 24)
        start = datetime.combine(day, time(hour % 24), zone).astimezone(UTC)
        end = start + timedelta(hours=1)
        if stretches and stretches[-1][1] >= start:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    return [(a, b) for a, b in stretches]


def _patrolled(pieces: list[Interval], stretch: Interval) -> list[Interval]:
    """The parts of `stretch` in which at least one of `pieces` (patrols) runs."""
    cut = sorted((max(a, stretch[0]), min(b, stretch[1])) for a, b in pieces)
    merged: list[list[datetime]] = []
    for a, b in cut:
        if a >= b:
            continue
        if merged and merged[-1][1] >= a:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _walk(a: HotSpot, b: HotSpot) -> timedelta:
    """Minutes on foot between two hot spots (straight line, rounded up), at least 2."""
    north = (a.latitude - b.latitude) * 111_320
    east = (a.longitude - b.longitude) * 111_320 * math.cos(math.radians(a.latitude))
    return timedelta(minutes=max(2, math.ceil(math.hypot(north, east) / WALK)))


def plan_visits(scenario: Scenario, duties: list[Duty]) -> list[Duty]:
    """The duties with hot-spot visits planned in their patrol blocks (see the module's
    notes); duties are changed in place and returned. Visits already there are replanned."""
    zone = scenario.zone
    spots = {spot.id: spot for ward in scenario.wards for spot in ward.hot_spots}
    patrols: dict[str, list[tuple[Duty, Activity]]] = defaultdict(list)
    for duty in duties:
        for activity in duty.activities:
            activity.visits = []
            if activity.kind == "patrol":
                patrols[activity.ward].append((duty, activity))
    for ward in scenario.wards:
        if not ward.hot_spots or not patrols[ward.id]:
            continue
        pieces = [(_utc(a.start), _utc(a.end)) for _, a in patrols[ward.id]]
        for spot in ward.hot_spots:
            for stretch in peak_stretches(spot, scenario):
                for part in _patrolled(pieces, stretch):
                    _visit_part(scenario, spot, part, patrols[ward.id], spots, zone)
    for duty in duties:
        for activity in duty.activities:
            activity.visits.sort(key=lambda visit: visit.start)
    return duties


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _visit_part(
    scenario: Scenario,
    spot: HotSpot,
    part: Interval,
    patrols: list[tuple[Duty, Activity]],
    spots: dict[str, HotSpot],
    zone: ZoneInfo,
) -> None:
    start, end = part
    local = start.astimezone(zone)
    rng = random.Random(f"{scenario.team.id}|{spot.id}|{local:%Y-%m-%dT%H:%M}")
    length = timedelta(minutes=rng.randint(*VISIT_MINUTES))
    room = (end - start - length).total_seconds() // 60
    if room < 0:
        return  # patrolled for less than a visit
    moment = start + timedelta(minutes=rng.randint(0, int(min(FIRST, room))))
    while moment + length <= end:
        _place(spot, moment, length, end, patrols, spots, rng, zone)
        moment += timedelta(minutes=rng.randint(*GAP))
        length = timedelta(minutes=rng.randint(*VISIT_MINUTES))


def _place(
    spot: HotSpot,
    moment: datetime,
    length: timedelta,
    end: datetime,
    patrols: list[tuple[Duty, Activity]],
    spots: dict[str, HotSpot],
    rng: random.Random,
    zone: ZoneInfo,
) -> None:
    """Give the visit at `moment` to someone free (or as little later as needs be)."""
    for shift in range(0, SHIFT + 1, 5):
        begins = moment + timedelta(minutes=shift)
        finishes = begins + length
        if finishes > end:
            return
        free = [
            (duty, activity)
            for duty, activity in patrols
            if _utc(activity.start) <= begins
            and finishes <= _utc(activity.end)
            and _free(duty, spot, begins, finishes, spots)
        ]
        if free:
            fewest = min(_visits(duty) for duty, _ in free)
            _, activity = rng.choice([(d, a) for d, a in free if _visits(d) == fewest])
            activity.visits.append(
                Visit(hot_spot=spot.id, start=as_local(begins, zone), end=as_local(finishes, zone))
            )
            return


def _visits(duty: Duty) -> int:
    return sum(len(activity.visits) for activity in duty.activities)


def _free(
    duty: Duty, spot: HotSpot, begins: datetime, finishes: datetime, spots: dict[str, HotSpot]
) -> bool:
    """No visit of the duty's overlaps this one, with the walk between them allowed."""
    for activity in duty.activities:
        for visit in activity.visits:
            walk = _walk(spots[visit.hot_spot], spot)
            if _utc(visit.start) < finishes + walk and begins < _utc(visit.end) + walk:
                return False
    return True


def spacing_problems(scenario: Scenario, duties: list[Duty]) -> list[str]:
    """Where a hot spot's patrolled peak time goes more than `EVERY` without a visit
    starting (from the stretch's start to the first, between visits, from the last to the
    stretch's end), as sentences; none when the rule holds."""
    visits: dict[str, list[datetime]] = defaultdict(list)
    patrols: dict[str, list[Interval]] = defaultdict(list)
    for duty in duties:
        for activity in duty.activities:
            if activity.kind == "patrol":
                patrols[activity.ward].append((_utc(activity.start), _utc(activity.end)))
            for visit in activity.visits:
                visits[visit.hot_spot].append(_utc(visit.start))
    problems = []
    for ward in scenario.wards:
        for spot in ward.hot_spots:
            for stretch in peak_stretches(spot, scenario):
                for start, end in _patrolled(patrols[ward.id], stretch):
                    if end - start < timedelta(minutes=VISIT_MINUTES[1] + SHIFT):
                        continue  # too short to owe a visit
                    inside = sorted(v for v in visits[spot.id] if start <= v < end)
                    marks = [start, *inside, end]
                    longest = max(b - a for a, b in pairwise(marks))
                    if longest > EVERY:
                        problems.append(
                            f"{spot.name}: {longest} without a visit in its peak time "
                            f"patrolled from {start.astimezone(scenario.zone):%a %H:%M} to "
                            f"{end.astimezone(scenario.zone):%a %H:%M}"
                        )
    return problems
