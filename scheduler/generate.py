"""Seeded generator of realistic, feasible neighbourhood-team scenarios.

`generate_team` builds one team's week: about one sergeant and PCs and PCSOs in roughly
equal numbers, part-timers, leave, language and Prevent skills, dedicated ward officers,
ward demand with a town-centre night-time economy, and a mix of DOMAIN.md's engagement
events. An event is mandatory only where more than enough eligible, available staff exist,
and ward minimums stay far below what the staff can provide, so every generated team is
feasible under the default `Policy`.

`generate_instance` builds benchmark instances out of independent teams (teams share no
staff): "team" (8 wards, 40 staff, 15 events), "bcu" (10 teams: 60 wards, 400 staff,
150 events) and "force" (100 teams: 600 wards, 4,000 staff, 1,500 events).

All randomness comes from `random.Random(seed)`, so a seed always gives the same scenarios.
Names, places and figures are fictional. Command line:

    python -m scheduler.generate bcu --seed 7 --out out/bcu-7
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from scheduler.scenario import (
    WEEKDAYS,
    CarryIn,
    DutyTemplate,
    EngagementEvent,
    Policy,
    Preference,
    Role,
    Scenario,
    Staff,
    Team,
    Unavailability,
    Ward,
    Weekday,
    Window,
    clock_minutes,
    in_pcso_window,
)

TIMEZONE = "Europe/London"
ZONE = ZoneInfo(TIMEZONE)
DEFAULT_WEEK = date(2026, 11, 23)

SKILLS = ("prevent", "urdu", "polish", "bengali", "somali", "first-aid-instructor", "schools")
LANGUAGES = ("urdu", "polish", "bengali", "somali")
FAITH_LANGUAGES = ("urdu", "bengali", "somali")  # Friday prayers visits

OFFICER_HOURS = 40.0
PCSO_HOURS = 37.0
# Part-time contracts as shares of a full one that the templates reach: three or four 8 h
# tours for an officer, two or three 9 h 15 long days for a PCSO (half, three-quarters).
PART_TIME_HOURS = {Role.PC: (24.0, 32.0), Role.PCSO: (18.5, 27.75)}
PART_TIME_PATTERNS: dict[int, tuple[tuple[Weekday, ...], ...]] = {
    3: (("mon", "tue", "wed"), ("wed", "thu", "fri"), ("tue", "wed", "thu"), ("mon", "wed", "fri")),
    4: (("mon", "tue", "thu", "fri"), ("tue", "wed", "thu", "fri"), ("thu", "fri", "sat", "sun")),
}
EVENING_WEIGHTS = (1.0, 1.5, 2.0, 2.5, 3.0)

# Given names and surnames by heritage, with rough shares, so names read as plausible.
NAME_POOLS: tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...] = (
    (
        ("Ben", "Bethan", "Callum", "Chloe", "Daniel", "Dylan", "Emma", "Ewan", "Ffion", "Grace",
         "Hannah", "Jack", "Leah", "Liam", "Megan", "Niamh", "Oliver", "Rhys", "Ryan", "Siobhan",
         "Sophie", "Zoe"),
        ("Brown", "Campbell", "Clarke", "Davies", "Evans", "Green", "Hall", "Hughes", "Jones",
         "MacDonald", "Murphy", "O'Connor", "Roberts", "Smith", "Taylor", "Thomas", "Walker",
         "Williams", "Wright"),
        10,
    ),
    (
        ("Aisha", "Amir", "Fatima", "Hamza", "Imran", "Nadia", "Sana", "Tariq", "Yusuf", "Zainab"),
        ("Ahmed", "Ali", "Hussain", "Iqbal", "Khan", "Malik", "Mirza", "Shah"),
        2,
    ),
    (
        ("Abdul", "Jamal", "Nasima", "Rukhsana", "Shamima", "Sumon", "Tahmina"),
        ("Begum", "Chowdhury", "Islam", "Miah", "Rahman", "Uddin"),
        1,
    ),
    (
        ("Deepa", "Harpreet", "Jaspreet", "Priya", "Ravi", "Sunil", "Vikram"),
        ("Gill", "Kaur", "Patel", "Sandhu", "Sharma", "Singh"),
        2,
    ),
    (
        ("Abena", "Chidi", "Kofi", "Kwame", "Olumide", "Shanice", "Tunde", "Marcus"),
        ("Adeyemi", "Asante", "Campbell", "Mensah", "Okafor", "Osei", "Richards"),
        2,
    ),
    (("Abdi", "Hodan", "Mahad", "Ayaan", "Faisal"), ("Farah", "Hassan", "Osman", "Warsame"), 1),
    (("Agnieszka", "Kasia", "Marek", "Piotr", "Tomasz"), ("Kowalski", "Lewandowski", "Nowak"), 1),
    (("Mei", "Wei", "Jun", "Li"), ("Chen", "Wong", "Zhang"), 1),
)  # fmt: skip
PLACE_STEMS = (
    "Ash", "Beacon", "Brook", "Castle", "Church", "Cold", "Elm", "Fair", "Fern", "Gold", "Green",
    "Hart", "Hazel", "High", "Holly", "King", "Lark", "Lime", "Mill", "Moor", "North", "Oak",
    "Orchard", "Priory", "Raven", "Rose", "Sand", "Stone", "South", "Thorn", "West", "Willow",
    "Wood",
)  # fmt: skip
PLACE_ENDINGS = (
    "field", "gate", "ley", "ton", "bridge", "hill", "wood", "mead", "ford", "worth", "dale",
    "side", "bury", "cote", "hurst", "well",
)  # fmt: skip
SAINTS = ("Mark", "Anne", "Luke", "Peter", "Margaret", "Stephen", "Hilda", "Aidan")


@dataclass(frozen=True)
class EventType:
    """One of DOMAIN.md's engagement event types, with when and how it usually happens.

    `ward_rule` is "distinct" (at most one per ward, e.g. ward panels), "any" (spread over
    the wards), "town" (the town-centre ward, e.g. the Prevent panel at the civic centre)
    or "hot" (the town centre half of the time). `skill` "language" means one of the
    team's Friday-prayers languages.
    """

    key: str
    name: str
    kind: str
    days: tuple[int, ...]
    starts: tuple[str, ...]
    minutes: tuple[int, ...]
    places: tuple[str, ...]
    min_staff: int = 1
    max_staff: int = 2
    min_warranted: int = 0
    skill: str | None = None
    mandatory: bool = False
    value: float = 1.0
    public: bool = True
    weight: int = 1
    once: bool = False
    ward_rule: Literal["distinct", "town", "hot", "any"] = "any"


EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        key="panel", name="{ward} ward panel", kind="ward-panel", days=(0, 1, 2, 3),
        starts=("18:30",), minutes=(90,), min_staff=1, max_staff=3, min_warranted=1,
        mandatory=True, value=3.0, weight=3, ward_rule="distinct",
        places=("{ward} Community Centre", "St {saint}'s Church Hall", "{ward} Library"),
    ),
    EventType(
        key="cuppa", name="Cuppa with a Copper, {ward}", kind="cuppa", days=(0, 1, 2, 3, 4, 5),
        starts=("10:00", "10:30", "11:00", "17:00"), minutes=(60,), value=1.5, weight=4,
        places=("{ward} Library café", "Costa, {ward} Parade", "{ward} Community Café"),
    ),
    EventType(
        key="hotspot", name="Knife-crime hot-spot operation, {ward}", kind="hot-spot-operation",
        days=(3, 4, 5), starts=("19:00", "20:00"), minutes=(120, 180), min_staff=2,
        max_staff=4, min_warranted=2, value=4.0, weight=2, ward_rule="hot", public=False,
        places=("{ward} High Street", "{ward} station forecourt", "{ward} Park"),
    ),
    EventType(
        key="school", name="School gate presence, {ward}", kind="school-gate",
        days=(0, 1, 2, 3, 4), starts=("15:00",), minutes=(45,), weight=3,
        places=("{ward} Primary School gates", "{ward} Academy gates"),
    ),
    EventType(
        key="faith", name="Friday prayers visit, {ward}", kind="faith-visit", days=(4,),
        starts=("12:45", "13:00"), minutes=(60, 75), skill="language", value=2.0, weight=2,
        ward_rule="distinct",
        places=("{ward} Mosque", "{ward} Islamic Centre", "{ward} Jamia Masjid"),
    ),
    EventType(
        key="prevent", name="Prevent / Channel panel", kind="prevent-panel", days=(1, 2, 3),
        starts=("10:00", "13:30"), minutes=(120,), max_staff=1, skill="prevent",
        mandatory=True, value=0.5, public=False, once=True, ward_rule="town",
        places=("{town} Civic Centre, Committee Room 2", "{town} Police Station meeting room"),
    ),
)  # fmt: skip


@dataclass
class _Draft:
    """A staff member while the generator fills them in (Staff itself is frozen)."""

    ident: str
    name: str
    role: Role
    contracted_hours: float
    home_ward: str | None = None
    patrol_wards: list[str] | None = None
    working_days: list[Weekday] | None = None
    skills: set[str] = field(default_factory=set)
    unavailable: list[Unavailability] = field(default_factory=list)
    carry_in: CarryIn = field(default_factory=CarryIn)
    preferences: list[Preference] = field(default_factory=list)

    @property
    def full_time(self) -> bool:
        return self.working_days is None

    def to_staff(self) -> Staff:
        return Staff(
            id=self.ident,
            name=self.name,
            role=self.role,
            home_ward=self.home_ward,
            patrol_wards=self.patrol_wards,
            contracted_hours=self.contracted_hours,
            working_days=self.working_days,
            skills=[skill for skill in SKILLS if skill in self.skills],
            unavailable=self.unavailable,
            carry_in=self.carry_in,
            preferences=self.preferences,
        )


# Time helpers ------------------------------------------------------------------------


def _local(day: date, clock: str) -> datetime:
    """Local wall-clock instant "HH:MM" on `day` ("24:00" is the next midnight)."""
    return datetime.combine(day, time(0), tzinfo=ZONE) + timedelta(minutes=clock_minutes(clock))


def _local_day(instant: datetime) -> date:
    return instant.astimezone(ZONE).date()


def _span(day: date, start: str, end: str) -> tuple[datetime, datetime]:
    """A start-end stretch on `day`; an end at or before the start is on the next day."""
    wraps = clock_minutes(end) <= clock_minutes(start)
    return _local(day, start), _local(day + timedelta(days=1 if wraps else 0), end)


def duty_templates() -> list[DutyTemplate]:
    """The usual neighbourhood duties; late-late runs past the PCSO window, so officers
    only; PCSOs' 37 h are four long days of 9 h 15, early or late."""
    officers = [Role.PC, Role.SGT]
    return [
        DutyTemplate(id="early", name="Early", start="07:00", end="15:00", break_minutes=45),
        DutyTemplate(id="late", name="Late", start="14:00", end="22:00", break_minutes=45),
        DutyTemplate(id="lateB", name="Late B", start="15:00", end="23:00", break_minutes=45),
        DutyTemplate(id="day", name="Day", start="10:00", end="18:00", break_minutes=45),
        DutyTemplate(
            id="latelate",
            name="Late-late",
            start="18:00",
            end="02:00",
            break_minutes=45,
            roles=officers,
        ),
        DutyTemplate(
            id="longearly",
            name="Long early",
            start="07:00",
            end="16:15",
            break_minutes=60,
            roles=[Role.PCSO],
        ),
        DutyTemplate(
            id="longlate",
            name="Long late",
            start="13:45",
            end="23:00",
            break_minutes=60,
            roles=[Role.PCSO],
        ),
    ]


