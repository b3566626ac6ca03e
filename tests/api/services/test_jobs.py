"""api.services.jobs: one queued or running job per team-week, stop and cancel."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from api import tables
from api.services import jobs
from api.services.errors import Conflict, NotFound
from api.services.scenarios import ScenarioConflict
from tests.api.services.conftest import MONDAY, Callers
from tests.support import BEFORE_THE_SAMPLE_WEEK as NOW


def test_a_second_solve_of_a_team_week_is_refused_naming_the_first(
    session: Session, team: tables.Team, callers: Callers
):
    """The database allows one queued or running job per team-week; the refusal gives
    the running job's URL to follow."""
    first = jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, NOW)
    with pytest.raises(Conflict) as refused:
        jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, NOW)
    assert refused.value.detail == {
        "msg": "a solve of this team-week is already queued or running: wait for it "
        "(or stop it) and try again",
        "job": f"/jobs/{first.id}",
    }
    assert len(session.exec(select(tables.SolveJob)).all()) == 1


def test_a_queued_job_is_cancelled_at_once_and_a_finished_one_says_how_it_ended(
    session: Session, team: tables.Team, callers: Callers
):
    job = jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, NOW)
    cancelled = jobs.request_stop(session, callers.sergeant, job.id, keep=False)
    assert cancelled.status == tables.JobStatus.CANCELLED.value
    assert cancelled.message == "cancelled before it started"
    with pytest.raises(Conflict) as refused:
        jobs.request_stop(session, callers.sergeant, job.id, keep=True)
    assert "already finished (cancelled); there is nothing to stop" in str(refused.value.detail)
    assert "start a new solve" in str(refused.value.detail)
    jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, NOW)  # the week is free again


def test_another_teams_job_is_not_found_as_if_it_did_not_exist(
    session: Session, team: tables.Team, callers: Callers
):
    job = jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, NOW)
    assert jobs.led_job(session, callers.admin, job.id).id == job.id
    for caller in (callers.stranger, callers.officer):
        with pytest.raises(NotFound, match=f"no such job: {job.id}"):
            jobs.led_job(session, caller, job.id)
    with pytest.raises(NotFound):
        jobs.led_job(session, callers.admin, job.id + 1000)


def test_a_week_whose_stored_data_no_longer_fits_is_refused_before_a_job_is_queued(
    session: Session, team: tables.Team, callers: Callers
):
    """Bad stored data is a Conflict now, not a job that fails later."""
    ward = session.get(tables.Ward, ("riverside", "northfield"))
    session.delete(ward)  # behind the services' back: staff and events still name it
    session.commit()
    with pytest.raises(ScenarioConflict, match="northfield"):
        jobs.start_solve(session, callers.sergeant, team, MONDAY, 5, NOW)
    session.rollback()
    assert session.exec(select(tables.SolveJob)).all() == []
