"""The pages: the sergeant's week, the officer's duties and the public ward page.

Server-rendered (Jinja2) from the same data and rules as the API: a page action calls
the same service as the API's route (`api.services`), so a page can do nothing the API
would refuse. Signing in takes the same token as the API and opens a server-side
session (`api.services.sessions`) whose id alone goes into an HttpOnly, SameSite=Strict
cookie; form posts from another site are refused. Every form posts, then redirects to a
page that only reads, so reloading a page never does anything again. The little
JavaScript there is (progress, copy, print) is served from /static; nothing is fetched
from another host.
"""

from __future__ import annotations

import re
import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, get_args
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.routing import Match

from api import exports, tables, views
from api.auth import (
    COOKIE,
    PageCaller,
    caller_of,
    client_address,
    session_lifetime,
    too_many_guesses,
)
from api.deps import MAX_ROW_ID, RowId, SessionDep, monday, public_base
from api.memory import forget_feed_tokens
from api.schemas import JobPageState, JobView, VersionDiff
from api.services import (
    edits,
    invitations,
    jobs,
    pins,
    publishing,
    repairs,
    rosters,
    sessions,
    subscriptions,
    versions,
    ward_team,
)
from api.services.access import Caller
from api.services.errors import Conflict, DomainError, NotFound, field_error
from api.services.scenarios import (
    TeamIncomplete,
    assemble_scenario,
    monday_of,
    stored_instant,
)
from api.services.team_data import led_team
from scheduler import check
from scheduler.model import contract_shortfalls, describe_shortfalls
from scheduler.replan import Absence, Category, Replan
from scheduler.rota import Duty, Rota
from scheduler.scenario import Pin, Scenario, describe_validation_error
from scheduler.solve import gap_words

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["timedelta"] = timedelta


def _as_date(value: date | datetime | str) -> date | datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


# Dates are written one way on every page, as the scheduler's messages write them: "Mon 23
# Nov 2026", "Mon 23 Nov" within a week or a period, "Mon 23 Nov 2026 14:05 UTC" for when
# something was done (grids keep their compact column heads, "Mon 23")
templates.env.filters["date"] = lambda value: f"{_as_date(value):%a %d %b %Y}"
templates.env.filters["day"] = lambda value: f"{_as_date(value):%a %d %b}"
templates.env.filters["stamp"] = lambda value: f"{_as_date(value):%a %d %b %Y %H:%M} UTC"
templates.env.globals["zip"] = zip
# people are listed in one order on every page: sergeants, constables, PCSOs, by name
templates.env.filters["in_team_order"] = lambda people: sorted(people, key=views.team_order)
templates.env.globals["gap_words"] = gap_words
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_PREFIXES = ("/ui", "/signin", "/signout", "/wards/", "/invite/")
router = APIRouter(include_in_schema=False)


def is_page(path: str) -> bool:
    return path == "/" or path.startswith(PAGE_PREFIXES)


def is_private(path: str) -> bool:
    """A page no browser or proxy may keep (Cache-Control: no-store): everything under
    /ui, which shows names and secrets, and signing in and out. Not the public ward
    pages, nor the feeds (they set their own caching)."""
    return path in ("/ui", "/signin", "/signout") or path.startswith(("/ui/", "/invite/"))


_JOB_POLL = re.compile(r"/ui/jobs/(\d+)/state")
_UNDER_PAGE = (
    re.compile(r"(/ui/teams/[^/]+/weeks/[^/]+)/.+"),
    re.compile(r"(/ui/jobs/\d+)/.+"),
    re.compile(r"(/ui/teams/[^/]+/rosters)/generate"),
    re.compile(r"(/ui/teams/[^/]+/rosters/[^/]+)/.+"),
)


def sign_in_needed(request: Request) -> Response:
    """The answer to a request without a valid session: the sign-in page, then back to
    the page the visitor was on. A GET goes back to itself; a form post (its address
    answers only POST) to the page the form was on: the same-origin Referer, else the
    page the form belongs to (the week, the job), else /ui; the sign-in page says the
    form was not sent. The progress page's JSON poll gets a 401 naming the sign-in
    address for its page (beatplan.js goes there), never a redirect to itself."""
    path = request.url.path
    poll = _JOB_POLL.fullmatch(path)
    if poll:
        target = f"/ui/jobs/{poll[1]}"
        response: Response = JSONResponse(
            {"detail": "signed out: sign in again", "signin": f"/signin?next={quote(target)}"},
            401,
        )
    elif request.method in ("GET", "HEAD"):
        target = path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/signin?next={quote(target)}", 303)
    else:
        target = _form_page(request)
        response = RedirectResponse(f"/signin?next={quote(target)}&unsent=1", 303)
    response.delete_cookie(COOKIE)
    return response


