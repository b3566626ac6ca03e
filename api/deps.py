"""Typed dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlmodel import Session


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


def monday(week: date) -> date:
    """The week in a URL, checked: a Monday in 2000-2099 (as a scenario's week_start), else
    a 422 naming the path's `week` field, as FastAPI's own validation does."""
    problem = None
    if not 2000 <= week.year <= 2099:
        problem = f"week {week} is outside 2000-2099; check the year"
    elif week.weekday() != 0:
        problem = f"week {week} is a {week:%A}; weeks start on a Monday"
    if problem is not None:
        raise HTTPException(422, [{"loc": ["path", "week"], "msg": problem, "type": "value_error"}])
    return week


async def _monday(week: date) -> date:  # no I/O: kept off the thread pool
    return monday(week)


WeekDep = Annotated[date, Depends(_monday)]

# A stored row's id in a URL (a job, a feed, a user): a database integer, so one beyond
# 64 bits is a 422 naming the field, not a 500 from the driver.
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the id the API gave")]
