"""The production image can back up the production database: it carries the PostgreSQL client tools of
the database server's major version (pg_dump refuses a server newer than itself)."""

import re
from pathlib import Path

import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def test_the_image_has_the_postgresql_client_of_the_compose_database_major_version():
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    server_major = re.match(r"postgres:(\d+)", compose["services"]["db"]["image"]).group(1)

    assert re.search(rf"^ARG PG_MAJOR={server_major}$", dockerfile, flags=re.MULTILINE)
    assert "postgresql-client-${PG_MAJOR}" in dockerfile
