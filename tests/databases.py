"""Throw-away PostgreSQL databases for tests and benchmarks (one helper for all)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError


@contextlib.contextmanager
def throwaway_database(admin_url: str, purpose: str) -> Iterator[str]:
    """A new empty PostgreSQL database on ``admin_url``'s server, dropped afterwards."""
    name = f"iep_{purpose}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_unreachable(admin_url: str) -> str | None:
    try:
        engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except SQLAlchemyError as exc:
        return f"no PostgreSQL at {admin_url} ({type(exc).__name__})"
    return None
