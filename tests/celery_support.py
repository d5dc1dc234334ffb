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

Fault tests start their own workers with :func:`start_worker` (several in one test, killed with
SIGKILL), on a Redis server of their own (the ``private_redis`` fixture: started, stopped and started
again on the same port; the shared Redis is never touched), and point this process's Celery app at it
with :func:`celery_broker`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
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

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job, acknowledging nothing."""
        self.process.kill()
        self.process.wait(timeout=10)

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


# --- workers of the fault tests, on a Redis server of their own ------------------------------------


def start_worker(*, log_path: Path, env: dict | None = None, module: str = "celery", beat_schedule: Path | None = None,
                 timeout: float = WORKER_WAIT_SECONDS) -> CeleryWorker:
    """Start ``python -m <module> -A ips worker`` (solo pool) on the test database, with ``env`` on top of
    this process's environment (``REDIS_URL`` chooses the broker). With ``beat_schedule``, beat runs
    inside the worker (``-B``) and schedules the periodic jobs, the outbox dispatcher among them."""
    command = [sys.executable, "-m", module, "-A", "ips", "worker", "-P", "solo", "-c", "1", "--without-heartbeat",
               "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    if beat_schedule is not None:
        command += ["-B", "--schedule", str(beat_schedule)]
    full_env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL or "",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test-key"),
        "SECURE_SSL": "0",
        "CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "ips.settings",
        **{key: str(value) for key, value in (env or {}).items()},
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return CeleryWorker(process=process, log_path=log_path, timeout=timeout)


def stop_worker(worker: CeleryWorker) -> None:
    """Stop the worker and whatever it started (the embedded beat)."""
    _stop(worker.process)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(worker.process.pid, signal.SIGKILL)


@pytest.fixture
def worker_factory(transactional_db, tmp_path) -> Iterator[Callable[..., CeleryWorker]]:
    """``worker_factory(name, env=..., module=..., beat=...)``: start a worker; all are stopped at the end."""
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database only on PostgreSQL.")
    started: list[CeleryWorker] = []

    def start(name: str, *, env: dict | None = None, module: str = "celery", beat: bool = False) -> CeleryWorker:
        worker = start_worker(log_path=tmp_path / f"{name}.log", env=env, module=module,
                              beat_schedule=tmp_path / f"{name}-beat-schedule" if beat else None)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        stop_worker(worker)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: a broker or cache that is down."""
    return free_port()


@dataclass
class RedisServer:
    """A redis-server of one test (no persistence), on a port of its own."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis server this test may stop and start (the machine's shared one is never touched)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=free_port(), directory=tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _drop_broker_connections(app) -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Within the block, this process sends its Celery jobs to the broker at ``url``."""
    from ips.celery import app
    from ips.jobs import services

    saved = app.conf.broker_url
    _drop_broker_connections(app)
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_broker_connections(app)
        app.conf.broker_url = saved
        services._broker_refused_at = None  # the pause after a refusal belongs to this test


@pytest.fixture
def broker_at():
    """:func:`celery_broker`, as a fixture (``with broker_at(url): ...``)."""
    return celery_broker
