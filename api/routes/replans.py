"""Re-planning a published week, and the abstraction report.

`POST .../replan` records what happened and queues a repair job
(`api.services.repairs`); the report is `api.services.abstractions`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import CallerDep, LedTeamDep
from api.deps import SessionDep, WeekDep
from api.schemas import AbstractionReport, JobView
from api.services import abstractions, jobs, repairs
from scheduler.replan import Replan

router = APIRouter(tags=["re-planning"])


@router.post("/teams/{team_id}/weeks/{week}/replan", status_code=202)
def start_replan(
    team: LedTeamDep,
    caller: CallerDep,
    week: WeekDep,
    replan: Replan,
    session: SessionDep,
    request: Request,
    response: Response,
) -> JobView:
    """Record the changes and queue a repair of the published week from `now`: 202 with
    the job. Absences are stored as abstractions (with category); events and pins join
    the team's data, surges the week's. 409 if nothing is published or a job is already
    running."""
    now = request.app.state.clock()
    job = repairs.start_repair(session, caller, team, week, replan, now)
    response.headers["Location"] = jobs.url(job)
    return JobView.of(job)


@router.get("/teams/{team_id}/abstractions")
def abstraction_report(
    team: LedTeamDep,
    session: SessionDep,
    start: Annotated[date, Query(alias="from", description="first day (local)")],
    end: Annotated[date, Query(alias="to", description="last day (local), inclusive")],
) -> AbstractionReport:
    """Per ward and for the team over [from, to], in person-hours of visible presence
    (patrol and events): planned, abstracted by category, delivered, added and
    otherwise unfilled, each at least 0, so that
    planned + added = delivered + abstracted + otherwise unfilled."""
    return AbstractionReport.model_validate(
        abstractions.abstraction_report(session, team, start, end)
    )
