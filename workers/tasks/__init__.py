"""Celery task shells, one module per area: decode arguments, call the handler, nothing else."""