# Names and wards ---------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _place_names(rng: random.Random, count: int, exclude: set[str]) -> list[str]:
    """`count` distinct fictional place names such as "Larkfield" or "Stonebridge"."""
    combos = [
        stem + ending
        for stem in PLACE_STEMS
        for ending in PLACE_ENDINGS
        if stem[-1] != ending[0] and stem.lower() != ending  # no "Highhill" or "Woodwood"
    ]
    return rng.sample([name for name in combos if name not in exclude], count)


def _person_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct names, each drawn from one heritage pool (a middle initial
    tells apart two people who would share a name)."""
    weights = [share for _, _, share in NAME_POOLS]
    names: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        given, family, _ = rng.choices(NAME_POOLS, weights=weights)[0]
        name = f"{rng.choice(given)} {rng.choice(family)}"
        if name in names:
            first, last = name.split(" ", 1)
            name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if name not in names:
            names.add(name)
            ordered.append(name)
    return ordered


def _ward(rng: random.Random, ward_id: str, name: str, town_centre: bool) -> Ward:
    """A ward with daytime and evening demand; a town centre adds Fri/Sat night peaks."""
    demand = [
        Window(start="08:00", end="20:00", weight=round(rng.uniform(0.8, 1.2), 1)),
        Window(start="16:00", end="23:00", weight=rng.choice(EVENING_WEIGHTS)),
    ]
    peaks: list[Window] = []
    lone_working: list[Window] = []
    if town_centre:
        weekend = ["fri", "sat"]
        night_weight = rng.choice((2.0, 2.5, 3.0))
        demand.append(Window(days=weekend, start="20:00", end="03:00", weight=night_weight))
        peaks.append(Window(days=weekend, start="20:00", end="03:00"))
        lone_working.append(Window(start="22:00", end="02:00"))
    minimum = rng.randrange(32, 41, 4) if town_centre else rng.randrange(20, 37, 4)
    return Ward(
        id=ward_id,
        name=name,
        demand=demand,
        min_weekly_hours=minimum,
        peak_windows=peaks,
        lone_working_windows=lone_working,
    )


def _make_wards(rng: random.Random, town: str, count: int, prefix: str) -> list[Ward]:
    """The first ward is the town centre; the rest are residential wards."""
    names = [f"{town} Town Centre", *_place_names(rng, count - 1, exclude={town})]
    return [
        _ward(rng, f"{prefix}{_slug(name)}", name, town_centre=index == 0)
        for index, name in enumerate(names)
    ]


def _fit_minimums(wards: list[Ward], staff: list[Staff], share: float = 0.25) -> list[Ward]:
    """Scale ward minimums down if they would take more than `share` of the staff's hours."""
    capacity = sum(min(person.contracted_hours, Policy().max_weekly_hours) for person in staff)
    wanted = sum(ward.min_weekly_hours for ward in wards)
    if wanted <= share * capacity:
        return wards
    factor = share * capacity / wanted
    return [
        ward.model_copy(update={"min_weekly_hours": float(int(ward.min_weekly_hours * factor))})
        for ward in wards
    ]


