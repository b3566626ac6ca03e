"""A lean HTTP/1.1 load client for loopback benchmarks.

The server and the client share this machine's cores, so a heavy client (httpx spends
more CPU per request than the server it measures) would measure itself. This one keeps
one keep-alive connection per simulated client, writes a prepared request and reads the
response by its Content-Length, timing each request on the client.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def request_bytes(path: str, headers: dict[str, str], method: str = "GET") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _read_response(reader: asyncio.StreamReader, head_only: bool) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding":
            raise RuntimeError("chunked responses are not supported by this client")
    body = b"" if head_only or status == 304 else await reader.readexactly(length)
    return status, body


async def _client(
    port: int,
    requests: Callable[[int], bytes],
    count: int,
    result: Result,
    head_only: bool,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for index in range(count):
            payload = requests(index)
            started = time.perf_counter()
            writer.write(payload)
            status, _ = await _read_response(reader, head_only)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _run(
    port: int, makers: Sequence[Callable[[int], bytes]], count: int, head_only: bool
) -> Result:
    result = Result()
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, make, count, result, head_only) for make in makers))
    result.wall = time.perf_counter() - started
    return result


def run(
    port: int,
    makers: Sequence[Callable[[int], bytes]],
    count: int,
    *,
    head_only: bool = False,
) -> Result:
    """One connection per maker, each sending `count` requests in turn (closed loop):
    `maker(i)` gives the raw bytes of that client's i-th request."""
    gc.disable()  # the client's own collections would show up as server latency
    try:
        return asyncio.run(_run(port, makers, count, head_only))
    finally:
        gc.enable()
