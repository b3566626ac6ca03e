"""The library's commands: solve, replan, check, schema, generate, roster, deploy, demand.

`beatplan` (`api.cli`) adds the service's commands (serve, demo, admin) to these;
`python -m scheduler.cli` runs these alone, with no service installed or imported.

Exit codes: 0 done; 1 a rota breaks a rule (check) or no rota was found in time (solve);
2 bad input or an impossible week, with one readable line (or the sergeant's explanation)
on standard error and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from scheduler.checker import check
from scheduler.codes import SolveStatus
from scheduler.demand import cli as demand_cli
from scheduler.model import contract_shortfalls, describe_shortfalls
from scheduler.roster import cli as roster_cli
from scheduler.rota import Rota, load_rota
from scheduler.scenario import Scenario, ScenarioError, load_scenario
from scheduler.solve import Progress, SolveOptions, solve

BAD_INPUT = 2


class UsageError(Exception):
    """A problem with what the user gave us, reported as one line with exit code 2."""


def number(kind: type, allowed: Callable[[float], bool], rule: str) -> Callable[[str], object]:
    """An argparse type: a finite `kind` (int or float) for which `allowed` holds."""

    def parse(text: str) -> object:
        try:
            value = kind(text)
        except ValueError as error:
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from error
        if not (math.isfinite(value) and allowed(value)):
            raise argparse.ArgumentTypeError(f"must be {rule}, got {text}")
        return value

    return parse


SECONDS = number(float, lambda value: value > 0, "a number above zero")
COUNT = number(int, lambda value: value > 0, "a number above zero")
SEED = number(int, lambda value: 0 <= value < 2**31, f"from 0 to {2**31 - 1}")
GAP = number(float, lambda value: 0 <= value <= 1, "from 0 to 1 (0.01 is 1%)")


def MONDAY(text: str) -> date:
    """An argparse type: a Monday, as YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    if day.weekday() != 0:
        raise argparse.ArgumentTypeError(f"{text} is a {day:%A}; give the week's Monday")
    return day


LIMIT_BY_HELP = (
    "what --time-limit counts: clock seconds (default), or the solver's units of work "
    "(1.5 to 4 s each on a quiet 2-core machine; a loaded machine then takes longer "
    "instead of finding less)"
)


def add_limit_by(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--limit-by", choices=["clock", "work"], default="clock", help=LIMIT_BY_HELP
    )


def parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The command line of the library's commands, and its subcommands (to add more)."""
    parser = argparse.ArgumentParser(
        prog="beatplan", description="Neighbourhood policing beat-and-engagement scheduler."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    solve_cmd = commands.add_parser("solve", help="plan a team's week")
    solve_cmd.add_argument("scenario", type=Path, help="scenario JSON file")
    solve_cmd.add_argument("-o", "--out", type=Path, help="write the rota JSON here")
    solve_cmd.add_argument(
        "--time-limit",
        type=SECONDS,
        default=30.0,
        help=f"seconds for the search; a presence check (up to {SolveOptions().presence_time:g} "
        f"s) and a continuity phase (up to {SolveOptions().continuity_time:g} s) follow; with "
        "policy.continuity, the deployment in blocks instead (half this, 3 to 15 s)",
    )
    add_limit_by(solve_cmd)
    solve_cmd.add_argument("--workers", type=COUNT, default=2, help="CP-SAT workers")
    solve_cmd.add_argument("--seed", type=SEED, default=0)
    solve_cmd.add_argument("--gap", type=GAP, default=0.0, help="stop within this relative gap")
    solve_cmd.add_argument("--hint", type=Path, help="a previous rota JSON to start from")
    solve_cmd.add_argument("--quiet", action="store_true", help="no progress line or tables")

    replan_cmd = commands.add_parser(
        "replan", help="repair a published rota after sickness, abstraction or urgent events"
    )
    replan_cmd.add_argument("scenario", type=Path)
    replan_cmd.add_argument("rota", type=Path, help="the published rota (JSON)")
    replan_cmd.add_argument(
        "changes", type=Path, help='JSON: {"now": "...", "changes": [...]} (see docs/replan.md)'
    )
    replan_cmd.add_argument("--out", type=Path, help="write the repair (rota and changes) here")
    replan_cmd.add_argument("--time-limit", type=SECONDS, default=2.5)
    add_limit_by(replan_cmd)

    check_cmd = commands.add_parser("check", help="verify a rota against every hard rule")
    check_cmd.add_argument("scenario", type=Path)
    check_cmd.add_argument("rota", type=Path)

    schema_cmd = commands.add_parser("schema", help="print the JSON Schema of the input")
    schema_cmd.add_argument("--rota", action="store_true", help="the output's schema instead")

    generate_cmd = commands.add_parser("generate", help="write seeded larger instances")
    generate_cmd.add_argument("kind", choices=["team", "bcu", "force"])
    generate_cmd.add_argument("--seed", type=SEED, default=0)
    generate_cmd.add_argument("--out", type=Path, required=True, help="folder for JSON files")
    roster_cli.add_commands(commands, SECONDS, COUNT, SEED, GAP, MONDAY, add_limit_by)
    demand_cli.add_command(commands, SECONDS)
    return parser, commands


Command = Callable[[argparse.Namespace, Console], int]


def run(arguments: argparse.Namespace, commands: dict[str, Command]) -> int:
    """Run the chosen command; bad input is one line on standard error and exit code 2."""
    err = console(stderr=True)
    try:
        return commands[arguments.command](arguments, err)
    except (ScenarioError, UsageError, ValueError) as error:
        err.print(f"beatplan: error: {error}", soft_wrap=True)
        return BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    return run(parser()[0].parse_args(argv), COMMANDS)


def _schema(arguments: argparse.Namespace, _err: Console) -> int:
    model = Rota if arguments.rota else Scenario
    print(json.dumps(model.model_json_schema(), indent=2))
    return 0


def _replan(arguments: argparse.Namespace, err: Console) -> int:
    from dataclasses import replace

    from pydantic import ValidationError

    from scheduler.replan import REPAIR_OPTIONS, Replan, replan
    from scheduler.scenario import describe_validation_error, read_json

    scenario = load_scenario(arguments.scenario)
    try:
        request = Replan.model_validate(read_json(arguments.changes, "changes"))
    except ValidationError as error:
        raise UsageError(
            f"{arguments.changes}: {describe_validation_error(error, 'changes')}"
        ) from error
    published = load_rota(arguments.rota)
    if published.team != scenario.team.id or published.week_start != scenario.week_start:
        raise UsageError(
            f"{arguments.rota} is team {published.team!r} week {published.week_start}, but the "
            f"scenario is team {scenario.team.id!r} week {scenario.week_start}; give the rota "
            "published for that team-week"
        )
    _check_out(arguments.out)
    options = replace(REPAIR_OPTIONS, time_limit=arguments.time_limit, limit=arguments.limit_by)
    result, repair, changed = replan(scenario, published, request, options)
    if repair is None:
        err.print(
            "beatplan: the week cannot be repaired from "
            f"{request.now.astimezone(scenario.zone):%a %d %b %H:%M}:",
            soft_wrap=True,
        )
        for sentence in result.report.explanation:
            err.print(f"  - {sentence}", soft_wrap=True)
        return BAD_INPUT if result.report.status == SolveStatus.INFEASIBLE else 1
    out = console()
    show_repair(repair, published, scenario, out)
    violations = check(changed, repair.rota)
    if violations:
        out.print(f"Independent check: {len(violations)} violation(s)", style="red")
        for violation in violations:
            out.print(f"  - [{violation.rule}] {violation.message}", soft_wrap=True, markup=False)
        if arguments.out is not None:
            out.print(f"Not written to {arguments.out}: a repair must pass the check.")
        return 1
    if arguments.out is not None:
        _write_out(arguments.out, repair.model_dump_json(indent=2) + "\n")
    out.print("Independent check: every hard rule holds.")
    return 0


def _check_out(path: Path | None) -> None:
    """Refuse an --out that cannot be written before any work is done."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{path}: a folder; give --out a file name, e.g. {path / 'rota.json'}")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder for --out; create it first")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{path}: not writable; choose another --out")


def _write_out(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then renamed over it,
    so a full disk or a killed process never leaves a half-written rota."""
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
        ) as handle:
            temporary = Path(handle.name)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # A temporary file is private (0600): give the rota the mode a plain write would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise UsageError(
            f"{path}: could not be written ({error.strerror or error}); nothing was changed, "
            "choose another --out"
        ) from error


