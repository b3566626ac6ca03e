"""docs/benchmarks.md: each benchmark part rewrites only its own section."""

from __future__ import annotations

from pathlib import Path

from benchmarks.document import REPLAN, SECTIONS, SERVICE, write_section


def test_write_section_replaces_one_part_and_keeps_the_order(tmp_path: Path):
    """Each benchmark module rewrites only its own section, wherever it runs from."""
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nsolver tables\n\n## Service\n\nservice tables\n")
    write_section(out, REPLAN, [REPLAN, "", "replan v1"])
    write_section(out, "## Baselines", ["## Baselines", "", "baselines"])
    write_section(out, REPLAN, [REPLAN, "", "replan v2"])
    text = out.read_text()
    assert text.startswith("# Benchmarks") and "solver tables" in text
    assert "replan v1" not in text and text.count(REPLAN) == 1
    found = [heading for heading in SECTIONS if heading in text]
    assert found == ["## Baselines", REPLAN, SERVICE]
    assert text.index("baselines") < text.index("replan v2") < text.index("service tables")
