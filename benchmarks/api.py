"""Service benchmarks against a real server on loopback: appended to docs/benchmarks.md.

    python -m benchmarks.api            # 5 solve jobs, 50 clients x 40 GETs
    python -m benchmarks.api --short    # 2 jobs, 20 clients x 10 GETs (run by the tests)

Measures (1) a solve job's overhead beyond the solver's own time: from POST to the job
reported done, minus the solve's wall time that the worker recorded; (2) GET rota latency
with many concurrent clients, each request timed on the client.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks import loadclient
from benchmarks.document import ROOT, SERVICE, machine, part_command
from scheduler.scenario import coming_monday, moved_to

# The sample team's week moved to the coming one: the server runs on the real clock, and
# an ended week can no longer be solved or published.
WEEK_START = coming_monday()
WEEK = f"/teams/riverside/weeks/{WEEK_START}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(database: Path, port: int, processes: int = 1) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "BEATPLAN_DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--processes", str(processes)],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start within 60 s")


def _admin_token(database: Path) -> str:
    environment = {**os.environ, "BEATPLAN_DATABASE_URL": f"sqlite:///{database}"}
    output = subprocess.run(
        [sys.executable, "-m", "api.cli", "admin", "Benchmark"],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.strip().splitlines()[-1]


def job_overheads(client: httpx.Client, runs: int) -> list[float]:
    """Seconds from POST to the job seen done, minus the solve's own recorded time."""
    overheads = []
    for _ in range(runs):
        started = time.perf_counter()
        job = client.post(f"{WEEK}/solve", json={"time_limit": 5}).json()
        while job["status"] in ("queued", "running"):
            time.sleep(0.01)
            job = client.get(job["url"]).json()
        seen_done = time.perf_counter() - started
        assert job["status"] == "succeeded", job
        overheads.append(seen_done - job["progress"]["elapsed"])
    return overheads


