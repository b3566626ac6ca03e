"""The benchmark command runs (short mode) and writes every table, so it cannot rot."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import main


def test_short_benchmark_writes_tables(tmp_path: Path):
    """`python -m benchmarks.run --short` writes both tables, machine and date, no violations."""
    out = tmp_path / "benchmarks.md"
    assert main(["--short", "--out", str(out)]) == 0
    text = out.read_text()
    assert "## Single teams" in text and "## BCU" in text
    assert "Machine:" in text and "UTC" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    data_rows = [
        row for row in rows if not row.startswith("| instance") and not row.startswith("| team |")
    ]
    assert len(data_rows) >= 4
    assert all(row.rstrip(" |").endswith("| 0") for row in data_rows), (
        "every rota passes the checker"
    )


def test_short_service_benchmark_appends_its_section(tmp_path: Path):
    """`python -m benchmarks.api --short` measures a real server and keeps other sections."""
    from benchmarks import api

    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nsolver tables\n")
    assert api.main(["--short", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks") and "solver tables" in text
    assert "solve job overhead" in text and "GET rota, 20 concurrent clients" in text
    assert text.count("## Service") == 1


def test_short_replan_benchmark_writes_its_section(tmp_path: Path):
    """`python -m benchmarks.replan --short` times a real repair and keeps other sections."""
    from benchmarks import replan

    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nsolver tables\n\n## Service\n\nservice tables\n")
    assert replan.main(["--short", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks") and "service tables" in text
    assert text.index("## Re-planning") < text.index("## Service")
    row = next(line for line in text.splitlines() if line.startswith("| sample team, seed 0"))
    assert row.rstrip(" |").endswith("| 0"), "the repaired rota passes the checker"
