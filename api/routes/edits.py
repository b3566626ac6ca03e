"""A sergeant's own edits of a week's rota: a duty changed, a day off, a swap (each a new
draft, with what it breaks), and a solve that keeps them."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import CallerDep, LedTeamDep
from api.deps import SessionDep, WeekDep
from api.schemas import EditedVersion, JobView
from api.services import edits, jobs
from scheduler.edits import DutyEdit

router = APIRouter(tags=["rotas"])


@router.post("/teams/{team_id}/weeks/{week}/versions/{number}/edits", status_code=201)
def edit_version(
    team: LedTeamDep,
    week: WeekDep,
    number: int,
    edit: DutyEdit,
    session: SessionDep,
    caller: CallerDep,
    request: Request,
    response: Response,
) -> EditedVersion:
    """Version `number` with one person's day changed (`to`: "duty" with its template
    and optionally the ward, "off", or "swap" with `other`), stored as the next draft.
    `breaks` says what it breaks, in the checker's words: a draft that breaks a rule
    (coverage aside) cannot be published; `POST .../keep-edits` solves around it."""
    now = request.app.state.clock()
    draft, breaks = edits.edit_version(session, caller, team, week, number, edit, now)
    url = f"/teams/{team.id}/weeks/{week}/rota?version={draft.number}"
    response.headers["Location"] = url
    return EditedVersion(version=draft.number, url=url, breaks=breaks)


@router.post("/teams/{team_id}/weeks/{week}/versions/{number}/keep-edits", status_code=202)
def keep_edits(
    team: LedTeamDep,
    week: WeekDep,
    number: int,
    session: SessionDep,
    caller: CallerDep,
    request: Request,
    response: Response,
) -> JobView:
    """Pin every day edited in version `number` as it stands there, and queue a solve
    of the week around them (202, as a solve)."""
    limit = request.app.state.settings.solve_time_limit
    job = edits.keep_edits(session, caller, team, week, number, limit, request.app.state.clock())
    response.headers["Location"] = jobs.url(job)
    return JobView.of(job)
