"""Alembic's entry point for the programme store's migrations.

revmatch runs it itself when a store is opened (the connection arrives in ``config.attributes``); a DBA
can run it with Alembic's own command too, e.g. ``alembic -c alembic.ini upgrade head --sql`` to review
the DDL first (see docs/store.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from revmatch.store.schema import metadata


def _offline() -> None:
    """Write the migrations as SQL for a DBA to review, without connecting."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:  # revmatch's own upgrade: the caller holds the transaction and commits it
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        context.run_migrations()
        return
    engine = sa.create_engine(str(context.config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


# Only under Alembic: imported anywhere else (a doctest sweep of the package), this module does nothing.
if hasattr(context, "config"):
    _offline() if context.is_offline_mode() else _online()
