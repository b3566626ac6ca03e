"""Each ward's demand by weekday and hour, built from incident records (`demand_from`): a
pure function, whose output is the scenario's own `hourly_demand` (168 weights from Monday
00:00 local), so that everything downstream stays as it is.

How a record counts (docs/demand.md):
1. **Harm**: its category's weight (`HARM`, editable per team): a shoplifting is not a
   robbery.
2. **Recency**: halved every `half_life_months` before `as_of` (recent months count more).
3. **When**: a record with a time counts in its hour; one with only its day is spread over
   that day's hours, and one with only its month (police.uk's street-level files) over
   the week's, by its category's hourly profile read from the records that have a time
   (all categories' if its own has fewer than `PROFILE_MIN` such records; `DEFAULT_HOURS`
   if they too are fewer).
4. **Smoothing**: each category's hours in a ward are spread a little to the hours either
   side, then drawn towards that category's hours over the whole team, the more so the
   fewer of its records the ward has (`shrink` records: halfway); and the team's hours of a
   category are drawn towards the same hour on every day in the same way. One robbery does
   not make a peak; forty in the same evening hours do.
5. **Scale**: the team's busiest ward-hour becomes `top` (3: the top of the hand-typed
   scale), every ward-hour has `baseline` more (presence matters where nothing is
   recorded too), and the ward panels' priorities add their weight on top, each with its
   reason kept.
Nothing of a record is kept but the counts the report gives (category, ward, how timed).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import Field

from scheduler.demand.records import Incident
from scheduler.scenario import CategoryShare, DemandBasis, Window
from scheduler.scenario.base import Strict, Text

HOURS = 168

# Relative harm of a record of each police.uk category. In the manner of the Cambridge Crime
# Harm Index (Sherman, Neyroud & Neyroud 2016: days of custody at the sentencing starting
# point for a first offence), rounded, for a typical offence of each category; not the CCHI
# table itself, which a force can give per offence (`--harm`). Anti-social behaviour is not a
# crime and has no CCHI value; it counts as 1, as neighbourhood teams are asked to act on it.
HARM: dict[str, float] = {
    "anti-social-behaviour": 1,
    "bicycle-theft": 2,
    "burglary": 40,
    "criminal-damage-and-arson": 10,
    "drugs": 2,
    "other-theft": 5,
    "possession-of-weapons": 90,
    "public-order": 5,
    "robbery": 365,
    "shoplifting": 2,
    "theft-from-the-person": 20,
    "vehicle-crime": 10,
    "violence-and-sexual-offences": 60,
    "violent-crime": 60,  # police.uk's API name for the same category
    "other-crime": 5,
}

PROFILE_MIN = 30  # records with a time, at least, for a category's own hourly profile
KERNEL = (0.25, 0.5, 0.25)  # the hour before, the hour, the hour after


def _default_hours() -> list[float]:
    """A week's shape when no records have a time: quiet from 02:00 to 07:00, busiest in
    the evening, Friday and Saturday evenings more (a typical shape of recorded crime)."""
    day = [0.3, 0.25, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 0.8, 0.9, 1.0]
    day += [1.1, 1.1, 1.1, 1.2, 1.4, 1.5, 1.5, 1.5, 1.4, 1.2, 0.9, 0.6]
    week = []
    for weekday in range(7):
        late = 1.4 if weekday in (4, 5) else 1.0
        week += [v * (late if hour >= 19 else 1.0) for hour, v in enumerate(day)]
    total = sum(week)
    return [v / total for v in week]


DEFAULT_HOURS = _default_hours()


class Priority(Strict):
    """A ward panel's priority: demand added in a weekly window, with its reason ("anti-social
    behaviour around the precinct, Friday and Saturday evenings")."""

    ward: str
    window: Window
    reason: Text = Field(min_length=1)


@dataclass(frozen=True)
class DemandOptions:
    as_of: date | None = None  # recency is counted back from here (default: the last record)
    half_life_months: float = 6.0
    harm: Mapping[str, float] = field(default_factory=lambda: dict(HARM))
    shrink: float = 20.0  # a ward's records of a category at which their own hours count half
    top: float = 3.0  # the busiest ward-hour's weight
    baseline: float = 0.1  # added to every ward-hour

    def __post_init__(self) -> None:
        if not self.half_life_months > 0:
            raise ValueError(f"half_life_months must be above 0, got {self.half_life_months}")
        if self.shrink < 0 or self.top <= 0 or self.baseline < 0:
            raise ValueError("shrink and baseline must be 0 or more, and top above 0")
        bad = {k: v for k, v in self.harm.items() if not v >= 0}
        if bad:
            raise ValueError(f"harm weights must be 0 or more: {bad}")


