"""Sending a page's form as a browser would: every field the form holds, with its value
as the page wrote it (ticked boxes only, the selected option), and any changes made on
top. For the pages tests that need no real browser."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _Forms(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("action") == self.action and not self.found:
            self.inside = self.found = True
        if not self.inside:
            return
        if tag == "input" and "name" in a and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value") or "on"))
            else:
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else option["text"].strip()
            self._options.append((value, option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if chosen or self._options:
                self.pairs.append((self._select, (chosen or [self._options[0][0]])[0]))
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form posting to `action` would send as it stands."""
    parser = _Forms(action)
    parser.feed(page)
    assert parser.found, f"no form posts to {action}"
    return parser.pairs


def changed(
    pairs: list[tuple[str, str]], **changes: str | list[str] | None
) -> list[tuple[str, str]]:
    """The pairs with some names set (a list: one pair each, as ticked boxes send) or,
    with None, left out (a box unticked). A name without a dot writes "__" for each
    (demand__0__start); one with dots is as the form has it."""
    names = {
        name if "." in name else name.replace("__", "."): value for name, value in changes.items()
    }
    kept = [(name, value) for name, value in pairs if name not in names]
    for name, value in names.items():
        if isinstance(value, list):
            kept += [(name, item) for item in value]
        elif value is not None:
            kept.append((name, value))
    return kept
