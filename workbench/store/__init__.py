"""The portfolio store: every client's assessment rounds, recorded by each completed batch run.

SQLAlchemy Core over SQLite by default (`portfolio.sqlite` in a folder the user chooses) or any database URL,
e.g. a firm's shared PostgreSQL server. Only the batch coordinator writes, one transaction per client. A round
holds the profile per dimension and question, respondents by role, targets and gaps, the roadmap as planned and
the scorecard's KPI targets (and, for the latest round of a re-assessed client, each initiative of its plan of
record as delivered on the review day); per client, its KPI measurements. Client reports only ever see anonymous peers.

Its tables (schema), opening it (database), writing and reading rounds (writing, reading), what it records of a
client (recording), a client's export (export), Alembic migrations (migrations/). The names below are its face,
used as `from workbench import store as st`."""
from workbench.store.database import STORE_FILE, check_location, default_url, open_store, url_from
from workbench.store.reading import latest_dimension_scores, latest_rounds, peers_for, read_table
from workbench.store.schema import (ROUND_TABLES, clients, dimension_scores, initiative_delivery, kpi_targets,
                                    kpi_values, meta, planned_initiatives, planned_trajectory, question_scores,
                                    respondent_counts, rounds, runs)
from workbench.store.writing import forget_client, record_client, start_run

__all__ = ["ROUND_TABLES", "STORE_FILE", "check_location", "clients", "default_url", "dimension_scores",
           "forget_client", "initiative_delivery", "kpi_targets", "kpi_values", "latest_dimension_scores",
           "latest_rounds", "meta", "open_store", "peers_for", "planned_initiatives", "planned_trajectory", "question_scores", "read_table",
           "record_client", "respondent_counts", "rounds", "runs", "start_run", "url_from"]
