"""Database layer: models, engine, migrations, queries and demo data."""
