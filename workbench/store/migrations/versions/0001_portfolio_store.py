"""The portfolio store: clients, runs, assessment rounds and what each round recorded.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _round_child(name: str, *columns, key: tuple[str, ...]) -> None:
    op.create_table(name, sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"),
                                    nullable=False), *columns,
                    sa.PrimaryKeyConstraint("round_id", *key, name=f"pk_{name}"))


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("sector", sa.String(200), nullable=False, server_default=""),
        sa.Column("model_id", sa.String(100), nullable=False),
        sa.Column("last_recorded", sa.DateTime, nullable=False))
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started", sa.DateTime, nullable=False),
        sa.Column("engine", sa.String(50), nullable=False),
        sa.Column("workbench_version", sa.String(50), nullable=False))
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("round", sa.String(100), nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("model_id", sa.String(100), nullable=False),
        sa.Column("model_version", sa.String(50), nullable=False),
        sa.Column("run", sa.Integer, sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("recorded", sa.DateTime, nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("overall_mean", sa.Float),
        sa.Column("overall_level", sa.Integer),
        sa.Column("roadmap_start", sa.Date),
        sa.UniqueConstraint("client", "round", name="uq_rounds_client_round"))
    op.create_index("ix_rounds_client", "rounds", ["client"])
    _round_child("dimension_scores",
                 sa.Column("dimension", sa.String(100), nullable=False), sa.Column("name", sa.String(300), nullable=False),
                 sa.Column("layer", sa.String(50)), sa.Column("n", sa.Integer), sa.Column("mean", sa.Float),
                 sa.Column("level", sa.Integer), sa.Column("target", sa.Integer), sa.Column("gap", sa.Float),
                 sa.Column("priority", sa.Float), sa.Column("rank", sa.Integer), key=("dimension",))
    _round_child("question_scores",
                 sa.Column("question", sa.String(100), nullable=False),
                 sa.Column("dimension", sa.String(100), nullable=False),
                 sa.Column("n", sa.Integer), sa.Column("mean", sa.Float), key=("question",))
    _round_child("respondent_counts",
                 sa.Column("role", sa.String(100), nullable=False),
                 sa.Column("respondents", sa.Integer, nullable=False), key=("role",))
    _round_child("planned_initiatives",
                 sa.Column("initiative", sa.String(100), nullable=False), sa.Column("title", sa.String(300), nullable=False),
                 sa.Column("wave", sa.Integer, nullable=False), sa.Column("start", sa.Date), sa.Column("end", sa.Date),
                 sa.Column("effort", sa.Float), key=("initiative",))
    _round_child("planned_trajectory",
                 sa.Column("dimension", sa.String(100), nullable=False), sa.Column("wave", sa.Integer, nullable=False),
                 sa.Column("date", sa.Date), sa.Column("level", sa.Integer), key=("dimension", "wave"))
    _round_child("kpi_targets",
                 sa.Column("kpi", sa.String(100), nullable=False), sa.Column("name", sa.String(300), nullable=False),
                 sa.Column("unit", sa.String(100)), sa.Column("baseline", sa.Float), sa.Column("target", sa.Float),
                 sa.Column("due", sa.Date), key=("kpi",))
    op.create_table(
        "kpi_values",
        sa.Column("client", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kpi", sa.String(100), nullable=False), sa.Column("date", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("client", "kpi", "date", name="pk_kpi_values"))


def downgrade() -> None:
    for name in ["kpi_values", "kpi_targets", "planned_trajectory", "planned_initiatives", "respondent_counts",
                 "question_scores", "dimension_scores", "rounds", "runs", "clients"]:
        op.drop_table(name)
