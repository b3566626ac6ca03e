"""Contracted hours the duty templates cannot reach, told to the sergeant before a solve."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from scheduler.model.duties import duty_options
from scheduler.scenario import CarryIn, Scenario


@dataclass(frozen=True)
class ContractShortfall:
    """Someone the duty templates cannot give their contracted hours in a full week."""

    staff: str
    name: str
    contracted_hours: float
    most_hours: float  # the most any week of these templates can give them


def contract_shortfalls(scenario: Scenario) -> list[ContractShortfall]:
    """Staff whose contracted hours no choice of the team's duty templates reaches: e.g. a
    PCSO on 37 h with only 8 h templates gets at most 32 h (five would be 40), so 5 h a
    week of their time is never rostered. Their `duty_options` with no leave, pins or
    carry-in, one a day, up to the rest-day limit and the contract; every other rule is
    ignored. An optimistic bound, so any shortfall found is real."""
    policy = scenario.policy
    unpinned = scenario.model_copy(update={"pins": []})
    found = []
    for person in scenario.staff:
        cap = round(min(policy.max_weekly_hours, person.contracted_hours) * 60)
        free = person.model_copy(update={"unavailable": [], "carry_in": CarryIn()})
        lengths_by_day: dict[date, set[int]] = defaultdict(set)
        for option in duty_options(unpinned, free):
            lengths_by_day[option.day].add(option.minutes)
        # (days worked, minutes) reachable: one duty or none a day, up to the rest-day limit
        reachable = {(0, 0)}
        for lengths in lengths_by_day.values():
            reachable |= {
                (worked + 1, minutes + length)
                for worked, minutes in reachable
                for length in lengths
                if worked < 7 - policy.min_rest_days and minutes + length <= cap
            }
        most = max(minutes for _, minutes in reachable)
        if cap - most >= 60:  # an hour or more a week
            found.append(
                ContractShortfall(person.id, person.name, person.contracted_hours, most / 60)
            )
    return found


def describe_shortfalls(shortfalls: list[ContractShortfall]) -> list[str]:
    """Sentences for a sergeant, one per contract and reachable hours, then the fix."""
    if not shortfalls:
        return []
    groups: dict[tuple[float, float], list[str]] = defaultdict(list)
    for item in shortfalls:
        groups[item.contracted_hours, item.most_hours].append(item.name)
    lines = [
        f"{', '.join(names)}: at most {most:g} h of a {contracted:g} h contract "
        f"({(contracted - most) * len(names):g} h a week out of the rota's reach)."
        for (contracted, most), names in sorted(groups.items(), key=lambda g: -len(g[1]))
    ]
    lines.append(
        "No week of these duty templates reaches their contracted hours (one duty a day, "
        "rest days kept): add a template of another length for them, or plan those hours "
        "outside the rota."
    )
    return lines
