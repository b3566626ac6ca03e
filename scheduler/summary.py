"""Coverage, event and staff figures of a rota, computed from its activities.

These are the figures a sergeant reads: visible hours per ward against demand, peak
hours left uncovered, who attends what, and each person's hours and unsocial duties.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.model import UNSOCIAL_MIN_HOURS
from scheduler.rota import Duty, EventStaffing, Rota, StaffSummary, WardCoverage
from scheduler.scenario import Scenario
from scheduler.timegrid import TimeGrid, as_local, minutes_in_window

HOUR = timedelta(hours=1)


def figures(scenario: Scenario, duties: list[Duty]) -> dict[str, list]:
    """A rota's coverage, event and staff figures, as `Rota` fields."""
    return {
        "wards": ward_coverage(scenario, duties),
        "events": event_staffing(scenario, duties),
        "staff": staff_summaries(scenario, duties),
    }


def presence_by_slot(scenario: Scenario, duties: list[Duty]) -> dict[tuple[str, int], set[str]]:
    """Who is present in each (ward, slot) of the scenario's `TimeGrid`."""
    grid = TimeGrid.of(scenario)
    present: dict[tuple[str, int], set[str]] = defaultdict(set)
    for duty in duties:
        for activity in duty.activities:
            for slot in grid.slots_touching(activity.start, activity.end):
                present[activity.ward, slot].add(duty.staff)
    return present


def presence_by_hour(rota: Rota, ward_id: str, zone: ZoneInfo) -> list[float]:
    """Person-hours of patrol and events in the ward in each local hour of the rota's week
    (index weekday * 24 + hour, as `Ward.hourly_demand`)."""
    hours = [0.0] * 168
    monday = datetime.combine(rota.week_start, time(0), zone)
    for duty in rota.duties:
        for activity in duty.activities:
            if activity.ward != ward_id:
                continue
            start, end = activity.start.astimezone(UTC), activity.end.astimezone(UTC)
            for index in range(168):
                begins = (monday + timedelta(hours=index)).astimezone(UTC)  # local wall hours
                if begins >= end:
                    break
                overlap = (min(end, begins + HOUR) - max(start, begins)) / HOUR
                if overlap > 0:
                    hours[index] += overlap
    return hours


def ward_coverage(scenario: Scenario, duties: list[Duty]) -> list[WardCoverage]:
    grid = TimeGrid.of(scenario)
    values = scenario.policy.presence_values
    present = presence_by_slot(scenario, duties)
    coverage = []
    for ward in scenario.wards:
        visible = sum(
            activity.hours
            for duty in duties
            for activity in duty.activities
            if activity.ward == ward.id
        )
        own = {person.id for person in scenario.staff if person.home_ward == ward.id}
        by_own = sum(
            activity.hours
            for duty in duties
            if duty.staff in own
            for activity in duty.activities
            if activity.ward == ward.id
        )
        total_demand = covered_demand = weighted = demand_hours = 0.0
        peaks: dict[datetime, bool] = {}  # each peak hour's start: covered throughout?
        for slot in range(grid.week_slots):
            key = grid.local_keys[slot]
            hours = grid.slot_minutes(slot) / 60  # a slot may be part of an hour
            demand = scenario.demand_weight(ward.id, key)
            people = len(present.get((ward.id, slot), ()))
            if demand > 0:
                demand_hours += hours
                total_demand += demand * hours
                covered_demand += demand * hours if people else 0.0
                weighted += demand * hours * sum(values[: min(people, len(values))])
            if key in ward.peak_hours:
                hour = grid.hour_start(slot)
                peaks[hour] = peaks.get(hour, True) and people > 0
        uncovered = [as_local(hour, scenario.zone) for hour, seen in peaks.items() if not seen]
        coverage.append(
            WardCoverage(
                ward=ward.id,
                visible_hours=round(visible, 2),
                demand_hours=round(demand_hours, 2),
                demand_covered=round(covered_demand / total_demand, 4) if total_demand else 1.0,
                weighted_presence=round(weighted, 2),
                min_weekly_hours=ward.min_weekly_hours,
                peak_hours=len(peaks),
                uncovered_peak_hours=uncovered,
                own_officers_share=round(by_own / visible, 3) if own and visible else None,
            )
        )
    return coverage


def event_staffing(scenario: Scenario, duties: list[Duty]) -> list[EventStaffing]:
    attendees: dict[str, list[str]] = defaultdict(list)
    for duty in duties:
        for activity in duty.activities:
            if activity.event is not None:
                attendees[activity.event].append(duty.staff)
    return [
        EventStaffing(
            event=event.id,
            attendees=sorted(attendees[event.id]),
            staffed=len(attendees[event.id]) >= max(event.min_staff, 1),
        )
        for event in scenario.events
    ]


def staff_summaries(scenario: Scenario, duties: list[Duty]) -> list[StaffSummary]:
    policy = scenario.policy
    summaries = []
    for person in scenario.staff:
        own = [duty for duty in duties if duty.staff == person.id]
        unsocial = sum(
            minutes_in_window(
                scenario,
                duty.start.astimezone(UTC),
                duty.end.astimezone(UTC),
                policy.unsocial_start,
                policy.unsocial_end,
            )
            >= UNSOCIAL_MIN_HOURS * 60
            for duty in own
        )
        patrol_hours: dict[str, float] = defaultdict(float)
        for duty in own:
            for activity in duty.activities:
                if activity.kind == "patrol":
                    patrol_hours[activity.ward] += activity.hours
        home_share = None
        if person.home_ward is not None and patrol_hours:
            home_share = round(patrol_hours[person.home_ward] / sum(patrol_hours.values()), 3)
        met = sum(
            any(
                (preference.template in (None, duty.template))
                and (preference.day in (None, duty.day))
                for duty in own
            )
            == preference.want
            for preference in person.preferences
        )
        summaries.append(
            StaffSummary(
                staff=person.id,
                hours=round(sum(duty.hours for duty in own), 2),
                duties=len(own),
                unsocial_duties=unsocial,
                home_ward_share=home_share,
                most_wards_in_a_duty=max(
                    (len({a.ward for a in duty.activities}) for duty in own), default=0
                ),
                preferences_met=met,
                preferences_total=len(person.preferences),
            )
        )
    return summaries
