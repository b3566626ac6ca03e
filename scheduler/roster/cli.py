"""`beatplan roster` (plan a team's roster for weeks ahead) and `beatplan deploy` (a week
within a published roster), for `scheduler.cli`."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from scheduler.codes import SolveStatus
from scheduler.roster.check import check_roster
from scheduler.roster.model import week_scenarios
from scheduler.roster.output import Roster
from scheduler.roster.period import RosterPeriod
from scheduler.roster.solve import RosterOptions, solve_roster
from scheduler.roster.within import deploy
from scheduler.scenario import Scenario, describe_validation_error, load_scenario, read_json
from scheduler.scenario.moving import period_moved_to
from scheduler.solve import gap_words

BAD_INPUT = 2


class UsageError(ValueError):
    """Bad input on the command line: one readable line, exit code 2."""


def add_commands(
    commands: argparse._SubParsersAction, seconds, count, seed, gap, monday, add_limit_by
) -> None:
    roster_cmd = commands.add_parser(
        "roster", help="plan a team's tours and rest days for weeks ahead (the roster)"
    )
    roster_cmd.add_argument("scenario", type=Path, help="the team's scenario JSON file")
    roster_cmd.add_argument(
        "period", type=Path, help="the period's JSON: start, weeks, leave, events, cover..."
    )
    roster_cmd.add_argument("-o", "--out", type=Path, help="write the roster JSON here")
    roster_cmd.add_argument("--time-limit", type=seconds, default=60.0)
    add_limit_by(roster_cmd)
    roster_cmd.add_argument("--workers", type=count, default=2, help="CP-SAT workers")
    roster_cmd.add_argument("--seed", type=seed, default=0)
    roster_cmd.add_argument("--gap", type=gap, default=0.005, help="stop within this gap")
    roster_cmd.add_argument("--quiet", action="store_true", help="no grid or tables")

    deploy_cmd = commands.add_parser(
        "deploy", help="plan a week within a published roster (wards, blocks, events)"
    )
    deploy_cmd.add_argument("scenario", type=Path, help="the team's week (scenario JSON)")
    deploy_cmd.add_argument("roster", type=Path, help="the published roster (JSON)")
    deploy_cmd.add_argument(
        "--changes",
        choices=["never", "if-needed", "allowed"],
        default="if-needed",
        help="may rostered tours and rest days change: never; only if the week cannot be "
        "staffed otherwise (default); or whenever presence is worth what the change owes",
    )
    deploy_cmd.add_argument(
        "--now", help="when the changes are told (ISO date-time; default: the clock's now)"
    )
    deploy_cmd.add_argument(
        "--week",
        type=monday,
        help="the roster's week to deploy (its Monday; default: the scenario's week); another "
        "week than the scenario's needs --period",
    )
    deploy_cmd.add_argument(
        "--period",
        type=Path,
        help="the period the roster was planned from (JSON): that week's leave, events and "
        "demand, and which of the scenario's events recur (weekly_events)",
    )
    deploy_cmd.add_argument("-o", "--out", type=Path, help="write the rota JSON here")
    deploy_cmd.add_argument("--time-limit", type=seconds, default=30.0)
    add_limit_by(deploy_cmd)


def load_period(path: Path, moved_to: Scenario | None = None) -> RosterPeriod:
    """The period in `path`; with `moved_to`, moved by whole weeks to start on that
    team's week (as `moved_to` moves a scenario)."""
    data = read_json(path, "roster period")
    if moved_to is not None:
        if not isinstance(data, dict) or "start" not in data:
            raise UsageError(f"{path}: not a roster period; give one with its start and weeks")
        data = period_moved_to(data, moved_to.week_start, moved_to.team.timezone)
    try:
        return RosterPeriod.model_validate(data)
    except ValidationError as error:
        raise UsageError(f"{path}: {describe_validation_error(error, 'roster period')}") from error


def load_roster(path: Path) -> Roster:
    try:
        return Roster.model_validate(read_json(path, "roster"))
    except ValidationError as error:
        raise UsageError(f"{path}: {describe_validation_error(error, 'roster')}") from error


def run_roster(arguments: argparse.Namespace, err: Console, write_out) -> int:
    team = load_scenario(arguments.scenario)
    period = load_period(arguments.period)
    _known_references(team, period)
    roster = solve_roster(
        team,
        period,
        RosterOptions(
            time_limit=arguments.time_limit,
            workers=arguments.workers,
            seed=arguments.seed,
            relative_gap=arguments.gap,
            limit=arguments.limit_by,
        ),
    )
    report = roster.report
    if not roster.days:
        err.print(f"beatplan: {' '.join(report.explanation)}", soft_wrap=True)
        return BAD_INPUT if report.status == SolveStatus.INFEASIBLE else 1
    out = Console(soft_wrap=True)
    if not arguments.quiet:
        show_roster(team, roster, out)
    violations = check_roster(team, period, roster)
    if violations:
        out.print(f"Independent check: {len(violations)} violation(s)", style="red")
        for violation in violations:
            out.print(f"  - [{violation.rule}] {violation.message}", markup=False)
        return 1
    out.print(roster_line(roster))
    out.print("Independent check: every roster rule holds.")
    if arguments.out is not None:
        write_out(arguments.out, roster.model_dump_json(indent=2) + "\n")
        out.print(f"Roster written to {arguments.out}")
    return 0


def roster_line(roster: Roster) -> str:
    """The roster's result in one sentence: status, expected presence, how far from the
    best possible it may be (when the search knows a bound), and its times."""
    report = roster.report
    quality = gap_words(report.gap)
    return (
        f"Roster {roster.start} for {roster.weeks} weeks: {report.status}, expected presence "
        f"{report.expected_presence:g} demand-weighted hours, {quality}; first roster in "
        f"{report.first_roster_time} s, {report.wall_time} s in all."
    )


