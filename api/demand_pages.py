"""Demand from data in the pages: a team's incident records uploaded (and not kept), each
ward's demand as a weekday-by-hour heatmap with what made it, its hot spots, and the
week's presence against it, so a sergeant can explain the plan to a ward panel.

The upload is stored by the same service as the API's `POST /teams/{team}/demand`
(`api.services.demand.import_demand`); a refused file comes back naming its line and the
fix (422), and nothing is stored; a stored one redirects to this page, which only reads.
Hot spots are for the team's sergeants: the wards' public pages show ward-level figures.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import PageCaller
from api.deps import SessionDep
from api.pages import SameOrigin, now_of, refused_page, render
from api.services import demand, versions
from api.services.errors import DomainError, Invalid, NotFound
from api.services.team_data import led_team
from scheduler.demand.cli import peak_text
from scheduler.demand.profile import busiest_covered
from scheduler.rota import Rota
from scheduler.scenario import Ward, coming_monday
from scheduler.summary import presence_by_hour

router = APIRouter(include_in_schema=False)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHADES = 8  # the heatmap's classes: d0 (none) to d7 (the team's busiest hour)


def _ward_view(ward: Ward, presence: list[float] | None, top: float) -> dict:
    weights = [0.0] * 168
    for (day, hour), weight in ward.demand_by_local_hour.items():
        weights[day * 24 + hour] = weight
    cells = [
        [
            {
                "shade": 0 if top <= 0 else min(SHADES - 1, round((SHADES - 1) * w / top)),
                "demand": w,
                "people": None if presence is None else presence[day * 24 + hour],
            }
            for hour, w in enumerate(weights[day * 24 : day * 24 + 24])
        ]
        for day in range(7)
    ]
    covered = None if presence is None else busiest_covered(weights, presence)
    return {
        "ward": ward,
        "days": list(zip(DAYS, cells, strict=True)),
        "total_presence": None if presence is None else sum(presence),
        "busy_covered": covered,
        "peaks": {spot.id: peak_text(spot.peak_hours) for spot in ward.hot_spots},
    }


@router.get("/ui/teams/{team_id}/demand")
def demand_page(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    week: date | None = None,
    done: int | None = None,
) -> HTMLResponse:
    """Each ward's demand as a heatmap, what made it, its hot spots, and the week's
    presence against it; the form that builds them from records."""
    team = led_team(session, caller, team_id)
    zone = ZoneInfo(team.timezone)
    week = week or coming_monday(now_of(request).date())
    rota = None
    with suppress(NotFound):  # no rota for the week: the demand alone
        rota = Rota.model_validate(versions.chosen(session, team.id, week, None).rota)
    wards = demand.stored_wards(session, team)
    top = max((w for ward in wards for w in ward.demand_by_local_hour.values()), default=0.0)
    views = [
        _ward_view(ward, presence_by_hour(rota, ward.id, zone) if rota else None, top)
        for ward in wards
    ]
    return render(
        request,
        "demand.html",
        caller=caller,
        team=team,
        week=week,
        has_rota=rota is not None,
        wards=views,
        top=top,
        done=done,
    )


@router.post("/ui/teams/{team_id}/demand", dependencies=[SameOrigin])
async def upload_records(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    records: Annotated[UploadFile, File()],
    boundaries: Annotated[UploadFile | None, File()] = None,
    harm: Annotated[UploadFile | None, File()] = None,
    as_of: Annotated[str, Form()] = "",
) -> Response:
    """Build the wards' demand and hot spots from the records sent: all or nothing."""
    team = led_team(session, caller, team_id)
    name = records.filename or "the file"
    body = await records.read()
    shapes = await boundaries.read() if boundaries is not None else b""
    weights = await harm.read() if harm is not None else b""
    try:
        try:
            day = date.fromisoformat(as_of) if as_of.strip() else None
        except ValueError:
            raise Invalid.at(["as_of"], f"{as_of!r} is not a day; write it as YYYY-MM-DD") from None
        done = demand.import_demand(
            session, caller, team, body, shapes or None, day, harm=weights or None
        )
    except DomainError as error:
        session.rollback()
        return refused_page(request, caller, team, error, f"Nothing from {name} was stored")
    return RedirectResponse(f"/ui/teams/{team.id}/demand?done={done.records}", 303)
