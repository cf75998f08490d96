"""The portfolio store's tables (SQLAlchemy Core). Migrations in workbench/store/migrations/ create and upgrade them."""
from __future__ import annotations

import sqlalchemy as sa

meta = sa.MetaData()


clients = sa.Table(
    "clients", meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("sector", sa.String(200), nullable=False, server_default=""),
    sa.Column("model_id", sa.String(100), nullable=False),
    sa.Column("last_recorded", sa.DateTime, nullable=False),
)


runs = sa.Table(
    "runs", meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("started", sa.DateTime, nullable=False),
    sa.Column("engine", sa.String(50), nullable=False),
    sa.Column("workbench_version", sa.String(50), nullable=False),
)


rounds = sa.Table(
    "rounds", meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("client", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
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
    sa.UniqueConstraint("client", "round", name="uq_rounds_client_round"),
)


def _child(name: str, *columns, key: tuple[str, ...]) -> sa.Table:
    return sa.Table(name, meta, sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"),
                                          nullable=False), *columns,
                    sa.PrimaryKeyConstraint("round_id", *key, name=f"pk_{name}"))


dimension_scores = _child(
    "dimension_scores",
    sa.Column("dimension", sa.String(100), nullable=False), sa.Column("name", sa.String(300), nullable=False),
    sa.Column("layer", sa.String(50)), sa.Column("n", sa.Integer), sa.Column("mean", sa.Float),
    sa.Column("level", sa.Integer), sa.Column("target", sa.Integer), sa.Column("gap", sa.Float),
    sa.Column("priority", sa.Float), sa.Column("rank", sa.Integer), key=("dimension",))


question_scores = _child(
    "question_scores",
    sa.Column("question", sa.String(100), nullable=False), sa.Column("dimension", sa.String(100), nullable=False),
    sa.Column("n", sa.Integer), sa.Column("mean", sa.Float), key=("question",))


respondent_counts = _child(
    "respondent_counts",
    sa.Column("role", sa.String(100), nullable=False), sa.Column("respondents", sa.Integer, nullable=False),
    key=("role",))


planned_initiatives = _child(
    "planned_initiatives",
    sa.Column("initiative", sa.String(100), nullable=False), sa.Column("title", sa.String(300), nullable=False),
    sa.Column("wave", sa.Integer, nullable=False), sa.Column("start", sa.Date), sa.Column("end", sa.Date),
    sa.Column("effort", sa.Float), key=("initiative",))


planned_trajectory = _child(
    "planned_trajectory",
    sa.Column("dimension", sa.String(100), nullable=False), sa.Column("wave", sa.Integer, nullable=False),
    sa.Column("date", sa.Date), sa.Column("level", sa.Integer), key=("dimension", "wave"))


kpi_targets = _child(
    "kpi_targets",
    sa.Column("kpi", sa.String(100), nullable=False), sa.Column("name", sa.String(300), nullable=False),
    sa.Column("unit", sa.String(100)), sa.Column("baseline", sa.Float), sa.Column("target", sa.Float),
    sa.Column("due", sa.Date), key=("kpi",))


kpi_values = sa.Table(
    "kpi_values", meta,
    sa.Column("client", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kpi", sa.String(100), nullable=False), sa.Column("date", sa.Date, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.PrimaryKeyConstraint("client", "kpi", "date", name="pk_kpi_values"),
)


# Each initiative of the plan of record as delivered, on the day of the round's review (roadmaps/delivery.py):
# recorded with the latest round, so the portfolio counts who is late without re-reading anyone's status.csv.
initiative_delivery = _child(
    "initiative_delivery",
    sa.Column("initiative", sa.String(100), nullable=False), sa.Column("title", sa.String(300), nullable=False),
    sa.Column("wave", sa.Integer), sa.Column("start", sa.Date), sa.Column("end", sa.Date),
    sa.Column("status", sa.String(20), nullable=False), sa.Column("percent_done", sa.Float),
    sa.Column("state", sa.String(40), nullable=False), sa.Column("rag", sa.String(10), nullable=False),
    sa.Column("as_of", sa.Date), sa.Column("note", sa.Text), key=("initiative",))


ROUND_TABLES = [dimension_scores, question_scores, respondent_counts, planned_initiatives, planned_trajectory,
                kpi_targets, initiative_delivery]