# Staff -------------------------------------------------------------------------------


def _roles(rng: random.Random, count: int) -> list[Role]:
    """About one sergeant per 40 staff; the rest roughly half PCs, half PCSOs."""
    sergeants = min(count, max(1, round(count / 40)))
    pcs = round((count - sergeants) * rng.uniform(0.45, 0.55))
    return [Role.SGT] * sergeants + [Role.PC] * pcs + [Role.PCSO] * (count - sergeants - pcs)


def _draft_people(rng: random.Random, team_id: str, count: int) -> list[_Draft]:
    roles = _roles(rng, count)
    numbers: dict[Role, int] = {}
    drafts = []
    for role, name in zip(roles, _person_names(rng, count), strict=True):
        numbers[role] = numbers.get(role, 0) + 1
        hours = PCSO_HOURS if role is Role.PCSO else OFFICER_HOURS
        ident = f"{team_id}-{role.value.lower()}{numbers[role]:02d}"
        drafts.append(_Draft(ident=ident, name=name, role=role, contracted_hours=hours))
    return drafts


def _assign_wards(rng: random.Random, drafts: list[_Draft], ward_ids: list[str]) -> None:
    """Most PCs and PCSOs are dedicated ward officers, spread evenly over the wards;
    a few PCSOs may patrol only their own ward and one or two others."""
    for role in (Role.PC, Role.PCSO):
        group = [draft for draft in drafts if draft.role is role]
        rng.shuffle(group)
        offset = rng.randrange(len(ward_ids))
        for index, draft in enumerate(group):
            if rng.random() < 0.1:
                continue  # no home ward: floats across the team's wards
            draft.home_ward = ward_ids[(offset + index) % len(ward_ids)]
            if role is Role.PCSO and len(ward_ids) > 2 and rng.random() < 0.2:
                others = [ward for ward in ward_ids if ward != draft.home_ward]
                chosen = {draft.home_ward, *rng.sample(others, rng.randint(1, 2))}
                draft.patrol_wards = [ward for ward in ward_ids if ward in chosen]


