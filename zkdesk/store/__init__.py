"""Storage: SQLAlchemy models, the engine and its pragmas, migrations, seed loading. No Qt."""
