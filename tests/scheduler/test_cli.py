"""The library's commands (solve, replan, check, schema, generate): exit codes, readable
errors, and a checked rota on disk."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.scenario import DutyTemplate, Pin, Seat
from tests.support import FIXTURES, one_line_exit_2, sample_rota, small_team

# A solve of the sample team good enough for a test of the command (within 2%).
# Limited by work, not the clock: a loaded machine makes the solve slower, not different.
QUICK = ["--time-limit", "6", "--gap", "0.02", "--limit-by", "work"]


@pytest.mark.extra  # solves and deploys the sample team: about 13 s of the quick tier's 5 min
def test_solve_shows_the_week_and_writes_a_rota_that_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Solving the sample team shows the grid, ward coverage and events, and how its
    duties were deployed for familiar faces (its policy asks for them), and writes a rota
    that `beatplan check` passes."""
    rota_path = tmp_path / "rota.json"
    argv = ["solve", str(FIXTURES / "riverside.json"), "--out", str(rota_path)]
    assert main([*argv, *QUICK]) == 0
    out = capsys.readouterr().out
    assert "Ward coverage" in out and "Engagement events" in out and "Market Square" in out
    assert "Familiar faces: the duties deployed in blocks" in out
    assert "Contracted hours the duty templates cannot reach" not in out  # all within reach
    rota = json.loads(rota_path.read_text())
    assert rota["report"]["status"] in ("OPTIMAL", "FEASIBLE")
    assert rota["duties"]
    umask = os.umask(0)
    os.umask(umask)
    assert rota_path.stat().st_mode & 0o777 == 0o666 & ~umask  # as a plain write makes it
    assert main(["check", str(FIXTURES / "riverside.json"), str(rota_path)]) == 0
    assert "No violations" in capsys.readouterr().out


def test_infeasible_fixture_exits_2_with_explanation(capsys: pytest.CaptureFixture[str]):
    """An impossible week exits with code 2 and names the requirement in words."""
    assert main(["solve", str(FIXTURES / "riverside-infeasible.json"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no lawful rota" in err
    assert "warranted" in err
    assert "Traceback" not in err


def test_check_reports_a_broken_rota(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A rota edited to break the rest rule fails the check with exit code 1."""
    rota_path = tmp_path / "rota.json"
    rota = sample_rota().model_dump(mode="json")
    duty = rota["duties"][0]
    clone = dict(duty, activities=[])
    rota["duties"].append(clone)  # the same duty twice: overlapping, no rest at all
    rota_path.write_text(json.dumps(rota))
    assert main(["check", str(FIXTURES / "riverside.json"), str(rota_path)]) == 1
    assert "violation" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"team": {"id": "t", "name": "T"}}', "week_start"),
        ('{"team": 1}', "team: Input should be a valid dictionary"),
        ('{"team": "x", "staff": 5, "events": {"a": 1}}', "team: Input should be"),
        ("[1]", "Input should be a valid dictionary"),
        (None, "no such file"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
):
    """Broken, incomplete or missing input gives exit code 2 and one readable line."""
    path = tmp_path / "scenario.json"
    if content is not None:
        path.write_text(content)
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    return one_line_exit_2(main, argv, capsys)


def test_unreadable_files_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A folder, a Latin-1 file or a folder as --out: one line naming the file and the
    fix, before any solving. A byte-order mark (Windows' 'UTF-8 with BOM') is fine."""
    sample = str(FIXTURES / "riverside.json")
    folder = tmp_path / "a folder [v2]"  # brackets are text, not rich's style tags
    folder.mkdir()
    err = _one_line_exit_2(["check", str(folder), sample], capsys)
    assert "a folder [v2]: a folder; give the path of a scenario JSON file" in err
    err = _one_line_exit_2(["check", sample, str(folder)], capsys)
    assert "a rota JSON file" in err
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"team": "Zoé"}'.encode("latin-1"))
    assert "not UTF-8 text" in _one_line_exit_2(["solve", str(latin)], capsys)
    err = _one_line_exit_2(["solve", sample, "--out", str(folder)], capsys)
    assert "a folder; give --out a file name" in err
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "riverside.json").read_bytes())
    err = _one_line_exit_2(["check", str(bom), str(folder)], capsys)
    assert "a rota JSON file" in err  # the scenario itself was read


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
def test_out_is_written_whole_or_not_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """A write that fails half way (a full disk) leaves the rota that was there, says
    so in one line and exits 2; no temporary file is left beside it."""
    from scheduler import cli

    out = tmp_path / "rota.json"
    out.write_text('{"kept": true}')
    real_fsync = cli.os.fsync

    def full_disk(descriptor: int) -> None:
        real_fsync(descriptor)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "fsync", full_disk)
    argv = ["solve", str(FIXTURES / "riverside.json"), "--quiet", *QUICK]
    err = _one_line_exit_2([*argv, "--out", str(out)], capsys)
    assert "No space left on device" in err and "nothing was changed" in err
    assert json.loads(out.read_text()) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["rota.json"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--time-limit", "nan"), ("--gap", "nan"), ("--gap", "2"), ("--seed", "99999999999999")],
)
def test_numbers_out_of_range_are_refused(option: str, value: str):
    """nan, a gap over 100% or a seed OR-Tools cannot take: refused by the parser (2)."""
    with pytest.raises(SystemExit) as raised:
        main(["solve", str(FIXTURES / "riverside.json"), option, value])
    assert raised.value.code == 2


