"""What each server process remembers between requests (in `app.state`), and how a
change makes it forget.

Each memory is replaced rather than cleared: the dict is its generation. A lookup
started before the change (it may have read a token before its revocation committed)
writes into the old dict, which nothing reads any more, so it never puts back what the
change took away (clearing in place once let a revoked caller back for the cache's life).
"""

from __future__ import annotations

from typing import Any


def forget_callers(state: Any) -> None:
    """After changing users, roles or tokens (after the commit)."""
    state.callers = {}


def forget_feed_tokens(state: Any) -> None:
    """After revoking a feed token (after the commit)."""
    state.feed_tokens = {}
