"""The dashboard's pages, one script each, run by the main script's navigation (dashboard/app.py)."""

__all__: list[str] = []