def _spring_event(data: dict) -> None:
    event = next(e for e in data["events"] if e.get("mandatory"))
    event |= {"start": "2026-03-29T01:30:00", "end": "2026-03-29T02:30:00"}


@pytest.mark.parametrize(
    ("fixture", "mutate", "expected"),
    [
        # 01:30-02:30 on the morning the clocks go forward lasts no time at all
        ("riverside-spring.json", _spring_event, "as it starts in real time"),
        (
            "riverside.json",
            lambda d: d["staff"][0].update(carry_in={"last_duty_end": "2027-06-01T22:00:00"}),
            "carry_in.last_duty_end (2027-06-01 22:00) is after the week",
        ),
        ("riverside.json", lambda d: d.update(policy={"min_rest_hours": 1e8}), "168"),
        ("riverside.json", lambda d: d["wards"][0]["demand"][0].update(weight=1e15), "1000"),
        ("riverside.json", lambda d: d.update(policy={"peak_multiplier": float("inf")}), "finite"),
        ("riverside.json", lambda d: d.update(week_start="0001-01-01"), "outside 2000-2099"),
        ("riverside.json", lambda d: d["wards"].append({"id": "..", "name": "Dots"}), "pattern"),
        (
            "riverside.json",
            lambda d: d["pins"].append(
                {"staff": "pcso-begum", "day": "2026-11-25", "template": "latelate"}
            ),
            "only PC, SGT may work",
        ),
        # duties start and end on a quarter hour
        (
            "riverside.json",
            lambda d: d["duty_templates"][0].update(start="07:10", end="15:10"),
            "start and end on a quarter hour",
        ),
    ],
)
def test_impossible_values_are_bad_input_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixture: str, mutate, expected: str
):
    """Values no real team has (a zero-length event across the spring change, a carry-in
    from the future, 10^8 hours' rest, infinite weights, year 1) are one line, exit 2."""
    data = json.loads((FIXTURES / fixture).read_text())
    mutate(data)
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    assert expected in _one_line_exit_2(["solve", str(path), "--quiet"], capsys)


@pytest.mark.parametrize(
    ("pin", "expected"),
    [
        (
            {"staff": "sgt-okoye", "event": "ev-panel-market"},
            "pins[0] and pins[1] both pin 'sgt-okoye' to event 'ev-panel-market'; keep one",
        ),
        (  # the market panel is on Tuesday evening
            {"staff": "sgt-okoye", "day": "2026-11-24", "off": True},
            "pins[0] and pins[1] both fix 'sgt-okoye' on 2026-11-24 (a rest day, and event "
            "'ev-panel-market'); keep one",
        ),
        (
            {"staff": "sgt-okoye", "day": "2026-11-24", "template": "late"},
            "pins[1] and pins[2] both fix 'sgt-okoye' on 2026-11-24; keep one",
        ),
    ],
    ids=["same-event", "rest-day-on-event-day", "same-day"],
)
def test_pins_that_clash_are_bad_input_not_an_impossible_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin: dict, expected: str
):
    """Two pins of one person that repeat or contradict each other (the same day, the
    same event, a rest day on the day of their event) are one line naming both and the
    fix, exit 2, before any solving (was: solved, and explained as an impossible week)."""
    data = json.loads((FIXTURES / "riverside.json").read_text())
    if "template" in pin:
        data["pins"].append({"staff": "sgt-okoye", "day": "2026-11-24", "template": "early"})
    data["pins"].append(pin)
    path = tmp_path / "clash.json"
    path.write_text(json.dumps(data))
    assert expected in _one_line_exit_2(["solve", str(path), "--quiet"], capsys)


