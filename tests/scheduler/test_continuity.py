"""Familiar faces (`policy.continuity`): the plan of duties deployed in blocks keeps every
continuity rule, the checker finds each one broken, and an impossible panel names why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import Rota, Scenario, check, solve
from scheduler.codes import RuleCode, SolveStatus
from scheduler.replan import Absence
from scheduler.rota import Activity
from scheduler.scenario import Continuity
from tests.support import RULE_TEST, lawful_repair, small_team

FACES = replace(RULE_TEST, faces_time=3)  # units of work: about 8 s on a quiet machine
_CONTINUITY = {"block_length", "wards_per_duty", "own_ward_share", "own_officers"}


def panel_team() -> dict[str, Any]:
    """The small team, its North panel a ward panel (which meets its own officers)."""
    data = small_team().model_dump(mode="json")
    data["events"][0]["kind"] = "ward-panel"
    return data


def with_continuity(**policy: Any) -> Scenario:
    return Scenario.model_validate(panel_team() | {"policy": {"continuity": policy}})


def own_share(scenario: Scenario, rota: Rota, staff_id: str) -> float:
    person = next(p for p in scenario.staff if p.id == staff_id)
    minutes: dict[str, float] = defaultdict(float)
    for duty in rota.duties_of(staff_id):
        for activity in duty.activities:
            if activity.kind == "patrol":
                minutes[activity.ward] += activity.hours
    total = sum(minutes.values())
    return minutes[person.home_ward or ""] / total if total else 1.0


@pytest.fixture(scope="module")
def deployed() -> tuple[Scenario, Rota]:
    scenario = with_continuity(max_wards_per_duty=1, min_block_minutes=180)
    result = solve(scenario, FACES)
    assert result.rota is not None, result.report.explanation
    return scenario, result.rota


def test_a_deployed_rota_keeps_every_continuity_rule(deployed: tuple[Scenario, Rota]) -> None:
    scenario, rota = deployed
    continuity = scenario.policy.continuity
    assert continuity is not None
    assert rota.report is not None and rota.report.faces is not None
    assert rota.report.faces.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert check(scenario, rota) == []
    for duty in rota.duties:  # one ward a duty, as asked
        assert len({a.ward for a in duty.activities}) <= continuity.max_wards_per_duty
    for person in scenario.staff:  # dedicated officers at least 80% at home
        if person.home_ward is not None and rota.duties_of(person.id):
            assert own_share(scenario, rota, person.id) >= continuity.own_ward_share - 1e-6
    panel = next(line for line in rota.events if line.event == "panel")
    assert "pc-ann" in panel.attendees, "the North panel meets North's own officer"
    wards = {event.id: event.ward for event in scenario.events}
    for line in rota.events:  # an attendee stays in the event's ward: one they patrol
        for staff_id in line.attendees:
            person = next(p for p in scenario.staff if p.id == staff_id)
            assert person.patrol_wards is None or wards[line.event] in person.patrol_wards
    # The price is reported per ward against the plan for presence alone.
    for ward in rota.wards:
        assert ward.presence_without_continuity is not None
    assert sum(w.presence_without_continuity or 0 for w in rota.wards) > 0


def test_blocks_of_two_wards_last_the_minimum() -> None:
    scenario = with_continuity(max_wards_per_duty=2, min_block_minutes=120, own_ward_share=0)
    result = solve(scenario, FACES)
    assert result.rota is not None, result.report.explanation
    assert check(scenario, result.rota) == []
    for duty in result.rota.duties:
        pieces = [(ward, end - start) for ward, start, end in _runs(duty.activities)]
        assert len({ward for ward, _ in pieces}) <= 2
        if len(pieces) > 1:
            assert all(length >= timedelta(hours=2) for _, length in pieces), pieces


def _runs(activities: list[Activity]) -> list[tuple[str, Any, Any]]:
    found: list[tuple[str, Any, Any]] = []
    for a in sorted(activities, key=lambda a: a.start):
        if found and found[-1][0] == a.ward:
            found[-1] = (a.ward, found[-1][1], a.end)
        else:
            found.append((a.ward, a.start, a.end))
    return found


def test_a_panel_whose_ward_officer_is_away_names_why() -> None:
    """North's only dedicated officer is on leave on the panel's day: as a rule, the week
    is impossible and says so by name; as a goal, the panel is staffed by someone else."""
    data = panel_team()
    for person in data["staff"]:
        if person["id"] == "pc-ann":
            person["unavailable"] = [
                {"start": "2026-11-24T00:00", "end": "2026-11-25T00:00", "reason": "leave"}
            ]
    data["policy"] = {"continuity": {}}
    result = solve(Scenario.model_validate(data), FACES)
    assert result.rota is None and result.report.status == SolveStatus.INFEASIBLE
    words = " ".join(result.report.explanation)
    assert "North ward panel" in words and "Ann Shah" in words and "leave" in words, words

    data["policy"] = {"continuity": {"hard": False}}
    soft = Scenario.model_validate(data)
    result = solve(soft, FACES)
    assert result.rota is not None, result.report.explanation
    assert check(soft, result.rota) == []
    panel = next(line for line in result.rota.events if line.event == "panel")
    assert panel.attendees and "pc-ann" not in panel.attendees


def test_the_checker_finds_each_continuity_rule_broken(deployed: tuple[Scenario, Rota]) -> None:
    """A deployed duty rewritten to hop between wards hourly breaks block_length,
    wards_per_duty and, for a dedicated officer, own_ward_share; a panel without its
    ward's officer breaks own_officers. As goals, the last two are not rules."""
    scenario, rota = deployed
    duty = next(d for d in rota.duties if d.staff == "pcso-cy" and len(d.activities) == 1)
    hours = int((duty.end - duty.start).total_seconds() // 3600)
    hopping = [
        Activity(
            kind="patrol",
            ward="north" if hour % 2 else "south",
            start=duty.start + timedelta(hours=hour),
            end=min(duty.end, duty.start + timedelta(hours=hour + 1)),
        )
        for hour in range(hours)
    ]
    hopping[-1] = hopping[-1].model_copy(update={"end": duty.end})
    away = [a.model_copy(update={"ward": "north"}) for a in duty.activities]
    for changed, expected in (
        (hopping, {RuleCode.BLOCK_LENGTH, RuleCode.WARDS_PER_DUTY}),
        (away, {RuleCode.OWN_WARD_SHARE}),
    ):
        broken = rota.model_copy(
            update={
                "duties": [
                    d.model_copy(update={"activities": changed}) if d is duty else d
                    for d in rota.duties
                ]
            }
        )
        found = {v.rule for v in check(scenario, broken) if v.rule.value in _CONTINUITY}
        assert expected <= found, found
    # The North panel's ward officer replaced: Bo (no home ward) in Ann's place.
    elsewhere = scenario.model_copy(
        update={
            "staff": [
                p.model_copy(update={"home_ward": "north"})
                if p.id == "sgt-bo"
                else p.model_copy(update={"home_ward": None})
                if p.id == "pc-ann"
                else p
                for p in scenario.staff
            ]
        }
    )
    attended = {a for line in rota.events if line.event == "panel" for a in line.attendees}
    codes = {v.rule for v in check(elsewhere, rota)}
    assert (RuleCode.OWN_OFFICERS in codes) == ("sgt-bo" not in attended)
    soft = elsewhere.with_policy(continuity=Continuity(hard=False, max_wards_per_duty=1))
    assert not {RuleCode.OWN_OFFICERS, RuleCode.OWN_WARD_SHARE} & {
        v.rule for v in check(soft, rota)
    }


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    wards=st.integers(1, 3),
    block=st.sampled_from([60, 120, 180, 240]),
    share=st.sampled_from([0.0, 0.5, 0.8, 1.0]),
    hard=st.booleans(),
    panel_officer_away=st.booleans(),
)
def test_every_solved_rota_meets_the_policy_or_says_why(
    wards: int, block: int, share: float, hard: bool, panel_officer_away: bool
) -> None:
    data = panel_team()
    if panel_officer_away:
        ann = next(p for p in data["staff"] if p["id"] == "pc-ann")
        ann["unavailable"] = [{"start": "2026-11-24T12:00", "end": "2026-11-25T00:00"}]
    data["policy"] = {
        "continuity": {
            "max_wards_per_duty": wards,
            "min_block_minutes": block,
            "own_ward_share": share,
            "hard": hard,
        }
    }
    scenario = Scenario.model_validate(data)
    result = solve(scenario, FACES)
    if result.rota is None:
        assert result.report.explanation, "no rota, and no reason"
        return
    violations = check(scenario, result.rota)
    faces = result.rota.report.faces if result.rota.report else None
    assert faces is not None
    if violations:  # only continuity can break, and only with the reasons given
        assert {v.rule.value for v in violations} <= _CONTINUITY, violations
        assert faces.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN)
        assert faces.explanation
    else:
        assert faces.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) or faces.explanation


