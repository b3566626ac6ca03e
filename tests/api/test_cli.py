"""The service's commands (serve, demo, admin): a database or port they cannot use is one
line naming the problem and the fix, exit 2, before anything is done."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from api.db import make_engine, migrate
from tests.support import FIXTURES, one_line_exit_2


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    return one_line_exit_2(main, argv, capsys)


def test_demo_will_not_replace_a_file_that_is_not_its_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """`demo` starts a fresh database by replacing the file: a file that is not a SQLite
    database is refused, and kept, before anything is solved."""
    precious = tmp_path / "notes.json"
    precious.write_text('{"keep": "me"}')
    argv = ["demo", "--no-serve", "--database", str(precious)]
    assert "not a SQLite database" in _one_line_exit_2(argv, capsys)
    assert precious.read_text() == '{"keep": "me"}'


RUN_MAIN = "import sys; from api.cli import main; sys.exit(main())"


def _beatplan(url: str, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in its own process, with BEATPLAN_DATABASE_URL."""
    return subprocess.run(
        [sys.executable, "-c", RUN_MAIN, *arguments],
        env={**os.environ, "BEATPLAN_DATABASE_URL": url},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=90,  # a `serve` that got past its check would run until killed
    )


def _refused_in_one_line(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 2, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("beatplan: error:"), result.stderr[-3000:]
    assert all(phrase in lines[0] for phrase in phrases), lines[0]
    assert result.stdout == ""  # nothing claims the server started, no token is shown


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Each starts the command in a process of its own (1-4 s): the extra tier (.ci/run).
SUBPROCESS = pytest.mark.extra
DATABASE_COMMANDS = [["serve", "--port", "0"], ["admin", "Alex Admin"]]


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=["serve", "admin"])
@SUBPROCESS
def test_a_database_in_a_missing_folder_is_one_line_exit_2(tmp_path: Path, command: list[str]):
    url = f"sqlite:///{tmp_path / 'nowhere' / 'beatplan.sqlite'}"
    _refused_in_one_line(_beatplan(url, *command, cwd=tmp_path), "no such folder", "nowhere")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=["serve", "admin"])
@SUBPROCESS
def test_an_unreachable_postgresql_is_one_line_exit_2(tmp_path: Path, command: list[str]):
    port = _unused_port()
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/beatplan"
    result = _beatplan(url, *command, cwd=tmp_path)
    _refused_in_one_line(result, f"cannot reach the database at 127.0.0.1:{port}", "PostgreSQL")
    assert "secret" not in result.stderr


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=["serve", "admin"])
@SUBPROCESS
def test_a_postgres_url_without_psycopg_is_one_line_exit_2(tmp_path: Path, command: list[str]):
    """`postgres://` (as many hosts print it) and `postgresql://` name drivers Beatplan
    does not have; the line gives the URL to use instead."""
    for scheme in ("postgres", "postgresql"):
        url = f"{scheme}://postgres:secret@db.invalid:5432/beatplan"
        result = _beatplan(url, *command, cwd=tmp_path)
        _refused_in_one_line(result, "use postgresql+psycopg://postgres:***@db.invalid:5432")
        assert "secret" not in result.stderr


@pytest.fixture
def read_only_database(tmp_path: Path) -> Iterator[Path]:
    """An up-to-date database this user cannot write (immutable for root, whom file modes
    do not stop), made writable again afterwards so that it can be removed."""
    path = tmp_path / "beatplan.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    for extra in tmp_path.glob("beatplan.sqlite-*"):
        extra.unlink()
    path.chmod(0o444)
    chattr = shutil.which("chattr")
    immutable = os.geteuid() == 0 and chattr is not None
    if immutable:
        subprocess.run([chattr, "+i", str(path)], capture_output=True)
    try:
        with path.open("ab"):
            writable = True
    except OSError:
        writable = False
    try:
        if writable:
            pytest.skip("cannot make a file read-only for this user here")
        yield path
    finally:
        if immutable:
            subprocess.run([chattr, "-i", str(path)], capture_output=True)
        path.chmod(0o644)


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=["serve", "admin"])
@SUBPROCESS
def test_a_read_only_database_is_one_line_exit_2(read_only_database: Path, command: list[str]):
    """Already migrated, so only a write shows it: the check makes one."""
    url = f"sqlite:///{read_only_database}"
    result = _beatplan(url, *command, cwd=read_only_database.parent)
    _refused_in_one_line(result, "read-only", str(read_only_database))


POSTGRES_URL = os.environ.get("BEATPLAN_TEST_POSTGRES_URL")


@pytest.mark.skipif(POSTGRES_URL is None, reason="needs BEATPLAN_TEST_POSTGRES_URL")
def test_an_unknown_postgresql_database_is_one_line_exit_2(tmp_path: Path):
    from sqlalchemy import make_url

    assert POSTGRES_URL is not None
    name = f"beatplan_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    result = _beatplan(url, "admin", "Alex Admin", cwd=tmp_path)
    _refused_in_one_line(result, f"there is no database {name!r}", "createdb")


@SUBPROCESS
def test_a_port_in_use_is_one_line_exit_2_before_anything_is_done(tmp_path: Path):
    """`serve` on a port another server holds says so in one line (it was uvicorn's own
    error and exit 3); `demo` says so before it solves and publishes."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        url = f"sqlite:///{tmp_path / 'beatplan.sqlite'}"
        _refused_in_one_line(_beatplan(url, "serve", "--port", port, cwd=tmp_path), port)
        demo = tmp_path / "demo.sqlite"
        sample = str(FIXTURES / "riverside.json")
        result = _beatplan(
            url, "demo", "--port", port, "--scenario", sample, "--database", str(demo), cwd=tmp_path
        )
        _refused_in_one_line(result, "another --port")
        assert not demo.exists()


def test_a_port_out_of_range_is_refused(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", "70000"])
    assert exited.value.code == 2
    assert "from 0 to 65535" in capsys.readouterr().err
