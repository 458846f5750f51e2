"""The programme store: a programme's rounds, responses, leavers, check-ins and history in a database.

Needs the ``store`` extra (SQLAlchemy 2, Alembic): ``pip install 'revmatch[store]'``, and for
PostgreSQL the ``postgres`` extra too (psycopg 3). See docs/store.md.
"""

from __future__ import annotations

try:
    import alembic  # noqa: F401
    import sqlalchemy  # noqa: F401
except ImportError as error:  # the core install stays small: the store is an extra
    raise ImportError(
        f"the programme store needs SQLAlchemy and Alembic ({error.name} is missing): pip install 'revmatch[store]'"
    ) from error

from .programme import History, ProgrammeStore, RunningRound

__all__ = ["History", "ProgrammeStore", "RunningRound"]
