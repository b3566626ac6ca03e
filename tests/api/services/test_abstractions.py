"""api.services.abstractions: the report's dates are checked, each problem named."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from api import tables
from api.services.abstractions import abstraction_report
from api.services.errors import Invalid


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        (date(2026, 12, 1), date(2026, 11, 1), "to", "before 'from'"),
        (date(2025, 1, 1), date(2026, 6, 1), "to", "at most a year"),
        (date(1999, 12, 1), date(2000, 1, 5), "from", "outside 2000-2099"),
    ],
)
def test_dates_that_make_no_report_are_invalid_naming_the_field(
    session: Session, team: tables.Team, start: date, end: date, field: str, words: str
):
    with pytest.raises(Invalid) as refused:
        abstraction_report(session, team, start, end)
    (problem,) = refused.value.detail
    assert problem["loc"] == ["query", field] and words in problem["msg"]
    assert problem["type"] == "value_error"


def test_a_week_with_nothing_published_plans_and_delivers_nothing(
    session: Session, team: tables.Team
):
    report = abstraction_report(session, team, date(2026, 11, 23), date(2026, 11, 29))
    assert report["wards"] == [] and report["abstractions"] == []
    assert report["total"] == {
        "planned": 0,
        "abstracted": {},
        "delivered": 0,
        "added": 0,
        "otherwise_unfilled": 0,
    }