def _form_page(request: Request) -> str:
    referer = urlsplit(request.headers.get("referer", ""))
    if (
        referer.netloc == request.url.netloc
        and (referer.path == "/ui" or referer.path.startswith("/ui/"))
        and not _JOB_POLL.fullmatch(referer.path)
        and _is_a_page_to_get(request, referer.path)
    ):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    for under in _UNDER_PAGE:
        found = under.fullmatch(request.url.path)
        if found:
            return found[1]
    return "/ui"


def _is_a_page_to_get(request: Request, path: str) -> bool:
    """Whether GET `path` is a page (an error page shown by a form post has the post's
    address, which GET would answer with 405)."""
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


def _same_origin(request: Request) -> None:
    """Refuse a form post made from another site (the cookie is SameSite=Strict too)."""
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if (site and site not in ("same-origin", "none")) or (
        origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc
    ):
        raise HTTPException(403, "this form must be sent from Beatplan's own pages")


SameOrigin = Depends(_same_origin)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(
    request: Request, status_code: int, detail: Any, back: tuple[str, str] | None = None
) -> HTMLResponse:
    """The error as a page: the detail, and `back` (address, link text) if given."""
    if isinstance(detail, dict):
        detail = detail.get("msg", str(detail))
    elif isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg')}"
            if isinstance(item, dict)
            else str(item)
            for item in detail
        )
    return render(
        request, "error.html", status_code, status=status_code, detail=str(detail), back=back
    )


def follow_running(error: Conflict) -> RedirectResponse:
    """A job refused because its team-week has one queued or running: to that job's
    progress page; any other refusal (or one whose job ended meanwhile) stands."""
    if isinstance(error.detail, dict) and error.detail["job"]:
        return RedirectResponse("/ui" + error.detail["job"], 303)
    raise error


def unprefixed(error: Any) -> dict[str, Any]:
    """A problem with its field path as the form names it (the API's has "body" first)
    and pydantic's "Value error, " taken off."""
    loc = list(error.get("loc", ()))
    if loc[:1] == ["body"]:
        loc = loc[1:]
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return {"loc": loc, "msg": message}


def problems_of(error: DomainError) -> list[dict[str, Any]]:
    if isinstance(error.detail, list):
        return error.detail
    text = error.detail.get("msg", "") if isinstance(error.detail, dict) else error.detail
    return [field_error([], str(text))]


def refused_page(
    request: Request, caller: Any, team: tables.Team, error: DomainError, headline: str
) -> HTMLResponse:
    """The page of a refused form or file: the headline and each problem, by its place
    ("line 3 role: ..." for a file), with the error's status."""
    problems = []
    for problem in map(unprefixed, problems_of(error)):  # "line 3 role: ..." for a file
        place = " ".join(str(part) for part in problem["loc"])
        problems.append(f"{place}: {problem['msg']}" if place else problem["msg"])
    return render(
        request,
        "setup_problem.html",
        error.status,
        caller=caller,
        team=team,
        headline=headline,
        problems=problems,
    )


def now_of(request: Request) -> datetime:
    return request.app.state.clock()


def _names(session: Session, table: type[tables.TeamItem], team_id: str) -> dict[str, str]:
    rows = session.exec(select(table).where(col(table.team_id) == team_id))
    return {row.id: row.spec.get("name", row.id) for row in rows}


def _staff(session: Session, team_id: str) -> dict[str, dict[str, str]]:
    rows = session.exec(
        select(tables.StaffMember).where(col(tables.StaffMember.team_id) == team_id)
    )
    return {r.id: {"name": r.spec.get("name", r.id), "role": r.spec.get("role", "")} for r in rows}


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff", title=url)


def _feed_links(https: str) -> dict[str, str]:
    """A feed's addresses; its QR code carries the webcal one, which a phone's camera
    hands to the calendar app to subscribe (the https one would only download it once)."""
    webcal = "webcal://" + https.split("://", 1)[1]
    return {"url": https, "webcal": webcal, "qr": _qr(webcal)}


# -- signing in ---------------------------------------------------------------------------


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/ui", 303)


def _signin_page(
    request: Request,
    next: str,
    unsent: bool = False,
    error: str | None = None,
    status: int = 200,
    method: str = "password",
    login: str = "",
    done: str | None = None,
) -> HTMLResponse:
    lifetime = session_lifetime(request)
    return render(
        request,
        "signin.html",
        status,
        next=_local(next),
        unsent=unsent,
        error=error,
        method=method,
        login=login,
        done=done,
        idle_hours=lifetime.idle.total_seconds() / 3600,
        max_hours=lifetime.absolute.total_seconds() / 3600,
    )


@router.get("/signin")
def signin_form(
    request: Request,
    next: str = "/ui",
    unsent: bool = False,
    done: str | None = None,
    login: Annotated[str, Query(max_length=120)] = "",
) -> HTMLResponse:
    """`unsent`: a form was posted after the session had ended (see sign_in_needed);
    `done=password`: the visitor has just chosen their password (as `login`)."""
    return _signin_page(request, next, unsent, done=done, login=login)


