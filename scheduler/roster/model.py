"""The roster model: each person's tour or rest day for every day of a period of weeks.

Formulation:
- the period is cut into weeks, and each week is the team's own week `Scenario` moved
  there (leave as unavailability, dated demand exceptions as surges, the period's events),
  so a tour is a `DutyOption` exactly as the week model makes it: role, arranged
  templates, working days, the PCSO window, the clocks changing;
- per person, a boolean for each tour they could work, and a boolean per day for "worked";
  a course or court day with hours is a fixed tour (constant true);
- the rules of one week are stated for every calendar week as the week model states them
  (so each week can be deployed within the roster), through `scheduler.rules` where they
  are day-indexed; the rules that need more than a week are added: the 48-hour average
  over the reference period with the hours before the period carried in, contracted hours
  over the period, and at least one full weekend off in every few;
- the objective is expected presence: per real hour, the number on duty (in quarter
  hours, as tours start on any quarter) is worth what the best deployment of that many
  people across the wards would be worth, the same diminishing returns as the week
  (`policy.presence_values`), stated as a concave piecewise-linear bound (one integer and
  a few cuts an hour, tight in the LP); less the costs of cover and event shortfalls,
  uneven nights and weekends, backward rotation, requests refused and contract shortfall.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

from ortools.sat.python import cp_model

from scheduler import rules
from scheduler.model import SCALE, DutyOption, duty_options
from scheduler.roster.period import RosterAbsence, RosterCarry, RosterPeriod
from scheduler.scenario import WEEKDAYS, CarryIn, Role, Scenario, clock_minutes, moved_to
from scheduler.timegrid import local_instant

UNIT = 4 * SCALE  # objective units per demand-weighted presence-hour (quarter-hour counts)
EVENT_SHORT_COST = 200  # presence-hours per person short at a mandatory event: all but a rule
CONTRACT_SHORT_COST = 3  # presence-hours per hour below contract (less the tolerance)
TEMPLATE_PREFERENCE_COST = 0.25  # presence-hours per tour a standing preference is (not) met
REQUEST_COST = 2  # presence-hours per unit of a request's weight
WARRANTED = (Role.PC, Role.SGT)


@dataclass(frozen=True)
class FixedDay:
    """A course or court day with hours: worked, but not for the team."""

    staff: str
    day: date
    kind: str
    start: datetime  # UTC
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Span:
    """A tour or fixed day, its literal (True for a fixed day)."""

    day: date
    start: datetime
    end: datetime
    literal: cp_model.IntVar | bool
    night: bool = False


@dataclass
class RosterModel:
    team: Scenario
    period: RosterPeriod
    weeks: list[Scenario]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    options: dict[str, list[DutyOption]] = field(default_factory=dict)
    works: dict[DutyOption, cp_model.IntVar] = field(default_factory=dict)
    worked: dict[tuple[str, date], cp_model.IntVar | int] = field(default_factory=dict)
    fixed: dict[tuple[str, date], FixedDay] = field(default_factory=dict)
    away: dict[tuple[str, date], RosterAbsence] = field(default_factory=dict)
    parts: dict[str, list[cp_model.LinearExprT]] = field(default_factory=lambda: defaultdict(list))
    on_duty: dict[int, cp_model.LinearExprT] = field(default_factory=dict)  # quarter-persons
    hour_values: dict[int, tuple[cp_model.IntVar, list[int]]] = field(default_factory=dict)
    shortfalls: list[tuple[str, object, cp_model.IntVar]] = field(default_factory=list)
    weekend_worked: dict[str, list] = field(default_factory=dict)
    # minutes already worked above (below, if negative) the contract earlier in the
    # period, when this model plans only part of it (`scheduler.roster.search`)
    balance: dict[str, int] = field(default_factory=dict)
    tolerance: int | None = None  # minutes; the period's contract tolerance if None
    # nights and weekends each person works outside the weeks this model plans
    outside: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def staff(self) -> list:
        return self.team.staff

    @cached_property
    def start_utc(self) -> datetime:
        return local_instant(self.team, self.period.start, "00:00").astimezone(UTC)

    @cached_property
    def end_utc(self) -> datetime:
        return local_instant(self.team, self.period.end, "00:00").astimezone(UTC)

    def hours(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds() // 3600)

    def spans(self, staff_id: str) -> list[Span]:
        spans = [
            Span(o.day, o.start, o.end, self.works[o], o.night) for o in self.options[staff_id]
        ]
        spans += [
            Span(f.day, f.start, f.end, True) for (s, _), f in self.fixed.items() if s == staff_id
        ]
        return spans


def week_scenarios(team: Scenario, period: RosterPeriod) -> list[Scenario]:
    """The team's week moved to each week of the period, with the period's leave as
    unavailability, its demand exceptions as surges and its events; no pins, no carry-in
    but the first week's (the roster states the rules across weeks itself). What the team
    file itself books stays where it falls: its people's unavailability (at its own
    instants, in whichever week of the period it touches) and, in the team's own week when
    the period holds it, all its events (not only the recurring ones), as the week
    deployed within the roster will have them."""
    data = team.model_dump(mode="json", exclude_none=True)
    data["pins"], data["surges"] = [], []
    recurring = set(period.weekly_events)
    own_events = list(data.get("events", []))
    data["events"] = [event for event in own_events if event["id"] in recurring]
    booked = {
        person.id: [
            (_aware(team, gap.start), _aware(team, gap.end), gap.reason)
            for gap in person.unavailable
        ]
        for person in team.staff
    }
    for person in data["staff"]:
        person["unavailable"] = []
        person["carry_in"] = {}
        person["preferences"] = [p for p in person.get("preferences", []) if "day" not in p]
    away: dict[tuple[str, date], RosterAbsence] = {}
    for absence in period.absences:
        for day in absence.days:
            away[absence.staff, day] = absence
    weeks = []
    for monday in period.mondays():
        moved = moved_to(data, monday)
        sunday = monday + timedelta(days=6)
        for person in moved["staff"]:
            # the next Monday's absences too: a Sunday night must not run into them
            person["unavailable"] = [
                {
                    "start": datetime.combine(day, time(0)).isoformat(),
                    "end": datetime.combine(day + timedelta(days=1), time(0)).isoformat(),
                    "reason": absence.kind,
                }
                for (staff, day), absence in sorted(away.items())
                if staff == person["id"] and monday <= day <= sunday + timedelta(days=1)
            ]
        week_start = local_instant(team, monday, "00:00")
        week_end = local_instant(team, monday + timedelta(days=7), "00:00")
        for person in moved["staff"]:
            person["unavailable"] += [  # a day's margin each side, for tours across midnight
                {"start": start.isoformat(), "end": end.isoformat(), "reason": reason}
                for start, end, reason in booked.get(person["id"], [])
                if start < week_end + timedelta(days=1) and week_start - timedelta(days=1) < end
            ]
        moved["surges"] = [
            exception.model_dump(mode="json", exclude={"reason"})
            for exception in period.demand_exceptions
            if _aware(team, exception.start) < week_end and week_start < _aware(team, exception.end)
        ]
        moved["events"] += [
            event.model_dump(mode="json", exclude_none=True)
            for event in period.events
            if monday <= _local_date(team, event.start) <= sunday
        ]
        if monday == team.week_start:  # all its own events, as the week deployed has them
            ids = {event["id"] for event in own_events}
            moved["events"] = [e for e in moved["events"] if e["id"] not in ids] + own_events
        weeks.append(Scenario.model_validate(moved))
    weeks[0] = with_carry(weeks[0], period.carry)
    return weeks


def with_carry(week: Scenario, carry: list[RosterCarry]) -> Scenario:
    """The week with what came before it carried in (the last duty's end, the days worked
    in a row), for its duty options."""
    before = {c.staff: c for c in carry}
    staff = []
    for person in week.staff:
        if person.id in before:
            end = before[person.id].last_duty_end
            if end is not None and end.tzinfo is None:
                end = end.replace(tzinfo=week.zone)
            person = person.model_copy(
                update={
                    "carry_in": CarryIn(
                        last_duty_end=end,
                        days_worked_in_a_row=before[person.id].days_worked_in_a_row,
                    )
                }
            )
        staff.append(person)
    return week.model_copy(update={"staff": staff})


def _aware(team: Scenario, instant: datetime) -> datetime:
    """An instant given without an offset is the team's local time."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=team.zone)