def _assign_part_time(rng: random.Random, drafts: list[_Draft]) -> None:
    for draft in drafts:
        if draft.role is not Role.SGT and rng.random() < 0.15:
            draft.contracted_hours = rng.choice(PART_TIME_HOURS[draft.role])
            days = 3 if draft.contracted_hours <= 24 else 4
            draft.working_days = list(rng.choice(PART_TIME_PATTERNS[days]))


def _leave(rng: random.Random, week_start: date) -> Unavailability:
    """Annual leave (2-4 days), a training course (1-2 days) or a day at court."""
    reason, days = rng.choice(
        (("annual leave", (2, 4)), ("training course", (1, 2)), ("court", (1, 1)))
    )
    first = week_start + timedelta(days=rng.randrange(6))
    last = min(first + timedelta(days=rng.randint(*days) - 1), week_start + timedelta(days=6))
    if reason == "court":
        start, end = _span(first, "08:00", "18:00")
    else:
        start, end = _local(first, "00:00"), _local(last, "24:00")
    return Unavailability(start=start, end=end, reason=reason)


def _assign_leave(rng: random.Random, drafts: list[_Draft], week_start: date) -> None:
    """About 10% of the team is away for part of the week."""
    away = rng.sample(drafts, round(len(drafts) * rng.uniform(0.07, 0.13)))
    for draft in away:
        draft.unavailable.append(_leave(rng, week_start))


