"""Alembic environment: the engine comes from db.migrate (or DATABASE_URL for the alembic CLI)."""

from alembic import context

from db.engine import make_engine
from db.models import Base

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