@dataclass
class WardDemand:
    """A ward's demand and what made it."""

    ward: str
    hourly: list[float]  # the 168 weights written to the scenario
    harm_hours: list[float]  # before scaling: weighted harm by hour of the week
    records: int = 0
    by_category: Counter[str] = field(default_factory=Counter)  # records
    harm_by_category: dict[str, float] = field(default_factory=dict)  # weighted harm
    timed: int = 0  # records with their hour
    day_only: int = 0
    month_only: int = 0
    priorities: list[Priority] = field(default_factory=list)


@dataclass
class Demand:
    wards: dict[str, WardDemand]
    as_of: date
    outside: int  # records in no ward of the team
    scale: float  # weight per unit of weighted harm an hour
    profiles: dict[str, str]  # category -> whose hourly profile spread its untimed records
    harm: Mapping[str, float] = field(default_factory=dict)  # the weights used

    def basis(self, ward_id: str) -> DemandBasis:
        """The counts behind a ward's demand, to keep with it (`Ward.demand_basis`)."""
        ward = self.wards[ward_id]
        total = sum(ward.harm_by_category.values()) or 1.0
        ranked = sorted(ward.harm_by_category.items(), key=lambda kv: (-kv[1], kv[0]))
        return DemandBasis(
            as_of=self.as_of,
            records=ward.records,
            timed=ward.timed,
            day_only=ward.day_only,
            month_only=ward.month_only,
            categories=[
                CategoryShare(
                    category=category,
                    records=ward.by_category[category],
                    harm_share=round(value / total, 4),
                    weight=self.harm.get(category),
                )
                for category, value in ranked
            ],
            priorities=[priority.reason for priority in ward.priorities],
        )


def demand_from(
    incidents: Sequence[Incident],
    ward_ids: Sequence[str],
    options: DemandOptions | None = None,
    priorities: Iterable[Priority] = (),
) -> Demand:
    """Each ward's demand by hour of the week from the records (see the module's notes).
    `ValueError` names categories with no harm weight (among the records in the team's
    wards), or priorities in unknown wards."""
    options = options or DemandOptions()
    inside = {i.category for i in incidents if i.ward in ward_ids}
    unknown = sorted(inside - set(options.harm))
    if unknown:
        raise ValueError(
            f"no harm weight for {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}; "
            "give them weights (a harm file), or rename them to one of "
            f"{', '.join(sorted(options.harm))}"
        )
    priorities = list(priorities)
    for priority in priorities:
        if priority.ward not in ward_ids:
            raise ValueError(
                f"a priority ({priority.reason}) is for ward {priority.ward!r}, not one of "
                f"the team's ({', '.join(ward_ids)})"
            )
    as_of = options.as_of or max((i.dated for i in incidents), default=date.today())
    profiles, whose = hourly_profiles(incidents, options.shrink)
    wards = {ward: WardDemand(ward, [0.0] * HOURS, [0.0] * HOURS) for ward in ward_ids}
    outside = 0
    # each ward's weighted harm by category and hour of the week
    week = WeekHours()
    for incident in incidents:
        found = wards.get(incident.ward) if incident.ward is not None else None
        if found is None:
            outside += 1
            continue
        found.records += 1
        found.by_category[incident.category] += 1
        if incident.at is not None:
            found.timed += 1
        elif incident.day is not None:
            found.day_only += 1
        else:
            found.month_only += 1
        weight = options.harm[incident.category] * recency(
            incident.dated, as_of, options.half_life_months
        )
        week.add((found.ward, incident.category), incident, weight)
    hours = week.rows(lambda key: profiles.get(key[1], profiles[""]))
    # each category's hours in a ward drawn towards its hours over the whole team, the more
    # so the fewer of its records the ward has: one robbery does not make a peak
    for (ward, category), row in hours.items():
        count = wards[ward].by_category[category]
        pull = options.shrink / (count + options.shrink) if options.shrink else 0.0
        spread = spread_hours(row)
        total = sum(spread)
        shape = profiles.get(category, profiles[""])
        smoothed = [(1 - pull) * v + pull * total * shape[h] for h, v in enumerate(spread)]
        wards[ward].harm_hours = [
            a + b for a, b in zip(wards[ward].harm_hours, smoothed, strict=True)
        ]
        wards[ward].harm_by_category[category] = total
    busiest = max((v for w in wards.values() for v in w.harm_hours), default=0.0)
    scale = options.top / busiest if busiest > 0 else 0.0
    for ward in wards.values():
        ward.hourly = [options.baseline + scale * v for v in ward.harm_hours]
    for priority in priorities:
        ward = wards[priority.ward]
        ward.priorities.append(priority)
        for weekday, hour in priority.window.local_hours():
            ward.hourly[weekday * 24 + hour] += priority.window.weight
    for ward in wards.values():
        ward.hourly = [round(min(1000.0, v), 3) for v in ward.hourly]
    return Demand(
        wards=wards,
        as_of=as_of,
        outside=outside,
        scale=scale,
        profiles=whose,
        harm=dict(options.harm),
    )


