"""Typed dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from api.services.errors import Invalid


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


def monday(week: date) -> date:
    """The week in a URL, checked: a Monday in 2000-2099 (as a scenario's week_start), else
    Invalid (422) naming the path's `week` field, as FastAPI's own validation does."""
    problem = None
    if not 2000 <= week.year <= 2099:
        problem = f"week {week} is outside 2000-2099; check the year"
    elif week.weekday() != 0:
        problem = f"week {week} is a {week:%A}; weeks start on a Monday"
    if problem is not None:
        raise Invalid.at(["path", "week"], problem)
    return week


async def _monday(week: date) -> date:  # no I/O: kept off the thread pool
    return monday(week)


WeekDep = Annotated[date, Depends(_monday)]

Model = TypeVar("Model", bound=BaseModel)


async def json_body(request: Request, model: type[Model]) -> Model:
    """The request's JSON body as `model`, read only when called, so a route can check
    its caller first (FastAPI reads a declared body before any dependency): a body that
    is not UTF-8 JSON, or does not fit, is a 422 naming each problem as FastAPI's own
    validation does (`loc` starting with "body")."""
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as error:
        problems = [
            {**problem, "loc": ("body", *problem["loc"])}
            for problem in error.errors(include_url=False)
        ]
        raise RequestValidationError(problems) from None


def json_body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads it with `json_body`."""
    reference = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": reference}}}
    }


def public_base(request: Request) -> str:
    """Where phones reach this server, for feed URLs, webcal links and QR codes:
    BEATPLAN_PUBLIC_URL, else the request's own scheme and host, which api.main's
    AllowedHosts has checked against BEATPLAN_ALLOWED_HOSTS (so a forged Host header
    can never put another site's address in a link)."""
    return (request.app.state.settings.public_url or str(request.base_url)).rstrip("/")


# A stored row's id in a URL (a job, a feed, a user): an INTEGER column, 32 bits on
# PostgreSQL, so a larger one is a 422 naming the field, not a 500 from the driver.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the id the API gave")]


class Problem(BaseModel):
    """An error: `detail` is a sentence naming the problem and the fix; or (422) FastAPI's
    list of problems, each with its field's `loc`; or (409, a solve or repair refused
    because another job of the team-week is queued or running) `{"msg": sentence, "job":
    that job's URL}`."""

    detail: str | list[dict[str, Any]] | dict[str, Any]


# The errors every API route may answer, for the OpenAPI document (and so for the
# clients a force's IT team generates from it).
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no token, or an unknown or revoked one"},
    403: {"model": Problem, "description": "the caller's role may not do this to this team"},
    404: {"model": Problem, "description": "no such team, item, version, job or feed"},
    409: {
        "model": Problem,
        "description": "it conflicts with the stored data or a request at the same moment; "
        "the detail says what, and the fix",
    },
    413: {"model": Problem, "description": "the body is over BEATPLAN_MAX_BODY_BYTES"},
    429: {
        "model": Problem,
        "description": "too many wrong tokens from the caller's address lately; wait the "
        "Retry-After seconds",
    },
}
