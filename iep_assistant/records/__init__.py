"""The student-records data layer: the only code that opens database sessions.

- :mod:`.models`: the tables (SQLAlchemy 2.x), migrated with Alembic (:mod:`.migrations`).
- :mod:`.db`: one :class:`~.db.Database` per process (engine, sessions, migrations).
- :mod:`.access`: who may see which student; :mod:`.audit`: the record of every access.
- :mod:`.store`: every query the actions and front ends need, each checking access
  and writing the audit log.
- :mod:`.compliance`: the dates the law derives from the records (plain functions).
- :mod:`.importer`: a district's CSV export; :mod:`.demo`: a fictional district.
"""