def test_a_repair_deploys_the_repaired_duties_in_blocks(deployed: tuple[Scenario, Rota]) -> None:
    """Someone sick from Wednesday: the repair keeps the past as published and deploys
    what follows under the same continuity policy; the checker passes (`lawful_repair`:
    but for an own-ward share the past alone had already left short)."""
    from datetime import UTC, datetime

    from scheduler.replan import Absence

    scenario, rota = deployed
    now = datetime(2026, 11, 25, 6, tzinfo=UTC)
    sick = next(d.staff for d in rota.duties if d.day.isoformat() == "2026-11-25")
    absence = Absence(
        staff=sick,
        start=now,
        end=datetime(2026, 11, 27, tzinfo=UTC),
        category="sick",
    )
    repair = lawful_repair(scenario, rota, now, absence, time_limit=3)
    faces = repair.rota.report.faces if repair.rota.report else None
    assert faces is not None and faces.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert not [d for d in repair.rota.duties_of(sick) if now <= d.start < absence.end]


def test_a_duty_cut_short_may_end_in_a_short_run_and_no_other_may(
    deployed: tuple[Scenario, Rota],
) -> None:
    """A repaired duty whose person became unavailable ends early; its last run in a ward
    may then be shorter than a block. The same duty ending there without that reason
    breaks its template, and a short run in the middle of a duty is short all the same."""
    scenario, rota = deployed
    scenario = scenario.with_policy(continuity=Continuity(max_wards_per_duty=2))
    duty = next(
        d for d in rota.duties if d.staff == "pcso-cy" and d.end - d.start >= timedelta(hours=6)
    )
    cut = duty.start + timedelta(hours=3)

    def patrol(ward: str, hours: tuple[float, float]) -> Activity:
        start, end = (duty.start + timedelta(hours=h) for h in hours)
        return Activity(kind="patrol", ward=ward, start=start, end=end)

    def with_duty(activities: list[Activity], end: Any) -> Rota:
        changed = duty.model_copy(update={"activities": activities, "end": end})
        return rota.model_copy(
            update={"duties": [changed if d is duty else d for d in rota.duties]}
        )

    data = scenario.model_dump(mode="json")
    for person in data["staff"]:
        if person["id"] == "pcso-cy":
            person["unavailable"] = [
                {"start": cut.isoformat(), "end": (cut + timedelta(days=1)).isoformat()}
            ]
    sent_home = Scenario.model_validate(data)
    short_last = with_duty([patrol("south", (0, 2)), patrol("north", (2, 3))], cut)
    rules = {v.rule for v in check(sent_home, short_last) if v.staff == "pcso-cy"}
    assert RuleCode.BLOCK_LENGTH not in rules and RuleCode.TEMPLATE not in rules, rules
    rules = {v.rule for v in check(scenario, short_last) if v.staff == "pcso-cy"}
    assert {RuleCode.BLOCK_LENGTH, RuleCode.TEMPLATE} <= rules
    short_middle = with_duty(
        [patrol("south", (0, 2)), patrol("north", (2, 2.5)), patrol("south", (2.5, 3))], cut
    )
    rules = {v.rule for v in check(sent_home, short_middle) if v.staff == "pcso-cy"}
    assert RuleCode.BLOCK_LENGTH in rules


