"""The scenario: validation that names the field and the fix, surges, local time."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scheduler.scenario import (
    DutyTemplate,
    EngagementEvent,
    Scenario,
    ScenarioError,
    Team,
    absence_code,
    describe_validation_error,
    load_scenario,
    read_json,
)
from tests.support import small_team


def test_scenario_built_from_objects_needs_aware_times():
    """A naive event time given as an object (not JSON) is refused with a clear message."""
    base = small_team()
    naive = EngagementEvent(
        **{
            **base.events[0].model_dump(),
            "start": datetime(2026, 11, 24, 18, 30),
            "end": datetime(2026, 11, 24, 20, 0),
        }
    )
    with pytest.raises(ValidationError, match="without an offset"):
        small_team(team=Team(id="t", name="T"), events=[naive])


@pytest.mark.parametrize(
    ("surge", "problem"),
    [
        ({"ward": "east"}, "unknown ward 'east'"),
        ({"start": "2026-12-01T16:00", "end": "2026-12-01T22:00"}, "outside the week"),
        ({"end": "2026-11-26T15:00"}, "before it starts"),
        ({"weight": 0}, "greater than 0"),
    ],
)
def test_a_bad_surge_is_named(surge: dict, problem: str):
    """A surge in a ward the team does not have, outside the week, backwards or of no
    weight is refused, saying which."""
    good = {"ward": "south", "start": "2026-11-26T16:00", "end": "2026-11-26T22:00", "weight": 3}
    with pytest.raises(ValidationError, match=problem):
        small_team(surges=[{**good, **surge}])


def test_a_surge_across_the_october_change_counts_each_local_hour_once():
    """00:00-03:00 on 25 Oct 2026 is four real hours (01:00 happens twice); each local
    hour's demand gets the surge's weight once, as a window's weight is."""
    surge = {"ward": "south", "start": "2026-10-25T00:00", "end": "2026-10-25T03:00", "weight": 2}
    scenario = small_team(week_start="2026-10-19", events=[], surges=[surge])
    assert scenario.surge_by_local_hour == {("south", 6, hour): 2.0 for hour in (0, 1, 2)}