def recency(day: date, as_of: date, half_life_months: float) -> float:
    """A record's weight for its age: halved every `half_life_months` before `as_of`."""
    months = max(0.0, (as_of - day).days / 30.44)
    return 0.5 ** (months / half_life_months)


def hourly_profiles(
    incidents: Sequence[Incident], shrink: float
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Each category's share of its records by hour of the week (from the records with a
    time, spread to the hours either side and drawn towards the same hour on every day by
    shrink / (records + shrink)), and "" for all categories together; whose profile each
    category's records without a time are spread by."""
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * HOURS)
    for incident in incidents:
        if incident.at is not None:
            hour = incident.at.weekday() * 24 + incident.at.hour
            counts[incident.category][hour] += 1
            counts[""][hour] += 1
    profiles = {"": DEFAULT_HOURS}
    if sum(counts[""]) >= PROFILE_MIN:
        profiles[""] = _share(_pooled(spread_hours(counts[""]), sum(counts[""]), shrink))
    whose = {}
    for category in {i.category for i in incidents}:
        own = counts.get(category)
        if own is not None and sum(own) >= PROFILE_MIN:
            profiles[category] = _share(_pooled(spread_hours(own), sum(own), shrink))
            whose[category] = "its own"
        else:
            whose[category] = "all categories'" if profiles[""] is not DEFAULT_HOURS else "typical"
    return profiles, whose


class WeekHours:
    """Weighted records by hour of the week for each key, gathered first and spread after:
    a record with its time counts in its hour; the weight of those with their day only, or
    month only, is summed and spread once by the key's profile (a million records make a
    few thousand spreads, not a million)."""

    def __init__(self) -> None:
        self.timed: dict[object, list[float]] = defaultdict(lambda: [0.0] * HOURS)
        self.days: dict[object, list[float]] = defaultdict(lambda: [0.0] * 7)
        self.months: dict[object, float] = defaultdict(float)

    def add(self, key: object, incident: Incident, weight: float) -> None:
        if incident.at is not None:
            self.timed[key][incident.at.weekday() * 24 + incident.at.hour] += weight
        elif incident.day is not None:
            self.days[key][incident.day.weekday()] += weight
        else:
            self.months[key] += weight

    def rows(self, shape_of: Callable[[Any], list[float]]) -> dict[Any, list[float]]:
        """Each key's weight by hour of the week, its untimed records spread by
        `shape_of(key)` (shares of the week's hours)."""
        rows = {}
        for key in {*self.timed, *self.days, *self.months}:
            row = list(self.timed.get(key) or [0.0] * HOURS)
            shape = shape_of(key)
            for weekday, weight in enumerate(self.days.get(key) or ()):
                if weight:
                    first = weekday * 24
                    day = shape[first : first + 24]
                    total = sum(day) or 1.0
                    for hour, share in enumerate(day):
                        row[first + hour] += weight * share / total
            month = self.months.get(key, 0.0)
            if month:
                for hour, share in enumerate(shape):
                    row[hour] += month * share
            rows[key] = row
        return rows


def _share(values: list[float]) -> list[float]:
    total = sum(values)
    return [v / total for v in values]


def spread_hours(values: list[float]) -> list[float]:
    """Each hour spread to the hours either side (`KERNEL`, round the week); the total stays."""
    return [
        sum(w * values[(hour + step) % HOURS] for w, step in zip(KERNEL, (-1, 0, 1), strict=True))
        for hour in range(HOURS)
    ]


def _pooled(values: list[float], records: float, shrink: float) -> list[float]:
    """Drawn towards the same hour's mean over the week's days by shrink / (records +
    shrink); the total stays."""
    pull = shrink / (records + shrink) if shrink else 0.0
    by_hour = [sum(values[day * 24 + hour] for day in range(7)) / 7 for hour in range(24)]
    return [(1 - pull) * v + pull * by_hour[hour % 24] for hour, v in enumerate(values)]


BUSIEST = 20  # a ward's busiest hours of the week, for "is somebody there when it matters"


def busiest_covered(weights: Sequence[float], presence: Sequence[float]) -> float | None:
    """The share of the ward's `BUSIEST` hours of demand with somebody there (half a
    person-hour or more); None for a ward with no demand."""
    busy = sorted(range(len(weights)), key=lambda h: (-weights[h], h))[:BUSIEST]
    if not any(weights[h] for h in busy):
        return None
    return sum(1 for h in busy if presence[h] >= 0.5) / len(busy)
