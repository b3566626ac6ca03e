"""Reading a scenario file, and the one-line messages that say what is wrong with it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from scheduler.scenario.moving import moved_to
from scheduler.scenario.week import Scenario


def load_scenario(path: str | Path, week: date | None = None) -> Scenario:
    """Read and validate a scenario file (raises `ScenarioError` with a readable message),
    moved to the week starting on Monday `week` if one is given (`moved_to`)."""
    from pydantic import ValidationError

    source = Path(path)
    raw = read_json(source, "scenario")
    if week is not None:
        if not isinstance(raw, dict) or "week_start" not in raw:
            raise ScenarioError(f"{source}: not a scenario with a week_start to move")
        raw = moved_to(raw, week)
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(f"{source}: {describe_validation_error(error)}") from error


def read_json(source: Path, what: str) -> object:
    """A JSON file's content; `ScenarioError` naming the file, the problem and the fix
    if it cannot be read (missing, a folder, unreadable, not UTF-8, not JSON)."""
    try:
        # utf-8-sig: a byte-order mark (Windows' "UTF-8 with BOM") is not an error
        return json.loads(source.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as error:
        raise ScenarioError(
            f"{source}: no such file; give the path of a {what} JSON file"
        ) from error
    except IsADirectoryError as error:
        raise ScenarioError(f"{source}: a folder; give the path of a {what} JSON file") from error
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"{source}: not UTF-8 text (byte {error.start}); save the {what} as UTF-8 JSON"
        ) from error
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"{source}: not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    except RecursionError as error:
        raise ScenarioError(f"{source}: JSON nested too deeply to be a {what}") from error
    except OSError as error:
        raise ScenarioError(
            f"{source}: cannot be read ({error.strerror or error}); check the path and its "
            "permissions"
        ) from error


def describe_validation_error(error: object, whole: str = "scenario") -> str:
    """One line naming the first problem's place (`whole`, if it is the whole input) and
    fix, and how many more there are."""
    errors = error.errors()  # type: ignore[attr-defined]
    first = errors[0]
    place = ".".join(str(part) for part in first["loc"]) or whole
    message = first["msg"].removeprefix("Value error, ")
    more = (
        f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        if len(errors) > 1
        else ""
    )
    return f"{place}: {message}{more}"


class ScenarioError(ValueError):
    """Bad input a user can fix; the message says what and where."""
