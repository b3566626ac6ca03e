"""Secrets and headers (issue 27, item 7): feed secrets never reach the access log however
the path is spelt; feed URLs never take a forged Host; every response carries the
security headers; the API docs load nothing from another host; wrong tokens are slowed
down per client address."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import segno
import uvicorn
from fastapi.testclient import TestClient

from api import auth
from api.main import create_app
from api.settings import Settings
from tests.api.api_support import admin_token, sample_scenario

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[int, str, _Lines]]:
    """The app under uvicorn on a free port with its access log on: the port, an
    admin's token, and the access log's lines."""
    app = create_app(Settings(database_url=database_url), run_worker=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", lifespan="on")
    server = uvicorn.Server(config)
    lines = _Lines()
    access = logging.getLogger("uvicorn.access")
    access.addHandler(lines)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield port, admin_token(app.state.engine), lines
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        access.removeHandler(lines)


def _raw_get(port: int, target: str, headers: str = "") -> int:
    """GET `target` byte for byte (an HTTP client library might tidy it), the status."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}"
            "Connection: close\r\n\r\n".encode()
        )
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_feed_secrets_never_reach_the_access_log_however_spelt(
    served: tuple[int, str, _Lines],
) -> None:
    """The secret is hidden by the route it reaches (or nearly does), not by a pattern
    on the raw path: percent-encoded, upper case, doubled slashes, a mistyped suffix."""
    port, token, lines = served
    auth_header = f"Authorization: Bearer {token}\r\n"
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        assert http.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
        feed = http.post("/feeds", json={"team_id": "riverside", "kind": "team"}).json()
    secret = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    spellings = {
        f"/ical/{secret}.ics": 200,
        f"/%69cal/{secret}.ics": 200,  # the router decodes it: a working feed
        f"/%69%63%61%6C/{secret}.ics": 200,
        f"/ICAL/{secret}.ics": 404,
        f"/Ical/{secret}.ICS": 404,
        f"//ical/{secret}.ics": 404,
        f"/%2569cal/{secret}.ics": 404,
        f"/ical/{secret}": 404,
        f"/ical/{secret}.ics?x=1": 200,
    }
    for target, status in spellings.items():
        assert _raw_get(port, target, auth_header) == status, target
    deadline = time.monotonic() + 5
    while len([line for line in lines.lines if secret[:6] in line or "<secret>" in line]) < len(
        spellings
    ):
        assert time.monotonic() < deadline, lines.lines
        time.sleep(0.05)
    logged = [line for line in lines.lines if "ical" in line.lower()]
    assert not [line for line in logged if secret in line or secret[:20] in line], logged
    assert sum("/ical/<secret>" in line for line in logged) >= len(spellings)
    # The public ward feeds carry no secret: their paths stay readable.
    _raw_get(port, "/ical/public/riverside/market-square.ics")
    time.sleep(0.2)
    assert any("/ical/public/riverside/market-square.ics" in line for line in lines.lines)


def test_a_forged_host_is_refused_and_never_becomes_a_feed_url(client: TestClient) -> None:
    """Without BEATPLAN_PUBLIC_URL, feed URLs use the request's host, so only the allowed
    ones are answered at all (400 naming the fix); nothing is made for a forged one."""
    assert client.post("/teams/riverside/scenario", json=sample_scenario()).status_code == 201
    body = {"team_id": "riverside", "kind": "team"}
    for host in ("evil.example", "evil.example:443", "testserver.evil.example"):
        forged = client.post("/feeds", json=body, headers={"Host": host})
        assert forged.status_code == 400, host
        assert "BEATPLAN_ALLOWED_HOSTS" in forged.text and "evil.example" in forged.text
        ward = client.get("/wards/riverside/market-square", headers={"Host": host})
        assert ward.status_code == 400 and ward.headers["x-frame-options"] == "DENY"
    assert client.get("/feeds").json() == []  # nothing was made
    made = client.post("/feeds", json=body).json()
    assert made["url"].startswith("http://testserver/ical/")
    assert made["webcal"].startswith("webcal://testserver/ical/")


