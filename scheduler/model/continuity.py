"""Familiar faces: a duty in blocks, each in one ward, over few wards; dedicated ward
officers mostly in their own ward; a ward's own officers at its panel (rules
`block_length`, `wards_per_duty`, `own_ward_share`, `own_officers`).

Formulation (DESIGN.md: continuity that must shape the counts enters "as
per-person-per-duty ward choices at block level, not per hour"): a duty option's whole
slots are cut, from its start, into blocks of at least `min_block_minutes` (the last
takes what is left over), and each block has one boolean per ward the person may patrol.
The patrol counts of `scheduler.model.coverage` then equal the people whose block is in
the ward less those at an event there: everyone on duty is in their block's ward,
patrolling or at an event in it, so `block_length` holds by construction. An attendee's
blocks that touch the event are in its ward, so an event outside the wards a person may
patrol is not theirs to attend.

Blocks exist only when the policy's `continuity` is set and the model deploys duties
(`WeekModel.in_blocks`); the plan of duties that comes first (`scheduler.solve`) has no
blocks, its counts moving freely from slot to slot, and only `own_officers`, a rule on
attendance. That plan's presence is what the price of continuity is measured against.

In a repair, blocks keep the cuts a duty was published with, from the slot `now` falls in
on, and what the published rota did before `now` (`WeekModel.history`) counts too: a duty
under way leaving its ward at `now` when that leaves a run shorter than a block
(`held_ward`) costs HELD_RUN_WEIGHT presence-hours (the week's other rules may need it:
the checker then names the short run), its wards before `now` count towards its most,
and the week's patrol before `now` counts in the own-ward share (a past short of it on its
own excuses the week no more than that past: OWN_WARD_PAST_WEIGHT per hour not made up).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ortools.sat.python import cp_model

from scheduler.model import causes
from scheduler.model.events import describe_event
from scheduler.model.week import EPSILON, SCALE, Block, DutyOption, WeekModel, requirement
from scheduler.rota import Rota
from scheduler.scenario import Continuity, EngagementEvent, Staff
from scheduler.timegrid import TimeGrid

SHARE_DENOMINATOR = 1000  # the own-ward share in thousandths, to keep the model integral
HELD_RUN_WEIGHT = 4.0  # a repair: a duty under way leaving its ward before its block is done
OWN_WARD_WEIGHT = 1.0  # soft: an hour short of the share costs one presence hour
OWN_WARD_PAST_WEIGHT = 10.0  # a repair: an hour of the past's shortfall left unmade up
OWN_OFFICERS_WEIGHT = 2.0  # soft: a listed event without the ward's own officer


def policy(week: WeekModel) -> Continuity | None:
    return week.scenario.policy.continuity


def blocked(week: WeekModel) -> Continuity | None:
    """The policy, when duties are deployed in blocks (`WeekModel.in_blocks`)."""
    continuity = policy(week)
    return continuity if continuity is not None and week.in_blocks else None


def cut_blocks(
    grid: TimeGrid, option: DutyOption, minimum: int, now: datetime | None = None
) -> list[tuple[int, ...]]:
    """The option's whole slots cut from its start into runs of at least `minimum`
    minutes; what is left at the end joins the last run. In a repair, only the slots from
    the one `now` falls in: a duty under way keeps its published cuts, its block in
    progress running on to where it ends."""
    slots = [
        slot
        for slot in grid.slots_touching(option.start, option.end)
        if option.start <= grid.slot_start(slot) and grid.slot_end(slot) <= option.end
    ]
    runs: list[list[int]] = []
    current: list[int] = []
    minutes = 0
    for slot in slots:
        current.append(slot)
        minutes += grid.slot_minutes(slot)
        if minutes >= minimum:
            runs.append(current)
            current, minutes = [], 0
    if current:
        if runs:
            runs[-1] += current
        else:
            runs.append(current)
    if now is not None and option.start < now:
        first = grid.first_slot(now)
        runs = [[slot for slot in run if slot >= first] for run in runs]
    return [tuple(run) for run in runs if run]


def minutes_from(grid: TimeGrid, slots: tuple[int, ...], now: datetime | None) -> int:
    """The slots' minutes (from `now` on, in a repair: before it is history)."""
    if now is None:
        return sum(grid.slot_minutes(slot) for slot in slots)
    seconds = sum(
        max(0.0, (grid.slot_end(slot) - max(grid.slot_start(slot), now)).total_seconds())
        for slot in slots
    )
    return round(seconds / 60)


