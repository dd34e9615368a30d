"""Alembic environment. The connection comes from :class:`iep_assistant.records.db.Database`
(or, for ``alembic`` run by hand, from DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from iep_assistant.records.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _configure(connection)
else:
    from iep_assistant.config import load_settings

    engine = create_engine(load_settings().database_url)
    with engine.begin() as conn:
        _configure(conn)
