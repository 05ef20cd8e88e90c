"""The Dagster code location (see definitions.py)."""