def read_latencies(port: int, token: str, clients: int, each: int) -> loadclient.Result:
    """GET rota from `clients` keep-alive connections at once, after a warm-up round."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    request = loadclient.request_bytes(f"{WEEK}/rota", headers)
    makers = [lambda _index: request] * clients
    loadclient.run(port, makers, 5)  # warm-up: connections, caches
    result = loadclient.run(port, makers, each)
    if set(result.statuses) != {200}:
        raise RuntimeError(f"GET rota answered {result.statuses}")
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def make_feeds(client: httpx.Client, count: int) -> tuple[list[tuple[str, str]], list[float]]:
    """`count` officer feed subscriptions spread over the sample team's officers, each
    fetched once (as a calendar app subscribing does): their paths and ETags, and the
    latencies of those first (rendered) fetches."""
    staff = [s["id"] for s in client.get("/teams/riverside/staff").json()]
    feeds, firsts = [], []
    for index in range(count):
        body = {"team_id": "riverside", "kind": "duties", "staff_id": staff[index % len(staff)]}
        made = client.post("/feeds", json=body)
        made.raise_for_status()
        path = "/" + made.json()["url"].split("/", 3)[3]
        started = time.perf_counter()
        first = httpx.get(str(client.base_url).rstrip("/") + path)
        firsts.append(time.perf_counter() - started)
        first.raise_for_status()
        feeds.append((path, first.headers["etag"]))
    return feeds, firsts


def feed_polls(
    port: int, feeds: list[tuple[str, str]], clients: int, each: int, conditional: bool
) -> loadclient.Result:
    """Calendar apps polling: the feeds shared over `clients` connections, each sending its
    feeds in turn, with If-None-Match (expecting 304) or without (200, rendered)."""
    requests = [
        loadclient.request_bytes(path, {"If-None-Match": tag} if conditional else {})
        for path, tag in feeds
    ]
    shares = [requests[start::clients] for start in range(clients)]
    makers = [lambda index, mine=mine: mine[index % len(mine)] for mine in shares if mine]
    loadclient.run(port, makers, 5)  # warm-up: connections, caches
    result = loadclient.run(port, makers, each)
    expected = 304 if conditional else 200
    if set(result.statuses) != {expected}:
        raise RuntimeError(f"feed polls answered {result.statuses}, expected only {expected}")
    return result


def _summary(results: list[loadclient.Result]) -> dict[str, float]:
    p99s = [result.percentile(0.99) for result in results]
    return {
        "median": statistics.median(statistics.median(r.latencies) for r in results),
        "p99": statistics.median(p99s),
        "p99_low": min(p99s),
        "p99_high": max(p99s),
        "rate": statistics.median(r.rate for r in results),
    }


def _measured(run: Callable[[], loadclient.Result], rounds: int) -> dict[str, float]:
    return _summary([run() for _ in range(rounds)])


def report(short: bool) -> list[str]:
    """The Service section's Markdown lines, measured on a server started for it (and
    again with one server process per core)."""
    runs, clients, each, rounds = (2, 20, 10, 1) if short else (5, 50, 200, 3)
    subscriptions = 20 if short else 500
    pollers, polls_each = (5, 10) if short else (10, 1000)  # feed connections
    cores = os.cpu_count() or 1
    configurations = sorted({1, cores})
    reads: dict[int, dict[str, float]] = {}
    polls: dict[tuple[int, int], dict[str, float]] = {}  # (processes, status) -> figures

    def measure(processes: int) -> None:
        reads[processes] = _measured(lambda: read_latencies(port, token, clients, each), rounds)
        for conditional, status in ((True, 304), (False, 200)):
            polls[processes, status] = _measured(
                lambda c=conditional: feed_polls(port, feeds, pollers, polls_each, c), rounds
            )

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        port = _free_port()
        server = _start_server(database, port)
        try:
            token = _admin_token(database)
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}
            ) as client:
                sample = json.loads((ROOT / "fixtures" / "riverside.json").read_text())
                # the plan alone, as the solver part measures it (benchmarks/faces.py: faces)
                sample.get("policy", {}).pop("continuity", None)
                scenario = moved_to(sample, WEEK_START)
                client.post("/teams/riverside/scenario", json=scenario).raise_for_status()
                overheads = job_overheads(client, runs)
                client.post(f"{WEEK}/versions/1/publish").raise_for_status()
                feeds, firsts = make_feeds(client, subscriptions)
            measure(1)
        finally:
            server.terminate()
            server.wait(timeout=30)
        for processes in configurations[1:]:
            server = _start_server(database, port, processes)
            try:
                measure(processes)
            finally:
                server.terminate()
                server.wait(timeout=30)

    median_overhead = statistics.median(overheads)
    judged = reads[max(configurations)]
    lines = [
        SERVICE,
        "",
        f"Generated by `python -m benchmarks.api{' --short' if short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}. A real `beatplan serve` "
        "(uvicorn, SQLite) and its solve worker process; the clients "
        "(`benchmarks/loadclient.py`, one keep-alive connection each, asking for gzip like "
        "any HTTP client) share the machine's cores with the server.",
        "",
        "| measure | median | p99 / max | target |",
        "|---|---|---|---|",
        f"| solve job overhead beyond solver time ({runs} jobs, sample team) | "
        f"{_ms(median_overhead)} | max {_ms(max(overheads))} | under 300 ms: "
        f"{'met' if median_overhead < 0.3 else 'MISSED'} |",
    ]
    for processes, row in reads.items():
        verdict = (
            f"p99 under 50 ms: {'met' if row['p99'] < 0.05 else 'MISSED'}"
            if row is judged
            else "(for comparison)"
        )
        lines.append(
            f"| GET rota, {clients} concurrent clients x {each} requests, {processes} server "
            f"process{'es' if processes > 1 else ''} ({row['rate']:.0f} requests/s) | "
            f"{_ms(row['median'])} | p99 {_ms(row['p99'])} "
            f"(rounds {_ms(row['p99_low'])}-{_ms(row['p99_high'])}) | {verdict} |"
        )
    for (processes, status), row in polls.items():
        if status == 304:
            met = row["rate"] > 1000 and row["p99"] < 0.02
            verdict = f"over 1,000/s and p99 under 20 ms: {'met' if met else 'MISSED'}"
        else:
            verdict = "(no target)"
        if processes != max(configurations) and status == 304:
            verdict = "(for comparison)"
        lines.append(
            f"| feed polls answered {status}, {len(feeds)} officers' feeds over {pollers} "
            f"connections x {polls_each} requests, {processes} server "
            f"process{'es' if processes > 1 else ''} ({row['rate']:.0f} requests/s) | "
            f"{_ms(row['median'])} | p99 {_ms(row['p99'])} "
            f"(rounds {_ms(row['p99_low'])}-{_ms(row['p99_high'])}) | {verdict} |"
        )
    lines += [
        "",
        f"Feed polls: {len(feeds)} subscriptions spread over the sample team's officers "
        "(about as many as the officers of a BCU), each subscribed once before the run; "
        "the 304 run sends each feed's ETag as `If-None-Match`, as calendar apps do; the "
        "200 run sends none, and gets the body each process keeps by ETag after rendering "
        f"it once. A first, rendered fetch (one at a time) took {_ms(statistics.median(firsts))} "
        f"(median; max {_ms(max(firsts))}). "
        f"{pollers} connections poll back to back, so the server runs flat out: 500 "
        "officers whose apps poll hourly send about one request every 7 seconds.",
        "",
        f"Latency figures are medians over {rounds} round(s) after a warm-up. The target is "
        f"judged with one server process per core (`beatplan serve --processes {cores}`), "
        "the configuration docs/service.md recommends.",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    return part_command(__doc__, SERVICE, report, argv)


if __name__ == "__main__":
    raise SystemExit(main())
