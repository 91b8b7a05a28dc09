"""Sanctions and watchlist screening: the matcher (`core`), its service shell and monitoring."""
