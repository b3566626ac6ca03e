"""`beatplan demo`, the README's main job: what it shows is what it publishes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.main import create_app
from api.settings import Settings
from scheduler import Rota, check, load_scenario
from scheduler.scenario import coming_monday
from tests.api.api_support import FIXTURES
from tests.api.feed_support import icaljs


@pytest.mark.extra  # solves the sample team: 8-30 s of the quick tier's 5 minutes
def test_demo_publishes_the_sample_teams_coming_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The demo plans the sample team's coming week (a week that can still be changed),
    prints the rota, stores it as published version 1, and its token works."""
    week = coming_monday()
    database = tmp_path / "demo.sqlite"
    code = main(
        [
            "demo",
            "--scenario",
            str(FIXTURES / "riverside.json"),
            "--database",
            str(database),
            "--no-serve",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Ward coverage" in out and "every hard rule holds" in out
    token = re.search(r"shown only now\):\s+(\S+)", out).group(1)
    app = create_app(Settings(database_url=f"sqlite:///{database}"), run_worker=False)
    app.state.clock = lambda: datetime.combine(week, time(), UTC)  # that week's Monday
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}"}
        body = client.get(f"/teams/riverside/weeks/{week}/rota", headers=headers).json()
        officer_feed, ward_feed = re.findall(r"http://127\.0\.0\.1:\d+(/ical/\S+\.ics)", out)
        feed = client.get(officer_feed)
        week_page, ward_page = re.findall(r"http://127\.0\.0\.1:\d+(/(?:ui|wards)/\S+)", out)
        client.cookies.set("beatplan_session", token)
        assert client.get(week_page).status_code == 200
        assert client.get(ward_page).status_code == 200
        assert client.get(ward_feed).status_code == 200
    assert body["version"]["status"] == "published"
    duties = [e for e in icaljs(feed.content)["events"] if e["uid"].startswith("duty-")]
    staff = duties[0]["uid"].split("-riverside-")[1].rsplit(f"-{week.year}", 1)[0]
    assert len(duties) == len([d for d in body["rota"]["duties"] if d["staff"] == staff])
    scenario = load_scenario(FIXTURES / "riverside.json", week)
    assert check(scenario, Rota.model_validate(body["rota"])) == []