def _local(target: str) -> str:
    """Only a path on this site may be the page to go on to (no open redirect)."""
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else "/ui"


WRONG_TOKEN = (
    "That token is unknown or revoked. Ask your admin for a new one (beatplan admin) and "
    "paste it whole."
)


WRONG_PASSWORD = (
    "That login and password do not match. Check both; if you have no password yet, or "
    "forgot it, ask your sergeant to invite you again."
)


@router.post("/signin", dependencies=[SameOrigin])
async def signin(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    login: Annotated[str, Form(max_length=120)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/ui",
) -> Response:
    """Check the login and password (`api.services.invitations`) or the token, open a
    session and go on to `next`; the cookie carries only the session's id, never the
    token. Wrong passwords and wrong tokens count alike towards an address's limit."""
    method = "password" if login.strip() else "token"
    token = token.strip()
    try:
        if method == "password":
            caller, token = await _password_sign_in(request, session, login, password)
        elif not token:
            raise HTTPException(401, "no token")
        else:
            caller = await caller_of(request, token)
    except HTTPException as error:
        if error.status_code != 429:
            wrong = WRONG_PASSWORD if method == "password" else WRONG_TOKEN
            return _signin_page(request, next, error=wrong, status=401, method=method, login=login)
        # Too many wrong guesses from this address: the API's words, as a sentence.
        said = f"{error.detail[0].upper()}{error.detail[1:]}."
        page = _signin_page(request, next, error=said, status=429, method=method, login=login)
        page.headers.update(error.headers or {})
        return page
    lifetime = session_lifetime(request)
    session_id = await run_in_threadpool(
        sessions.start_session, session, caller, token, now_of(request), lifetime
    )
    response = RedirectResponse(_local(next), 303)
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(lifetime.absolute.total_seconds()),  # the server ends it then anyway
    )
    return response


async def _password_sign_in(
    request: Request, session: Session, login: str, password: str
) -> tuple[Caller, str]:
    """The caller a login and password belong to, and a new token for their session (never
    shown); 401 if they do not match, 429 after too many wrong guesses from the address."""
    guesses = request.app.state.guesses
    address = client_address(request)
    wait = guesses.wait(address, time_module.monotonic())
    if wait > 0:
        raise too_many_guesses(wait, "passwords")
    caller = await run_in_threadpool(invitations.password_caller, session, login, password)
    if caller is None:
        guesses.failed(address, time_module.monotonic())
        raise HTTPException(401, "wrong login or password")
    token = await run_in_threadpool(invitations.open_token, session, caller.user, now_of(request))
    return caller, token


