"""Typed dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlmodel import Session

from api import tables


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


def _team(team_id: Annotated[str, Path(max_length=64)], session: SessionDep) -> tables.Team:
    team = session.get(tables.Team, team_id)
    if team is None:
        raise HTTPException(404, f"no team {team_id!r}; import its scenario first")
    return team


TeamDep = Annotated[tables.Team, Depends(_team)]


def _monday(week: date) -> date:
    if week.weekday() != 0:
        raise HTTPException(422, f"week {week} is a {week:%A}; weeks start on a Monday")
    return week


WeekDep = Annotated[date, Depends(_monday)]
