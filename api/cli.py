"""The `beatplan` command: the library's commands (`scheduler.cli`: solve, replan, check,
schema, generate) and the service's: serve, demo, admin.

Exit codes as `scheduler.cli`; a database `serve` and `admin` cannot use, or a port
`serve` and `demo` cannot listen on, is one line naming the problem and the fix, exit 2.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from scheduler import SolveOptions, check, load_scenario
from scheduler.cli import (
    COMMANDS,
    COUNT,
    MONDAY,
    SECONDS,
    Command,
    UsageError,
    console,
    number,
    run,
    show_rota,
)
from scheduler.cli import parser as library_parser
from scheduler.scenario import Scenario, coming_monday

if TYPE_CHECKING:
    from scheduler.demand import Demand
    from scheduler.rota import Rota

# The service's modules are imported by the commands that use them: `beatplan solve`
# and `beatplan check` start without loading the web stack and the database layer.

PORT = number(int, lambda value: 0 <= value <= 65535, "from 0 to 65535 (0: any free port)")


def parser() -> argparse.ArgumentParser:
    """The library's commands, then the service's."""
    parser, commands = library_parser()
    serve_cmd = commands.add_parser(
        "serve", help="run the API (BEATPLAN_DATABASE_URL, default SQLite)"
    )
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=PORT, default=8000)
    serve_cmd.add_argument(
        "--processes",
        type=COUNT,
        default=1,
        help="server processes sharing the port (one per core suits a busy server)",
    )

    demo_cmd = commands.add_parser(
        "demo",
        help="plan the sample team's roster from the coming week, deploy its first week, "
        "publish both in a fresh SQLite database, serve the API and the pages",
    )
    demo_cmd.add_argument("--scenario", type=Path, default=Path("fixtures/riverside.json"))
    demo_cmd.add_argument(
        "--roster",
        type=Path,
        help="the roster period (leave, courses, court, events, cover), moved to start on "
        "the week planned (default: SCENARIO-roster.json beside the scenario)",
    )
    demo_cmd.add_argument(
        "--roster-time-limit", type=SECONDS, default=60.0, help="seconds to plan the roster"
    )
    demo_cmd.add_argument(
        "--week",
        type=MONDAY,
        help="the Monday of the week to plan (default: the coming week); the scenario's "
        "dates move there by whole weeks, its clock times stay",
    )
    demo_cmd.add_argument("--database", type=Path, default=Path("beatplan-demo.sqlite"))
    demo_cmd.add_argument("--port", type=PORT, default=8000)
    demo_cmd.add_argument("--time-limit", type=SECONDS, default=30.0)
    demo_cmd.add_argument("--no-serve", action="store_true", help="stop after publishing")
    demo_cmd.add_argument(
        "--hand-demand",
        action="store_true",
        help="plan on the scenario's hand-typed demand, not the demand and hot spots built "
        "from SCENARIO-incidents.csv (with SCENARIO-wards.geojson) beside it",
    )

    admin_cmd = commands.add_parser(
        "admin", help="create an admin user in the service's database and print their token"
    )
    admin_cmd.add_argument("name", help="the admin's name")

    return parser


def main(argv: list[str] | None = None) -> int:
    return run(parser().parse_args(argv), {**COMMANDS, **SERVICE_COMMANDS})


def _serve(arguments: argparse.Namespace, _err: Console) -> int:
    import uvicorn

    from api.db import make_engine
    from api.main import SUPERVISOR_PID, create_app
    from api.settings import get_settings
    from api.worker import recover_interrupted, start_worker

    settings = get_settings()
    _check_database(settings.database_url)
    _check_port(arguments.host, arguments.port)
    print(f"Beatplan API on http://{arguments.host}:{arguments.port}/docs")
    # Reached by any other name it answers 400 (api.main.AllowedHosts): say so up front.
    print(f"It answers to the host names {', '.join(settings.host_names)} (BEATPLAN_ALLOWED_HOSTS)")
    if arguments.processes == 1:
        uvicorn.run(create_app(), host=arguments.host, port=arguments.port)
        return 0
    # Several server processes share the port; this one (its database check has migrated)
    # recovers and runs (and watches, restarting it should it die) the single solve
    # worker, so that none of that is done once per server process.
    engine = make_engine(settings.database_url)
    recover_interrupted(engine)
    engine.dispose()
    worker = start_worker(settings.database_url)
    os.environ[SUPERVISOR_PID] = str(os.getpid())  # so each server process can tell
    try:
        uvicorn.run(
            "api.main:supervised_app",
            factory=True,
            host=arguments.host,
            port=arguments.port,
            workers=arguments.processes,
        )
    finally:
        worker.stop()
    return 0


DEMO_LATE_REASON = "the demo: the sample team's first roster, published the week before it starts"


def _demo(arguments: argparse.Namespace, err: Console) -> int:
    """The README's main job: the sample team's roster planned from the coming week, its
    first week deployed within it, both on screen, then published in the service."""
    import uvicorn
    from sqlmodel import Session

    from api import tables
    from api.db import make_engine, migrate
    from api.main import create_app
    from api.schemas import NewUser
    from api.services import rosters, subscriptions, users, versions
    from api.services.access import caller_for
    from api.services.scenarios import import_scenario
    from api.settings import Settings
    from scheduler.roster import RosterOptions, solve_roster
    from scheduler.roster.check import check_roster
    from scheduler.roster.cli import load_period, roster_line, show_roster
    from scheduler.roster.within import deploy

    monday = arguments.week or coming_monday()
    scenario = load_scenario(arguments.scenario, monday)
    roster_file = arguments.roster or arguments.scenario.with_name(
        f"{arguments.scenario.stem}-roster.json"
    )
    period = load_period(roster_file, moved_to=scenario)
    _check_demo_database(arguments.database)
    if not arguments.no_serve:  # before solving and publishing, not after
        _check_port("127.0.0.1", arguments.port)
    out = console()
    if not arguments.hand_demand:
        scenario = _demand_from_records(scenario, arguments.scenario, out)
    out.print(
        f"Planning {scenario.team.name}'s roster: {period.weeks} weeks from {period.start} "
        f"({arguments.roster_time_limit:g} s)..."
    )
    roster = solve_roster(scenario, period, RosterOptions(time_limit=arguments.roster_time_limit))
    if not roster.days:
        raise UsageError(
            f"the sample roster could not be planned: {' '.join(roster.report.explanation)}"
        )
    show_roster(scenario, roster, out, weeks=2)
    out.print(roster_line(roster))
    broken = check_roster(scenario, period, roster)
    if broken:
        out.print(f"Independent roster check: {len(broken)} violation(s)", style="red")
        return 1
    out.print("Independent roster check: every roster rule holds.")

    now = datetime.now(UTC)
    out.print(f"\nDeploying the week of {monday} within the roster...")
    deployment = deploy(
        scenario,
        roster,
        changes="if-needed",
        now=now,
        options=SolveOptions(time_limit=arguments.time_limit),
    )
    result = deployment.result
    if result.rota is None:
        raise UsageError(
            f"the sample week could not be deployed: {' '.join(result.report.explanation)}"
        )
    show_rota(deployment.scenario, result.rota, out)
    out.print(
        f"{len(deployment.changes)} change(s) to the roster ({deployment.note})"
        if deployment.changes
        else "Every rostered tour and rest day of the week kept."
    )
    violations = check(deployment.scenario, result.rota)
    if violations:
        out.print(f"Independent check: {len(violations)} violation(s)", style="red")
        return 1
    out.print("Independent check: every hard rule holds.")
    _visits_line(deployment.scenario, result.rota, out)

    arguments.database.unlink(missing_ok=True)  # a fresh database every time
    settings = Settings(database_url=f"sqlite:///{arguments.database.resolve()}")
    engine = make_engine(settings.database_url)
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        import_scenario(session, scenario)
        admin, token = users.create_user(
            session, NewUser(name="Demo admin", role=tables.Role.ADMIN)
        )
        session.commit()
        team = session.get(tables.Team, scenario.team.id)
        assert team is not None
        caller = caller_for(session, admin)
        stored = rosters.add_draft(session, caller, team, period, roster)
        rosters.publish(session, caller, team, period.start, stored.number, now, DEMO_LATE_REASON)
        draft = versions.add_draft(session, scenario.team.id, scenario.week_start, result.rota)
        versions.publish(session, draft)
        officer = next(p for p in scenario.staff if result.rota.duties_of(p.id))
        _, feed = subscriptions.issue_feed(
            session, admin.id, "duties", scenario.team.id, officer.id
        )
        session.commit()
    engine.dispose()
    base = f"http://127.0.0.1:{arguments.port}"
    week = f"{base}/teams/{scenario.team.id}/weeks/{scenario.week_start}"
    out.print(
        f"\nPublished the roster (version 1) and the week (version 1) in {arguments.database}. "
        f"Admin token (shown only now):\n  {token}\n"
        f"Sergeant's pages: {base}/signin (paste the token), then "
        f"{base}/ui/teams/{scenario.team.id}/weeks/{scenario.week_start}\n"
        f"The roster:       {base}/ui/teams/{scenario.team.id}/rosters/{period.start}\n"
        f"{scenario.wards[0].name}'s public page: "
        f"{base}/wards/{scenario.team.id}/{scenario.wards[0].id}\n"
        f"API docs:       {base}/docs\n"
        f"Published rota: {week}/rota\n"
        f"Try: curl -H 'Authorization: Bearer {token}' {week}/rota/wards/{scenario.wards[0].id}\n"
        f"{officer.name}'s duties as a calendar feed (subscribe in a calendar app; the "
        f"roster's tours and rest days for {period.weeks} weeks, this week's in full):\n"
        f"  {base}/ical/{feed}.ics\n"
        f"{scenario.wards[0].name}'s public events: "
        f"{base}/ical/public/{scenario.team.id}/{scenario.wards[0].id}.ics",
        soft_wrap=True,
    )
    if arguments.no_serve:
        return 0
    out.print("Serving; press Ctrl-C to stop.")
    uvicorn.run(create_app(settings), host="127.0.0.1", port=arguments.port, log_level="warning")
    return 0


def _demand_from_records(scenario: Scenario, path: Path, out: Console) -> Scenario:
    """The sample's demand and hot spots built from its records (the force's own file),
    and the public police.uk file's demand set beside it; the scenario as it is if it has
    no records beside it."""
    from scheduler.demand.cli import build_demand, summary_lines, with_demand

    own = path.with_name(f"{path.stem}-incidents.csv")
    shapes = path.with_name(f"{path.stem}-wards.geojson")
    if not own.exists():
        return scenario
    boundaries = shapes if shapes.exists() else None
    built = build_demand(scenario, own, boundaries)
    out.print(
        f"Each ward's demand and hot spots built from {own} (`beatplan demand` shows "
        f"heatmaps; {built.demand.outside} records in none of the team's wards left out):",
        soft_wrap=True,
    )
    for line in summary_lines(scenario, built):
        out.print(line, soft_wrap=True, highlight=False)
    public = path.with_name(f"{path.stem}-street.csv")
    if public.exists():
        street = build_demand(scenario, public, boundaries)
        records = sum(w.records for w in street.demand.wards.values())
        agree = _agreement(built.demand, street.demand)
        spread = (
            "a typical week's hours, as the file gives no times"
            if set(street.demand.profiles.values()) <= {"typical"}
            else "their category's hours among the records with a time"
        )
        out.print(
            f"From police.uk's street-level file {public} (the month only, places moved to map "
            f"points): {records} records in the team's wards, {street.demand.outside} outside "
            f"them or with no place; its month-only records spread by {spread}, its demand's "
            f"hours agree with the force's own at r = {agree:.2f}.",
            soft_wrap=True,
        )
    out.print("The week and the roster are planned on the demand from the force's records.\n")
    return with_demand(scenario, built.demand, built.hot_spots)


def _visits_line(scenario: Scenario, rota: Rota, out: Console) -> None:
    """How many hot-spot visits the week plans, and whether the spacing rule holds."""
    from scheduler.visits import spacing_problems

    visits = sum(len(a.visits) for duty in rota.duties for a in duty.activities)
    if not visits:
        return
    gaps = spacing_problems(scenario, rota.duties)
    out.print(
        f"{visits} hot-spot visits planned inside patrol blocks (in the officers' duties and "
        "feeds, never in public): "
        + (
            "every hot spot visited at least every two hours of its patrolled peak time."
            if not gaps
            else f"{len(gaps)} gap(s) over two hours, e.g. {gaps[0]}."
        ),
        soft_wrap=True,
    )


def _agreement(first: Demand, second: Demand) -> float:
    """Pearson's r between two demands' ward-hours."""
    from statistics import correlation

    a = [v for ward in first.wards.values() for v in ward.hourly]
    b = [v for ward in second.wards.values() for v in ward.hourly]
    return correlation(a, b)


def _admin(arguments: argparse.Namespace, _err: Console) -> int:
    from sqlmodel import Session

    from api import tables
    from api.db import make_engine
    from api.schemas import NewUser
    from api.services.users import create_user
    from api.settings import get_settings

    url = get_settings().database_url
    _check_database(url)  # connects and migrates
    engine = make_engine(url)
    with Session(engine) as session:
        user, token = create_user(session, NewUser(name=arguments.name, role=tables.Role.ADMIN))
        session.commit()
        print(f"Admin {user.name} (user {user.id}). Token, shown only now:\n{token}")
    return 0


def _check_database(url: str) -> None:
    """Connect and migrate before serving or writing: a database that cannot be used is
    one line naming the problem and the fix (exit 2), not the server's traceback."""
    from api.db import DatabaseProblem, check_database

    try:
        check_database(url)
    except DatabaseProblem as problem:
        raise UsageError(str(problem)) from None


def _check_port(host: str, port: int) -> None:
    """Refuse, in one line, a port the server could not listen on (uvicorn would print
    its own error and exit 3, after the demo had solved and published)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind((host, port))
    except OSError as error:
        raise UsageError(
            f"cannot listen on {host}:{port} ({error.strerror}): is another server running "
            "there? stop it, or give another --port"
        ) from None


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_demo_database(path: Path) -> None:
    """The demo starts from a fresh database each time, replacing the file: refuse a
    path that is a folder, in no folder, or holds anything but a SQLite database."""
    if path.is_dir():
        raise UsageError(
            f"{path}: a folder; give --database a file name, e.g. {path / 'demo.sqlite'}"
        )
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder for --database; create it first")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise UsageError(
                    f"{path}: not a SQLite database, and the demo replaces its database; "
                    "give --database a new file name"
                )


SERVICE_COMMANDS: dict[str, Command] = {"serve": _serve, "demo": _demo, "admin": _admin}

if __name__ == "__main__":
    sys.exit(main())