def _assign_skills(rng: random.Random, drafts: list[_Draft]) -> None:
    """At least two always-available Prevent-trained staff, two community languages with
    a few speakers each, and some schools and first-aid specialists."""
    always_there = [draft for draft in drafts if draft.full_time and not draft.unavailable]
    for draft in rng.sample(always_there, min(2, len(always_there))):
        draft.skills.add("prevent")
    faith = rng.choice(FAITH_LANGUAGES)
    second = rng.choice([language for language in LANGUAGES if language != faith])
    for language in (faith, second):
        for draft in rng.sample(drafts, min(len(drafts), rng.randint(2, 4))):
            draft.skills.add(language)
    odds = {"prevent": 0.05, "schools": 0.2, "first-aid-instructor": 0.05}
    for draft in drafts:
        extra = [skill for skill, chance in odds.items() if rng.random() < chance]
        if rng.random() < 0.03:
            extra.append(rng.choice(LANGUAGES))
        draft.skills.update(extra)


def _assign_carry_in(rng: random.Random, drafts: list[_Draft], week_start: date) -> None:
    """About a quarter of the full-timers worked last Sunday at the end of a run of days."""
    sunday = week_start - timedelta(days=1)
    for draft in drafts:
        if draft.full_time and rng.random() < 0.25:
            end = _local(sunday, rng.choice(("15:00", "22:00", "23:00")))
            draft.carry_in = CarryIn(last_duty_end=end, days_worked_in_a_row=rng.randint(1, 5))


