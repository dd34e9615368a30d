"""Alembic migrations: up from empty, back down cleanly, and in step with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from iep_assistant.records.db import Database, DatabaseError
from iep_assistant.records.models import Base


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_and_downgrade_back(database_url):
    db = Database.from_url(database_url)
    try:
        assert _tables(db) == set()
        db.upgrade()
        assert _tables(db) == set(Base.metadata.tables)
        assert db.current_revision() == db.head_revision()
        db.downgrade()
        assert _tables(db) == set()
        assert db.current_revision() is None
        db.upgrade()  # and up again: the downgrade left nothing behind
        assert _tables(db) == set(Base.metadata.tables)
    finally:
        db.dispose()


def test_models_and_migrations_agree(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_an_unmigrated_database_is_refused_with_the_fix(database_url):
    db = Database.from_url(database_url)
    try:
        with pytest.raises(DatabaseError, match="iep-assistant db upgrade"):
            db.require_current()
    finally:
        db.dispose()
