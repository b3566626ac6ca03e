"""`beatplan demo`, the README's main job: what it shows is what it publishes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.main import create_app
from api.settings import Settings
from scheduler import Rota, check
from scheduler.scenario import Scenario, coming_monday
from scheduler.visits import spacing_problems
from tests.api.api_support import FIXTURES
from tests.api.feed_support import icaljs


@pytest.mark.extra  # plans the sample team's roster and deploys a week: about 100 s
def test_demo_publishes_the_sample_teams_roster_and_its_first_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The demo plans the sample team's roster from the coming week (a week that can
    still be changed), deploys that week within it, prints both, stores them published
    (the roster with the reason it is late), and its token works."""
    week = coming_monday()
    database = tmp_path / "demo.sqlite"
    code = main(
        [
            "demo",
            "--scenario",
            str(FIXTURES / "riverside.json"),
            "--roster",
            str(FIXTURES / "riverside-roster.json"),
            "--database",
            str(database),
            "--no-serve",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "every roster rule holds" in out
    assert "Ward coverage" in out and "every hard rule holds" in out
    # the demand and hot spots built from the sample records, and both files read
    assert "built from" in out and "riverside-incidents.csv" in out
    assert "police.uk's street-level file" in out
    assert "hot-spot visits planned inside patrol blocks" in out
    assert "every hot spot visited at least every two hours" in out
    token = re.search(r"shown only now\):\s+(\S+)", out).group(1)
    app = create_app(Settings(database_url=f"sqlite:///{database}"), run_worker=False)
    app.state.clock = lambda: datetime.combine(week, time(), UTC)  # that week's Monday
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}"}
        body = client.get(f"/teams/riverside/weeks/{week}/rota", headers=headers).json()
        stored = client.get(f"/teams/riverside/weeks/{week}/scenario", headers=headers).json()
        rosters = client.get("/teams/riverside/rosters", headers=headers).json()
        officer_feed, ward_feed = re.findall(r"http://127\.0\.0\.1:\d+(/ical/\S+\.ics)", out)
        feed = client.get(officer_feed)
        week_page, roster_page, ward_page = re.findall(
            r"http://127\.0\.0\.1:\d+(/(?:ui|wards)/\S+)", out
        )
        assert client.post("/signin", data={"token": token}, follow_redirects=False).is_redirect
        assert "Coverage by ward and hour" in client.get(week_page).text  # signed in
        assert "Who works when" in client.get(roster_page).text
        assert client.get(ward_page).status_code == 200
        assert client.get(ward_feed).status_code == 200
    assert body["version"]["status"] == "published"
    [roster] = rosters
    assert (roster["start"], roster["weeks"], roster["status"]) == (str(week), 13, "published")
    assert roster["late_reason"]  # published the week before it starts
    events = [e for e in icaljs(feed.content)["events"] if e["uid"].startswith("duty-")]
    staff = events[0]["uid"].split("-riverside-")[1].rsplit(f"-{week.year}", 1)[0]
    this_week = [e for e in events if e["start"][:10] < str(week + timedelta(days=7))]
    assert len(this_week) == len([d for d in body["rota"]["duties"] if d["staff"] == staff])
    later = [e for e in events if e not in this_week]
    assert later and all(e["summary"].startswith("Rostered: ") for e in later)
    scenario = Scenario.model_validate(stored)
    assert all(ward.hot_spots and ward.hourly_demand for ward in scenario.wards)
    rota = Rota.model_validate(body["rota"])
    assert check(scenario, rota) == []
    assert spacing_problems(scenario, rota.duties) == []
    visits = [(d.staff, v) for d in rota.duties for a in d.activities for v in a.visits]
    assert visits
    # the officer's feed has their visits in their duties' descriptions
    mine = [v for s, v in visits if s == staff]
    text = "\n".join(e["description"] or "" for e in this_week)
    assert text.count(" visit ") == len(mine)
