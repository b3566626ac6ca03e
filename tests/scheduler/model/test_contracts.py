"""Contracted hours the duty templates cannot reach are found and told."""

from __future__ import annotations

from scheduler.model import contract_shortfalls, describe_shortfalls
from tests.support import small_team, solve_checked


def test_contracted_hours_the_templates_cannot_reach():
    """8 h templates leave a 37 h PCSO at most 32 h and a three-day 24 h PCSO their 24 h;
    the solver's rota never gives more than the bound; a 5 h template closes the gap."""
    scenario = small_team()
    found = {item.staff: item for item in contract_shortfalls(scenario)}
    assert set(found) == {"pcso-cy"}, found
    assert (found["pcso-cy"].contracted_hours, found["pcso-cy"].most_hours) == (37, 32)
    sentences = describe_shortfalls(list(found.values()))
    assert "Cy Adeyemi: at most 32 h of a 37 h contract (5 h a week" in sentences[0]
    assert "add a template of another length" in sentences[-1]
    rota = solve_checked(scenario)
    assert sum(d.hours for d in rota.duties_of("pcso-cy")) <= 32
    templates = [t.model_dump() for t in scenario.duty_templates]
    short = {"id": "short", "name": "Short", "start": "09:00", "end": "14:00"}
    assert contract_shortfalls(small_team(duty_templates=[*templates, short])) == []
    assert describe_shortfalls([]) == []