@router.post("/signout", dependencies=[SameOrigin])
def signout(request: Request, session: SessionDep) -> Response:
    """End the session in the database (a copy of the cookie stops working too)."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
        sessions.end_session(session, session_id, now_of(request))
    response = RedirectResponse("/signin", 303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/ui")
def home(request: Request, caller: PageCaller, session: SessionDep) -> Response:
    if caller.user.role == tables.Role.OFFICER.value:
        return RedirectResponse("/ui/me", 303)
    query = select(tables.Team).order_by(col(tables.Team.name))
    teams = [t for t in session.exec(query) if caller.may_lead(t.id)]
    latest = {}
    for team in teams:
        week = session.exec(
            select(tables.RotaVersion.week_start)
            .where(col(tables.RotaVersion.team_id) == team.id)
            .order_by(col(tables.RotaVersion.week_start).desc())
        ).first()
        latest[team.id] = week or _this_monday(team, now_of(request))
    return render(request, "home.html", caller=caller, teams=teams, latest=latest)


def _this_monday(team: tables.Team, now: datetime) -> date:
    return monday_of(now.astimezone(ZoneInfo(team.timezone)).date())


# -- the sergeant's week ------------------------------------------------------------------


@router.get("/ui/teams/{team_id}")
def team_now(request: Request, team_id: str, caller: PageCaller, session: SessionDep) -> Response:
    team = led_team(session, caller, team_id)
    return RedirectResponse(f"/ui/teams/{team.id}/weeks/{_this_monday(team, now_of(request))}", 303)


@router.get("/ui/teams/{team_id}/weeks/{week}")
def week_page(
    request: Request,
    team_id: str,
    week: date,
    caller: PageCaller,
    session: SessionDep,
    version: int | None = None,
    done: str | None = None,
    repair: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    week = monday(week)
    try:
        scenario = assemble_scenario(session, team, week)
    except TeamIncomplete as incomplete:  # still being set up: what it needs, with the forms
        return render(
            request,
            "not_ready.html",
            caller=caller,
            team=team,
            week=week,
            lacking=incomplete.lacking,
        )
    listed = versions.listed(session, team.id, week)
    shown = versions.choose(listed, team.id, week, version, False) if listed else None
    rota = Rota.model_validate(shown.rota) if shown else None
    running = jobs.active_job(session, team.id, week)
    zone = ZoneInfo(team.timezone)
    live = versions.published(session, team.id, week)
    return render(
        request,
        "week.html",
        roster=rosters.covering(session, team.id, week),
        caller=caller,
        team=team,
        week=week,
        previous_week=week - timedelta(days=7),
        next_week=week + timedelta(days=7),
        versions=listed,
        shown=shown,
        view=views.build_week(scenario, rota) if rota else None,
        scenario=scenario,
        pins=[pins.view(row) for row in pins.stored_pins(session, team.id, week)],
        staff_names={p.id: p.name for p in scenario.staff},
        event_names={e.id: e.name for e in scenario.events},
        ward_names={w.id: w.name for w in scenario.wards},
        templates_=scenario.duty_templates,
        shortfalls=describe_shortfalls(contract_shortfalls(scenario)),
        running=running,
        notice=_notice(done, version),
        published=live is not None,
        # What the published rota breaks now (leave recorded since, a later finish in the
        # week before it): officers' calendars show it, so the page says to repair it.
        published_breaks=publishing.person_breaks(scenario, live.rota) if live else [],
        live=live,
        categories=get_args(Category),
        # an absence is recorded from now, or from the week's start if that is later
        now_local=max(now_of(request), datetime.combine(week, time(0), zone))
        .astimezone(zone)
        .strftime("%Y-%m-%dT%H:%M"),
        repair=_repair_of(session, caller, team.id, week, repair) if repair else None,
        telling=_telling(scenario, live, shown, now_of(request), zone),
        edited=_edited(scenario, shown, rota),
        zone=zone,
        parse=datetime.fromisoformat,
    )


def _edited(
    scenario: Scenario, shown: tables.RotaVersion | None, rota: Rota | None
) -> dict[str, Any] | None:
    """A draft the sergeant edited by hand: the days edited (who, day), what the draft
    breaks now in the checker's words, and the version it came from."""
    days = edits.edited_days(shown) if shown is not None else []
    if shown is None or rota is None or not days or shown.status != versions.DRAFT:
        return None
    names = {person.id: person.name for person in scenario.staff}
    broken = check(scenario, rota)
    return {
        "from": (shown.basis or {})["edited"]["from"],
        "days": [(names.get(staff, staff), date.fromisoformat(day)) for staff, day in days],
        "breaks": [violation.message for violation in broken],
        # coverage short of a ward's minimum may be published; nothing else may
        "blocking": any(v.rule not in publishing.COVERAGE_RULES for v in broken),
    }


def _telling(
    scenario: Scenario,
    live: tables.RotaVersion | None,
    shown: tables.RotaVersion | None,
    now: datetime,
    zone: ZoneInfo,
) -> list[dict[str, Any]] | None:
    """What publishing the shown draft over the published version would change now, each
    duty in the officer's page's words; None unless a draft is shown over a published one."""
    if live is None or shown is None or shown.status != versions.DRAFT:
        return None
    wards = {ward.id: ward.name for ward in scenario.wards}
    before, after = Rota.model_validate(live.rota), Rota.model_validate(shown.rota)
    return _in_words(publishing.duty_changes(scenario, before, after, now), zone, wards)


def _repair_of(
    session: Session, caller: Caller, team_id: str, week: date, job_id: int
) -> dict[str, Any] | None:
    """A finished repair of this team-week: what it changed, for the week page."""
    try:
        job = jobs.led_job(session, caller, job_id)
    except NotFound:
        return None  # a stale or foreign link: the week page shows without it
    if (job.team_id, job.week_start, job.kind) != (team_id, week, "replan") or not job.result:
        return None
    result = {"job": job.id, **job.result}
    # Each changed duty as published and as repaired, to show with times and ward names
    # (a result stored before "published_version" was kept shows the scheduler's words),
    # and its main ward (the one it spends longest in): a "ward changed" repair changes
    # that, often leaving the set of wards as it was.
    for side, number in (("before", result.get("published_version")), ("after", result["version"])):
        if number is None:
            continue
        stored = versions.chosen(session, team_id, week, number).rota["duties"]
        duties = {
            versions.duty_key(d): {
                **versions.duty_summary(d),
                "main_ward": Duty.model_validate(d).main_ward,
            }
            for d in stored
        }
        for change in result["changes"]:
            change[f"{side}_duty"] = duties.get((change["staff"], change["day"]))
    return result


# What a page may say after an action: fixed texts chosen by key, so a link cannot make
# Beatplan's page say something of the link-maker's choosing.
NOTICES = {
    "edited": "Version {version} is your edit: what it breaks, if anything, is below.",
    "pinned": "Pinned. Re-solve to make a draft that keeps it.",
    "unpinned": "Pin removed. Re-solve to let the solver choose again.",
    "published": "Version {version} published: officers' calendars now show it.",
    "published-following-breaks": "Version {version} published: officers' calendars now "
    "show it. The following week's published rota no longer fits after it (rest after "
    "Sunday's duties, days in a row): open that week and repair or regenerate it.",
}