def _solve(arguments: argparse.Namespace, err: Console) -> int:
    scenario = load_scenario(arguments.scenario)
    hint = load_rota(arguments.hint) if arguments.hint else None
    if hint is not None and (hint.team, hint.week_start) != (scenario.team.id, scenario.week_start):
        raise UsageError(
            f"{arguments.hint} is team {hint.team!r} week {hint.week_start}, but the scenario is "
            f"team {scenario.team.id!r} week {scenario.week_start}; give a rota of that week "
            "as --hint"
        )
    _check_out(arguments.out)
    options = SolveOptions(
        time_limit=arguments.time_limit,
        workers=arguments.workers,
        seed=arguments.seed,
        hint=hint,
        relative_gap=arguments.gap,
        limit=arguments.limit_by,
    )
    live = err.is_terminal and not arguments.quiet

    def show(progress: Progress) -> None:
        line = (
            f"best {progress.objective:10.1f}  bound {progress.bound:10.1f}  "
            f"gap {progress.gap:6.2%}  {progress.elapsed:6.1f} s"
        )
        if live:
            err.file.write("\r" + line)
            err.file.flush()
        elif not arguments.quiet:
            err.print(line)

    result = solve(scenario, options, progress=show)
    if live:
        err.file.write("\n")
    report = result.report
    if result.rota is None:
        if report.status == SolveStatus.INFEASIBLE:
            err.print(
                f"beatplan: no lawful rota exists for {scenario.team.name}, week of "
                f"{scenario.week_start}:",
                soft_wrap=True,
            )
            for sentence in report.explanation:
                err.print(f"  - {sentence}", soft_wrap=True)
            return BAD_INPUT
        err.print(f"beatplan: {' '.join(report.explanation)}", soft_wrap=True)
        return 1
    violations = check(scenario, result.rota)
    if arguments.out is not None and not violations:
        _write_out(arguments.out, result.rota.model_dump_json(indent=2) + "\n")
    if not arguments.quiet:
        show_rota(scenario, result.rota, console())
    out = console()
    if violations:
        out.print(f"Independent check: {len(violations)} violation(s)", style="red")
        for violation in violations:
            out.print(f"  - [{violation.rule}] {violation.message}", soft_wrap=True, markup=False)
        if arguments.out is not None:
            out.print(f"Not written to {arguments.out}: a rota must pass the check.")
        return 1
    out.print("Independent check: every hard rule holds.")
    if arguments.out is not None:
        out.print(f"Rota written to {arguments.out}")
    return 0


def _check(arguments: argparse.Namespace, _err: Console) -> int:
    scenario = load_scenario(arguments.scenario)
    rota = load_rota(arguments.rota)
    if rota.team != scenario.team.id or rota.week_start != scenario.week_start:
        raise UsageError(
            f"{arguments.rota} is team {rota.team!r} week {rota.week_start}, but the scenario is "
            f"team {scenario.team.id!r} week {scenario.week_start}; give the matching pair"
        )
    violations = check(scenario, rota)
    if not violations:
        print(f"No violations: {len(rota.duties)} duties checked against every hard rule.")
        return 0
    print(f"{len(violations)} violation(s):")
    for violation in violations:
        print(f"  - [{violation.rule}] {violation.message}")
    return 1