def _known_references(team: Scenario, period: RosterPeriod) -> None:
    unknown = period.unknown_references(team)
    if unknown:
        where, value, kind = unknown[0]
        place = ".".join(str(part) for part in where)
        raise UsageError(
            f"the period's {place} is {value!r}, which is not one of the team's {kind} ids; "
            f"use one of {', '.join(map(repr, period.known_ids(team)[kind][:6]))}"
        )
    lost = period.hours_lost_to_the_clocks(team)
    if lost:
        raise UsageError(lost[0][1])


def show_roster(team: Scenario, roster: Roster, out: Console, weeks: int = 4) -> None:
    """The first weeks as a grid (people by days, duty codes), then each person's figures."""
    shown = min(weeks, roster.weeks)
    days = [roster.start + timedelta(days=n) for n in range(7 * shown)]
    grid = Table(title=f"Roster, first {shown} weeks (R rest, AL leave, TRG course, CRT court)")
    grid.add_column("who")
    for day in days:
        grid.add_column(f"{day:%a}\n{day:%d}", justify="center")
    index = {(d.staff, d.day): d for d in roster.days}
    for person in team.staff:
        grid.add_row(
            person.name,
            *[index[person.id, day].code if (person.id, day) in index else "" for day in days],
        )
    out.print(grid)
    people = Table(title="Over the period")
    for column in ("who", "hours", "contract", "nights", "weekends off", "longest run"):
        people.add_column(column)
    names = {person.id: person.name for person in team.staff}
    for summary in roster.people:
        people.add_row(
            names.get(summary.staff, summary.staff),
            f"{summary.hours:g}",
            f"{summary.contracted_hours:g}",
            str(summary.nights),
            str(summary.weekends_off),
            str(summary.longest_run),
        )
    out.print(people)


def run_deploy(arguments: argparse.Namespace, err: Console, write_out, check, show_rota) -> int:
    scenario = load_scenario(arguments.scenario)
    roster = load_roster(arguments.roster)
    if roster.team != scenario.team.id:
        raise UsageError(
            f"{arguments.roster} is the roster of team {roster.team!r}, but the scenario is team "
            f"{scenario.team.id!r}; give that team's roster"
        )
    scenario = _week_of(scenario, roster, arguments.week, arguments.period)
    now = _now(arguments.now, scenario)
    from scheduler.solve import SolveOptions

    deployment = deploy(
        scenario,
        roster,
        changes=arguments.changes,
        now=now,
        options=SolveOptions(time_limit=arguments.time_limit, limit=arguments.limit_by),
    )
    result = deployment.result
    if result.rota is None:
        err.print(
            f"beatplan: the week of {scenario.week_start} cannot be deployed within the roster:",
            soft_wrap=True,
        )
        for sentence in result.report.explanation:
            err.print(f"  - {sentence}", soft_wrap=True)
        if arguments.changes == "never":
            err.print("  (--changes if-needed lets rostered tours change where the week needs it)")
        return BAD_INPUT if result.report.status == SolveStatus.INFEASIBLE else 1
    out = Console(soft_wrap=True)
    show_rota(deployment.scenario, result.rota, out)
    if deployment.changes:
        table = Table(title=f"Changes to the roster ({deployment.note})")
        for column in ("who", "day", "change", "rostered", "now", "notice", "owed"):
            table.add_column(column)
        for change in deployment.changes:
            table.add_row(
                change.staff,
                f"{change.day:%a %d %b}",
                change.change,
                change.before or "rest day",
                change.after or "-",
                f"{change.clear_days} clear days",
                change.compensation or "-",
            )
        out.print(table)
    else:
        out.print("Every rostered tour and rest day kept.")
    violations = check(deployment.scenario, result.rota)
    if violations:
        out.print(f"Independent check: {len(violations)} violation(s)", style="red")
        for violation in violations:
            out.print(f"  - [{violation.rule}] {violation.message}", markup=False)
        return 1
    out.print("Independent check: every hard rule holds.")
    if arguments.out is not None:
        write_out(arguments.out, result.rota.model_dump_json(indent=2) + "\n")
        out.print(f"Rota written to {arguments.out}")
    return 0


def _week_of(team: Scenario, roster: Roster, week: date | None, path: Path | None) -> Scenario:
    """The scenario's week, or the roster's week from Monday `week` as the roster planned
    it (`week_scenarios`: the team moved to it, the period's leave, events and demand,
    the team file's recurring events and its own bookings where they fall)."""
    if week is None or week == team.week_start:
        return team
    end = roster.start + timedelta(weeks=roster.weeks)
    if not roster.start <= week < end:
        raise UsageError(
            f"--week {week} is outside the roster ({roster.start} to "
            f"{end - timedelta(days=1)}); give one of its Mondays"
        )
    if path is None:
        raise UsageError(
            f"--week {week} is not the scenario's week ({team.week_start}): give --period, "
            "the period file the roster was planned from, for that week's leave and events"
        )
    period = load_period(path)
    if (period.start, period.weeks) != (roster.start, roster.weeks):
        raise UsageError(
            f"{path} is the period of {period.weeks} weeks from {period.start}, but the roster "
            f"is {roster.weeks} weeks from {roster.start}; give the period it was planned from"
        )
    _known_references(team, period)
    return week_scenarios(team, period)[period.mondays().index(week)]


def _now(text: str | None, scenario: Scenario) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--now {text!r} is not a date-time; write it as 2026-11-20T09:00"
        ) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=scenario.zone)