def _notice(done: str | None, version: int | None) -> str | None:
    """The fixed text for `done`; none for a text that names a version if the link has no
    version (it would say "Version None")."""
    text = NOTICES.get(done or "")
    if text is None or ("{version}" in text and version is None):
        return None
    return text.format(version=version)


def _back(team_id: str, week: date, done: str, version: int | None = None) -> RedirectResponse:
    target = f"/ui/teams/{team_id}/weeks/{week}?done={done}"
    if version is not None:
        target += f"&version={version}"
    return RedirectResponse(target, 303)


@router.post("/ui/teams/{team_id}/weeks/{week}/generate", dependencies=[SameOrigin])
def generate(
    request: Request, team_id: str, week: date, caller: PageCaller, session: SessionDep
) -> Response:
    team = led_team(session, caller, team_id)
    limit = request.app.state.settings.solve_time_limit
    try:
        job = jobs.start_solve(session, caller, team, monday(week), limit, now_of(request))
    except Conflict as error:
        return follow_running(error)
    return RedirectResponse(f"/ui/jobs/{job.id}", 303)


@router.post("/ui/teams/{team_id}/weeks/{week}/absence", dependencies=[SameOrigin])
def record_absence(
    request: Request,
    team_id: str,
    week: date,
    caller: PageCaller,
    session: SessionDep,
    staff: Annotated[str, Form()],
    category: Annotated[str, Form()],
    start: Annotated[datetime, Form(description="local time, the team's zone")],
    end: Annotated[datetime, Form(description="local time, the team's zone")],
) -> Response:
    """Someone can't work: record it and repair the published week from now."""
    team = led_team(session, caller, team_id)
    zone = ZoneInfo(team.timezone)
    try:
        absence = Absence(
            staff=staff,
            category=category,
            start=start.replace(tzinfo=start.tzinfo or zone),
            end=end.replace(tzinfo=end.tzinfo or zone),
        )
    except ValidationError as error:
        raise HTTPException(422, describe_validation_error(error, "absence")) from None
    replan = Replan(now=now_of(request), changes=[absence])
    job = repairs.start_repair(session, caller, team, monday(week), replan, now_of(request))
    return RedirectResponse(f"/ui/jobs/{job.id}", 303)


@router.post("/ui/teams/{team_id}/weeks/{week}/pins", dependencies=[SameOrigin])
def add_pin(
    team_id: str,
    week: date,
    caller: PageCaller,
    session: SessionDep,
    staff: Annotated[str, Form()],
    day: Annotated[date, Form()],
    duty: Annotated[str, Form(description="a duty template id, or 'off'")],
) -> Response:
    team = led_team(session, caller, team_id)
    week = monday(week)
    if not week <= day < week + timedelta(days=7):
        raise HTTPException(422, f"day {day} is not in the week of {week}; pick a day of it")
    try:
        pin = (
            Pin(staff=staff, day=day, off=True)
            if duty == "off"
            else Pin(staff=staff, day=day, template=duty)
        )
    except ValidationError as error:
        raise HTTPException(422, describe_validation_error(error)) from None
    pins.add_pin(session, caller, team, week, pin)
    return _back(team.id, week, "pinned")


@router.post("/ui/teams/{team_id}/weeks/{week}/pins/{pin_id}/delete", dependencies=[SameOrigin])
def delete_pin(
    team_id: str, week: date, pin_id: str, caller: PageCaller, session: SessionDep
) -> Response:
    team = led_team(session, caller, team_id)
    pins.delete_pin(session, caller, team, monday(week), pin_id)
    return _back(team.id, week, "unpinned")


@router.post(
    "/ui/teams/{team_id}/weeks/{week}/versions/{number}/publish", dependencies=[SameOrigin]
)
def publish(
    request: Request, team_id: str, week: date, number: int, caller: PageCaller, session: SessionDep
) -> Response:
    team = led_team(session, caller, team_id)
    _, following = publishing.publish_draft(
        session, caller, team, monday(week), number, now_of(request)
    )
    if following:
        return _back(team.id, week, "published-following-breaks", number)
    return _back(team.id, week, "published", number)


@router.get("/ui/teams/{team_id}/weeks/{week}/diff")
def diff_page(
    request: Request,
    team_id: str,
    week: date,
    caller: PageCaller,
    session: SessionDep,
    from_: Annotated[int, Query(alias="from")],
    to: int,
) -> HTMLResponse:
    team = led_team(session, caller, team_id)
    week = monday(week)
    changes = versions.diff(session, team.id, week, from_, to)
    result = VersionDiff(from_=from_, to=to, changes=changes).model_dump(mode="json", by_alias=True)
    return render(
        request,
        "diff.html",
        caller=caller,
        team=team,
        week=week,
        diff=result,
        staff_names={k: v["name"] for k, v in _staff(session, team.id).items()},
        ward_names=_names(session, tables.Ward, team.id),
        zone=ZoneInfo(team.timezone),
        parse=datetime.fromisoformat,
    )


