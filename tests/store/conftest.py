"""Every programme-store test runs on SQLite and on a real PostgreSQL started here, in a temp folder.

The PostgreSQL server is a throwaway cluster (``initdb`` + ``pg_ctl`` from the PostgreSQL server
package, Debian's ``postgresql``), listening on a Unix socket in its own folder only, started once per
session; each test gets a new database in it. ``REVMATCH_TEST_POSTGRES_URL`` (an admin URL such as
``postgresql+psycopg://me@localhost/postgres``) uses an existing server instead. Without either, the
PostgreSQL half is skipped, and the reason says what to install.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the programme store needs the store extra: pip install -e '.[test]'")
import sqlalchemy as sa

_databases = itertools.count(1)


def _server_binaries() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def _run(command: list[str], prefix: list[str], where: Path) -> None:
    # Run from the server's own folder: the postgres user may not be allowed into the current one.
    done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, cwd=where)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def postgres_admin_url():
    """An admin URL of a PostgreSQL server for this test session (started here, stopped at the end)."""
    given = os.environ.get("REVMATCH_TEST_POSTGRES_URL")
    if given:
        yield sa.make_url(given)
        return
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")
    binaries = _server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the package's postgres user
        if shutil.which("runuser") is None or subprocess.run(["id", "postgres"], capture_output=True).returncode:
            pytest.skip("running as root, and no postgres user (or runuser) to start a PostgreSQL server as")
        prefix = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="revmatch-pg-"))
    data = base / "data"
    # fsync off and a socket in a private folder: a disposable server, reachable by this session only.
    options = f"-k {base} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "revmatch", "-E", "UTF8", "--no-sync"]
    start = [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"]
    try:
        if prefix:
            shutil.chown(base, "postgres")
        _run(initdb, prefix, base)
        _run(start, prefix, base)
        yield sa.make_url(f"postgresql+psycopg://revmatch@/postgres?host={base}")
    finally:  # also after a failed start: no server and no folder left behind
        stop = [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        if data.exists():
            subprocess.run(stop, capture_output=True, cwd=base)
        shutil.rmtree(base, ignore_errors=True)


def new_postgres_database(admin: sa.URL) -> str:
    """A fresh, empty database on the session's server; its URL."""
    name = f"revmatch_test_{os.getpid()}_{next(_databases)}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A URL of an empty programme store: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'programme.db'}"
    return new_postgres_database(request.getfixturevalue("postgres_admin_url"))
