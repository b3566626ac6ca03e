"""Service benchmarks against a real server on loopback: appended to docs/benchmarks.md.

    python -m benchmarks.api            # 5 solve jobs, 50 clients x 40 GETs
    python -m benchmarks.api --short    # 2 jobs, 20 clients x 10 GETs (run by the tests)

Measures (1) a solve job's overhead beyond the solver's own time: from POST to the job
reported done, minus the solve's wall time that the worker recorded; (2) GET rota latency
with many concurrent clients, each request timed on the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks.run import ROOT, SERVICE, machine

WEEK = "/teams/riverside/weeks/2026-11-23"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(database: Path, port: int) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "BEATPLAN_DATABASE_URL": f"sqlite:///{database}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "serve", "--port", str(port)],
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
        [sys.executable, "-m", "scheduler.cli", "admin", "Benchmark"],
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


async def _reader(client: httpx.AsyncClient, url: str, count: int, latencies: list[float]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get(url)
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()


async def read_latencies(
    base: str, token: str, clients: int, each: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=30
    ) as client:
        started = time.perf_counter()
        await asyncio.gather(
            *(_reader(client, f"{WEEK}/rota", each, latencies) for _ in range(clients))
        )
        wall = time.perf_counter() - started
    return latencies, wall


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    arguments = parser.parse_args(argv)
    runs, clients, each = (2, 20, 10) if arguments.short else (5, 50, 40)

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
                scenario = json.loads((ROOT / "fixtures" / "riverside.json").read_text())
                client.post("/teams/riverside/scenario", json=scenario).raise_for_status()
                overheads = job_overheads(client, runs)
                client.post(f"{WEEK}/versions/1/publish").raise_for_status()
            latencies, wall = asyncio.run(read_latencies(base, token, clients, each))
        finally:
            server.terminate()
            server.wait(timeout=30)

    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    median_overhead = statistics.median(overheads)
    lines = [
        SERVICE,
        "",
        f"Generated by `python -m benchmarks.api{' --short' if arguments.short else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}. One server process "
        "(uvicorn, SQLite), clients on loopback.",
        "",
        "| measure | median | p99 / max | target |",
        "|---|---|---|---|",
        f"| solve job overhead beyond solver time ({runs} jobs, sample team) | "
        f"{_ms(median_overhead)} | max {_ms(max(overheads))} | under 300 ms: "
        f"{'met' if median_overhead < 0.3 else 'MISSED'} |",
        f"| GET rota latency, {clients} concurrent clients x {each} requests | "
        f"{_ms(statistics.median(latencies))} | p99 {_ms(p99)} | p99 under 50 ms: "
        f"{'met' if p99 < 0.05 else 'MISSED'} |",
        "",
        f"Throughput of the GET run: {len(latencies) / wall:.0f} requests/s.",
        "",
    ]
    text = arguments.out.read_text(encoding="utf-8") if arguments.out.exists() else ""
    kept = text.split(SERVICE)[0].rstrip()
    arguments.out.write_text((kept + "\n\n" if kept else "") + "\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
