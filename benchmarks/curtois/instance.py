"""A Curtois & Qu instance: its data, read from the benchmark's own text files.

`load_instance` reads one file (horizon, shift types and which may not follow which, each
person's limits, days off, shift on and off requests, cover) into an `Instance`; a bad
file raises ValueError naming the file, line and problem. `best_known` gives the published
best objective per instance. A `Roster` is a solution: each person's shift day by day.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The instances and best known values ship with the repository (benchmarks/data/curtois,
# copied unchanged from the public benchmark, with its README).
DATA_DIR = Path(
    os.environ.get("BEATPLAN_CURTOIS_DIR", Path(__file__).resolve().parents[1] / "data" / "curtois")
)


@dataclass(frozen=True)
class Shift:
    id: str
    minutes: int
    not_followed_by: tuple[str, ...]


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: tuple[tuple[str, int], ...]  # (shift id, most times it may be worked)
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int

    def max_of(self, shift: str) -> int:
        return dict(self.max_shifts).get(shift, 0)


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Instance:
    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    days_off: tuple[tuple[str, tuple[int, ...]], ...]  # (staff id, days they must not work)
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]

    def shift(self, shift_id: str) -> Shift:
        return next(s for s in self.shifts if s.id == shift_id)

    def days_off_of(self, staff_id: str) -> frozenset[int]:
        return frozenset(d for sid, days in self.days_off if sid == staff_id for d in days)

    def weekends(self) -> list[tuple[int, ...]]:
        """The days of each weekend in the horizon (day 0 is a Monday)."""
        return [
            tuple(d for d in (sat, sat + 1) if d < self.horizon)
            for sat in range(5, self.horizon, 7)
        ]


Roster = dict[str, list[str | None]]  # staff id -> the shift worked each day (None: off)


_SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class _Reader:
    """Turns one file's lines into values, failing with the file and line named."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, problem: str) -> ValueError:
        return ValueError(f"{self.path}: line {line}: {problem}")

    def integer(self, line: int, text: str, what: str, minimum: int = 0) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise self.fail(line, f"{what} must be an integer, got {text.strip()!r}") from None
        if value < minimum:
            raise self.fail(line, f"{what} must be at least {minimum}, got {value}")
        return value

    def fields(self, line: int, text: str, count: int | None, what: str) -> list[str]:
        parts = [p.strip() for p in text.split(",")]
        if count is not None and len(parts) != count:
            raise self.fail(line, f"{what} needs {count} fields, got {len(parts)}: {text!r}")
        return parts


def _sections(reader: _Reader, text: str) -> dict[str, list[tuple[int, str]]]:
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
        elif line.startswith("SECTION_"):
            if line not in _SECTIONS:
                raise reader.fail(number, f"unknown section {line!r}")
            if line in sections:
                raise reader.fail(number, f"section {line} appears twice")
            current = line
            sections[current] = []
        elif current is None:
            raise reader.fail(number, f"data outside a section: {line!r}")
        else:
            sections[current].append((number, line))
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if name not in sections:
            raise ValueError(f"{reader.path}: missing section {name}")
    return sections


