"""Database side of the watchlists area."""
