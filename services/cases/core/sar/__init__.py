"""Suspicious activity / transaction reports: content, workflow, goAML and FinCEN rendering."""
