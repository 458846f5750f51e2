"""The programme store's tables (SQLAlchemy Core): what a programme keeps, and nothing more.

People are rows of ``people`` with an integer key; every other table points at that key, never at an
employee id. Erasing a person (:meth:`revmatch.ProgrammeStore.erase`) therefore clears one cell and
keeps every pair, response and check-in — the aggregate KPIs do not move. No name, level, department,
skill profile or protected attribute is stored: a run keeps a SHA-256 of the workforce it saw.

This module is the schema as the code sees it; ``migrations/versions`` holds the same schema as the
database gets it, one forward migration per change (a test checks that the two agree).
"""

from __future__ import annotations

import sqlalchemy as sa

# The newest migration in ``migrations/versions`` (a test checks it): a store at it needs no Alembic.
SCHEMA_VERSION = "0001"

# Named constraints, so that later migrations can alter them by name (SQLite's batch mode needs it).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

# The one row every writer updates first: on PostgreSQL its row lock queues writers one at a time.
programme = sa.Table(
    "programme",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("created_utc", sa.String(32), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    # None until the first round is saved; then whether ids are stored as pseudonyms, and a check value
    # (the pseudonym of a fixed text) that tells a wrong key from the right one.
    sa.Column("pseudonymized", sa.Boolean(create_constraint=True, name="pseudonymized_bool")),
    sa.Column("pseudonym_check", sa.String(16)),
    sa.CheckConstraint("id = 1", name="single_row"),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # The employee id (or its pseudonym); NULL once the person is erased.
    sa.Column("employee_id", sa.String(200), unique=True),
    sa.Column("erased_utc", sa.String(32)),
)

rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("position", sa.Integer, nullable=False, unique=True),
    sa.Column("created_utc", sa.String(32), nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_utc", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("objective", sa.Float, nullable=False),
    sa.Column("bound", sa.Float),
    sa.Column("workforce_sha256", sa.String(64), nullable=False),
    # The programme's settings (its id lists are counted, not copied) and the run's manifest.
    sa.Column("program", sa.JSON, nullable=False),
    sa.Column("manifest", sa.JSON, nullable=False),
    sa.CheckConstraint("kind IN ('match', 'rematch')", name="kind"),
)

pairs = sa.Table(
    "pairs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("mentor_id", sa.ForeignKey("people.id"), nullable=False),
    sa.Column("mentee_id", sa.ForeignKey("people.id"), nullable=False),
    sa.Column("made_in_run", sa.ForeignKey("runs.id"), nullable=False),
    # Set when a re-match broke the pair, with why (the pair is then part of the history only).
    sa.Column("ended_in_run", sa.ForeignKey("runs.id")),
    sa.Column("end_reason", sa.Text),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("forward", sa.Float, nullable=False),
    sa.Column("backward", sa.Float, nullable=False),
    sa.Column("parts", sa.JSON, nullable=False),  # the other weighted score parts (preferences, priority)
    sa.Column("reason", sa.Text, nullable=False),
    # A pair is made at most once per round (a re-match may end it and later make it again: same row).
    sa.UniqueConstraint("round_id", "mentor_id", "mentee_id"),
    sa.Index("ix_pairs_people", "mentor_id", "mentee_id"),
)

unmatched = sa.Table(
    "unmatched",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.UniqueConstraint("run_id", "person_id"),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("pair_id", sa.ForeignKey("pairs.id"), nullable=False),
    sa.Column("responded_by", sa.String(16), nullable=False),
    sa.Column("response", sa.String(16), nullable=False),
    sa.Column("date", sa.Date),
    sa.Column("recorded_utc", sa.String(32), nullable=False),
    sa.UniqueConstraint("pair_id", "responded_by"),
    sa.CheckConstraint("response IN ('accept', 'decline')", name="response"),
    sa.CheckConstraint("responded_by IN ('mentor', 'mentee', '')", name="responded_by"),
)

checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("pair_id", sa.ForeignKey("pairs.id"), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("rating", sa.Integer),
    sa.Column("rated_by", sa.String(16), nullable=False),
    sa.Column("skills", sa.Text, nullable=False),  # skill keys worked on, ';'-separated
    sa.Column("recorded_utc", sa.String(32), nullable=False),
    # One report per pair, day and side: importing the same export twice changes nothing.
    sa.UniqueConstraint("pair_id", "date", "rated_by"),
    sa.CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating"),
    sa.CheckConstraint("rated_by IN ('mentor', 'mentee', '')", name="rated_by"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("change", sa.String(16), nullable=False),
    sa.UniqueConstraint("run_id", "person_id", "change"),
    sa.CheckConstraint("change IN ('left', 'joined')", name="change"),
)
