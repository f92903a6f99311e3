"""Benchmarks run in a PostgreSQL database of their own, next to the one DATABASE_URL names."""

from __future__ import annotations

import os
import sys
import tempfile
from urllib.parse import urlparse


def use_own_database(suffix: str, *, fresh: bool) -> tuple[str, object]:
    """Point DATABASE_URL at <name>_<suffix> (created if missing, emptied when `fresh`) and
    set up Django's environment. Returns the database name and an autocommit admin
    connection to the server, for dropping it afterwards."""
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the benchmark makes its own).")
    url = urlparse(base_url)
    name = f"{url.path.lstrip('/') or 'onemind'}_{suffix}"
    os.environ["DATABASE_URL"] = url._replace(path=f"/{name}").geturl()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="onemind-bench-"))

    import dj_database_url
    import psycopg2

    server = dj_database_url.parse(base_url)
    admin = psycopg2.connect(
        dbname="postgres", user=server["USER"], password=server["PASSWORD"],
        host=server["HOST"] or None, port=server["PORT"] or None,
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    return name, admin
