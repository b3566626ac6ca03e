"""The team's people and their sign-in: a sergeant invites an officer with a one-time
link, and the officer chooses a password there (`api.services.invitations`).

As every page, an action calls the API's service, so a page can do nothing the API
would refuse; every form posts, then redirects. The new link is shown once, on the page
the invitation redirects to: it is kept for that page sealed with the sergeant's session
id (`sessions.put_flash`), as a new calendar link is.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import col, select

from api import tables, views
from api.auth import COOKIE, PageCaller
from api.deps import SessionDep, public_base
from api.pages import SameOrigin, now_of, render
from api.services import invitations, sessions
from api.services.errors import DomainError, Invalid
from api.services.team_data import led_team

router = APIRouter(include_in_schema=False)


@router.get("/ui/teams/{team_id}/people")
def people_page(
    request: Request, team_id: str, caller: PageCaller, session: SessionDep
) -> HTMLResponse:
    """Who in the team can sign in, how, and the form to invite someone."""
    team = led_team(session, caller, team_id)
    link = None
    taken = sessions.take_flash(session, request.cookies[COOKIE], kind="invite")
    if taken is not None:
        invitation_id, secret = taken
        invitation = session.get(tables.Invitation, invitation_id)
        invited = session.get(tables.User, invitation.user_id) if invitation else None
        if invitation is not None and invitation.used_at is None and invited is not None:
            link = {
                "url": f"{public_base(request)}/invite/{secret}",
                "who": invited.name,
                "login": invited.login,
                "until": invitation.expires_at,
            }
    return _people(request, session, caller, team, link=link)


@router.post("/ui/teams/{team_id}/people/invite", dependencies=[SameOrigin])
def invite(
    request: Request,
    team_id: str,
    caller: PageCaller,
    session: SessionDep,
    staff_id: Annotated[str, Form(max_length=64)],
    login: Annotated[str, Form(max_length=120)],
) -> Response:
    team = led_team(session, caller, team_id)
    try:
        _, invitation, secret = invitations.invite(
            session, caller, team, staff_id, login, now_of(request)
        )
    except DomainError as error:
        session.rollback()
        return _people(request, session, caller, team, error=error, typed=(staff_id, login))
    assert invitation.id is not None
    sessions.put_flash(session, request.cookies[COOKIE], invitation.id, secret, kind="invite")
    return RedirectResponse(f"/ui/teams/{team.id}/people#invited", 303)


def _people(
    request: Request,
    session: SessionDep,
    caller: PageCaller,
    team: tables.Team,
    link: dict | None = None,
    error: DomainError | None = None,
    typed: tuple[str, str] = ("", ""),
) -> HTMLResponse:
    users = {
        user.staff_id: user
        for user in session.exec(select(tables.User).where(col(tables.User.team_id) == team.id))
    }
    now = now_of(request)
    waiting = {
        invitation.user_id: invitation
        for invitation in session.exec(
            select(tables.Invitation).where(
                col(tables.Invitation.used_at).is_(None), col(tables.Invitation.expires_at) > now
            )
        )
    }
    staff = sorted(
        session.exec(
            select(tables.StaffMember).where(col(tables.StaffMember.team_id) == team.id)
        ).all(),
        key=lambda row: views.team_order(row.spec),
    )
    rows = []
    for person in staff:
        user = users.get(person.id)
        if user is None:
            state = "no account"
        elif user.deactivated_at is not None:
            state = "deactivated"
        elif user.id in waiting:
            state = f"invited: the link works until {waiting[user.id].expires_at:%a %d %b %Y}"
        elif user.password_hash:
            state = "signs in with a password"
        else:
            state = "signs in with a token only"
        rows.append(
            {
                "id": person.id,
                "name": person.spec.get("name", person.id),
                "role": person.spec.get("role", ""),
                "login": user.login if user else None,
                "state": state,
            }
        )
    problem = None
    if error is not None:
        detail = error.detail
        problem = (
            "; ".join(item["msg"] for item in detail) if isinstance(detail, list) else str(detail)
        )
    return render(
        request,
        "people.html",
        error.status if error else 200,
        caller=caller,
        team=team,
        rows=rows,
        link=link,
        problem=problem,
        problem_field=(
            error.detail[0]["loc"][-1]
            if isinstance(error, Invalid) and isinstance(error.detail, list)
            else "login"
        ),
        typed=typed,
        days=invitations.INVITE_DAYS,
    )


@router.get("/invite/{secret}")
def invitation_page(request: Request, secret: str, session: SessionDep) -> HTMLResponse:
    """The invited officer chooses their password (no sign-in: the link is the key)."""
    _, user = invitations.pending(session, secret, now_of(request))
    return _choose(request, secret, user)


@router.post("/invite/{secret}", dependencies=[SameOrigin])
def choose_password(
    request: Request,
    secret: str,
    session: SessionDep,
    password: Annotated[str, Form(max_length=1024)],
    again: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        user = invitations.accept(session, secret, password, again, now_of(request))
    except Invalid as error:
        session.rollback()
        _, user = invitations.pending(session, secret, now_of(request))
        return _choose(request, secret, user, error)
    return RedirectResponse(f"/signin?done=password&login={quote(user.login or '')}", 303)


def _choose(
    request: Request, secret: str, user: tables.User, error: Invalid | None = None
) -> HTMLResponse:
    problem = error.detail[0] if error is not None and isinstance(error.detail, list) else None
    return render(
        request,
        "invite.html",
        422 if error else 200,
        secret=secret,
        user=user,
        problem=problem["msg"] if problem else None,
        problem_field=problem["loc"][-1] if problem else None,
        least=invitations.MIN_PASSWORD,
    )