def test_a_repair_of_a_duty_under_way_keeps_the_familiar_faces(
    deployed: tuple[Scenario, Rota],
) -> None:
    """Someone sent home in the middle of a slot of their duty: the repair, deployed in
    blocks from then on with the published week as history, passes the checker (a duty
    under way may move ward at `now` only when another rule needs it)."""
    scenario, rota = deployed
    duty = next(
        d
        for d in sorted(rota.duties, key=lambda d: d.start)
        if d.end - d.start >= timedelta(hours=6)
    )
    now = duty.start + timedelta(hours=2, minutes=10)
    sick = Absence(staff=duty.staff, start=now, end=now + timedelta(days=1), category="sick")
    repair = lawful_repair(scenario, rota, now, sick)
    assert repair.rota.report is not None and repair.rota.report.faces is not None
    assert repair.rota.report.faces.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    [cut] = [d for d in repair.rota.duties if (d.staff, d.day) == (duty.staff, duty.day)]
    assert cut.end == now


@pytest.mark.parametrize("hours_away", [4, 10], ids=["made-up-later", "past-too-far-away"])
def test_a_repair_makes_up_a_past_short_of_the_own_ward_share_as_far_as_it_can(
    deployed: tuple[Scenario, Rota], hours_away: int
) -> None:
    """A dedicated officer published away from their own ward early in the week (the
    rest of the week at home made up the share, or not), and a repair from Wednesday: the
    days left keep the share, and the week meets it wherever they can make the past up.
    Where they cannot, the deployment still stands and the checker names the week's
    share, short by no more than the past alone is short."""
    from datetime import UTC, datetime

    scenario, rota = deployed
    scenario = scenario.with_policy(continuity=Continuity(max_wards_per_duty=2))
    officer = next(p for p in scenario.staff if p.id == "pc-ann")
    now = datetime(2026, 11, 25, 6, tzinfo=UTC)
    left = timedelta(hours=hours_away)  # from the start of each of their duties before now
    duties = []
    for duty in sorted(rota.duties, key=lambda d: d.start):
        if duty.staff == officer.id and duty.end <= now and left:
            first, *rest = duty.activities
            split = min(first.end, first.start + left)
            left -= split - first.start
            moved = [first.model_copy(update={"ward": "south", "end": split})]
            if split < first.end:
                moved.append(first.model_copy(update={"start": split}))
            duty = duty.model_copy(update={"activities": moved + rest})
        duties.append(duty)
    assert not left
    published = rota.model_copy(update={"duties": duties})
    assert [v for v in check(scenario, published) if v.rule != RuleCode.OWN_WARD_SHARE] == []
    before = published.model_copy(update={"duties": [d for d in duties if d.end <= now]})
    assert own_share(scenario, before, officer.id) < 0.8  # the past short on its own
    sick = next(d.staff for d in rota.duties if d.day == now.date() and d.staff != officer.id)
    absence = Absence(staff=sick, start=now, end=now + timedelta(days=1), category="sick")
    repair = lawful_repair(scenario, published, now, absence)  # excuses only the past's
    assert repair.rota.report is not None and repair.rota.report.faces is not None
    assert repair.rota.report.faces.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    ahead = repair.rota.model_copy(
        update={"duties": [d for d in repair.rota.duties if d.start >= now]}
    )
    assert own_share(scenario, ahead, officer.id) >= 0.8 - 1e-9
    week = own_share(scenario, repair.rota, officer.id)
    short = week < 0.8 - 1e-9
    assert not short or own_share(scenario, ahead, officer.id) == 1.0, week
    broken = {v.rule for v in check(scenario, repair.rota) if v.staff == officer.id}
    assert (RuleCode.OWN_WARD_SHARE in broken) == short
    assert short == (hours_away == 10)  # 4 h away is made up by the days at home after
