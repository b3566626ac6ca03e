"""The loader reads every published instance, and names the line of a malformed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.curtois.instance import Cover, instance_path, load_instance
from tests.benchmarks.curtois.curtois_support import needs_data

# (staff, days, shift types, on-requests, off-requests, cover lines), counted from the files
COUNTS = {
    1: (8, 14, 1, 21, 5, 14),
    2: (14, 14, 2, 50, 12, 28),
    3: (20, 14, 3, 39, 25, 42),
    4: (10, 28, 2, 52, 19, 56),
    5: (16, 28, 2, 79, 27, 56),
    6: (18, 28, 3, 87, 48, 84),
    7: (20, 28, 3, 104, 64, 84),
    8: (30, 28, 4, 139, 86, 112),
}


@needs_data
@pytest.mark.parametrize("number", sorted(COUNTS))
def test_loader_reads_every_instance(number: int):
    instance = load_instance(instance_path(number))
    staff, days, shifts, on, off, cover = COUNTS[number]
    assert len(instance.staff) == staff
    assert instance.horizon == days
    assert len(instance.shifts) == shifts
    assert (len(instance.on_requests), len(instance.off_requests)) == (on, off)
    assert len(instance.cover) == cover == days * shifts
    assert all(s.minutes == 480 for s in instance.shifts)
    assert len(instance.days_off) == staff


@needs_data
def test_loader_reads_fields_in_order():
    """Instance 3's first lines, read by eye: the order of the staff fields matters."""
    instance = load_instance(instance_path(3))
    assert instance.shift("L").not_followed_by == ("E", "D")
    first, last = instance.staff[0], instance.staff[-1]
    assert (first.id, first.max_of("E"), first.max_of("D"), first.max_of("L")) == ("A", 14, 14, 0)
    assert (last.max_minutes, last.min_minutes) == (2160, 1200)
    assert (last.max_consecutive, last.min_consecutive, last.min_days_off) == (5, 1, 2)
    assert last.max_weekends == 1
    eight = load_instance(instance_path(8))
    assert eight.days_off_of("A") == {1, 2}


@pytest.mark.parametrize(
    ("bad", "line", "problem"),
    [
        ("A,D=14,4320,lots,5,2,2,1", 9, "must be an integer"),
        ("A,X=14,4320,3360,5,2,2,1", 9, "unknown shift 'X'"),
        ("A,D=14,4320,3360,5,2,2", 9, "needs 8 fields"),
    ],
)
def test_malformed_file_names_the_line(tmp_path: Path, bad: str, line: int, problem: str):
    text = "\r\n".join(
        [
            "# comment",
            "SECTION_HORIZON",
            "7",
            "",
            "SECTION_SHIFTS",
            "D,480,",
            "",
            "SECTION_STAFF",
            bad,  # line 9
            "",
            "SECTION_COVER",
            "0,D,1,100,1",
            "",
        ]
    )
    path = tmp_path / "broken.txt"
    path.write_bytes(text.encode())
    with pytest.raises(ValueError) as error:
        load_instance(path)
    message = str(error.value)
    assert "broken.txt" in message and f"line {line}" in message and problem in message


def test_good_tiny_file_loads(tmp_path: Path):
    path = tmp_path / "tiny.txt"
    path.write_bytes(
        b"SECTION_HORIZON\r\n7\r\n\r\nSECTION_SHIFTS\r\nD,480,\r\n\r\nSECTION_STAFF\r\n"
        b"A,D=7,3000,0,7,1,1,1\r\n\r\nSECTION_DAYS_OFF\r\nA,1,3\r\n\r\n"
        b"SECTION_COVER\r\n0,D,1,100,1\r\n"
    )
    instance = load_instance(path)
    assert instance.horizon == 7 and instance.days_off_of("A") == {1, 3}
    assert instance.cover == (Cover(0, "D", 1, 100, 1),)
