"""Parsing feeds in the tests: with Mozilla's ical.js under Node, and with icalendar."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC
from pathlib import Path
from typing import Any

import icalendar
import pytest

HARNESS = Path(__file__).resolve().parents[1] / "feeds_js"


def _node() -> str:
    """Node, with ical.js installed; else the test is skipped, except in CI
    (BEATPLAN_REQUIRE_ICALJS), where it fails."""
    node = shutil.which("node")
    if node is None or not (HARNESS / "node_modules" / "ical.js").exists():
        message = "ical.js not installed: npm install --prefix tests/feeds_js"
        if os.environ.get("BEATPLAN_REQUIRE_ICALJS"):
            pytest.fail(message)
        pytest.skip(message)
    return node


def icaljs(text: str | bytes) -> dict[str, Any]:
    """What ical.js makes of a feed (it throws on malformed iCalendar), checked against
    the Python icalendar package's reading of the same bytes (same events, same UTC times).
    Without Node or ical.js the test is skipped, except in CI (BEATPLAN_REQUIRE_ICALJS),
    where it fails."""
    node = _node()
    data = text.encode() if isinstance(text, str) else text
    done = subprocess.run(
        [node, str(HARNESS / "parse.cjs")], input=data, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    parsed = json.loads(done.stdout)
    python = {
        str(event["UID"]): (event.decoded("DTSTART"), event.decoded("DTEND"))
        for event in python_events(data)
    }
    assert set(python) == {event["uid"] for event in parsed["events"]}
    for event in parsed["events"]:
        start, end = python[event["uid"]]
        assert _utc(start) == event["start"] and _utc(end) == event["end"], event["uid"]
    return parsed


def icaljs_offsets(text: bytes, instants: list[Any]) -> list[int]:
    """The UTC offset, in seconds, that ical.js reads from the feed's VTIMEZONE at each
    instant (skipped, or failed in CI, without Node, as `icaljs`)."""
    node = _node()
    done = subprocess.run(
        [node, str(HARNESS / "offsets.cjs"), json.dumps([i.isoformat() for i in instants])],
        input=text,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def _utc(instant: Any) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def python_events(text: bytes) -> list[icalendar.Event]:
    """The events as the Python icalendar package reads them back."""
    calendar = icalendar.Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))
