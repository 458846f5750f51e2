"""The programme store: people, rounds, runs, pairs, unmatched, responses, check-ins, changes.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Every table of the first schema, and the programme row."""
    _people_rounds_runs()
    _pairs_and_changes()
    _records()
    # The programme's one row: the writers' lock, and the pseudonym setting once the first round is saved.
    programme = sa.table("programme", sa.column("id"), sa.column("created_utc"), sa.column("revision"))
    op.bulk_insert(
        programme, [{"id": 1, "created_utc": datetime.now(UTC).isoformat(timespec="seconds"), "revision": 0}]
    )


def _people_rounds_runs() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.String(length=200), nullable=True),
        sa.Column("erased_utc", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_people_employee_id")),
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_utc", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("pseudonymized", sa.Boolean(create_constraint=True, name="pseudonymized_bool"), nullable=True),
        sa.Column("pseudonym_check", sa.String(length=16), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_programme_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_utc", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("name", name=op.f("uq_rounds_name")),
        sa.UniqueConstraint("position", name=op.f("uq_rounds_position")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_utc", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("workforce_sha256", sa.String(length=64), nullable=False),
        sa.Column("program", sa.JSON(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('match', 'rematch')", name=op.f("ck_runs_kind")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_runs_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_round_id"), ["round_id"], unique=False)


def _pairs_and_changes() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.CheckConstraint("change IN ('left', 'joined')", name=op.f("ck_changes_change")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_changes_person_id_people")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_changes_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("run_id", "person_id", "change", name=op.f("uq_changes_run_id_person_id_change")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_person_id"), ["person_id"], unique=False)
    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("made_in_run", sa.Integer(), nullable=False),
        sa.Column("ended_in_run", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("forward", sa.Float(), nullable=False),
        sa.Column("backward", sa.Float(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ended_in_run"], ["runs.id"], name=op.f("fk_pairs_ended_in_run_runs")),
        sa.ForeignKeyConstraint(["made_in_run"], ["runs.id"], name=op.f("fk_pairs_made_in_run_runs")),
        sa.ForeignKeyConstraint(["mentee_id"], ["people.id"], name=op.f("fk_pairs_mentee_id_people")),
        sa.ForeignKeyConstraint(["mentor_id"], ["people.id"], name=op.f("fk_pairs_mentor_id_people")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_pairs_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairs")),
        sa.UniqueConstraint("round_id", "mentor_id", "mentee_id", name=op.f("uq_pairs_round_id_mentor_id_mentee_id")),
    )
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.create_index("ix_pairs_people", ["mentor_id", "mentee_id"], unique=False)
    op.create_table(
        "unmatched",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_unmatched_person_id_people")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_unmatched_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmatched")),
        sa.UniqueConstraint("run_id", "person_id", name=op.f("uq_unmatched_run_id_person_id")),
    )
    with op.batch_alter_table("unmatched", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unmatched_person_id"), ["person_id"], unique=False)


def _records() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_by", sa.String(length=16), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("recorded_utc", sa.String(length=32), nullable=False),
        sa.CheckConstraint("rated_by IN ('mentor', 'mentee', '')", name=op.f("ck_checkins_rated_by")),
        sa.CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name=op.f("ck_checkins_rating")),
        sa.ForeignKeyConstraint(["pair_id"], ["pairs.id"], name=op.f("fk_checkins_pair_id_pairs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("pair_id", "date", "rated_by", name=op.f("uq_checkins_pair_id_date_rated_by")),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("responded_by", sa.String(length=16), nullable=False),
        sa.Column("response", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("recorded_utc", sa.String(length=32), nullable=False),
        sa.CheckConstraint("responded_by IN ('mentor', 'mentee', '')", name=op.f("ck_responses_responded_by")),
        sa.CheckConstraint("response IN ('accept', 'decline')", name=op.f("ck_responses_response")),
        sa.ForeignKeyConstraint(["pair_id"], ["pairs.id"], name=op.f("fk_responses_pair_id_pairs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("pair_id", "responded_by", name=op.f("uq_responses_pair_id_responded_by")),
    )


def downgrade() -> None:
    """Back to an empty database (revmatch itself only ever migrates forward)."""
    op.drop_table("responses")
    op.drop_table("checkins")
    with op.batch_alter_table("unmatched", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unmatched_person_id"))

    op.drop_table("unmatched")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_pairs_people")

    op.drop_table("pairs")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changes_person_id"))

    op.drop_table("changes")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_round_id"))

    op.drop_table("runs")
    op.drop_table("rounds")
    op.drop_table("programme")
    op.drop_table("people")
