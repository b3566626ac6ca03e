"""The `beatplan` command: exit codes, readable errors, and a checked rota on disk."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from support import FIXTURES

from scheduler.cli import main


def test_solve_sample_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Solving the sample team writes a rota that `beatplan check` passes."""
    rota_path = tmp_path / "rota.json"
    assert (
        main(["solve", str(FIXTURES / "riverside.json"), "--quiet", "--out", str(rota_path)]) == 0
    )
    rota = json.loads(rota_path.read_text())
    assert rota["report"]["status"] in ("OPTIMAL", "FEASIBLE")
    assert rota["duties"]
    capsys.readouterr()
    assert main(["check", str(FIXTURES / "riverside.json"), str(rota_path)]) == 0
    assert "No violations" in capsys.readouterr().out


def test_solve_prints_rota_and_coverage(capsys: pytest.CaptureFixture[str]):
    """Without --quiet the terminal shows the grid, ward coverage and events."""
    assert main(["solve", str(FIXTURES / "riverside.json")]) == 0
    out = capsys.readouterr().out
    assert "Ward coverage" in out and "Engagement events" in out and "Market Square" in out
    # The sample's 37 h PCSOs have only 8 h templates: the terminal says so, by name.
    assert "Contracted hours the duty templates cannot reach" in out
    assert "Rukhsana Begum" in out and "at most 32 h of a 37 h contract" in out


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
    assert (
        main(["solve", str(FIXTURES / "riverside.json"), "--quiet", "--out", str(rota_path)]) == 0
    )
    rota = json.loads(rota_path.read_text())
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


def test_wrong_field_names_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A bad role value is reported with its place in the file."""
    data = json.loads((FIXTURES / "riverside.json").read_text())
    data["staff"][2]["role"] = "Inspector"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["solve", str(path)]) == 2
    assert "staff.2.role" in capsys.readouterr().err


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


def test_replan_sample_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """`beatplan replan` repairs a solved week with the sample changes: it lists the
    changed duties with notice and compensation, checks the result, and writes it."""
    monkeypatch.setenv("COLUMNS", "240")  # rich wraps table cells at the default 80
    rota = tmp_path / "rota.json"
    assert main(["solve", str(FIXTURES / "riverside.json"), "--quiet", "--out", str(rota)]) == 0
    capsys.readouterr()
    repair = tmp_path / "repair.json"
    changes = FIXTURES / "riverside-replan.json"
    arguments = ["replan", str(FIXTURES / "riverside.json"), str(rota), str(changes)]
    assert main([*arguments, "--out", str(repair)]) == 0
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
    assert "Walsh" in out and "Northfield" in out
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


def test_replan_impossible_is_explained_in_local_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A repair nobody can meet (a mandatory meeting needing a skill no one has) exits 2,
    says from when in the team's local time whatever offset `now` was given in, and
    names the meeting."""
    rota = tmp_path / "rota.json"
    assert main(["solve", str(FIXTURES / "riverside.json"), "--quiet", "--out", str(rota)]) == 0
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