def _assign_preferences(rng: random.Random, drafts: list[_Draft], week_start: date) -> None:
    for draft in drafts:
        if rng.random() >= 0.08:
            continue
        if rng.random() < 0.5:
            wish = Preference(template=rng.choice(("early", "day")), want=True, weight=2)
        else:
            day = week_start + timedelta(days=rng.randrange(7))
            wish = Preference(day=day, want=False, weight=rng.randint(1, 3))
        draft.preferences.append(wish)


def _make_staff(
    rng: random.Random, team_id: str, count: int, ward_ids: list[str], week_start: date
) -> list[Staff]:
    drafts = _draft_people(rng, team_id, count)
    _assign_wards(rng, drafts, ward_ids)
    _assign_part_time(rng, drafts)
    _assign_leave(rng, drafts, week_start)
    _assign_skills(rng, drafts)
    _assign_carry_in(rng, drafts, week_start)
    _assign_preferences(rng, drafts, week_start)
    return [draft.to_staff() for draft in drafts]


# Events ------------------------------------------------------------------------------


def can_attend(
    person: Staff,
    start: datetime,
    end: datetime,
    templates: Sequence[DutyTemplate],
    policy: Policy,
) -> bool:
    """Whether some duty the person may work that day covers start-end, clear of their
    leave, part-time pattern and last week's rest."""
    day = _local_day(start)
    if person.working_days is not None and WEEKDAYS[day.weekday()] not in person.working_days:
        return False
    for template in templates:
        if template.roles is not None and person.role not in template.roles:
            continue
        if person.role is Role.PCSO and not in_pcso_window(template, policy):
            continue
        duty_start, duty_end = _span(day, template.start, template.end)
        if not duty_start <= start < end <= duty_end:
            continue
        if any(away.start < duty_end and duty_start < away.end for away in person.unavailable):
            continue
        last_end = person.carry_in.last_duty_end
        if last_end is not None and duty_start < last_end + timedelta(hours=policy.min_rest_hours):
            continue
        return True
    return False


def _able(
    event: EngagementEvent,
    staff: Sequence[Staff],
    templates: Sequence[DutyTemplate],
    policy: Policy,
) -> list[Staff]:
    return [
        person for person in staff if can_attend(person, event.start, event.end, templates, policy)
    ]


def _enough(event: EngagementEvent, able: Sequence[Staff], margin: int) -> bool:
    """Whether `able` has `margin` more people, warranted officers and skill holders than
    the event needs."""
    warranted = sum(person.role.warranted for person in able)
    holders = [sum(skill in person.skills for person in able) for skill in event.required_skills]
    return (
        len(able) >= event.min_staff + margin
        and warranted >= event.min_warranted + margin
        and all(count >= 1 + margin for count in holders)
    )


def _event_plan(rng: random.Random, count: int, ward_count: int) -> list[EventType]:
    """Each type once (in priority order) then a weighted mix; one Prevent panel a week
    and at most one ward panel (or faith visit) per ward."""
    plan = list(EVENT_TYPES[:count])
    limits = {"distinct": ward_count}
    while len(plan) < count:
        candidates = [
            kind
            for kind in EVENT_TYPES
            if not kind.once and plan.count(kind) < limits.get(kind.ward_rule, count)
        ]
        plan.append(rng.choices(candidates, weights=[kind.weight for kind in candidates])[0])
    return plan


def _event_ward(
    rng: random.Random, kind: EventType, wards: list[Ward], used: dict[str, set[str]]
) -> Ward:
    """The event's ward, spreading each type over wards not yet given one (`used`, per
    type); `_event_plan` keeps "distinct" types within one per ward."""
    if kind.ward_rule == "town" or (kind.ward_rule == "hot" and rng.random() < 0.5):
        return wards[0]
    taken = used.setdefault(kind.key, set())
    choice = rng.choice([ward for ward in wards if ward.id not in taken] or wards)
    taken.add(choice.id)
    return choice


