"""The database: `engine` (engines, sessions, SQLite tuning, `upgrade_database`), `models`
(SQLAlchemy 2.0 declarative tables) and `migrations/` (Alembic revisions, applied in code)."""
