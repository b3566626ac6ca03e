"""What any roster gives, read from its days alone (no solver): expected presence with the
model's own diminishing returns, the team cover it leaves short, and how nights and
weekends are spread. Used to compare a solved roster with a fixed pattern."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, timedelta

from scheduler.roster.model import (
    WARRANTED,
    RosterModel,
    hour_marginals,
    quarters,
    week_scenarios,
    weekends,
)
from scheduler.roster.output import RosterDay
from scheduler.roster.period import RosterPeriod
from scheduler.scenario import WEEKDAYS, Scenario, clock_minutes
from scheduler.timegrid import local_instant, minutes_in_window


@dataclass(frozen=True)
class RosterFigures:
    expected_presence: float  # demand-weighted presence-hours the tours make possible
    cover_short_hours: float  # person-hours below the team's minimum cover
    hours: dict[str, float]  # per person, over the period
    nights: dict[str, int]
    weekends_off: dict[str, int]

    def spread(self, counts: dict[str, int], people: set[str]) -> int:
        values = [counts[p] for p in people if p in counts]
        return max(values) - min(values) if values else 0


def figures(team: Scenario, period: RosterPeriod, days: list[RosterDay]) -> RosterFigures:
    model = RosterModel(team, period, week_scenarios(team, period))
    origin = model.start_utc
    hours = model.hours()
    quarters_on: dict[int, int] = defaultdict(int)
    warranted_quarters: dict[int, int] = defaultdict(int)
    roles = {p.id: p.role for p in team.staff}
    for day in days:
        if day.kind != "duty" or day.start is None or day.end is None:
            continue
        for hour, covered in quarters(model, day.start.astimezone(UTC), day.end.astimezone(UTC)):
            quarters_on[hour] += covered
            if roles.get(day.staff) in WARRANTED:
                warranted_quarters[hour] += covered
    presence = 0.0
    for hour, count in quarters_on.items():
        for j, marginal in enumerate(hour_marginals(model, hour)):
            presence += marginal * max(0, min(4, count - 4 * j)) / 4
    short = 0.0
    for cover in period.cover:
        for day in period.days:
            if WEEKDAYS[day.weekday()] not in cover.days:
                continue
            begins = local_instant(team, day, cover.start).astimezone(UTC)
            end_day = (
                day + timedelta(days=1)
                if clock_minutes(cover.end) <= clock_minutes(cover.start)
                else day
            )
            ends = local_instant(team, end_day, cover.end).astimezone(UTC)
            hour = int((begins - origin).total_seconds() // 3600)
            while origin + timedelta(hours=hour) < ends and hour < hours:
                if hour >= 0:
                    short += max(0, cover.min_on_duty * 4 - quarters_on.get(hour, 0)) / 4
                    short += max(0, cover.min_warranted * 4 - warranted_quarters.get(hour, 0)) / 4
                hour += 1
    night_days = _night_days(team, days)
    by_person: dict[str, list[RosterDay]] = defaultdict(list)
    for day in days:
        by_person[day.staff].append(day)
    weekend_list = weekends(period)
    worked = {(d.staff, d.day) for d in days if d.start is not None}
    return RosterFigures(
        expected_presence=round(presence / 100, 1),
        cover_short_hours=round(short, 1),
        hours={p: round(sum(d.hours for d in ds), 2) for p, ds in by_person.items()},
        nights={p: sum(1 for d in ds if (p, d.day) in night_days) for p, ds in by_person.items()},
        weekends_off={
            p: sum(
                1 for sat, sun in weekend_list if (p, sat) not in worked and (p, sun) not in worked
            )
            for p in by_person
        },
    )


def _night_days(team: Scenario, days: list[RosterDay]) -> set[tuple[str, object]]:
    """Tours with at least the policy's night hours inside the night window (as the week's
    `duty_options` flags a night)."""
    policy = team.policy
    return {
        (day.staff, day.day)
        for day in days
        if day.kind == "duty"
        and day.start is not None
        and day.end is not None
        and minutes_in_window(team, day.start, day.end, policy.night_start, policy.night_end)
        >= policy.night_min_hours * 60
    }
