"""api.services.errors: each refusal maps to one status, as JSON for the API and as a
page for the pages, with every 422 problem naming its field and type."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, field_error
from api.settings import Settings


def test_a_field_problem_always_has_loc_msg_and_type():
    assert field_error(["query", "to"], "before 'from'") == {
        "loc": ["query", "to"],
        "msg": "before 'from'",
        "type": "value_error",
    }
    assert Invalid.at(["body", "id"], "wrong", "conflict").detail == [
        {"loc": ["body", "id"], "msg": "wrong", "type": "conflict"}
    ]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Forbidden("not yours"), 403),
        (NotFound("no such thing"), 404),
        (Conflict({"msg": "busy", "job": "/jobs/1"}), 409),
        (Invalid.at(["body", "x"], "bad"), 422),
    ],
)
def test_each_refusal_is_its_status_as_json_and_as_a_page(
    tmp_path, error: DomainError, status: int
):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite'}"), run_worker=False)

    @app.get("/raise")
    @app.get("/ui/raise")
    def _raise() -> None:
        raise error

    with TestClient(app) as client:
        answer = client.get("/raise")
        assert (answer.status_code, answer.json()) == (status, {"detail": error.detail})
        page = client.get("/ui/raise")
        assert page.status_code == status and page.headers["content-type"].startswith("text/html")
