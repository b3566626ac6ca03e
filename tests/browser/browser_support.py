"""What the browser tests share: where Chromium and axe-core are, the site under test,
screenshots, the accessibility check and signing in."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BEATPLAN_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / "feeds_js" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("BEATPLAN_SCREENSHOTS", ROOT / "build" / "screenshots"))
WEEK = "2026-11-23"  # the sample team's week
OFFICER_STAFF = "pcso-begum"
# Chromium as root in a sandbox with no network: no sandbox, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm install --prefix tests/feeds_js)"
    return None


@dataclass(frozen=True)
class Site:
    url: str
    sergeant: str  # token of riverside's sergeant
    stranger: str  # token of another team's sergeant
    officer: str  # token of the officer with staff id OFFICER_STAFF
    database_url: str


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)  # type: ignore[attr-defined]
    return target


def serious_accessibility_problems(page: object) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each. axe is
    evaluated through the DevTools protocol: a <script> tag added to the page would be
    inline script, which the pages' Content-Security-Policy rightly refuses."""
    page.evaluate(AXE.read_text())  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – e.g. {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page: object, site: Site, token: str, target: str = "/ui") -> None:
    page.goto(f"{site.url}{target}")  # type: ignore[attr-defined]
    page.fill("#token", token)  # type: ignore[attr-defined]
    page.click("#token-signin")  # type: ignore[attr-defined]