def _local_date(team: Scenario, instant: datetime) -> date:
    return instant.astimezone(team.zone).date() if instant.tzinfo else instant.date()


def build(
    team: Scenario,
    period: RosterPeriod,
    weeks: list[Scenario] | None = None,
    balance: dict[str, int] | None = None,
    tolerance: int | None = None,
    outside: dict[str, tuple[int, int]] | None = None,
) -> RosterModel:
    """Variables, every rule, then the objective (`weeks`: `week_scenarios`, if made;
    `balance`, `tolerance`, `outside`: see `RosterModel`, for a model of some of the
    period's weeks)."""
    roster = RosterModel(team, period, weeks or week_scenarios(team, period))
    roster.balance = balance or {}
    roster.tolerance = tolerance
    roster.outside = outside or {}
    _variables(roster)
    _daily_rest(roster)
    _weekly_rest(roster)
    _weekly_limits(roster)
    _days_in_a_row(roster)
    _reference_average(roster)
    _contract(roster)
    _weekends(roster)
    _presence(roster)
    _cover(roster)
    _events(roster)
    _pins(roster)
    _fairness(roster)
    _rotation(roster)
    _requests(roster)
    roster.model.maximize(sum(term for terms in roster.parts.values() for term in terms))
    return roster


def build_week_bound(
    team: Scenario, period: RosterPeriod, weeks: list[Scenario], index: int
) -> RosterModel:
    """A relaxation of the roster to one of its weeks: that week's rules and objective,
    none of the rules across weeks and none of their costs (contract, weekends, fairness,
    rotation: each a cost >= 0 or a constraint dropped). The sum of the weeks' optima
    bounds the roster's objective from above."""
    monday = period.mondays()[index]
    week_period = period.model_copy(
        update={"start": monday, "weeks": 1, "carry": period.carry if index == 0 else []}
    )
    roster = RosterModel(team, week_period, [weeks[index]])
    for rule in (
        _variables,
        _daily_rest,
        _weekly_rest,
        _weekly_limits,
        _days_in_a_row,
        _presence,
        _cover,
        _events,
        _pins,
        _requests,
    ):
        rule(roster)
    roster.model.maximize(sum(term for terms in roster.parts.values() for term in terms))
    return roster


