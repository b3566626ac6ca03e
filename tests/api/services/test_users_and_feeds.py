"""api.services.users and api.services.subscriptions: who may make users, tokens and
feeds, and what a refusal names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from api import tables
from api.schemas import NewFeed, NewUser, UserChange
from api.services import sessions, subscriptions, users
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


NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
LIFETIME = sessions.Lifetime(idle=timedelta(hours=2), absolute=timedelta(hours=12))


def test_deactivating_an_officer_ends_their_tokens_sessions_and_feeds_at_once(
    session: Session, callers: Callers
):
    """Off-boarding, in one transaction: every token, every page session, the feeds the
    officer made and those of their duties a sergeant made; the team's feed stays. The
    audit entry counts what ended."""
    officer = callers.officer
    assert officer.user.id is not None
    token = users.issue_token(session, officer.user)
    session.commit()
    browser = sessions.start_session(session, officer, token, NOW, LIFETIME)
    own, _ = subscriptions.new_officer_link(session, officer, "riverside", "pc-walsh")
    made_for = NewFeed(team_id="riverside", kind="busy", staff_id="pc-walsh")
    busy, _ = subscriptions.add_feed(session, callers.sergeant, made_for)
    team, _ = subscriptions.add_feed(
        session, callers.sergeant, NewFeed(team_id="riverside", kind="team")
    )
    assert sessions.session_caller(session, browser, NOW, LIFETIME) is not None

    changed = users.change_user(
        session, callers.admin, officer.user.id, UserChange(active=False), NOW
    )

    assert changed.deactivated_at == NOW and not users.view(session, changed).active
    live_tokens = session.exec(
        select(tables.ApiToken).where(
            col(tables.ApiToken.user_id) == officer.user.id,
            col(tables.ApiToken.revoked_at).is_(None),
        )
    ).all()
    assert live_tokens == []
    assert sessions.session_caller(session, browser, NOW, LIFETIME) is None
    for feed in (own, busy, team):
        session.refresh(feed)
    assert own.revoked_at is not None and busy.revoked_at is not None
    assert team.revoked_at is None
    entry = session.exec(
        select(tables.AuditEntry).where(col(tables.AuditEntry.action) == "deactivate user")
    ).one()
    assert entry.target == str(officer.user.id)
    assert entry.detail == {"tokens": 2, "sessions": 1, "feeds": 2}


def test_a_deactivated_sergeant_loses_the_feeds_they_made(session: Session, callers: Callers):
    """The team feed a departing sergeant made stops too (it names every officer)."""
    team, _ = subscriptions.add_feed(
        session, callers.sergeant, NewFeed(team_id="riverside", kind="team")
    )
    sergeant_id = callers.sergeant.user.id
    assert sergeant_id is not None
    users.change_user(session, callers.admin, sergeant_id, UserChange(active=False), NOW)
    session.refresh(team)
    assert team.revoked_at is not None


def test_only_an_admin_changes_users_and_none_deactivates_themselves(
    session: Session, callers: Callers
):
    officer_id, admin_id = callers.officer.user.id, callers.admin.user.id
    assert officer_id is not None and admin_id is not None
    with pytest.raises(Forbidden, match="only an admin"):
        users.change_user(session, callers.sergeant, officer_id, UserChange(active=False), NOW)
    with pytest.raises(Conflict, match="cannot deactivate yourself; ask another admin"):
        users.change_user(session, callers.admin, admin_id, UserChange(active=False), NOW)
    assert session.get(tables.User, admin_id).deactivated_at is None  # type: ignore[union-attr]


def test_a_deactivated_user_gets_a_token_only_once_reactivated(session: Session, callers: Callers):
    officer_id = callers.officer.user.id
    assert officer_id is not None
    users.change_user(session, callers.admin, officer_id, UserChange(active=False), NOW)
    with pytest.raises(Conflict, match=f"user {officer_id} is deactivated; reactivate them"):
        users.add_token(session, callers.admin, officer_id)
    back = users.change_user(session, callers.admin, officer_id, UserChange(active=True), NOW)
    assert back.deactivated_at is None
    assert users.add_token(session, callers.admin, officer_id)


def test_a_sergeants_teams_are_replaced_and_only_a_sergeant_has_teams(
    session: Session, callers: Callers
):
    sergeant_id, officer_id = callers.sergeant.user.id, callers.officer.user.id
    assert sergeant_id is not None and officer_id is not None
    moved = users.change_user(
        session, callers.admin, sergeant_id, UserChange(teams=["elsewhere", "elsewhere"]), NOW
    )
    assert users.view(session, moved).teams == ["elsewhere"]
    for user_id, teams, said in (
        (officer_id, ["riverside"], "teams are only for a sergeant"),
        (sergeant_id, [], "a sergeant needs the teams they lead"),
        (sergeant_id, ["nowhere"], "no team 'nowhere'"),
    ):
        with pytest.raises(Invalid) as refused:
            users.change_user(session, callers.admin, user_id, UserChange(teams=teams), NOW)
        (problem,) = refused.value.detail
        assert problem["loc"] == ["body", "teams"] and said in problem["msg"]
    assert users.view(session, moved).teams == ["elsewhere"]  # nothing stored
