"""Incident and crime records as a force exports them, read into what demand needs: when
(an instant, or only a month), a category, and a ward (given, or found from coordinates in
a ward boundary file). Nothing else of a record is kept.

Read from a CSV with a header row; the columns are found by name, case and spacing aside
(the first present of each is read):
- when: `timestamp`, `datetime`, `date_time` or `occurred`; or `date` (with `time` if there
  is one: a date alone is a day without its hour); or `month` (YYYY-MM, as police.uk's
  street-level files give);
- category: `category`, `crime type` or `type`;
- ward: `ward`, `ward_id` or `ward id`; or `longitude` and `latitude`, with a GeoJSON file of
  the wards' boundaries.

A time without a zone is the team's local time. Every row is read or none: a row that cannot
be read stops the reading with its line number and what to change.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from scheduler.scenario import ScenarioError

WHEN_COLUMNS = ("timestamp", "datetime", "date_time", "occurred")
CATEGORY_COLUMNS = ("category", "crime_type", "type")
WARD_COLUMNS = ("ward", "ward_id")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Incident:
    """One record: when (`at`, local to the team; or only its `day`; or only its `month`,
    as its first day), its category (a slug: "Violence and sexual offences" ->
    "violence-and-sexual-offences"), its ward (None: outside every ward given, or no place
    given) and, where the file gives them, its coordinates (longitude, latitude): what hot
    spots are found from."""

    category: str
    ward: str | None
    at: datetime | None = None
    day: date | None = None
    month: date | None = None
    point: tuple[float, float] | None = None

    @property
    def dated(self) -> date:
        """The day it happened, or the middle of its month (for its age)."""
        if self.at is not None:
            return self.at.date()
        if self.day is not None:
            return self.day
        assert self.month is not None
        return self.month + timedelta(days=14)


def slug(text: str) -> str:
    """A category's name as a slug: lower case, words joined by hyphens, "and" kept."""
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def _key(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")


def read_incidents(
    text: str,
    zone: ZoneInfo,
    *,
    source: str = "incidents",
    boundaries: Boundaries | None = None,
) -> list[Incident]:
    """Every row of a CSV of incidents (see the module's notes), or `ScenarioError` naming
    the first row that cannot be read, the problem and the fix."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise ScenarioError(f"{source}: empty; give a CSV with a header row and a row a record")
    columns = {_key(name): name for name in reader.fieldnames if name}
    when = next((columns[c] for c in WHEN_COLUMNS if c in columns), None)
    on_day, at_time, in_month = columns.get("date"), columns.get("time"), columns.get("month")
    category = next((columns[c] for c in CATEGORY_COLUMNS if c in columns), None)
    ward = next((columns[c] for c in WARD_COLUMNS if c in columns), None)
    longitude, latitude = columns.get("longitude"), columns.get("latitude")
    heard = ", ".join(reader.fieldnames)
    if when is None and on_day is None and in_month is None:
        raise ScenarioError(
            f"{source}: no column says when (found {heard}); name one timestamp, date (and "
            "time) or month (YYYY-MM)"
        )
    if category is None:
        raise ScenarioError(f"{source}: no category column (found {heard}); name one category")
    if ward is None and (longitude is None or latitude is None):
        raise ScenarioError(
            f"{source}: no ward column and no longitude and latitude (found {heard}); name one "
            "ward, or give longitude and latitude with a ward boundary file"
        )
    if ward is None and boundaries is None:
        raise ScenarioError(
            f"{source}: records are placed by longitude and latitude; give the wards' "
            "boundaries as a GeoJSON file (--boundaries) to find each one's ward"
        )
    incidents = []
    for line, row in enumerate(reader, start=2):
        where = f"{source} line {line}"
        kind = slug(row.get(category) or "")
        if not kind:
            raise ScenarioError(f"{where}: no category; give each record its category")
        at, day, month = _when(row, when, on_day, at_time, in_month, zone, where)
        point = None
        if longitude is not None and latitude is not None:
            # police.uk leaves both empty for a record it could not place ("No location")
            x, y = (row.get(longitude) or "").strip(), (row.get(latitude) or "").strip()
            if x or y:
                point = (
                    _coordinate(x, "longitude", where),
                    _coordinate(y, "latitude", where),
                )
        if ward is not None:
            found = (row.get(ward) or "").strip() or None
        else:
            assert boundaries is not None
            found = boundaries.ward_at(*point) if point is not None else None
        incidents.append(
            Incident(category=kind, ward=found, at=at, day=day, month=month, point=point)
        )
    return incidents


def _when(
    row: dict[str, str | None],
    when: str | None,
    on_day: str | None,
    at_time: str | None,
    in_month: str | None,
    zone: ZoneInfo,
    where: str,
) -> tuple[datetime | None, date | None, date | None]:
    """(instant, day, month): the first that the row says."""
    if when is not None and (row.get(when) or "").strip():
        return _instant((row.get(when) or "").strip(), zone, where), None, None
    if on_day is not None and (row.get(on_day) or "").strip():
        text = (row.get(on_day) or "").strip()
        clock = (row.get(at_time) or "").strip() if at_time is not None else ""
        if clock:
            return _instant(f"{text[:10]}T{clock}", zone, where), None, None
        try:  # the day without its hour
            return None, date.fromisoformat(text[:10]), None
        except ValueError:
            raise ScenarioError(f"{where}: {text!r} is not a date; write it YYYY-MM-DD") from None
    if in_month is not None and (row.get(in_month) or "").strip():
        text = (row.get(in_month) or "").strip()
        matched = MONTH.match(text)
        if matched is None or not 1 <= int(matched.group(2)) <= 12:
            raise ScenarioError(f"{where}: {text!r} is not a month; write it YYYY-MM")
        return None, None, date(int(matched.group(1)), int(matched.group(2)), 1)
    raise ScenarioError(f"{where}: no time or month; give each record when it happened")


def _instant(text: str, zone: ZoneInfo, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise ScenarioError(
            f"{where}: {text!r} is not a date and time; write e.g. 2026-05-01T22:15"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _coordinate(text: str | None, what: str, where: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise ScenarioError(f"{where}: {what} {text!r} is not a number") from None
    limit = 180 if what == "longitude" else 90
    if not -limit <= value <= limit:
        raise ScenarioError(f"{where}: {what} {value:g} is out of range (-{limit} to {limit})")
    return value


# Ward boundaries.
Ring = Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Boundaries:
    """Wards as polygons (GeoJSON: longitude, latitude), each a list of polygons, each a list
    of rings (the outer one, then holes)."""

    wards: dict[str, list[list[Ring]]]

    @cached_property
    def _index(self) -> dict[tuple[int, int], list[tuple[int, str, list[Ring]]]]:
        """Each polygon under every grid square (`INDEX_DEGREES`) its bounding box touches,
        so that a point is tested against the few polygons near it, not a force's all."""
        index: dict[tuple[int, int], list[tuple[int, str, list[Ring]]]] = defaultdict(list)
        order = 0
        for ward, polygons in self.wards.items():
            for rings in polygons:
                xs = [x for ring in rings for x, _ in ring]
                ys = [y for ring in rings for _, y in ring]
                if not xs:
                    continue
                for i in range(_square(min(xs)), _square(max(xs)) + 1):
                    for j in range(_square(min(ys)), _square(max(ys)) + 1):
                        index[i, j].append((order, ward, rings))
                order += 1
        return index

    def ward_at(self, longitude: float, latitude: float) -> str | None:
        """The ward a point falls in (the first in the file, on a shared edge), or None."""
        for _, ward, rings in self._index.get((_square(longitude), _square(latitude)), ()):
            if _inside(longitude, latitude, rings):
                return ward
        return None


INDEX_DEGREES = 0.01  # about 1 km: a ward's polygon lies under a few of these squares


def _square(value: float) -> int:
    return math.floor(value / INDEX_DEGREES)


def _inside(x: float, y: float, rings: Iterable[Ring]) -> bool:
    """Even-odd rule over every ring: inside the outer ring and outside its holes."""
    inside = False
    for ring in rings:
        points = list(ring)
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def read_boundaries(path: Path, ward_ids: Iterable[str]) -> Boundaries:
    """A GeoJSON FeatureCollection of ward boundaries (Polygon or MultiPolygon), each
    feature's ward named by its `id`, or its property `ward`, `ward_id` or `id`. Features
    of other wards than `ward_ids` are passed over (a force's file holds all its wards);
    a file with none of them is refused."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file; give the wards' GeoJSON file") from None
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not GeoJSON ({error}); give a GeoJSON file") from None
    return parse_boundaries(text, ward_ids, str(path))


def parse_boundaries(text: str, ward_ids: Iterable[str], path: str = "boundaries") -> Boundaries:
    """`read_boundaries` of a file's text (`path` names it in messages)."""
    known = set(ward_ids)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{path}: not GeoJSON ({error}); give a GeoJSON file") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ScenarioError(f"{path}: not a GeoJSON FeatureCollection; give one of ward shapes")
    wards: dict[str, list[list[Ring]]] = {}
    for number, feature in enumerate(features, start=1):
        where = f"{path} feature {number}"
        properties = feature.get("properties") or {}
        ward = next(
            (
                str(value)
                for value in (
                    feature.get("id"),
                    properties.get("ward"),
                    properties.get("ward_id"),
                    properties.get("id"),
                )
                if value is not None
            ),
            None,
        )
        if ward is None:
            raise ScenarioError(f"{where}: no ward id; give it an id or a 'ward' property")
        if ward not in known:
            continue  # a force's file holds every ward; records there count as outside
        geometry = feature.get("geometry") or {}
        shape, coordinates = geometry.get("type"), geometry.get("coordinates")
        if shape == "Polygon":
            polygons = [coordinates]
        elif shape == "MultiPolygon":
            polygons = coordinates
        else:
            raise ScenarioError(f"{where}: a {shape}; a ward is a Polygon or MultiPolygon")
        try:
            wards.setdefault(ward, []).extend(
                [
                    [[(float(p[0]), float(p[1])) for p in ring] for ring in rings]
                    for rings in polygons
                ]
            )
        except (TypeError, ValueError, IndexError):
            raise ScenarioError(
                f"{where}: its coordinates are not [longitude, latitude] pairs"
            ) from None
    if not wards:
        raise ScenarioError(
            f"{path}: none of the team's wards ({', '.join(sorted(known))}) is in it; give "
            "the file whose ids are the team's ward ids"
        )
    return Boundaries(wards)
