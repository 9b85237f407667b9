"""The application core: settings, the `python -m bot` CLI and (later) the database and services."""