def _variables(roster: RosterModel) -> None:
    model, team = roster.model, roster.team
    for absence in roster.period.absences:
        for day in absence.days:
            if not roster.period.start <= day < roster.period.end:
                continue
            if absence.worked:
                assert absence.start is not None and absence.end is not None
                roster.fixed[absence.staff, day] = FixedDay(
                    absence.staff,
                    day,
                    absence.kind,
                    local_instant(team, day, absence.start).astimezone(UTC),
                    local_instant(team, day, absence.end).astimezone(UTC),
                )
            else:
                roster.away[absence.staff, day] = absence
    for person in team.staff:
        options = [
            option
            for week in roster.weeks
            for option in duty_options(week, next(p for p in week.staff if p.id == person.id))
        ]
        roster.options[person.id] = options
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for option in options:
            var = model.new_bool_var(f"works[{person.id},{option.day},{option.template}]")
            roster.works[option] = var
            by_day[option.day].append(var)
        for day in roster.period.days:
            if (person.id, day) in roster.fixed:
                for var in by_day.get(day, []):
                    model.add(var == 0)
                roster.worked[person.id, day] = 1
            elif by_day.get(day):
                worked = model.new_bool_var(f"worked[{person.id},{day}]")
                model.add(worked == sum(by_day[day]))  # one tour a day at most
                roster.worked[person.id, day] = worked
            else:
                roster.worked[person.id, day] = 0


def _forbid(model: cp_model.CpModel, literals: list[cp_model.IntVar | bool]) -> None:
    """Not all of these together (a constant True drops out; all constant: nothing to do,
    the input already broke the rule and the checker will say so)."""
    free = [lit for lit in literals if not isinstance(lit, bool)]
    if any(lit is False for lit in literals) or not free:
        return
    model.add_bool_or([lit.Not() for lit in free])


