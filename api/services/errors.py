"""Domain errors: what a service refuses, in words that name the problem and the fix.

Each kind maps to one HTTP status in `api.main` (and to an error page for the pages);
services never raise HTTP exceptions themselves. A 422's detail is FastAPI's form, a list
of problems each naming its field (`loc`), its message and its `type`, made by
`field_error` so that every one carries all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar


def field_error(loc: Sequence[str | int], msg: str, type: str = "value_error") -> dict[str, Any]:
    """One problem with one field, as FastAPI's own validation reports it."""
    return {"loc": list(loc), "msg": msg, "type": type}


class DomainError(Exception):
    """A refusal; `detail` is a sentence, a list of field problems, or (a busy team-week)
    `{"msg": sentence, "job": URL}`."""

    status: ClassVar[int] = 400

    def __init__(self, detail: str | list[dict[str, Any]] | dict[str, Any]) -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.detail = detail


class Forbidden(DomainError):
    """The caller's role may not do this to this team."""

    status = 403


class NotFound(DomainError):
    """No such team, item, version, job, user or feed (or not one the caller may see)."""

    status = 404


class Conflict(DomainError):
    """It conflicts with the stored data, a running job or a change at the same moment."""

    status = 409


class Invalid(DomainError):
    """The input is wrong; `detail` lists each problem with its field."""

    status = 422

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(problems)

    @classmethod
    def at(cls, loc: Sequence[str | int], msg: str, type: str = "value_error") -> Invalid:
        """One problem with one field."""
        return cls([field_error(loc, msg, type)])
