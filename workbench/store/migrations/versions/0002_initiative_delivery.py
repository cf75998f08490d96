"""Each initiative of the plan of record as delivered on the review day, recorded with a client's latest round
(issue 19: the portfolio counts late initiatives per client).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "initiative_delivery",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("initiative", sa.String(100), nullable=False), sa.Column("title", sa.String(300), nullable=False),
        sa.Column("wave", sa.Integer), sa.Column("start", sa.Date), sa.Column("end", sa.Date),
        sa.Column("status", sa.String(20), nullable=False), sa.Column("percent_done", sa.Float),
        sa.Column("state", sa.String(40), nullable=False), sa.Column("rag", sa.String(10), nullable=False),
        sa.Column("as_of", sa.Date), sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("round_id", "initiative", name="pk_initiative_delivery"))


def downgrade() -> None:
    op.drop_table("initiative_delivery")
