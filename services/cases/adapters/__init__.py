"""Storage adapters of case management (SQLAlchemy)."""
