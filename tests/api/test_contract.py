"""The API keeps its OpenAPI contract under generated input (schemathesis): no 5xx,
every status, header and body as documented, for each role and for no token. Bounded in
examples per operation; it runs in CI's extra tier (`.ci/run`)."""

from __future__ import annotations

from collections.abc import Iterator
from tempfile import mkdtemp

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from api.main import create_app
from api.pages import XLSX
from api.settings import Settings
from tests.api.api_support import admin_token, sample_scenario, workbook

pytestmark = pytest.mark.extra

EXAMPLES = 15  # per operation and role: about 3,000 requests in all


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    """The app on a SQLite file with the sample team, and a token for each role."""
    database = tmp_path_factory.mktemp("contract") / "beatplan.sqlite"
    settings = Settings(database_url=f"sqlite:///{database}", allowed_hosts="testserver")
    app = create_app(settings, run_worker=False)
    with TestClient(app) as client:
        admin = admin_token(app.state.engine)
        client.headers["Authorization"] = f"Bearer {admin}"
        assert client.post("/teams/riverside/scenario", json=sample_scenario()).is_success
        tokens = {"admin": admin}
        for role, extra in (
            ("sergeant", {"teams": ["riverside"]}),
            ("officer", {"team_id": "riverside", "staff_id": "pc-walsh"}),
        ):
            made = client.post("/users", json={"name": f"A {role}", "role": role, **extra})
            tokens[role] = made.json()["token"]
        yield client, tokens


# Staff from XLSX: real workbooks (good, and with a bad row) and bytes that are none
schemathesis.openapi.media_type(
    XLSX,
    st.one_of(
        st.sampled_from(
            [
                workbook(["id", "name", "role"], ["pc-xl", "Kit Sheet", "PC"]),
                workbook(["id", "name", "role"], ["pc-xl", "Kit Sheet", "Detective"]),
                workbook(["nothing", "here"]),
            ]
        ),
        st.binary(max_size=64),
    ),
)


# Loaded when the module is collected, before the tests' fixtures: its own settings.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(
        Settings(database_url=f"sqlite:///{mkdtemp()}/schema.sqlite", allowed_hosts="testserver"),
        run_worker=False,
    ),
)


@pytest.mark.parametrize("role", ["admin", "sergeant", "officer", "nobody"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case: schemathesis.Case, role: str, served) -> None:
    client, tokens = served
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
    case.call_and_validate(session=client, headers=headers)