def _daily_rest(roster: RosterModel) -> None:
    """Two tours closer than the minimum rest (or overlapping) are never both worked."""
    rest = timedelta(hours=roster.team.policy.min_rest_hours)
    for person in roster.staff:
        spans = roster.spans(person.id)
        by_day: dict[date, list[Span]] = defaultdict(list)
        for span in spans:
            by_day[span.day].append(span)
        for first in spans:
            for later in (1, 2):
                for second in by_day.get(first.day + timedelta(days=later), []):
                    if second.start < first.end + rest:
                        _forbid(roster.model, [first.literal, second.literal])


def _weekly_rest(roster: RosterModel) -> None:
    """Each calendar week holds a stretch of `weekly_rest_hours` free of duty inside it (as
    the week model has it): some day with no tour, from the end of the day before's tour
    (or the week's start, or the carry-in) to the next day's start (or the week's end)."""
    model, team = roster.model, roster.team
    rest = timedelta(hours=team.policy.weekly_rest_hours)
    if rest <= timedelta(0):
        return
    carry = {c.staff: c for c in roster.period.carry}
    for person in roster.staff:
        spans = roster.spans(person.id)
        by_day: dict[date, list[Span]] = defaultdict(list)
        for span in spans:
            by_day[span.day].append(span)
        before = carry.get(person.id)
        if before is not None and before.last_duty_end is not None:
            end = before.last_duty_end
            if end.tzinfo is None:
                end = end.replace(tzinfo=team.zone)
            day = roster.period.start - timedelta(days=1)
            by_day[day].append(Span(day, end.astimezone(UTC), end.astimezone(UTC), True))
        for monday in roster.period.mondays():
            week_start = local_instant(team, monday, "00:00").astimezone(UTC)
            week_end = local_instant(team, monday + timedelta(days=7), "00:00").astimezone(UTC)
            candidates = []
            for offset in range(7):
                day = monday + timedelta(days=offset)
                worked = roster.worked[person.id, day]
                if isinstance(worked, int) and worked:
                    continue
                free = model.new_bool_var(f"weekly_rest[{person.id},{day}]")
                if not isinstance(worked, int):
                    model.add_implication(free, worked.Not())
                midnight = local_instant(team, day, "00:00").astimezone(UTC)
                after_next = local_instant(team, day + timedelta(days=2), "00:00")
                before_day = roster.worked.get((person.id, day - timedelta(days=1)), 0)
                after_day = roster.worked.get((person.id, day + timedelta(days=1)), 0)
                previous = [*by_day.get(day - timedelta(days=1), []), None]
                following = [*by_day.get(day + timedelta(days=1), []), None]
                for a, b in itertools.product(previous, following):
                    # no tour the day before (after): the stretch begins (ends) at the
                    # latest (earliest) at midnight, which can only shorten it
                    begins = max(week_start, a.end if a is not None else midnight)
                    ends = min(week_end, b.start if b is not None else after_next.astimezone(UTC))
                    if ends - begins >= rest:
                        continue
                    _forbid(
                        model,
                        [
                            free,
                            a.literal if a is not None else _negate(before_day),
                            b.literal if b is not None else _negate(after_day),
                        ],
                    )
                candidates.append(free)
            model.add_bool_or(candidates)  # none at all: the week cannot be lawful


def _negate(worked: cp_model.IntVar | int) -> cp_model.IntVar | bool:
    """ "Not worked" for a day's worked literal or constant."""
    if isinstance(worked, int):
        return worked == 0
    return worked.Not()


def _week_days(roster: RosterModel, staff: str, monday: date) -> list:
    return [roster.worked[staff, monday + timedelta(days=n)] for n in range(7)]


def _week_minutes(roster: RosterModel, staff: str, monday: date) -> cp_model.LinearExprT:
    sunday = monday + timedelta(days=6)
    minutes = [
        o.minutes * roster.works[o] for o in roster.options[staff] if monday <= o.day <= sunday
    ]
    fixed = sum(
        f.minutes for (s, d), f in roster.fixed.items() if s == staff and monday <= d <= sunday
    )
    return sum(minutes) + fixed