def _scenario_with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = small_team().model_dump(mode="json")
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(week_start="2026-11-24"),
            "scenario: week_start 2026-11-24 is a Tuesday; give the Monday",
        ),
        (
            lambda d: d["staff"][0].update(role="DC"),
            "staff.0.role: Input should be 'PC', 'SGT' or 'PCSO'",
        ),
        (
            lambda d: d["staff"][0].update(contracted_hour=40),
            "staff.0.contracted_hour: Extra inputs are not permitted",
        ),
        (
            lambda d: d["duty_templates"][0].update(start="07:20"),
            "duty_templates.0: duty template 'early' runs 07:20-15:00: duties start and end "
            "on a quarter hour (:00, :15, :30 or :45), and 07:20 is not one",
        ),
        (
            lambda d: d["wards"][1].update(id="north"),
            "scenario: two wards have the id 'north'; ids must be unique",
        ),
        (
            lambda d: d["staff"][0].update(home_ward="east"),
            "scenario: staff 'pc-ann' names unknown ward 'east'",
        ),
    ],
    ids=[
        "not-monday",
        "role",
        "misspelt-field",
        "template-off-the-quarter-hour",
        "same-id",
        "unknown-ward",
    ],
)
def test_a_bad_scenario_file_names_the_place_and_the_fix(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    """A scenario file that does not validate is refused in one line: the file, the field
    (or the whole scenario) and what to do."""
    path = tmp_path / "week.json"
    path.write_text(json.dumps(_scenario_with(change)))
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    assert str(refused.value) == f"{path}: {message}"


def test_more_problems_are_counted_after_the_first() -> None:
    """Only the first problem is told, with how many more there are."""

    def two_wrong(data: dict[str, Any]) -> None:
        data["staff"][0]["contracted_hours"] = "40"  # a number as text: refused, not read
        data["staff"][1]["role"] = "Inspector"

    with pytest.raises(ValidationError) as refused:
        Scenario.model_validate(_scenario_with(two_wrong))
    assert describe_validation_error(refused.value) == (
        "staff.0.contracted_hours: Input should be a valid number (and 1 more problem)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file; give the path of a scenario JSON file"),
        (b'{"team": ', "not valid JSON at line 1 column 10: Expecting value"),
        (
            '{"team": "Zoé"}'.encode("latin-1"),
            "not UTF-8 text (byte 12); save the scenario as UTF-8 JSON",
        ),
    ],
    ids=["missing", "not-json", "not-utf-8"],
)
def test_a_file_that_cannot_be_read_says_why(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    """A missing, broken or wrongly encoded file is a ScenarioError naming the file."""
    path = tmp_path / "week.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ScenarioError) as refused:
        read_json(path, "scenario")
    assert str(refused.value) == f"{path}: {message}"


def test_changed_policy_settings_are_checked_as_a_files_would_be() -> None:
    """`with_policy` changes settings, and refuses one a scenario file could not hold."""
    scenario = small_team()
    assert scenario.with_policy(min_rest_hours=12).policy.min_rest_hours == 12
    with pytest.raises(ValidationError, match="min_rest_hours"):
        scenario.with_policy(min_rest_hours=-1)


SAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "riverside.json").read_text()
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from([*SAMPLE, "unknown"]),
    value=JSON_VALUES,
    nested=st.sampled_from(["team", "staff", "events", "wards", "surges"]),
    part=JSON_VALUES,
)
def test_any_json_is_a_scenario_or_a_validation_error_never_a_crash(
    key: str, value: Any, nested: str, part: Any
):
    """Any JSON in any field (`{"team": 1}`, `"staff": "x"`, an event that is a list...)
    is refused by validation naming the field, never a crash of the validator."""
    data = dict(SAMPLE, **{key: value})
    if isinstance(data.get(nested), list) and data[nested]:
        data[nested] = [part, *data[nested][1:]]
    elif nested == "team" and isinstance(data.get("team"), dict):
        data["team"] = {**data["team"], "timezone": part}
    try:
        Scenario.model_validate(data)
    except ValidationError as error:
        assert describe_validation_error(error)  # one readable line
    for whole in (value, part):
        with pytest.raises(ValidationError):
            Scenario.model_validate(whole)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("\ud800", "valid string"),  # a lone surrogate, as JSON's "\ud800"
        ("Market\x00Square", "control character (U+0000"),
        ("Market\nSquare", "control character (U+000A"),
        ("   ", "is blank"),
        ("M" * 121, "at most 120 characters"),
    ],
    ids=["surrogate", "nul", "line-break", "blank", "too-long"],
)
def test_text_that_would_break_a_later_read_is_refused_naming_the_field(text: str, problem: str):
    """A ward's name is checked once, at the edge: nothing stored can break a page, an
    export or a calendar feed later."""
    wards = [{**SAMPLE["wards"][0], "name": text}, *SAMPLE["wards"][1:]]
    with pytest.raises(ValidationError) as refused:
        Scenario.model_validate({**SAMPLE, "wards": wards})
    line = describe_validation_error(refused.value)
    assert line.startswith("wards.0.name:") and problem in line, line


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ({"start": "07:10", "end": "15:10"}, "start and end on a quarter hour"),
        ({"start": "22:00", "end": "14:00"}, "if you meant 14:00-22:00, swap start and end"),
    ],
    ids=["07:10", "backwards"],
)
def test_a_template_must_be_at_quarter_hours_and_not_backwards(template: dict, problem: str):
    """07:15-16:30 is a duty; 07:10 is not, and a 22:00-14:00 'late' is 14:00-22:00 typed
    the wrong way round unless it is marked overnight."""
    with pytest.raises(ValidationError) as refused:
        DutyTemplate.model_validate({"id": "x", "name": "X", **template})
    assert problem in str(refused.value)
    quarters = DutyTemplate.model_validate(
        {"id": "x", "name": "X", "start": "07:15", "end": "16:30"}
    )
    assert quarters.clock_length_minutes == 555
    night = DutyTemplate.model_validate(
        {"id": "n", "name": "N", "start": "22:00", "end": "14:00", "overnight": True}
    )
    assert night.clock_length_minutes == 16 * 60


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ({"ward": "east"}, "unknown ward 'east'"),
        ({"ward": "north", "start": "12:00", "end": "13:00"}, "outside their Late duty"),
        ({"ward": "north", "start": "18:00"}, "needs both start and end"),
        ({"staff": "pcso-di", "template": "early", "ward": "north"}, "not one of the wards"),
        ({"template": None, "off": True, "ward": "north"}, "a ward pin is a duty pin"),
    ],
    ids=["unknown-ward", "outside-duty", "half-a-part", "not-their-ward", "off-with-ward"],
)
def test_a_ward_pin_names_a_ward_they_patrol_for_part_of_the_duty(pin: dict, problem: str):
    base = {"staff": "pc-ann", "day": "2026-11-26", "template": "late"}
    with pytest.raises(ValidationError, match=problem):
        small_team(pins=[{**base, **pin}])
    small_team(pins=[{**base, "ward": "south", "start": "18:00", "end": "20:00"}])


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("annual leave", "AL"),
        ("Public order refresher training", "TRG"),
        ("court (prosecution witness)", "CRT"),
        ("sick", "SICK"),
        ("aid", "AID"),
        ("control-room", "CTRL"),
        ("parental leave", "LV"),
        ("dentist", "ABS"),
        ("unavailable", "ABS"),
    ],
)
def test_a_reason_for_being_away_has_its_code(reason: str, code: str) -> None:
    assert absence_code(reason)[0] == code