def load_instance(path: str | Path) -> Instance:
    """Read one instance file; a bad file raises ValueError naming the file, line and problem."""
    path = Path(path)
    reader = _Reader(path)
    sections = _sections(reader, path.read_text(encoding="utf-8"))

    horizon_lines = sections["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise ValueError(f"{path}: SECTION_HORIZON must hold one line, got {len(horizon_lines)}")
    horizon = reader.integer(*horizon_lines[0], "horizon", minimum=1)

    shifts: list[Shift] = []
    pending_followers: list[tuple[int, str]] = []
    for number, line in sections["SECTION_SHIFTS"]:
        sid, minutes, followers = reader.fields(number, line, 3, "a shift")
        if not sid or any(s.id == sid for s in shifts):
            raise reader.fail(number, f"shift id {sid!r} is empty or repeated")
        names = tuple(f.strip() for f in followers.split("|") if f.strip())
        pending_followers.extend((number, f) for f in names)
        shifts.append(Shift(sid, reader.integer(number, minutes, "shift length", 1), names))
    shift_ids = {s.id for s in shifts}
    for number, follower in pending_followers:
        if follower not in shift_ids:
            raise reader.fail(number, f"unknown shift {follower!r} in NotFollowedBy")

    def shift_id(number: int, text: str) -> str:
        if text not in shift_ids:
            raise reader.fail(number, f"unknown shift {text!r}")
        return text

    staff: list[Staff] = []
    for number, line in sections["SECTION_STAFF"]:
        parts = reader.fields(number, line, 8, "a staff line")
        sid = parts[0]
        if not sid or any(s.id == sid for s in staff):
            raise reader.fail(number, f"staff id {sid!r} is empty or repeated")
        limits: dict[str, int] = {}
        for item in filter(None, (p.strip() for p in parts[1].split("|"))):
            name, equals, count = item.partition("=")
            if not equals:
                raise reader.fail(number, f"MaxShifts item {item!r} is not SHIFT=count")
            limits[shift_id(number, name.strip())] = reader.integer(number, count, "MaxShifts")
        numbers = [reader.integer(number, p, f"field {i + 3}") for i, p in enumerate(parts[2:])]
        max_minutes, min_minutes, max_cons, min_cons, min_off, max_weekends = numbers
        if min_minutes > max_minutes or min_cons > max_cons:
            raise reader.fail(number, "a minimum exceeds its maximum")
        staff.append(
            Staff(
                sid,
                tuple((s.id, limits.get(s.id, 0)) for s in shifts),
                max_minutes,
                min_minutes,
                max_cons,
                min_cons,
                min_off,
                max_weekends,
            )
        )
    staff_ids = {s.id for s in staff}

    def staff_id(number: int, text: str) -> str:
        if text not in staff_ids:
            raise reader.fail(number, f"unknown staff {text!r}")
        return text

    def day(number: int, text: str) -> int:
        value = reader.integer(number, text, "day")
        if value >= horizon:
            raise reader.fail(number, f"day {value} is outside the {horizon}-day horizon")
        return value

    days_off: list[tuple[str, tuple[int, ...]]] = []
    for number, line in sections.get("SECTION_DAYS_OFF", []):
        parts = reader.fields(number, line, None, "a days-off line")
        days_off.append((staff_id(number, parts[0]), tuple(day(number, p) for p in parts[1:] if p)))

    def requests(name: str) -> tuple[Request, ...]:
        found = []
        for number, line in sections.get(name, []):
            who, when, what, weight = reader.fields(number, line, 4, "a request")
            found.append(
                Request(
                    staff_id(number, who),
                    day(number, when),
                    shift_id(number, what),
                    reader.integer(number, weight, "weight"),
                )
            )
        return tuple(found)

    cover: list[Cover] = []
    for number, line in sections["SECTION_COVER"]:
        when, what, need, under, over = reader.fields(number, line, 5, "a cover line")
        cover.append(
            Cover(
                day(number, when),
                shift_id(number, what),
                reader.integer(number, need, "requirement"),
                reader.integer(number, under, "under weight"),
                reader.integer(number, over, "over weight"),
            )
        )
    return Instance(
        name=path.stem,
        horizon=horizon,
        shifts=tuple(shifts),
        staff=tuple(staff),
        days_off=tuple(days_off),
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover=tuple(cover),
    )


def instance_path(number: int) -> Path:
    return DATA_DIR / f"Instance{number}.txt"


def best_known() -> dict[int, int]:
    """Best known objective per instance number, from the benchmark's `best_known.csv`."""
    values: dict[int, int] = {}
    for line in (DATA_DIR / "best_known.csv").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            number, value, *_ = line.split(",")
            values[int(number)] = int(value)
    return values