def test_wrong_field_names_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A bad role value is reported with its place in the file."""
    data = json.loads((FIXTURES / "riverside.json").read_text())
    data["staff"][2]["role"] = "Inspector"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["solve", str(path)]) == 2
    assert "staff.2.role" in capsys.readouterr().err


def test_a_solve_out_of_time_names_the_option(capsys: pytest.CaptureFixture[str]):
    """The command line's advice when nothing is found in time names its option."""
    argv = ["solve", str(FIXTURES / "riverside.json"), "--quiet", "--time-limit", "0.001"]
    assert main(argv) == 1
    assert "more time (--time-limit)" in capsys.readouterr().err


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]):
    """A negative time limit is refused by the argument parser with code 2."""
    with pytest.raises(SystemExit) as raised:
        main(["solve", str(FIXTURES / "riverside.json"), "--time-limit", "-3"])
    assert raised.value.code == 2


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]):
    """`beatplan schema` prints a JSON Schema naming the scenario's parts."""
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"team", "week_start", "staff", "wards", "events"} <= set(schema["properties"])


def test_schema_examples_validate(capsys: pytest.CaptureFixture[str]):
    """The schema shows seats, ward pins and overnight templates by example, and every
    example it shows is one the scenario's own models accept."""
    assert main(["schema"]) == 0
    definitions = json.loads(capsys.readouterr().out)["$defs"]
    examples = {
        model: definitions[model.__name__]["examples"] for model in (DutyTemplate, Pin, Seat)
    }
    for model, shown in examples.items():
        for example in shown:
            model.model_validate(example)
    assert any(example.get("overnight") for example in examples[DutyTemplate])
    assert any("ward" in example for example in examples[Pin])
    assert any(example.get("skills") and example.get("roles") for example in examples[Seat])


@pytest.mark.extra  # repairs the sample team (its deployment in blocks): about 9 s
def test_replan_sample_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """`beatplan replan` repairs a solved week with the sample changes: it lists the
    changed duties with notice and compensation, checks the result, and writes it."""
    monkeypatch.setenv("COLUMNS", "240")  # rich wraps table cells at the default 80
    rota = tmp_path / "rota.json"
    rota.write_text(sample_rota().model_dump_json())
    capsys.readouterr()
    repair = tmp_path / "repair.json"
    changes = FIXTURES / "riverside-replan.json"
    arguments = ["replan", str(FIXTURES / "riverside.json"), str(rota), str(changes)]
    by_work = ["--time-limit", "1", "--limit-by", "work"]  # a loaded machine: slower, not worse
    assert main([*arguments, "--out", str(repair), *by_work]) == 0
    out = capsys.readouterr().out
    assert "Changed duties" in out and "every hard rule holds" in out
    written = json.loads(repair.read_text())
    published = json.loads(rota.read_text())
    for absence in json.loads(changes.read_text())["changes"]:
        if absence["kind"] != "absence":
            continue
        begins, ends = (datetime.fromisoformat(absence[k]) for k in ("start", "end"))
        planned = [
            d
            for d in published["duties"]
            if d["staff"] == absence["staff"]
            and datetime.fromisoformat(d["start"]) < ends
            and datetime.fromisoformat(d["end"]) > begins
        ]
        kept = [d for d in written["rota"]["duties"] if d in planned]
        assert not kept, kept  # the absent person's overlapping duties are gone ...
        stood_down = {
            (c["staff"], c["day"]) for c in written["changes"] if c["change"] == "stood down"
        }
        assert {(d["staff"], d["day"]) for d in planned} <= stood_down  # ... and listed
    staffed = {e["event"]: e["staffed"] for e in written["rota"]["events"]}
    assert staffed["ev-reassurance-northfield"]
    # The new meeting's attendees are listed as joining it.
    attendees = next(
        e["attendees"]
        for e in written["rota"]["events"]
        if e["event"] == "ev-reassurance-northfield"
    )
    joined = {
        c["staff"]
        for c in written["attendance"]
        if (c["event"], c["change"]) == ("ev-reassurance-northfield", "joined")
    }
    assert joined == set(attendees)
    assert "Changed event attendance" in out and "Reassurance" in out
    # The tables speak in names and local times, as the pages do, not in ids.
    scenario = json.loads((FIXTURES / "riverside.json").read_text())
    names = {person["id"]: person["name"] for person in scenario["staff"]}
    for change in written["changes"] + written["attendance"]:
        assert names[change["staff"]] in out, change
        assert change["staff"] not in out, change
    assert "Northfield" in out  # the new meeting's ward, by name (joiners are listed)
    for ward in scenario["wards"]:
        assert ward["id"] not in out, ward


