"""The audit trail: who changed what, recorded in the same transaction as the change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from api import tables
from api.services.access import Caller


def audit(
    session: Session,
    caller: Caller,
    action: str,
    team_id: str | None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Record a change; the caller commits it with the change itself."""
    session.add(
        tables.AuditEntry(
            at=datetime.now(UTC),
            user_id=caller.user.id,
            action=action,
            team_id=team_id,
            target=target,
            detail=detail,
        )
    )