def _event_skill(
    rng: random.Random,
    kind: EventType,
    start: datetime,
    end: datetime,
    staff: Sequence[Staff],
    templates: Sequence[DutyTemplate],
) -> list[str]:
    """The required skill; for a language, one that somebody able to attend speaks."""
    if kind.skill != "language":
        return [kind.skill] if kind.skill else []
    policy = Policy()
    able = [person for person in staff if can_attend(person, start, end, templates, policy)]
    spoken = [lang for lang in FAITH_LANGUAGES if any(lang in person.skills for person in able)]
    known = [lang for lang in FAITH_LANGUAGES if any(lang in person.skills for person in staff)]
    return [rng.choice(spoken or known or list(FAITH_LANGUAGES))]


def _make_event(
    rng: random.Random,
    kind: EventType,
    ident: str,
    ward: Ward,
    town: str,
    week_start: date,
    staff: Sequence[Staff],
    templates: Sequence[DutyTemplate],
) -> EngagementEvent:
    day = week_start + timedelta(days=rng.choice(kind.days))
    start = _local(day, rng.choice(kind.starts))
    end = start + timedelta(minutes=rng.choice(kind.minutes))
    area = ward.name.removesuffix(" Town Centre")
    place = rng.choice(kind.places).format(ward=area, town=town, saint=rng.choice(SAINTS))
    return EngagementEvent(
        id=ident,
        name=kind.name.format(ward=ward.name),
        kind=kind.kind,
        ward=ward.id,
        place=place,
        start=start,
        end=end,
        min_staff=kind.min_staff,
        max_staff=kind.max_staff,
        min_warranted=kind.min_warranted,
        required_skills=_event_skill(rng, kind, start, end, staff, templates),
        mandatory=False,
        value=kind.value,
        public=kind.public,
    )


def _attendees(event: EngagementEvent, able: Sequence[Staff]) -> list[Staff]:
    """A few people from `able` who together meet the event's needs (greedy; `able`
    must pass `_enough`): a holder of each skill, then warranted officers, then anyone."""
    ranked = sorted(able, key=lambda person: not person.role.warranted)
    chosen: list[Staff] = []
    for skill in event.required_skills:
        if not any(skill in person.skills for person in chosen):
            chosen.append(next(person for person in ranked if skill in person.skills))
    for person in ranked:
        warranted = sum(member.role.warranted for member in chosen)
        if warranted >= event.min_warranted and len(chosen) >= event.min_staff:
            break
        if person not in chosen and (person.role.warranted or warranted >= event.min_warranted):
            chosen.append(person)
    return chosen


