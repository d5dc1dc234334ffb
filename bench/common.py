"""What the benchmark scripts share: a throwaway database for one run."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse


@contextlib.contextmanager
def throwaway_database(purpose: str):
    """Yield (DATABASE_URL, description) of an empty database that is removed afterwards.

    With a PostgreSQL ``DATABASE_URL`` the database is ``<name>_bench_<purpose>_<pid>`` on the same
    server; otherwise a temporary SQLite file.
    """
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        import psycopg

        url = urlparse(configured)
        name = f"{unquote(url.path.lstrip('/')) or 'ips'}_bench_{purpose}_{os.getpid()}"
        admin = {"host": url.hostname or "localhost", "port": url.port or 5432, "user": unquote(url.username or ""),
                 "password": unquote(url.password or ""), "dbname": "postgres", "autocommit": True}
        admin = {key: value for key, value in admin.items() if value != ""}
        with psycopg.connect(**admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url._replace(path=f"/{name}").geturl(), f"PostgreSQL (throwaway database {name})"
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(**admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        with tempfile.TemporaryDirectory(prefix=f"ips-bench-{purpose}-") as folder:
            path = Path(folder) / "bench.sqlite3"
            yield f"sqlite:///{path}", f"SQLite (temporary file {path})"