def test_the_public_url_is_used_and_its_host_allowed(database_url: str) -> None:
    settings = Settings(database_url=database_url, public_url="https://beatplan.example.org")
    with TestClient(
        create_app(settings, run_worker=False), base_url="https://beatplan.example.org"
    ) as client:
        client.headers["Authorization"] = f"Bearer {admin_token(client.app.state.engine)}"
        assert client.post("/teams/riverside/scenario", json=sample_scenario()).is_success
        made = client.post("/feeds", json={"team_id": "riverside", "kind": "team"}).json()
        assert made["url"].startswith("https://beatplan.example.org/ical/")
        page = client.get("/wards/riverside/market-square")
        assert page.status_code == 200 and "webcal://beatplan.example.org/ical/public/" in page.text
        # The QR code a resident scans carries the webcal address, to subscribe
        [webcal] = re.findall(r'id="feed-webcal" readonly value="([^"]+)"', page.text)
        assert segno.make(webcal, error="m").svg_inline(
            scale=4, dark="#111", light="#fff", title=webcal
        ) in page.text.replace("&#x27;", "'")


def test_allowed_hosts_are_bare_names() -> None:
    with pytest.raises(ValueError, match="not a bare host name; give the name alone"):
        Settings(allowed_hosts="https://beatplan.example.org")
    assert Settings(allowed_hosts=" A.example , *.b.example").allowed_hosts == (
        "a.example",
        "*.b.example",
    )


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    """Pages: a CSP with no inline script, no framing; every response: nosniff, a
    same-origin Referrer-Policy, no framing; HSTS only over https."""
    for path in ("/signin", "/ui", "/me", "/openapi.json", "/docs", "/static/beatplan.js"):
        reply = client.get(path, follow_redirects=False)
        headers = reply.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "same-origin", path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert "strict-transport-security" not in headers, path
        if headers.get("content-type", "").startswith("text/html"):
            assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
    with TestClient(client.app, base_url="https://testserver") as secure:
        reply = secure.get("/signin")
        assert reply.headers["strict-transport-security"].startswith("max-age=")


def test_the_templates_have_no_inline_script() -> None:
    """The CSP allows scripts from files only: no inline <script> or on...= handler."""
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (template.name, tag)
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text), template.name
        assert "javascript:" not in text, template.name


def test_the_api_docs_load_nothing_from_another_host(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "<script>" not in docs.text  # started by a file (the CSP)
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert client.get("/redoc").status_code == 404


def test_wrong_tokens_are_slowed_per_address_never_the_right_one_elsewhere(
    client: TestClient,
) -> None:
    """After GUESS_LIMIT wrong tokens from one address, that address gets 429 with
    Retry-After for any token not already known good, API and sign-in page alike; a
    right token from another address, or one in use from that address, is served."""
    admin = client.headers["Authorization"]
    assert client.get("/me").status_code == 200  # in use: remembered as good
    guesser = TestClient(client.app, client=("203.0.113.9", 4000))
    elsewhere = TestClient(client.app, client=("198.51.100.7", 4000))
    for attempt in range(auth.GUESS_LIMIT):
        wrong = guesser.get("/me", headers={"Authorization": f"Bearer wrong-{attempt}"})
        assert wrong.status_code == 401, attempt
    slowed = guesser.get("/me", headers={"Authorization": "Bearer wrong-again"})
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["retry-after"]) <= auth.GUESS_WINDOW_SECONDS
    assert "too many wrong tokens from your address; wait 5 minutes" in slowed.json()["detail"]
    fresh = client.post("/users", json={"name": "New", "role": "admin"}).json()["token"]
    right_here = guesser.get("/me", headers={"Authorization": f"Bearer {fresh}"})
    assert right_here.status_code == 429  # not checked: it could be another guess
    page = guesser.post("/signin", data={"token": fresh}, follow_redirects=False)
    assert page.status_code == 429 and "retry-after" in page.headers
    assert "Too many wrong tokens from your address; wait 5 minutes" in page.text
    signed_in = elsewhere.post("/signin", data={"token": fresh}, follow_redirects=False)
    assert signed_in.status_code == 303
    assert elsewhere.get("/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert guesser.get("/me", headers={"Authorization": admin}).status_code == 200  # known good


def test_the_guessing_limit_forgets_failures_after_its_window() -> None:
    guesses = auth.Guesses()
    for second in range(auth.GUESS_LIMIT):
        assert guesses.wait("a", second) == 0
        guesses.failed("a", second)
    assert guesses.wait("a", 10) == auth.GUESS_WINDOW_SECONDS - 10
    assert guesses.wait("b", 10) == 0
    assert guesses.wait("a", auth.GUESS_WINDOW_SECONDS) == 0  # the first has aged out
    assert guesses.wait("a", auth.GUESS_WINDOW_SECONDS + 100) == 0
    assert "a" not in guesses.failures