class _Commitments:
    """Who is set aside for which day's mandatory events.

    An event becomes mandatory only if, leaving out the people already set aside that day
    (and anyone set aside on as many days as their hours allow), more than enough eligible
    staff remain; then a few of them are set aside for it. So the mandatory events can all
    be staffed at once, by different people on each day.
    """

    def __init__(self, templates: Sequence[DutyTemplate], policy: Policy) -> None:
        self.templates = templates
        self.policy = policy
        self.days: dict[str, set[date]] = {}

    def _free(self, person: Staff, day: date) -> bool:
        days = self.days.get(person.id, set())
        return day not in days and len(days) < min(3, int(person.contracted_hours // 8) - 1)

    def take(self, event: EngagementEvent, staff: Sequence[Staff]) -> bool:
        """Set people aside for `event` and return True, or return False if too few."""
        day = _local_day(event.start)
        pool = [person for person in staff if self._free(person, day)]
        able = _able(event, pool, self.templates, self.policy)
        if not _enough(event, able, margin=1):
            return False
        for person in _attendees(event, able):
            self.days.setdefault(person.id, set()).add(day)
        return True


def _make_events(
    rng: random.Random,
    team_id: str,
    count: int,
    town: str,
    wards: list[Ward],
    staff: Sequence[Staff],
    templates: Sequence[DutyTemplate],
    week_start: date,
) -> list[EngagementEvent]:
    used: dict[str, set[str]] = {}
    commitments = _Commitments(templates, Policy())
    events = []
    for number, kind in enumerate(_event_plan(rng, count, len(wards)), start=1):
        ward = _event_ward(rng, kind, wards, used)
        ident = f"{team_id}-{kind.key}{number:02d}"
        event = _make_event(rng, kind, ident, ward, town, week_start, staff, templates)
        if kind.mandatory and commitments.take(event, staff):
            event = event.model_copy(update={"mandatory": True})
        events.append(event)
    return sorted(events, key=lambda event: (event.start, event.id))


# Public API --------------------------------------------------------------------------


def generate_team(
    seed: int,
    *,
    wards: int = 8,
    staff: int = 40,
    events: int = 15,
    week_start: date = DEFAULT_WEEK,
    team_id: str | None = None,
    ward_prefix: str = "",
) -> Scenario:
    """One realistic neighbourhood team's week, feasible under the default policy."""
    if week_start.weekday() != 0:
        raise ValueError(f"week_start {week_start} is a {week_start:%A}; give a Monday")
    if wards < 1 or staff < 1 or events < 0:
        raise ValueError("a team needs at least one ward and one staff member")
    rng = random.Random(seed)
    team_id = team_id or f"team-{seed}"
    town = _place_names(rng, 1, exclude=set())[0]
    ward_list = _make_wards(rng, town, wards, ward_prefix)
    people = _make_staff(rng, team_id, staff, [ward.id for ward in ward_list], week_start)
    templates = duty_templates()
    team = Team(
        id=team_id,
        name=f"{town} Neighbourhood Team",
        timezone=TIMEZONE,
        station=f"{town} Police Station",
    )
    return Scenario(
        # A dict, not the Team: Scenario's before-validator reads team.timezone with .get().
        team=team.model_dump(),
        week_start=week_start,
        duty_templates=templates,
        wards=_fit_minimums(ward_list, people),
        staff=people,
        events=_make_events(rng, team_id, events, town, ward_list, people, templates, week_start),
    )


@dataclass(frozen=True)
class InstanceShape:
    teams: int
    wards: int
    staff: int
    events: int


INSTANCE_SHAPES: dict[str, InstanceShape] = {
    "team": InstanceShape(teams=1, wards=8, staff=40, events=15),
    "bcu": InstanceShape(teams=10, wards=6, staff=40, events=15),
    "force": InstanceShape(teams=100, wards=6, staff=40, events=15),
}


def generate_instance(kind: Literal["team", "bcu", "force"], seed: int = 0) -> list[Scenario]:
    """A benchmark instance: a list of independent teams that share no staff."""
    if kind not in INSTANCE_SHAPES:
        raise ValueError(f"unknown instance kind {kind!r}; use one of {sorted(INSTANCE_SHAPES)}")
    shape = INSTANCE_SHAPES[kind]
    master = random.Random(seed)
    scenarios = []
    for number in range(1, shape.teams + 1):
        team_id = f"{kind}{seed}-t{number:03d}" if shape.teams > 1 else f"{kind}{seed}"
        scenarios.append(
            generate_team(
                master.randrange(2**31),
                wards=shape.wards,
                staff=shape.staff,
                events=shape.events,
                team_id=team_id,
                ward_prefix=f"{team_id}-" if shape.teams > 1 else "",
            )
        )
    return scenarios


def main(argv: Sequence[str] | None = None) -> int:
    """Write one scenario JSON file per team of a generated instance."""
    parser = argparse.ArgumentParser(prog="python -m scheduler.generate", description=main.__doc__)
    parser.add_argument("kind", choices=sorted(INSTANCE_SHAPES), help="instance size")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    args = parser.parse_args(argv)
    scenarios = generate_instance(args.kind, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for scenario in scenarios:
        target = args.out / f"{scenario.team.id}.json"
        target.write_text(scenario.model_dump_json(indent=2) + "\n", encoding="utf-8")
    wards = sum(len(scenario.wards) for scenario in scenarios)
    people = sum(len(scenario.staff) for scenario in scenarios)
    events = sum(len(scenario.events) for scenario in scenarios)
    print(
        f"wrote {len(scenarios)} team file(s) to {args.out}: "
        f"{wards} wards, {people} staff, {events} events"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
