"""The SQLite demo, built and used the way ``scripts/demo.sh`` builds and serves it.

The demo database is made by ``migrate``, ``load_reference_data`` and ``seed_demo`` in their own
processes, with ``DATABASE_URL=sqlite:///...``, ``DEBUG=1`` and no ``REDIS_URL`` (jobs run in-process).
Then, against that database: every main page of every role and every tab of a case in each workflow
state answers without a server error (``demo_walk.py``), and a backup of it restores into a fresh
database with the same rows and files.

Marked ``sqlite_demo``: ``scripts/test.sh`` runs these on their own, after the PostgreSQL suite.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.sqlite_demo

BASE_DIR = Path(settings.BASE_DIR)
DEMO_PASSWORD = "demo-walk-password-1"
# Variables of the suite's own environment that would point the demo elsewhere or change how it runs.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEMO_PASSWORD"}


def demo_env(directory: Path, **overrides: str) -> dict[str, str]:
    inherited = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "ips.settings",
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "MEDIA_ROOT": str(directory / "media"),
        "REDIS_URL": "",
        "DEBUG": "1",
        "SECURE_SSL": "0",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def run(args: list[str], env: dict[str, str], *, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=timeout)


def succeeded(result: subprocess.CompletedProcess) -> bool:
    if result.returncode != 0:
        print(result.stdout[-5000:], result.stderr[-5000:], sep="\n")
    return result.returncode == 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A directory holding the demo's SQLite database and stored files, built as scripts/demo.sh does."""
    directory = tmp_path_factory.mktemp("sqlite-demo")
    env = demo_env(directory)
    for command in (["migrate", "--noinput"], ["load_reference_data"], ["seed_demo"]):
        result = run(["manage.py", *command], env)
        assert result.returncode == 0, f"manage.py {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return directory


def row_counts(database: Path) -> dict[str, int]:
    db = sqlite3.connect(database)
    try:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables}
    finally:
        db.close()


def file_hashes(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_every_page_of_every_role_and_every_case_tab_answers_on_the_sqlite_demo(demo):
    result = run(["-m", "tests.demo.demo_walk"], demo_env(demo))

    print(result.stdout)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "States the demo holds no case in" not in result.stdout  # a case in every state of the workflow


def test_a_backup_of_the_demo_restores_into_a_fresh_database_with_the_same_rows_and_files(demo, tmp_path):
    backups, fresh = tmp_path / "backups", tmp_path / "fresh"
    assert succeeded(run(["manage.py", "backup", "create", str(backups)], demo_env(demo)))
    (archive,) = backups.glob("ips-backup-*.tar.gz")
    source_rows, source_files = row_counts(demo / "db.sqlite3"), file_hashes(demo / "media")

    restored = run(["manage.py", "backup", "restore", str(archive)], demo_env(fresh))

    assert succeeded(restored)
    assert row_counts(fresh / "db.sqlite3") == source_rows
    assert file_hashes(fresh / "media") == source_files
    kinds = {name.split("/")[0] for name in source_files}
    assert {"evidence", "letters"} <= kinds, kinds  # photographs and letters' PDFs, at least
    assert source_rows["auditlog_logentry"] > 0

    # Once restored, the database holds data: a second restore needs --force.
    again = run(["manage.py", "backup", "restore", str(archive)], demo_env(fresh))
    assert again.returncode != 0
    assert "Refusing to overwrite" in again.stderr
    forced = run(["manage.py", "backup", "restore", str(archive), "--force"], demo_env(fresh))
    assert succeeded(forced)
    assert row_counts(fresh / "db.sqlite3") == source_rows