def test_replan_bad_changes_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A change file naming an unknown category is one line, exit 2."""
    changes = tmp_path / "changes.json"
    changes.write_text(
        '{"now": "2026-11-24T12:00:00Z", "changes": [{"kind": "absence", "staff": "pc-walsh",'
        ' "start": "2026-11-25T00:00:00Z", "end": "2026-11-26T00:00:00Z", "category": "golf"}]}'
    )
    rota = tmp_path / "never-read.json"  # the changes are read, and refused, first
    code = main(["replan", str(FIXTURES / "riverside.json"), str(rota), str(changes)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("beatplan: error:") and "category" in err
    assert len(err.strip().splitlines()) == 1


def test_replan_refuses_a_rota_or_changes_that_do_not_fit_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Another team's rota, a pin naming nobody, or an event without an offset: one
    line, exit 2 (they were a silent relabel, a three-line pydantic dump, a traceback)."""
    sample = str(FIXTURES / "riverside.json")
    rota = tmp_path / "rota.json"
    rota.write_text(json.dumps({"team": "other", "week_start": "2026-11-23", "duties": []}))
    changes = tmp_path / "changes.json"
    absence = {
        "kind": "absence",
        "staff": "pc-walsh",
        "start": "2026-11-25T00:00:00Z",
        "end": "2026-11-26T00:00:00Z",
        "category": "sick",
    }
    changes.write_text(json.dumps({"now": "2026-11-24T12:00:00Z", "changes": [absence]}))
    err = _one_line_exit_2(["replan", sample, str(rota), str(changes)], capsys)
    assert "team 'other'" in err and "team 'riverside'" in err

    rota.write_text(json.dumps({"team": "riverside", "week_start": "2026-11-23", "duties": []}))
    pin = {"kind": "pin", "pin": {"staff": "nobody", "day": "2026-11-26", "off": True}}
    changes.write_text(json.dumps({"now": "2026-11-24T12:00:00Z", "changes": [pin]}))
    err = _one_line_exit_2(["replan", sample, str(rota), str(changes)], capsys)
    assert "nobody" in err and "pydantic" not in err

    event = json.loads((FIXTURES / "riverside-replan.json").read_text())["changes"][2]
    event["event"] |= {"start": "2026-11-26T18:00:00", "end": "2026-11-26T19:00:00"}
    changes.write_text(json.dumps({"now": "2026-11-24T12:00:00Z", "changes": [event]}))
    err = _one_line_exit_2(["replan", sample, str(rota), str(changes)], capsys)
    assert "has no offset" in err


def test_a_hint_of_another_week_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """--hint warm-starts from a rota of the same team-week; another's is bad input."""
    hint = tmp_path / "hint.json"
    hint.write_text(json.dumps({"team": "riverside", "week_start": "2026-11-30", "duties": []}))
    argv = ["solve", str(FIXTURES / "riverside.json"), "--hint", str(hint)]
    assert "week 2026-11-30" in _one_line_exit_2(argv, capsys)


def test_replan_impossible_is_explained_in_local_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A repair nobody can meet (a mandatory meeting needing a skill no one has) exits 2,
    says from when in the team's local time whatever offset `now` was given in, and
    names the meeting."""
    rota = tmp_path / "rota.json"
    rota.write_text(sample_rota().model_dump_json())
    capsys.readouterr()
    meeting = {
        "id": "ev-impossible",
        "name": "Meeting nobody can staff",
        "kind": "community-meeting",
        "ward": "northfield",
        "place": "Northfield community centre",
        "start": "2026-11-26T18:00:00Z",
        "end": "2026-11-26T19:00:00Z",
        "required_skills": ["no-such-skill"],
        "mandatory": True,
    }
    changes = tmp_path / "changes.json"
    changes.write_text(
        json.dumps(
            {"now": "2026-11-24T17:00:00+05:00", "changes": [{"kind": "event", "event": meeting}]}
        )
    )
    code = main(["replan", str(FIXTURES / "riverside.json"), str(rota), str(changes)])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot be repaired from Tue 24 Nov 12:00" in err, err
    assert "Meeting nobody can staff" in err, err


def test_generate_that_cannot_write_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "team0.json").mkdir()  # where the team's file would go
    assert "cannot write it" in _one_line_exit_2(
        ["generate", "team", "--out", str(tmp_path)], capsys
    )


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
def test_solve_names_contracted_hours_the_templates_cannot_reach(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A 37 h PCSO with only 8 h templates gets at most 32 h: the terminal says so, by
    name, with the fix."""
    path = tmp_path / "team.json"
    path.write_text(small_team().model_dump_json())
    assert main(["solve", str(path), *QUICK]) == 0
    out = capsys.readouterr().out
    assert "Contracted hours the duty templates cannot reach" in out
    assert "Cy Adeyemi: at most 32 h of a 37 h contract" in out
    assert "add a template of another length" in out
