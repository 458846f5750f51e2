"""The connection: URLs, engines that behave the same on SQLite and PostgreSQL, transactions, migrations."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc

from ..errors import ConfigError, StoreConflictError, StoreError
from .schema import SCHEMA_VERSION, programme

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_WRITE = "revmatch_write"


def store_url(url: str | Path) -> sa.URL:
    """An SQLAlchemy URL from what a user types: a URL, or a plain file path meaning SQLite.

    ``postgresql://`` takes psycopg 3 (the ``postgres`` extra) when psycopg2 is not installed.

    >>> str(store_url("programme.db"))
    'sqlite:///programme.db'
    >>> store_url("postgresql://hr@db.example/mentoring").drivername in ("postgresql+psycopg", "postgresql")
    True
    """
    text = str(url)
    if "://" not in text:
        return sa.make_url(f"sqlite:///{text}")
    try:
        parsed = sa.make_url(text)
    except exc.ArgumentError as error:
        raise ConfigError(f"not a database URL: {text!r} ({error})") from None
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg2") is None:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine(url: sa.URL, timeout: float) -> sa.Engine:
    """An engine whose transactions mean the same thing on every backend.

    On SQLite: foreign keys enforced on every connection; every transaction started by revmatch with
    an explicit ``BEGIN`` (so DDL is transactional too: a failed migration leaves nothing behind), and
    ``BEGIN IMMEDIATE`` for writers, which queue for the file's write lock up to ``timeout`` seconds
    before any read, so a writer never acts on data another writer is about to change.
    """
    try:
        if url.get_backend_name() == "sqlite":
            engine = sa.create_engine(url, connect_args={"timeout": timeout})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return sa.create_engine(url, pool_pre_ping=True)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        raise ConfigError(
            f"cannot open {url.render_as_string(hide_password=True)}: {error} "
            "(for PostgreSQL: pip install 'revmatch[postgres]')"
        ) from None


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's begin event, not the sqlite3 module, decide when a transaction starts.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _sqlite_begin(connection: sa.Connection) -> None:
    immediate = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def errors_as_store_errors(url: sa.URL, timeout: float) -> Iterator[None]:
    """Database failures as revmatch errors: a lock wait that ran out is a conflict, the rest a StoreError."""
    try:
        yield
    except exc.DBAPIError as error:
        text = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
        where = url.render_as_string(hide_password=True)
        if _is_lock_timeout(error):
            raise StoreConflictError(
                f"the programme store {where} is busy: another command has been writing to it for "
                f"{timeout:g} s; nothing was written — run this command again"
            ) from None
        raise StoreError(f"programme store {where}: {text}") from error


def _is_lock_timeout(error: exc.DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in ("55P03", "40P01"):  # lock_not_available, deadlock_detected
        return True
    text = str(error.orig).lower()
    return "database is locked" in text or "database table is locked" in text


@contextmanager
def write(engine: sa.Engine, timeout: float) -> Iterator[sa.Connection]:
    """One write transaction: all of it commits, or (on any error, a killed process included) none of it.

    Every writer first bumps ``programme.revision``. On PostgreSQL that row lock queues writers one at
    a time (waiting at most ``timeout`` seconds), and each then reads what the one before committed; on
    SQLite ``BEGIN IMMEDIATE`` does the same for the whole file.
    """
    with engine.execution_options(**{_WRITE: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {max(int(timeout * 1000), 1)}")
        connection.execute(sa.update(programme).values(revision=programme.c.revision + 1))
        yield connection


@contextmanager
def read(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read transaction that sees a single committed state of the store, however many queries it runs."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect() as connection:
        connection = connection.execution_options(**options)
        with connection.begin():
            yield connection


def stored_version(connection: sa.Connection) -> str | None:
    """The schema version recorded in the database (Alembic's table), None for an empty database."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: sa.Engine, *, upgrade: bool) -> str:
    """Bring the schema to this revmatch's version (Alembic, forward only); return the version.

    Runs in one transaction (PostgreSQL and SQLite both have transactional DDL) under a lock, so two
    processes opening a new store at once create it once. A store already at this version is only
    read (Alembic, slow to import, is not even loaded).
    """
    with read(engine) as connection:
        if stored_version(connection) == SCHEMA_VERSION:
            return SCHEMA_VERSION
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    head, known = str(scripts.get_current_head()), {s.revision for s in scripts.walk_revisions()}
    with engine.execution_options(**{_WRITE: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(720190)")  # any fixed number: revmatch's
        current = stored_version(connection)  # under the lock: another process may have migrated meanwhile
        if current is not None and current not in known:
            raise ConfigError(
                f"this programme store has schema version {current}, newer than this revmatch knows "
                f"(up to {head}): upgrade revmatch to use it"
            )
        if current == head:
            return head
        if not upgrade:
            raise ConfigError(
                f"this programme store has schema version {current or 'none'}; this revmatch needs {head}: "
                "run `revmatch db upgrade --db URL` (back the store up first)"
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return head
