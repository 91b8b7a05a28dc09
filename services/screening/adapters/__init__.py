"""Screening adapters: SQL stores for monitored customers and suppressions."""
