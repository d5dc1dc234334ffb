"""A real Celery worker for integration tests: a subprocess on the Redis broker that shares the
pytest-django test database (PostgreSQL only, where a second process can see the committed rows).

Use it from a test module with::

    pytest_plugins = ["tests.celery_support"]
    pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

    def test_something(celery_worker_process):
        result = some_task.delay(...)
        result.get(timeout=celery_worker_process.timeout)

A module that needs more environment for the worker (e.g. ``MEDIA_ROOT``) defines a fixture named
``celery_worker_env`` returning a dict. The test is skipped when ``REDIS_URL`` is not set or the
database is not PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

WORKER_WAIT_SECONDS = 90
STOP_WAIT_SECONDS = 20


def worker_database_url() -> str:
    """A DATABASE_URL for the database pytest-django is using right now (the test database)."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}{port}/{quote(db['NAME'], safe='')}"



@dataclass
class CeleryWorker:
    process: subprocess.Popen
    log_path: Path
    timeout: float = WORKER_WAIT_SECONDS

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]

    def wait_for(self, condition: Callable[[], object], *, timeout: float | None = None, every: float = 0.5):
        """Poll ``condition`` until it returns something truthy (returned), the worker dies, or time runs out."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError(f"the Celery worker exited ({self.process.returncode}); log:\n{self.log()}")
            time.sleep(every)
        raise AssertionError(f"nothing within {timeout or self.timeout} s; worker log:\n{self.log()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # a warm shutdown: the solo pool finishes its task first
    try:
        process.wait(timeout=STOP_WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def celery_worker_process(request, transactional_db, tmp_path) -> Iterator[CeleryWorker]:
    """Start ``celery -A ips worker`` (solo pool) against the test database and ``settings.REDIS_URL``."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no broker for a real worker")
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database only on PostgreSQL.")
    try:
        extra_env = request.getfixturevalue("celery_worker_env")
    except pytest.FixtureLookupError:
        extra_env = {}

    from ips.celery import app

    app.control.purge()  # leftovers of earlier runs must not be taken for this test's tasks
    celery = Path(sys.executable).with_name("celery")
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test-key"),
        "SECURE_SSL": "0",
        "CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "ips.settings",
        **{key: str(value) for key, value in (extra_env or {}).items()},
    }
    log_path = tmp_path / "celery-worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(celery), "-A", "ips", "worker", "-P", "solo", "-c", "1", "--without-heartbeat", "--without-gossip",
             "--without-mingle", "--loglevel", "INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield CeleryWorker(process=process, log_path=log_path)
    finally:
        _stop(process)
