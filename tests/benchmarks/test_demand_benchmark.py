"""The demand benchmark's pieces: the generated force's records and their building, the
presence score, and (extra tier) a short run of the whole section."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from benchmarks import demand as bench
from benchmarks.document import DEMAND
from scheduler.rota import Activity, Duty, Rota
from scheduler.scenario import HotSpot, load_scenario


def test_a_generated_force_builds_with_every_record_counted(tmp_path: Path):
    csv_path, shapes, ids = bench.write_force(tmp_path, teams=2, rows=3000)
    assert len(ids) == 12 and len(set(ids)) == 12
    build = bench.build_once(csv_path, shapes, ids)
    rows = csv_path.read_text().count("\n") - 1
    assert build.records == rows and 2700 <= rows <= 3300
    assert build.outside <= rows // 100  # the wards tile the force: nearly all fall in one
    assert 1 <= build.spots <= 3 * len(ids)
    assert min(build.boundaries, build.read, build.demand, build.hot_spots) >= 0


def test_presence_counts_patrol_hours_in_a_hot_spots_ward_in_its_peak_hours_only():
    scenario = load_scenario(bench.SAMPLE)
    monday = datetime.combine(scenario.week_start, datetime.min.time(), scenario.zone)
    spot = HotSpot(
        id="ms-1",
        name="x",
        longitude=0.0,
        latitude=51.0,
        records=9,
        harm_share=0.5,
        peak_hours=[9, 10, 11],  # Monday 09:00-12:00
    )

    def patrol(ward: str, start: float, end: float) -> Activity:
        return Activity(
            kind="patrol",
            ward=ward,
            start=monday + timedelta(hours=start),
            end=monday + timedelta(hours=end),
        )

    duty = Duty(
        staff="pc-walsh",
        day=scenario.week_start,
        template="early",
        start=monday + timedelta(hours=7),
        end=monday + timedelta(hours=15),
        # 10:30-12:00 in the ward (1.5 h of its peak), the rest elsewhere or outside it
        activities=[
            patrol("st-marks", 7, 10),
            patrol("market-square", 10.5, 14),
        ],
    )
    rota = Rota(team="riverside", week_start=scenario.week_start, duties=[duty])
    weighted, covered = bench.presence(scenario, {"market-square": [spot]}, rota)
    assert weighted == pytest.approx(1.5)
    assert covered == pytest.approx(2 / 3)  # 10:00-11:00 (half) and 11:00-12:00 of three


@pytest.mark.extra  # solves the sample week twice (20 s) and builds 20,000 records
def test_the_short_run_writes_its_section():
    lines = bench.report(short=True)
    assert lines[0] == DEMAND + " from data"
    rows = [line for line in lines if line.startswith(("| hand-typed", "| demand from"))]
    assert len(rows) == 2
    assert any(line.startswith("Harm-weighted presence at hot spots") for line in lines)