def _weekly_limits(roster: RosterModel) -> None:
    """Per calendar week, as the week model: days worked (rest days), hours (the working-time
    cap and the contract), and a night worker's average."""
    policy = roster.team.policy
    for person in roster.staff:
        cap = math.floor(
            min(policy.max_weekly_hours, person.contracted_hours + policy.max_overtime_hours) * 60
            + 1e-6
        )
        night_cap = math.floor(policy.night_work_cap_hours * 60 + 1e-6)
        for monday in roster.period.mondays():
            rules.at_most(
                roster.model, _week_days(roster, person.id, monday), 7 - policy.min_rest_days
            )
            minutes = _week_minutes(roster, person.id, monday)
            roster.model.add(minutes <= cap)
            sunday = monday + timedelta(days=6)
            nights = [
                roster.works[o]
                for o in roster.options[person.id]
                if o.night and monday <= o.day <= sunday
            ]
            if nights:
                night_worker = roster.model.new_bool_var(f"night_worker[{person.id},{monday}]")
                roster.model.add_max_equality(night_worker, nights)
                roster.model.add(minutes <= night_cap).only_enforce_if(night_worker)


def _days_in_a_row(roster: RosterModel) -> None:
    carry = {c.staff: c.days_worked_in_a_row for c in roster.period.carry}
    for person in roster.staff:
        rules.max_consecutive(
            roster.model,
            [roster.worked[person.id, day] for day in roster.period.days],
            roster.team.policy.max_consecutive_days,
            carried=carry.get(person.id, 0),
        )


def _reference_average(roster: RosterModel) -> None:
    """The 48-hour average over the reference period (WTR reg 4): every run of
    `reference_weeks` weeks ending in the period, the weeks before it carried in (a week
    not given is taken as the contract's hours)."""
    period, policy = roster.period, roster.team.policy
    length = period.rules.reference_weeks
    carry = {c.staff: c for c in period.carry}
    for person in roster.staff:
        before = carry.get(person.id)
        if before is not None and before.opted_out:
            continue
        history = list(before.weekly_hours) if before is not None else []
        mondays = period.mondays()
        for last in range(len(mondays)):
            first = last - length + 1
            carried_weeks = max(0, -first)
            earlier = history[-carried_weeks:] if carried_weeks else []
            earlier = [person.contracted_hours] * (carried_weeks - len(earlier)) + earlier
            inside = [
                _week_minutes(roster, person.id, monday)
                for monday in mondays[max(0, first) : last + 1]
            ]
            limit = math.floor(policy.max_weekly_hours * 60 * length - sum(earlier) * 60 + 1e-6)
            roster.model.add(sum(inside) <= limit)


def contract_minutes(roster: RosterModel, staff) -> int:
    """What the contract asks over the period: the weekly hours for each week, less leave
    (a day of leave takes a seventh of a week)."""
    days = [d for d in roster.period.days if (staff.id, d) not in roster.away]
    return round(staff.contracted_hours * 60 * len(days) / 7)