def _export_parts(
    session: Session, caller: Caller, team_id: str, week: date, version: int | None
) -> tuple[tables.Team, tables.RotaVersion, Rota]:
    team = led_team(session, caller, team_id)
    chosen = versions.chosen(session, team.id, monday(week), version)
    return team, chosen, Rota.model_validate(chosen.rota)


def _download(body: str | bytes, media_type: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/ui/teams/{team_id}/weeks/{week}/rota.csv")
def export_csv(
    team_id: str, week: date, caller: PageCaller, session: SessionDep, version: int | None = None
) -> Response:
    team, chosen, rota = _export_parts(session, caller, team_id, week, version)
    rows = exports.duty_rows(
        rota.duties, _staff(session, team.id), _names(session, tables.Ward, team.id)
    )
    name = f"{team.id}-{rota.week_start}-v{chosen.number}.csv"
    return _download(exports.to_csv(rows), "text/csv; charset=utf-8", name)


@router.get("/ui/teams/{team_id}/weeks/{week}/rota.xlsx")
def export_xlsx(
    team_id: str, week: date, caller: PageCaller, session: SessionDep, version: int | None = None
) -> Response:
    team, chosen, rota = _export_parts(session, caller, team_id, week, version)
    scenario = assemble_scenario(session, team, rota.week_start)
    days = [rota.week_start + timedelta(days=offset) for offset in range(7)]
    away = {
        person.id: {
            day: reason
            for day in days
            if (reason := views.leave_on(person.unavailable, day, scenario.zone))
        }
        for person in scenario.staff
    }
    body = exports.to_xlsx(
        f"{team.name}: week of {rota.week_start:%a %d %b %Y}, version {chosen.number} "
        f"({chosen.status})",
        rota.week_start,
        rota.duties,
        _staff(session, team.id),
        _names(session, tables.Ward, team.id),
        away,
    )
    name = f"{team.id}-{rota.week_start}-v{chosen.number}.xlsx"
    return _download(body, XLSX, name)


# -- solve progress -----------------------------------------------------------------------


def _job_state(session: Session, caller: Caller, job_id: int) -> JobPageState:
    job = jobs.led_job(session, caller, job_id)
    view = JobView.of(job)
    words = {"quality": _quality(view), "time_taken": _time_taken(view)}
    if job.kind == "roster":  # back to the team's rosters; on to the roster it made
        made = jobs.roster_made(job)
        rosters_page = f"/ui/teams/{job.team_id}/rosters"
        following = f"{rosters_page}/{job.week_start}?version={made}" if made else None
        return JobPageState(**view.model_dump(), week_page=rosters_page, next=following, **words)
    made = jobs.version_made(session, job_id)
    week = f"/ui/teams/{job.team_id}/weeks/{job.week_start}"
    following = f"{week}?version={made}" if made is not None else None
    if following is not None and job.kind == "replan":  # the draft, and what it changed
        following += f"&repair={job.id}#repair-h"
    return JobPageState(**view.model_dump(), week_page=week, next=following, **words)


def _quality(job: JobView) -> str:
    """The best rota (roster) so far in plain words: at most how far below the best
    possible it is (the solver's bound), rather than the objective and the bound."""
    what = "roster" if job.kind == "roster" else "rota"
    running = job.status in tables.ACTIVE_JOB
    objective, bound = job.progress.objective, job.progress.bound
    if objective is None or bound is None:
        return f"No {what} found yet." if running else ""
    lead = f"Best {what} so far" if running else f"The {what} found"
    gap = abs(bound - objective) / max(1.0, abs(bound))  # as scheduler.solve.Progress.gap
    return f"{lead}: {gap_words(gap)}."


def _time_taken(job: JobView) -> str:
    """How long the job has been running (or ran), in words; "–" until it starts."""
    if job.started_at is None:
        return "–"
    end = job.finished_at or datetime.now(UTC)
    seconds = max(0, round((end - job.started_at).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    took = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    return took if job.finished_at is not None else f"{took} so far"


@router.get("/ui/jobs/{job_id}")
def job_page(request: Request, job_id: RowId, caller: PageCaller, session: SessionDep) -> Response:
    state = _job_state(session, caller, job_id).model_dump(mode="json")
    fixes = _fixes(session, state) if state["status"] == "failed" else []
    return render(request, "job.html", caller=caller, job=state, fixes=fixes)


FIX_FORMS = (  # what a failed solve's reasons may name, and the form that changes it
    (tables.EngagementEvent, "events", "event"),
    (tables.StaffMember, "staff", "person"),
    (tables.Ward, "wards", "ward"),
    (tables.DutyTemplate, "duty-templates", "duty"),
)


def _fixes(session: Session, job: dict[str, Any]) -> list[tuple[str, str]]:
    """The forms that fix a week the solver proved impossible: each event, person, ward
    or duty its reasons name (by name, as the reasons are written), then the week's pins
    if they name a pin, and the team's rules. (Link text, address) pairs."""
    message = job.get("message") or ""
    team_id = job["team"]
    found: list[tuple[str, str]] = []
    for table, kind, word in FIX_FORMS:
        rows = session.exec(select(table).where(col(table.team_id) == team_id)).all()
        for row in rows:
            name = row.spec.get("name", "")
            if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message):
                found.append((f"{name} ({word})", f"/ui/teams/{team_id}/setup/{kind}/{row.id}"))
    if re.search(r"\bpin", message, re.IGNORECASE):
        found.append(("the week's pins", f"{job['week_page']}#pins-h"))
    if found or "rules" in message:
        found.append(("the team's rules", f"/ui/teams/{team_id}/setup/team"))
    return found


@router.post("/ui/jobs/{job_id}/cancel", dependencies=[SameOrigin])
def job_cancel(
    request: Request, job_id: RowId, caller: PageCaller, session: SessionDep
) -> Response:
    """Cancel the solve (no draft is made; the versions already stored stay)."""
    return _stop_or_cancel(request, job_id, caller, session, keep=False)


@router.post("/ui/jobs/{job_id}/stop", dependencies=[SameOrigin])
def job_stop(request: Request, job_id: RowId, caller: PageCaller, session: SessionDep) -> Response:
    """Stop the solve now and keep the best rota found so far as the draft."""
    return _stop_or_cancel(request, job_id, caller, session, keep=True)


def _stop_or_cancel(
    request: Request, job_id: int, caller: Caller, session: Session, keep: bool
) -> Response:
    """Back to the job's page; a job that has finished meanwhile is the API's 409 (its
    status and what to do), with a link to the job's page."""
    try:
        jobs.request_stop(session, caller, job_id, keep)
    except Conflict as error:
        return error_page(request, 409, error.detail, back=(f"/ui/jobs/{job_id}", "Open the job"))
    return RedirectResponse(f"/ui/jobs/{job_id}", 303)


@router.get("/ui/jobs/{job_id}/state")
def job_state(job_id: RowId, caller: PageCaller, session: SessionDep) -> JobPageState:
    """What the progress page polls (the API's job view, plus where to go when done)."""
    return _job_state(session, caller, job_id)


# -- the officer's page -------------------------------------------------------------------


def _officer(caller: Caller) -> tuple[str, str]:
    user = caller.user
    if user.role != tables.Role.OFFICER.value or not user.team_id or not user.staff_id:
        raise HTTPException(
            403, "this page is an officer's own; sergeants and admins use their team pages"
        )
    return user.team_id, user.staff_id


def _officer_page(
    request: Request, caller: Caller, session: Session, link: dict[str, str] | None
) -> HTMLResponse:
    team_id, staff_id = _officer(caller)
    team = session.get(tables.Team, team_id)
    assert team is not None
    zone = ZoneInfo(team.timezone)
    start = _this_monday(team, now_of(request))
    published = session.exec(
        select(tables.RotaVersion)
        .where(
            col(tables.RotaVersion.team_id) == team_id,
            col(tables.RotaVersion.status) == tables.VersionStatus.PUBLISHED.value,
            col(tables.RotaVersion.week_start) >= start,
        )
        .order_by(col(tables.RotaVersion.week_start))
        .limit(6)
    ).all()
    ward_names = _names(session, tables.Ward, team_id)
    event_names = _names(session, tables.EngagementEvent, team_id)
    spot_names = {
        spot["id"]: spot["name"]
        for row in session.exec(select(tables.Ward).where(col(tables.Ward.team_id) == team_id))
        for spot in row.spec.get("hot_spots") or []
    }
    weeks = []
    for version in published:
        rota = Rota.model_validate(version.rota)
        lines = views.duty_lines(rota.duties_of(staff_id), zone, ward_names, spot_names)
        for line in lines:
            line["events"] = [event_names.get(e, e) for e in line["events"]]
        weeks.append({"start": version.week_start, "number": version.number, "duties": lines})
    feeds_ = subscriptions.live_duty_feeds(session, team_id, staff_id)
    me = _staff(session, team_id).get(staff_id, {"name": staff_id})
    today = rosters.today_of(team, now_of(request))
    rostered, roster_changes = rosters.rostered_for(session, team, staff_id, today)
    told = publishing.changes_told_to(session, caller, now_of(request))
    return render(
        request,
        "officer.html",
        caller=caller,
        team=team,
        me=me,
        weeks=weeks,
        feeds=feeds_,
        link=link,
        rostered=rostered,
        roster_changes=roster_changes,
        duty_changes=_in_words(told, zone, ward_names),
    )


def _in_words(
    changes: list[dict[str, Any]], zone: ZoneInfo, ward_names: dict[str, str]
) -> list[dict[str, Any]]:
    """`publishing.duty_changes` with each duty before and after in words (`_duty_words`)."""
    return [
        {
            **change,
            "before": _duty_words(change["before"], zone, ward_names),
            "after": _duty_words(change["after"], zone, ward_names),
        }
        for change in changes
    ]


def _duty_words(duty: Duty | None, zone: ZoneInfo, ward_names: dict[str, str]) -> str:
    """A duty as a change list writes it: its times and wards, its main ward (the one it
    spends longest in) first ("07:00–15:00 Market Square, St Mark's"), or "off"."""
    if duty is None:
        return "off"
    wards = ", ".join(ward_names.get(w, w) for w in views.ward_order(duty, ward_names))
    return f"{views.span(duty.start, duty.end, zone)} {wards}"


@router.get("/ui/me")
def officer_page(request: Request, caller: PageCaller, session: SessionDep) -> HTMLResponse:
    """The officer's duties; and, once, right after they made it, their new calendar
    link (kept in their session by officer_feed, taken from it here: a reload shows it
    no more and makes nothing)."""
    team_id, staff_id = _officer(caller)
    link = None
    taken = sessions.take_flash(session, request.cookies[COOKIE])
    if taken is not None:
        feed_id, token = taken
        feed = session.get(tables.FeedToken, feed_id)
        # Not if another tab has made a newer link meanwhile (this one is revoked).
        if (
            feed
            and feed.revoked_at is None
            and (feed.team_id, feed.staff_id)
            == (
                team_id,
                staff_id,
            )
        ):
            link = _feed_links(f"{public_base(request)}/ical/{token}.ics")
    return _officer_page(request, caller, session, link)


@router.post("/ui/me/feed", dependencies=[SameOrigin])
def officer_feed(request: Request, caller: PageCaller, session: SessionDep) -> Response:
    """A new calendar link for the officer; the links they had stop working (one live
    link each keeps a lost phone easy to cut off). Then to the officer's page, which
    shows it once."""
    team_id, staff_id = _officer(caller)
    feed, token = subscriptions.new_officer_link(session, caller, team_id, staff_id)
    forget_feed_tokens(request.app.state)  # the revoked ones stop at once in this process
    assert feed.id is not None
    sessions.put_flash(session, request.cookies[COOKIE], feed.id, token)
    return RedirectResponse("/ui/me#subscribe", 303)


# -- the public ward page -----------------------------------------------------------------


PUBLIC_WEEKS_AHEAD = 13  # a ward page lists the events planned this far ahead


@router.get("/wards/{team_id}")
def wards_page(request: Request, team_id: str, session: SessionDep) -> HTMLResponse:
    """A team's wards, for residents: each links to its page; how to reach the team."""
    team = session.get(tables.Team, team_id)
    if team is None:
        raise HTTPException(404, f"no team {team_id!r}")
    wards = session.exec(select(tables.Ward).where(col(tables.Ward.team_id) == team_id)).all()
    listed = sorted(((w.id, w.spec.get("name", w.id)) for w in wards), key=lambda w: w[1])
    return render(request, "wards.html", caller=None, team=team, wards=listed)


@router.get("/wards/{team_id}/{ward_id}")
def ward_page(request: Request, team_id: str, ward_id: str, session: SessionDep) -> HTMLResponse:
    team = session.get(tables.Team, team_id)
    ward = session.get(tables.Ward, (team_id, ward_id)) if team else None
    if team is None or ward is None:
        raise HTTPException(404, f"no ward {ward_id!r} in team {team_id!r}")
    zone = ZoneInfo(team.timezone)
    now = now_of(request)
    # The events the team plans in the ward, public ones only, whether or not their week's
    # rota is published yet (who attends is not shown: a rota decides it)
    rows = session.exec(
        select(tables.EngagementEvent)
        .where(
            col(tables.EngagementEvent.team_id) == team_id,
            col(tables.EngagementEvent.starts_at) >= now - timedelta(days=1),
            col(tables.EngagementEvent.starts_at) < now + timedelta(weeks=PUBLIC_WEEKS_AHEAD),
        )
        .order_by(col(tables.EngagementEvent.starts_at))
    ).all()
    events = []
    for row in rows:
        spec = row.spec
        if spec.get("ward") != ward_id or not spec.get("public", True):
            continue
        begins, ends = (stored_instant(spec[name], team) for name in ("start", "end"))
        if ends < now:
            continue
        events.append(
            {
                "summary": spec.get("name", row.id),
                "location": spec.get("place", ""),
                "day": begins.astimezone(zone),
                "times": views.span(begins, ends, zone),
                "audience": spec.get("audience") or "",
            }
        )
    link = _feed_links(f"{public_base(request)}/ical/public/{team_id}/{ward_id}.ics")
    return render(
        request,
        "ward.html",
        caller=None,
        team=team,
        ward_name=ward.spec.get("name", ward_id),
        events=events[:50],
        weeks_ahead=PUBLIC_WEEKS_AHEAD,
        members=ward_team.ward_team(session, team, ward_id, now),
        link=link,
    )
