"""What the Curtois tests share: a mark for the tests that need the benchmark's files."""

from __future__ import annotations

import pytest

from benchmarks.curtois.instance import DATA_DIR

needs_data = pytest.mark.skipif(
    not (DATA_DIR / "Instance1.txt").exists(), reason=f"benchmark files not in {DATA_DIR}"
)
