"""Users and their tokens: admins create users; anyone may manage their own tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import CallerDep
from api.deps import RowId, SessionDep
from api.memory import forget_callers
from api.schemas import IssuedToken, NewUser, NewUserView, UserView
from api.services import users

router = APIRouter(tags=["users"])


@router.get("/me")
def me(caller: CallerDep, session: SessionDep) -> UserView:
    return users.view(session, caller.user)


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