def _generate(arguments: argparse.Namespace, _err: Console) -> int:
    from scheduler.generate import generate_instance

    if not arguments.out.is_dir():
        raise UsageError(f"{arguments.out}: no such folder; create it first")
    for scenario in generate_instance(arguments.kind, arguments.seed):
        path = arguments.out / f"{scenario.team.id}.json"
        try:
            path.write_text(scenario.model_dump_json(indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{path}: cannot write it ({error.strerror})") from None
    print(f"Wrote {arguments.kind} instance (seed {arguments.seed}) to {arguments.out}")
    return 0


def console(stderr: bool = False) -> Console:
    """Output without rich's markup: names, places and paths are shown as given (a
    '[POSTPONED]' in an event's name is text, not a style tag), styles are explicit."""
    return Console(stderr=stderr, highlight=False, markup=False)


def _clock(instant: datetime) -> str:
    """07:00 as '07', 07:30 as '0730': short enough for a week on one screen."""
    return f"{instant:%H}" if instant.minute == 0 else f"{instant:%H%M}"


def show_rota(scenario: Scenario, rota: Rota, console: Console) -> None:
    """The rota as a sergeant reads it: a staff-by-day grid, then coverage and events."""
    zone = scenario.zone
    ward_names = {ward.id: ward.name for ward in scenario.wards}
    letters = {ward.id: chr(ord("A") + index) for index, ward in enumerate(scenario.wards[:26])}
    grid = Table(
        title=f"{scenario.team.name}: week of {scenario.week_start:%a %d %b %Y}",
        caption="  ".join(f"{letters[w]} {name}" for w, name in ward_names.items() if w in letters)
        + "  (each duty's main ward)",
        box=box.SIMPLE_HEAD,
        padding=0,
        pad_edge=False,
    )
    grid.add_column("Staff", no_wrap=True, max_width=14)
    for day in scenario.days:
        grid.add_column(f" {day:%a %d}", no_wrap=True)
    grid.add_column(" Hours", justify="right")
    summaries = {summary.staff: summary for summary in rota.staff}
    for person in scenario.staff:
        cells = []
        for day in scenario.days:
            duty = next((d for d in rota.duties_of(person.id) if d.day == day), None)
            if duty is None:
                cells.append(Text(" rest", style="dim"))
                continue
            hours_in: Counter[str] = Counter()
            for activity in duty.activities:
                hours_in[activity.ward] += activity.hours
            main = letters.get(hours_in.most_common(1)[0][0], "?") if hours_in else "-"
            cells.append(
                f" {_clock(duty.start.astimezone(zone))}-{_clock(duty.end.astimezone(zone))}{main}"
            )
        hours = summaries[person.id].hours if person.id in summaries else 0
        surname = person.name.split()[-1]
        grid.add_row(f"{surname[:9]} {person.role.value}", *cells, f"{hours:g}")
    console.print(grid)

    coverage = Table(title="Ward coverage")
    for column in ("Ward", "Visible h", "Minimum h", "Demand covered", "Weighted presence"):
        coverage.add_column(column, justify="left" if column == "Ward" else "right")
    coverage.add_column("Peak hours uncovered", justify="right")
    coverage.add_column("By own officers", justify="right")
    faces = all(ward.presence_without_continuity is not None for ward in rota.wards)
    if faces:
        coverage.add_column("Given up for continuity", justify="right")
    for ward in rota.wards:
        own = ward.own_officers_share
        coverage.add_row(
            ward_names[ward.ward],
            f"{ward.visible_hours:g}",
            f"{ward.min_weekly_hours:g}",
            f"{ward.demand_covered:.0%}",
            f"{ward.weighted_presence:.1f}",
            f"{len(ward.uncovered_peak_hours)} of {ward.peak_hours}",
            f"{own:.0%}" if own is not None else "-",
            *(
                [f"{(ward.presence_without_continuity or 0) - ward.weighted_presence:.1f}"]
                if faces
                else []
            ),
        )
    console.print(coverage)
    if rota.report is not None and rota.report.faces is not None:
        for line in rota.report.faces.explanation:
            console.print(Text(line, style="yellow"))

    events = Table(title="Engagement events")
    for column in ("When", "Event", "Ward", "Attending"):
        events.add_column(column)
    names = {person.id: person.name for person in scenario.staff}
    staffing = {item.event: item for item in rota.events}
    for event in sorted(scenario.events, key=lambda e: e.start):
        attendees = staffing[event.id].attendees if event.id in staffing else []
        who = Text(", ".join(names[a] for a in attendees)) or (
            Text("unstaffed", style="red")
            if event.mandatory
            else Text("not staffed (optional)", style="dim")
        )
        events.add_row(
            f"{event.start.astimezone(zone):%a %H:%M}", event.name, ward_names[event.ward], who
        )
    console.print(events)
    shortfalls = describe_shortfalls(contract_shortfalls(scenario))
    if shortfalls:
        console.print("Contracted hours the duty templates cannot reach", style="bold")
        for sentence in shortfalls:
            console.print(f"  - {sentence}", soft_wrap=True)
    report = rota.report
    if report is not None:
        console.print(
            f"Solve: {report.status}, objective {report.objective}, bound {report.best_bound}, "
            f"gap {report.gap:.2%}, {report.wall_time:.1f} s, seed {report.seed}, "
            f"OR-Tools {report.ortools_version}"
        )
        faces = report.faces
        if faces is not None and faces.objective is not None:
            # The status above is the plan of duties'; their deployment in blocks is its own
            before = sum(ward.presence_without_continuity or 0 for ward in rota.wards)
            after = sum(ward.weighted_presence for ward in rota.wards)
            kept = f", {after / before:.1%} of the plan's presence kept" if before else ""
            console.print(
                f"Familiar faces: the duties deployed in blocks, {faces.status} in "
                f"{faces.wall_time:.1f} s{kept}"
            )


def show_repair(repair: object, published: Rota, scenario: Scenario, console: Console) -> None:
    """The duties that changed, with notice and compensation, who joins or leaves an
    event, and presence per ward: in names and local times, as the pages show them."""
    from scheduler.replan import Repair

    assert isinstance(repair, Repair)
    zone = scenario.zone
    people = {person.id: person.name for person in scenario.staff}
    wards = {ward.id: ward.name for ward in scenario.wards}
    templates = {template.id: template.name for template in scenario.duty_templates}
    duties = {
        "before": {(d.staff, d.day): d for d in published.duties},
        "after": {(d.staff, d.day): d for d in repair.rota.duties},
    }

    def duty(when: str, staff: str, day: date) -> str:
        found = duties[when].get((staff, day))
        if found is None:
            return "-"
        ward = found.main_ward
        return (
            f"{templates.get(found.template, found.template)} "
            f"{found.start.astimezone(zone):%H:%M}-{found.end.astimezone(zone):%H:%M}"
            + (f" {wards.get(ward, ward)}" if ward else "")
        )

    elsewhere = len(repair.changes) - repair.changed_duties
    table = Table(
        title=f"Changed duties ({repair.changed_duties} changed, {elsewhere} in another ward)",
        box=box.SIMPLE,
    )
    for column in ("who", "day", "change", "before", "after", "notice", "owed"):
        table.add_column(column)
    for change in repair.changes:
        table.add_row(
            people.get(change.staff, change.staff),
            f"{change.day:%a %d}",
            change.change,
            duty("before", change.staff, change.day),
            duty("after", change.staff, change.day),
            f"{change.notice_hours:g} h",
            change.compensation or "-",
        )
    console.print(table)
    attendance = Table(title=f"Changed event attendance ({len(repair.attendance)})", box=box.SIMPLE)
    for column in ("who", "event", "ward", "starts", "change", "notice"):
        attendance.add_column(column)
    for change in repair.attendance:
        attendance.add_row(
            people.get(change.staff, change.staff),
            change.name,
            wards.get(change.ward, change.ward),
            f"{change.start.astimezone(zone):%a %d %H:%M}",
            change.change,
            f"{change.notice_hours:g} h",
        )
    console.print(attendance)
    presence = Table(title="Visible hours per ward", box=box.SIMPLE)
    for column in ("ward", "published", "repaired", "change"):
        presence.add_column(column, justify="right" if column != "ward" else "left")
    for ward in repair.presence:
        presence.add_row(
            wards.get(ward.ward, ward.ward),
            f"{ward.before:g}",
            f"{ward.after:g}",
            f"{ward.change:+g}",
        )
    console.print(presence)


COMMANDS: dict[str, Command] = {
    "solve": _solve,
    "replan": _replan,
    "check": _check,
    "schema": _schema,
    "generate": _generate,
    "roster": lambda arguments, err: roster_cli.run_roster(arguments, err, _write_out),
    "deploy": lambda arguments, err: roster_cli.run_deploy(
        arguments, err, _write_out, check, show_rota
    ),
    "demand": lambda arguments, err: demand_cli.run_demand(arguments, _check_out, _write_out),
}

if __name__ == "__main__":
    sys.exit(main())