def _contract(roster: RosterModel) -> None:
    """Contracted hours over the period: at most the contract plus the tolerance (hard),
    and each hour below the contract less the tolerance costs."""
    tolerance = roster.tolerance
    if tolerance is None:
        tolerance = round(roster.period.rules.contract_tolerance_hours * 60)
    for person in roster.staff:
        target = contract_minutes(roster, person) - roster.balance.get(person.id, 0)
        minutes = sum(_week_minutes(roster, person.id, m) for m in roster.period.mondays())
        roster.model.add(minutes <= target + tolerance)
        short = roster.model.new_int_var(
            0, max(0, target // 15 + 1), f"contract_short[{person.id}]"
        )
        roster.model.add(15 * short >= target - tolerance - minutes)
        roster.parts["contract"].append(-round(CONTRACT_SHORT_COST * UNIT / 4) * short)


def weekends(period: RosterPeriod) -> list[tuple[date, date]]:
    """Each full weekend of the period (Saturday, Sunday)."""
    return [(m + timedelta(days=5), m + timedelta(days=6)) for m in period.mondays()]


def _weekends(roster: RosterModel) -> None:
    """At least one full weekend off in every `weekends_off_in` (a weekend is worked if a
    tour starts on its Saturday or Sunday), the weekends before the period carried in."""
    every = roster.period.rules.weekends_off_in
    carry = {c.staff: c for c in roster.period.carry}
    for person in roster.staff:
        worked = [
            _weekend_worked(roster, person.id, weekend) for weekend in weekends(roster.period)
        ]
        roster.weekend_worked[person.id] = worked
        if every <= 0:
            continue
        before = carry[person.id].weekends_worked if person.id in carry else []
        before = [int(w) for w in before[-(every - 1) :]] if every > 1 else []
        run = before + worked
        for first in range(0, len(run) - every + 1):
            window = run[first : first + every]
            if first + every > len(before):
                rules.at_most(roster.model, window, every - 1)


def _weekend_worked(roster: RosterModel, staff: str, weekend: tuple[date, date]):
    days = [roster.worked[staff, day] for day in weekend]
    if any(isinstance(day, int) and day for day in days):
        return 1
    free = [day for day in days if not isinstance(day, int)]
    if not free:
        return 0
    literal = roster.model.new_bool_var(f"weekend[{staff},{weekend[0]}]")
    roster.model.add_max_equality(literal, free)
    return literal


def _week_of(roster: RosterModel, instant: datetime) -> Scenario:
    index = min(
        len(roster.weeks) - 1,
        (instant.astimezone(roster.team.zone).date() - roster.period.start).days // 7,
    )
    return roster.weeks[index]


def quarters(roster: RosterModel, option_start: datetime, option_end: datetime):
    """(hour index, quarter hours of it covered) for a span."""
    origin = roster.start_utc
    first = max(0, int((option_start - origin).total_seconds() // 3600))
    last = min(roster.hours(), math.ceil((option_end - origin).total_seconds() / 3600))
    for hour in range(first, last):
        begins = origin + timedelta(hours=hour)
        overlap = min(option_end, begins + timedelta(hours=1)) - max(option_start, begins)
        quarters = int(overlap.total_seconds() // 900)
        if quarters > 0:
            yield hour, quarters


def hour_marginals(roster: RosterModel, hour: int) -> list[int]:
    """What each further person on duty in this real hour is worth (units of SCALE), best
    first: the k-th value of `presence_values` times each ward's demand, merged."""
    instant = roster.start_utc + timedelta(hours=hour)
    week = _week_of(roster, instant)
    local = instant.astimezone(roster.team.zone)
    key = (local.weekday(), local.hour)
    values = week.policy.presence_values
    marginals = sorted(
        (
            round(SCALE * week.demand_weight(ward.id, key) * value)
            for ward in week.wards
            for value in values
        ),
        reverse=True,
    )
    return [m for m in marginals[: len(roster.staff)] if m > 0]


def _presence(roster: RosterModel) -> None:
    model = roster.model
    terms: dict[int, list] = defaultdict(list)
    for option, var in roster.works.items():
        for hour, covered in quarters(roster, option.start, option.end):
            terms[hour].append(covered * var)
    for hour in range(roster.hours()):
        if not terms.get(hour):
            continue
        on_duty = model.new_int_var(0, 4 * len(roster.staff), f"on_duty[{hour}]")
        model.add(on_duty == sum(terms[hour]))
        roster.on_duty[hour] = on_duty
        marginals = hour_marginals(roster, hour)
        if not marginals:
            continue
        value = model.new_int_var(0, 4 * sum(marginals), f"presence[{hour}]")
        below = 0
        for j, marginal in enumerate(marginals):
            # on the j-th person's stretch: value <= (those before) + marginal * (q - 4j)
            model.add(value <= 4 * below + marginal * (on_duty - 4 * j))
            below += marginal
        model.add(value <= 4 * below)
        roster.hour_values[hour] = (value, marginals)
        roster.parts["presence"].append(value)


def _window_hours(roster: RosterModel, day: date, start: str, end: str) -> list[int]:
    team = roster.team
    begins = local_instant(team, day, start).astimezone(UTC)
    end_day = day + timedelta(days=1) if clock_minutes(end) <= clock_minutes(start) else day
    ends = local_instant(team, end_day, end).astimezone(UTC)
    origin = roster.start_utc
    first = int((begins - origin).total_seconds() // 3600)
    last = math.ceil((ends - origin).total_seconds() / 3600)
    return [h for h in range(max(0, first), min(roster.hours(), last))]


def _cover(roster: RosterModel) -> None:
    """The team's minimum cover: each person-hour short costs the cover's weight."""
    model = roster.model
    warranted_terms: dict[int, list] = defaultdict(list)
    roles = {p.id: p.role for p in roster.staff}
    if any(c.min_warranted for c in roster.period.cover):
        for option, var in roster.works.items():
            if roles[option.staff] in WARRANTED:
                for hour, covered in quarters(roster, option.start, option.end):
                    warranted_terms[hour].append(covered * var)
    for cover in roster.period.cover:
        for day in roster.period.days:
            if WEEKDAYS[day.weekday()] not in cover.days:
                continue
            for hour in _window_hours(roster, day, cover.start, cover.end):
                for wanted, counted, warranted in (
                    (cover.min_on_duty, roster.on_duty.get(hour, 0), False),
                    (cover.min_warranted, sum(warranted_terms.get(hour, [])), True),
                ):
                    if wanted <= 0:
                        continue
                    short = model.new_int_var(0, 4 * wanted, f"cover_short[{hour},{warranted}]")
                    model.add(short >= 4 * wanted - counted)
                    roster.parts["cover"].append(-round(cover.weight * UNIT / 4) * short)
                    roster.shortfalls.append(("cover", (day, hour, wanted, warranted), short))


def event_list(roster: RosterModel) -> list:
    return [event for week in roster.weeks for event in week.events]


def _events(roster: RosterModel) -> None:
    """Known events: enough people able to fill their seats, and holding the skills they
    require, on duty throughout."""
    model = roster.model
    people = {p.id: p for p in roster.staff}
    for event in event_list(roster):
        covering = [
            (people[o.staff], var)
            for o, var in roster.works.items()
            if o.start <= event.start.astimezone(UTC) and event.end.astimezone(UTC) <= o.end
        ]
        cost = EVENT_SHORT_COST if event.mandatory else max(0.5, event.value)
        needs = [(max(event.min_staff, sum(s.count for s in event.seats)), lambda p: True, "")]
        if event.min_warranted:
            needs.append((event.min_warranted, lambda p: p.role in WARRANTED, "warranted officers"))
        needs += [(seat.count, seat.fits, seat.words()) for seat in event.seats]
        needs += [  # someone holding each skill the event requires (a Prevent panel's)
            (1, lambda p, skill=skill: skill in p.skills, f"someone with the skill '{skill}'")
            for skill in event.required_skills
        ]
        for number, (wanted, fits, words) in enumerate(needs):
            if wanted <= 0:
                continue
            short = model.new_int_var(0, wanted, f"event_short[{event.id},{event.start},{number}]")
            model.add(short >= wanted - sum(var for person, var in covering if fits(person)))
            roster.parts["events"].append(-round(cost * UNIT) * short)
            if number == 0:
                roster.shortfalls.append(("event", event, short))
            else:
                roster.shortfalls.append(("event-need", (event, words), short))


def _pins(roster: RosterModel) -> None:
    """The sergeant's pins in the team's week, where the period holds them: at an event
    (each time the period holds that event), a tour, or a rest day. As a mandatory event's
    seat, each unmet costs all but a rule (EVENT_SHORT_COST): the roster keeps them when
    it can, and the week deployed within it keeps the rest or says why it cannot."""
    by_day: dict[tuple[str, date], list[tuple[DutyOption, cp_model.IntVar]]] = defaultdict(list)
    for option, var in roster.works.items():
        by_day[option.staff, option.day].append((option, var))
    days = set(roster.period.days)
    cost = round(EVENT_SHORT_COST * UNIT)
    for pin in roster.team.pins:
        if pin.event is not None:
            for event in event_list(roster):
                if event.id != pin.event:
                    continue
                covering = [
                    var
                    for o, var in roster.works.items()
                    if o.staff == pin.staff
                    and o.start <= event.start.astimezone(UTC)
                    and event.end.astimezone(UTC) <= o.end
                ]
                roster.parts["pins"].append(-cost * (1 - sum(covering)))
        elif pin.day in days:
            options = by_day.get((pin.staff, pin.day), [])
            if pin.off:
                roster.parts["pins"] += [-cost * var for _, var in options]
            else:
                kept = sum(var for o, var in options if o.template == pin.template)
                roster.parts["pins"].append(-cost * (1 - kept))


def _spread(
    model: cp_model.CpModel, counts: list[cp_model.LinearExprT], name: str, weight: float
) -> list[cp_model.LinearExprT]:
    """The most minus the fewest of these counts costs `weight` presence-hours each: nights
    and weekends shared evenly among those who can work them. (A cost rising with each
    person's own count, as the week has for unsocial duties, grows with the square of the
    period and outweighed presence over 13 weeks.)"""
    if len(counts) < 2 or weight <= 0:
        return []
    most = model.new_int_var(0, 400, f"most_{name}")
    fewest = model.new_int_var(0, 400, f"fewest_{name}")
    for count in counts:
        model.add(most >= count)
        model.add(fewest <= count)
    return [-round(weight * UNIT) * (most - fewest)]


def _fairness(roster: RosterModel) -> None:
    """Nights and weekends worked, spread evenly within each role group (warranted
    officers, PCSOs) among those who can work them."""
    rules_ = roster.period.rules
    groups: dict[bool, list] = defaultdict(list)
    for person in roster.staff:
        groups[person.role in WARRANTED].append(person)
    for warranted, people in groups.items():
        outside = {p.id: roster.outside.get(p.id, (0, 0)) for p in people}
        nights = [
            sum(roster.works[o] for o in roster.options[p.id] if o.night) + outside[p.id][0]
            for p in people
            if outside[p.id][0] or any(o.night for o in roster.options[p.id])
        ]
        roster.parts["fair nights"] += _spread(
            roster.model, nights, f"nights[{warranted}]", rules_.nights_fairness_weight
        )
        weekends_worked = [sum(roster.weekend_worked[p.id]) + outside[p.id][1] for p in people]
        roster.parts["fair weekends"] += _spread(
            roster.model, weekends_worked, f"weekends[{warranted}]", rules_.weekend_fairness_weight
        )


def _rotation(roster: RosterModel) -> None:
    """Forward rotation preferred: a tour starting earlier in the day than the day
    before's costs (earlies, then lates, then nights is kinder to the body clock)."""
    weight = roster.period.rules.forward_rotation_weight
    if weight <= 0:
        return
    team, model = roster.team, roster.model
    clock = {t.id: clock_minutes(t.start) for t in team.duty_templates}
    for person in roster.staff:
        by_day: dict[date, list[DutyOption]] = defaultdict(list)
        for option in roster.options[person.id]:
            by_day[option.day].append(option)
        for day, today in by_day.items():
            tomorrow = by_day.get(day + timedelta(days=1), [])
            pairs = [
                (a, b) for a in today for b in tomorrow if clock[b.template] < clock[a.template]
            ]
            if not pairs:
                continue
            back = model.new_bool_var(f"backward[{person.id},{day}]")
            for a, b in pairs:
                model.add(back >= roster.works[a] + roster.works[b] - 1)
            roster.parts["forward rotation"].append(-round(weight * UNIT) * back)


def _requests(roster: RosterModel) -> None:
    parts = roster.parts["requests"]
    for request in roster.period.requests:
        if request.off:
            worked = roster.worked.get((request.staff, request.day), 0)
            if not isinstance(worked, int):
                parts.append(-round(REQUEST_COST * request.weight * UNIT) * worked)
            continue
        for option in roster.options.get(request.staff, []):
            if option.day == request.day and option.template == request.template:
                parts.append(round(REQUEST_COST * request.weight * UNIT) * roster.works[option])
    for person in roster.staff:
        for preference in person.preferences:
            if preference.day is not None or preference.template is None:
                continue
            sign = 1 if preference.want else -1
            weight = round(TEMPLATE_PREFERENCE_COST * preference.weight * UNIT)
            parts.extend(
                sign * weight * roster.works[o]
                for o in roster.options[person.id]
                if o.template == preference.template
            )
