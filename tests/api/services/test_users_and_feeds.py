"""api.services.users and api.services.subscriptions: who may make users, tokens and
feeds, and what a refusal names."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from api import tables
from api.schemas import NewFeed, NewUser
from api.services import subscriptions, users
from api.services.access import hash_token
from api.services.errors import Conflict, Forbidden, Invalid
from tests.api.services.conftest import Callers


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewUser(name="A", role=tables.Role.SERGEANT, teams=["riverside", "nowhere"]), "teams"),
        (NewUser(name="B", role=tables.Role.OFFICER, team_id="nowhere", staff_id="x"), "team_id"),
        (
            NewUser(name="C", role=tables.Role.OFFICER, team_id="riverside", staff_id="nobody"),
            "staff_id",
        ),
    ],
)
def test_a_user_naming_an_unknown_team_or_person_is_invalid_at_that_field(
    session: Session, callers: Callers, new: NewUser, field: str
):
    with pytest.raises(Invalid) as refused:
        users.add_user(session, callers.admin, new)
    (problem,) = refused.value.detail
    assert problem["loc"] == ["body", field] and problem["type"] == "value_error"
    assert "nowhere" in problem["msg"] or "nobody" in problem["msg"]


def test_only_an_admin_makes_users_and_manages_others_tokens(session: Session, callers: Callers):
    with pytest.raises(Forbidden, match="only an admin"):
        users.add_user(session, callers.sergeant, NewUser(name="D", role=tables.Role.ADMIN))
    with pytest.raises(Forbidden):
        users.revoke_tokens(session, callers.sergeant, callers.officer.user.id)
    token = users.add_token(session, callers.officer, callers.officer.user.id)
    assert users.revoke_tokens(session, callers.officer, callers.officer.user.id) == 2
    stored = session.exec(
        select(tables.ApiToken).where(col(tables.ApiToken.token_hash) == hash_token(token))
    ).one()
    assert stored.revoked_at is not None


def test_feeds_are_managed_by_their_officer_and_the_teams_sergeants(callers: Callers):
    may = subscriptions.may_manage
    assert may(callers.officer, "duties", "riverside", "pc-walsh")
    assert not may(callers.officer, "duties", "riverside", "pc-hussain")
    assert not may(callers.officer, "team", "riverside", None)
    assert may(callers.sergeant, "team", "riverside", None)
    assert may(callers.sergeant, "busy", "riverside", "pc-hussain")
    assert not may(callers.stranger, "duties", "riverside", "pc-walsh")


def test_an_officer_has_one_live_link_and_a_revoked_feed_cannot_be_rotated(
    session: Session, callers: Callers
):
    first, _ = subscriptions.new_officer_link(session, callers.officer, "riverside", "pc-walsh")
    second, _ = subscriptions.new_officer_link(session, callers.officer, "riverside", "pc-walsh")
    assert subscriptions.live_duty_feeds(session, "riverside", "pc-walsh") == [second]
    with pytest.raises(Conflict, match=f"feed {first.id} is already revoked"):
        subscriptions.rotate_feed(session, callers.officer, first.id)
    with pytest.raises(Forbidden):
        subscriptions.revoke_feed(session, callers.stranger, second.id)


def test_a_duties_feed_without_its_officer_is_invalid_naming_the_field(
    session: Session, callers: Callers
):
    with pytest.raises(Invalid) as refused:
        subscriptions.add_feed(session, callers.sergeant, NewFeed(team_id="riverside", kind="busy"))
    (problem,) = refused.value.detail
    assert problem == {
        "loc": ["body", "staff_id"],
        "msg": "a busy feed is one officer's: give their staff_id",
        "type": "value_error",
    }