@dataclass(frozen=True)
class UnderWay:
    """A duty under way at a repair's `now`, as published: the wards it has been in, and
    the run it is in (its ward and when it began)."""

    wards: frozenset[str]
    ward: str
    since: datetime


def under_way(week: WeekModel) -> dict[tuple[str, date], UnderWay]:
    """(staff, day) -> the published duty under way at `now`, in a repair with history."""
    if week.history is None or week.now is None:
        return {}
    now = week.now
    found = {}
    for duty in week.history.duties:
        if not (duty.start < now < duty.end):
            continue
        before = sorted((a for a in duty.activities if a.start < now), key=lambda a: a.start)
        if not before:
            continue
        ward, since = before[-1].ward, before[-1].start
        for activity in reversed(before):
            if activity.ward != ward:
                break
            since = activity.start
        found[duty.staff, duty.day] = UnderWay(frozenset(a.ward for a in before), ward, since)
    return found


def held_ward(
    week: WeekModel, before: UnderWay | None, first: tuple[int, ...], minimum: int
) -> str | None:
    """The ward a duty under way should stay in for its block in progress (`first`, its
    slots from `now`'s on; leaving costs HELD_RUN_WEIGHT): the ward it is in, when leaving
    it at `now` would leave a run shorter than a block (the run so far, or what is left of
    the block); else None."""
    if before is None or not first or week.now is None:
        return None
    so_far = (week.now - before.since).total_seconds() / 60
    ahead = (week.grid.slot_end(first[-1]) - week.now).total_seconds() / 60
    return before.ward if so_far < minimum or ahead < minimum else None


def add_blocks(week: WeekModel) -> None:
    """Each duty option's blocks, one ward each while it is worked; an attendee's blocks
    that touch the event are in the event's ward. In the plan of duties (no blocks), only
    the last: nobody is sent to an event in a ward they may not patrol, since the
    deployment could not keep them there."""
    if policy(week) is None:
        return
    events = {event.id: event for event in week.scenario.events}
    continuity = blocked(week)
    if continuity is None:
        _plan_attendance(week, events)
        return
    model, grid = week.model, week.grid
    started = under_way(week)
    minimum = continuity.min_block_minutes
    for person in week.scenario.staff:
        wards = week.classes[person.id].wards
        for option in week.options[person.id]:
            blocks = []
            for index, slots in enumerate(cut_blocks(grid, option, minimum, week.now)):
                where = {
                    ward: model.new_bool_var(f"block[{option.staff},{option.day},{index},{ward}]")
                    for ward in wards
                }
                model.add(sum(where.values()) == week.works[option])
                blocks.append(Block(slots, minutes_from(grid, slots, week.now), where))
            week.blocks[option] = blocks
            before = started.get((option.staff, option.day))
            held = held_ward(week, before, blocks[0].slots if blocks else (), minimum)
            if held is not None and held in blocks[0].wards:
                # A cost, not a rule: the week's other rules (a PCSO never alone where
                # lone working is barred, an urgent event) may need the move, and then the
                # checker names the short run, as a sergeant may publish it
                cost = round(SCALE * HELD_RUN_WEIGHT)
                week.soft_terms.append(-cost * (week.works[option] - blocks[0].wards[held]))
    for (staff_id, event_id), attends in week.attends.items():
        event = events[event_id]
        touched = set(week.event_slots[event_id])
        start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
        for option in week.options[staff_id]:
            if not (option.start <= start and end <= option.end):
                continue
            works = week.works[option]
            for block in week.blocks[option]:
                if touched.isdisjoint(block.slots):
                    continue
                there = block.wards.get(event.ward)
                if there is None:  # not a ward they patrol: not theirs to attend
                    model.add_bool_or([attends.Not(), works.Not()])
                else:
                    model.add_bool_or([there, attends.Not(), works.Not()])


