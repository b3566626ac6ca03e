"""Users and their tokens: admins create, change and deactivate users; anyone may manage
their own tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import CallerDep, LedTeamDep
from api.deps import RowId, SessionDep, public_base
from api.memory import forget_callers, forget_feed_tokens
from api.schemas import (
    DutyChangeTold,
    InvitationView,
    IssuedToken,
    NewInvitation,
    NewUser,
    NewUserView,
    UserChange,
    UserView,
)
from api.services import invitations, publishing, users

router = APIRouter(tags=["users"])


@router.get("/me")
def me(caller: CallerDep, session: SessionDep) -> UserView:
    return users.view(session, caller.user)


@router.get("/me/duty-changes")
def my_duty_changes(
    caller: CallerDep, session: SessionDep, request: Request
) -> list[DutyChangeTold]:
    """An officer's own: each change from today on that a week's version published over an
    earlier one made to their duties, with when they were told, the notice and what it
    owes (as their page lists them). 403 for sergeants and admins."""
    changes = publishing.changes_told_to(session, caller, request.app.state.clock())
    return [DutyChangeTold.model_validate(change) for change in changes]


@router.post("/teams/{team_id}/invitations", status_code=201)
def invite(
    team: LedTeamDep,
    new: NewInvitation,
    caller: CallerDep,
    session: SessionDep,
    request: Request,
) -> InvitationView:
    """Invite one of the team's people to choose a password for the pages: their
    officer's account is made if they have none, an earlier unused link stops working,
    and the new link (good once, for a week) is in the reply and never shown again."""
    now = request.app.state.clock()
    user, invitation, secret = invitations.invite(
        session, caller, team, new.staff_id, new.login, now
    )
    assert user.id is not None and user.login is not None
    return InvitationView(
        user_id=user.id,
        login=user.login,
        link=f"{public_base(request)}/invite/{secret}",
        expires_at=invitation.expires_at,
    )


@router.post("/users", status_code=201)
def add_user(new: NewUser, caller: CallerDep, session: SessionDep) -> NewUserView:
    """Create a user; the response carries their token, which is never shown again."""
    user, token = users.add_user(session, caller, new)
    return NewUserView(**users.view(session, user).model_dump(), token=token)


@router.post("/users/{user_id}/tokens", status_code=201)
def add_token(user_id: RowId, caller: CallerDep, session: SessionDep) -> IssuedToken:
    """A new token for yourself (or, for an admin, anyone)."""
    return IssuedToken(user=user_id, token=users.add_token(session, caller, user_id))


@router.delete("/users/{user_id}/tokens", status_code=204)
def revoke_tokens(user_id: RowId, caller: CallerDep, session: SessionDep, request: Request) -> None:
    """Revoke every token of a user (yourself, or anyone for an admin)."""
    users.revoke_tokens(session, caller, user_id)
    forget_callers(request.app.state)


@router.patch("/users/{user_id}")
def change_user(
    user_id: RowId, change: UserChange, caller: CallerDep, session: SessionDep, request: Request
) -> UserView:
    """Change a user (admins): `{"active": false}` off-boards them, ending their API
    tokens, page sessions and calendar feeds at once; `teams` replaces a sergeant's."""
    user = users.change_user(session, caller, user_id, change, request.app.state.clock())
    forget_callers(request.app.state)  # their token and teams, at once in this process
    forget_feed_tokens(request.app.state)
    return users.view(session, user)
