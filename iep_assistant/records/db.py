"""One :class:`Database` per process: the engine, sessions and migrations.

Callers do their work in ``with database.session() as session:`` (one transaction,
committed on success, rolled back on error). Async code (the action server, the
Slack app) calls :meth:`Database.run` so database work happens in a worker thread
and never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseError(RuntimeError):
    """The database cannot be used as configured; the message says why and what to do."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets the bot, the action server
    # and the reminder worker read while one of them writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """The engine and session factory of one process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **engine_options: Any) -> Database:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, **engine_options)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine_options.setdefault("pool_pre_ping", True)
            engine_options.setdefault("pool_size", 10)
            engine = create_engine(url, **engine_options)
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, else rolled back."""
        with self._sessions.begin() as session:
            yield session

    async def run(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking database work in a worker thread (for async callers)."""
        return await asyncio.to_thread(func, *args, **kwargs)

    def ping(self) -> None:
        """Raise if the database does not answer (readiness checks)."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    # --- migrations ----------------------------------------------------------------------

    def _alembic(self, connection: Any) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    def upgrade(self, revision: str = "head") -> None:
        with self.engine.begin() as connection:
            command.upgrade(self._alembic(connection), revision)

    def downgrade(self, revision: str = "base") -> None:
        with self.engine.begin() as connection:
            command.downgrade(self._alembic(connection), revision)

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory(str(MIGRATIONS)).get_current_head()

    def require_current(self) -> None:
        """Refuse to serve from a database that is not migrated to this code's schema."""
        try:
            current = self.current_revision()
        except Exception as exc:
            raise DatabaseError(
                f"cannot open the records database ({self.engine.url.render_as_string()}): "
                f"{type(exc).__name__}"
            ) from exc
        if current != self.head_revision():
            raise DatabaseError(
                f"the records database is at migration {current or 'none'}, this code needs "
                f"{self.head_revision()}: run `iep-assistant db upgrade`"
            )

    def dispose(self) -> None:
        self.engine.dispose()
