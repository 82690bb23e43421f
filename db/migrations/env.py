"""Alembic environment: the engine comes from db.migrate (or DATABASE_URL for the alembic CLI).

On SQLite, batch mode rebuilds a table by copying it and dropping the old one; with foreign keys on,
that drop would delete every child row through ON DELETE CASCADE. Foreign keys are therefore off
while migrations run (the pragma only works outside a transaction) and checked before the commit.
"""

from alembic import context

from db.engine import make_engine
from db.models import Base

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("a migration left rows pointing at missing rows; nothing was changed")
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