def _plan_attendance(week: WeekModel, events: dict[str, EngagementEvent]) -> None:
    """The plan of duties attends only what its deployment in blocks can keep: no event
    in a ward its attendee may not patrol, no two events in different wards in one
    block of a duty, and events in at most `max_wards_per_duty` wards a duty."""
    continuity = policy(week)
    assert continuity is not None
    model = week.model
    for (staff_id, event_id), attends in week.attends.items():
        if events[event_id].ward not in week.classes[staff_id].wards:
            model.add(attends == 0)
    by_staff: dict[str, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    for (staff_id, event_id), attends in week.attends.items():
        by_staff[staff_id].append((event_id, attends))
    started = under_way(week)
    minimum = continuity.min_block_minutes
    for staff_id, options in week.options.items():
        mine = by_staff[staff_id]
        for option in options:
            inside = [
                (events[e], a)
                for e, a in mine
                if option.start <= events[e].start.astimezone(UTC)
                and events[e].end.astimezone(UTC) <= option.end
            ]
            before = started.get((option.staff, option.day))
            if not inside or (before is None and len({e.ward for e, _ in inside}) < 2):
                continue
            works = week.works[option]
            for slots in cut_blocks(week.grid, option, minimum, week.now):
                touching = [
                    (event, a)
                    for event, a in inside
                    if not set(week.event_slots[event.id]).isdisjoint(slots)
                ]
                for first, (event, a) in enumerate(touching):
                    for other, b in touching[first + 1 :]:
                        if other.ward != event.ward:
                            model.add_bool_or([a.Not(), b.Not(), works.Not()])
            already = before.wards if before is not None else frozenset()
            room = max(0, continuity.max_wards_per_duty - len(already))
            wards = sorted({event.ward for event, _ in inside} - already)
            if len(wards) > room:
                visits = {
                    ward: model.new_bool_var(f"plan_visits[{option.staff},{option.day},{ward}]")
                    for ward in wards
                }
                for event, a in inside:
                    if event.ward in visits:
                        model.add_bool_or([a.Not(), works.Not(), visits[event.ward]])
                model.add(sum(visits.values()) <= room)


def block_presence(
    week: WeekModel, staff_ids: list[str], ward: str, slot: int
) -> cp_model.LinearExpr | None:
    """People of `staff_ids` whose block at `slot` is in `ward`; None where one of them
    has a duty covering the slot without a block there (a repair's history)."""
    start, end = week.grid.slot_start(slot), week.grid.slot_end(slot)
    terms = []
    for staff_id in staff_ids:
        for option in week.options[staff_id]:
            if not (option.start <= start and end <= option.end):
                continue
            block = next((b for b in week.blocks.get(option, []) if slot in b.slots), None)
            if block is None:
                return None
            if ward in block.wards:
                terms.append(block.wards[ward])
    return sum(terms)


def wards_per_duty(week: WeekModel) -> None:
    """Rule `wards_per_duty`: a duty's blocks are in at most `max_wards_per_duty` wards."""
    continuity = blocked(week)
    if continuity is None:
        return
    model = week.model
    before = under_way(week)
    for option, blocks in week.blocks.items():
        past = before.get((option.staff, option.day))
        already = past.wards if past is not None else frozenset()
        room = max(0, continuity.max_wards_per_duty - len(already))  # after `now`, new wards
        if len(blocks) <= room:
            continue
        wards = {ward for block in blocks for ward in block.wards} - already
        if len(wards) <= room:
            continue
        visits = {
            ward: model.new_bool_var(f"visits[{option.staff},{option.day},{ward}]")
            for ward in wards
        }
        for block in blocks:
            for ward, there in block.wards.items():
                if ward in visits:
                    model.add_implication(there, visits[ward])
        model.add(sum(visits.values()) <= room)


def _patrol_minutes(
    week: WeekModel, person: Staff, ward: str | None
) -> tuple[cp_model.LinearExpr, bool]:
    """The person's patrol minutes over the week (in `ward`, or anywhere for None): their
    blocks' minutes less the events they attend there (from `now` on, in a repair, and
    what the published rota patrolled before it); and whether they could have any."""
    terms: list[cp_model.LinearExprT] = [_patrolled_before(week, person, ward)]
    for option in week.options[person.id]:
        for block in week.blocks.get(option, []):
            if ward is None:
                terms.append(block.minutes * week.works[option])
            elif ward in block.wards:
                terms.append(block.minutes * block.wards[ward])
    for event in week.scenario.events:
        attends = week.attends.get((person.id, event.id))
        if attends is not None and ward in (None, event.ward):
            terms.append(-_minutes(event, week.now) * attends)
    return sum(terms), len(terms) > 1


def _patrolled_before(week: WeekModel, person: Staff, ward: str | None) -> int:
    """Minutes the published rota had the person patrol (in `ward`, or anywhere) before a
    repair's `now`: history, outside the blocks."""
    if week.history is None or week.now is None:
        return 0
    now, minutes = week.now, 0.0
    for duty in week.history.duties:
        if duty.staff != person.id or duty.start >= now:
            continue
        for activity in duty.activities:
            if activity.kind == "patrol" and activity.start < now and ward in (None, activity.ward):
                minutes += (min(activity.end, now) - activity.start).total_seconds() / 60
    return round(minutes)


def _minutes(event: EngagementEvent, now: datetime | None = None) -> int:
    """The event's minutes (from `now` on, in a repair: the blocks' part of it)."""
    start = event.start if now is None else max(event.start, now)
    return max(0, round((event.end - start).total_seconds() / 60))


def own_ward_share(week: WeekModel) -> None:
    """Rule `own_ward_share`: a dedicated ward officer's patrol minutes in their own ward
    are at least the policy's share of all their patrol minutes. Per person, a requirement
    group when the policy makes it a rule; else each minute short costs in the objective."""
    continuity = blocked(week)
    if continuity is None or continuity.own_ward_share <= 0:
        return
    share = math.ceil(SHARE_DENOMINATOR * continuity.own_ward_share - EPSILON)
    for person in week.scenario.staff:
        home = person.home_ward
        if home is None or home not in week.classes[person.id].wards:
            continue
        at_home, any_patrol = _patrol_minutes(week, person, home)
        total, _ = _patrol_minutes(week, person, None)
        if not any_patrol:
            continue
        shortfall = share * total - SHARE_DENOMINATOR * at_home
        if continuity.hard:
            ward = _ward_name(week, home)
            sentence = (
                f"{causes.who(person)} is a dedicated ward officer for {ward}: at least "
                f"{continuity.own_ward_share:.0%} of their patrol time is there."
            )
            literal = requirement(week, f"own-ward:{person.id}", sentence)
            # In a repair, the patrol before `now` may be short of the share on its own
            # (the published week made it up later, and the person is now sent home): the
            # week may then fall short by no more than that past does, so what is left of
            # it keeps the share, and each minute it does not make up costs
            past = share * _patrolled_before(week, person, None) - SHARE_DENOMINATOR * (
                _patrolled_before(week, person, home)
            )
            if past > 0:
                unmade = week.model.new_int_var(
                    0, math.ceil(past / SHARE_DENOMINATOR), f"own_ward_unmade[{person.id}]"
                )
                week.model.add(shortfall <= past).only_enforce_if(literal)
                week.model.add(SHARE_DENOMINATOR * unmade >= shortfall)
                per_minute = max(1, round(SCALE * OWN_WARD_PAST_WEIGHT / 60))
                week.soft_terms.append(-per_minute * unmade)
            else:
                week.model.add(shortfall <= 0).only_enforce_if(literal)
        else:
            short = week.model.new_int_var(0, 7 * 24 * 60, f"own_ward_short[{person.id}]")
            week.model.add(SHARE_DENOMINATOR * short >= shortfall)
            per_minute = max(1, round(SCALE * OWN_WARD_WEIGHT / 60))
            week.soft_terms.append(-per_minute * short)


def own_officers(week: WeekModel) -> None:
    """Rule `own_officers`: an event of a kind the policy lists (a ward panel), when
    staffed, has one of its ward's dedicated officers among its attendees. A requirement
    group per event when the policy makes it a rule; else a cost where it falls short."""
    continuity = policy(week)
    if continuity is None or not continuity.own_officers_at:
        return
    for event in week.scenario.events:
        if event.kind not in continuity.own_officers_at:
            continue
        officers = [p for p in week.scenario.staff if p.home_ward == event.ward]
        if not officers:
            continue  # a ward without dedicated officers has none to send
        own = [week.attends[p.id, event.id] for p in officers if (p.id, event.id) in week.attends]
        staffed = week.staffed[event.id]
        if continuity.hard:
            sentence = (
                f"{describe_event(week, event)} meets its ward's own officers: one of "
                f"{_ward_name(week, event.ward)}'s dedicated ward officers attends; "
                f"{_who_of_them(week, event, officers)}."
            )
            literal = requirement(week, f"own-officers:{event.id}", sentence)
            week.model.add(sum(own) >= staffed).only_enforce_if(literal)
        else:
            missing = week.model.new_bool_var(f"own_officers_missing[{event.id}]")
            week.model.add(sum(own) + missing >= staffed)
            week.soft_terms.append(-round(SCALE * OWN_OFFICERS_WEIGHT) * missing)


def _who_of_them(week: WeekModel, event: EngagementEvent, officers: list[Staff]) -> str:
    """Which of the ward's officers could be there, and why the others cannot."""
    start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    able = [p for p in officers if (p.id, event.id) in week.attends]
    unable = [p for p in officers if (p.id, event.id) not in week.attends]
    if not able:
        everyone = "both" if len(officers) == 2 else "all" if len(officers) > 2 else "the only one"
        return f"{everyone} cannot be there: {causes.names_with_causes(week, unable, start, end)}"
    names = causes.listed([causes.who(p) for p in able])
    return f"only {names} could be there" if unable else f"{names} could be there"


def block_wards(week: WeekModel, solver: cp_model.CpSolver) -> dict[tuple[str, int], str]:
    """(staff, slot) -> the ward of the worked block that holds the slot."""
    wards = {}
    for option, blocks in week.blocks.items():
        if not solver.boolean_value(week.works[option]):
            continue
        for block in blocks:
            ward = next((w for w, var in block.wards.items() if solver.boolean_value(var)), None)
            if ward is None:
                continue
            for slot in block.slots:
                wards[option.staff, slot] = ward
    return wards


def hint_blocks(week: WeekModel, rota: Rota) -> None:
    """Warm start the blocks from a rota: a block's ward is the one its person spent most
    of the block's time in there (patrol or events)."""
    spent: dict[tuple[str, date], list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for duty in rota.duties:
        spent[duty.staff, duty.day] += [
            (a.start.astimezone(UTC), a.end.astimezone(UTC), a.ward) for a in duty.activities
        ]
    grid = week.grid
    for option, blocks in week.blocks.items():
        pieces = spent.get((option.staff, option.day), [])
        for block in blocks:
            begins, ends = grid.slot_start(block.slots[0]), grid.slot_end(block.slots[-1])
            seen: dict[str, float] = defaultdict(float)
            for start, end, ward in pieces:
                overlap = (min(end, ends) - max(start, begins)).total_seconds()
                if overlap > 0:
                    seen[ward] += overlap
            chosen = max(seen, key=seen.__getitem__) if seen else None
            for ward, there in block.wards.items():
                week.model.add_hint(there, ward == chosen)


def _ward_name(week: WeekModel, ward_id: str) -> str:
    return next(w.name for w in week.scenario.wards if w.id == ward_id)
