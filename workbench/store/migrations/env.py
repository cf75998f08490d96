"""Alembic environment for the portfolio store: migrations run on the connection workbench.store passes in
(`config.attributes["connection"]`), in its transaction; there is no alembic.ini."""
from alembic import context

from workbench.store.schema import meta

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=meta, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
