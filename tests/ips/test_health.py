"""``/healthz`` and ``/readyz``: JSON probes at exactly those paths, open to anyone. ``/readyz`` answers
503 only without the database; a broker that is down or no recent worker is "degraded" (200)."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, transaction
from django.utils import timezone

from ips.jobs import services as jobs

BASE_DIR = Path(django_settings.BASE_DIR)


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_answers_json_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_without_broker_checks_only_the_database(client, settings):
    settings.REDIS_URL = None

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ready", "checks": {"database": True}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_with_the_real_redis_and_a_worker_seen_a_minute_ago(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set for this test run")
    seen = timezone.now() - dt.timedelta(minutes=1)
    jobs.heartbeat_record(hostname="worker@a", now=seen)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready", "checks": {"database": True, "broker": True, "worker": True},
        "worker_last_seen": seen.isoformat(), "jobs_waiting": 0,
    }


@pytest.mark.django_db
def test_readyz_without_a_recent_worker_is_degraded_but_serving(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set for this test run")
    settings.IPS_OUTBOX_DISPATCH_SECONDS = 60
    jobs.heartbeat_record(hostname="worker@a", now=timezone.now() - dt.timedelta(minutes=4))
    with transaction.atomic():
        jobs.job_owe(task="correspondence.letter_render", kwargs={"letter_id": 1}, dedupe_key="letter_render:1:r1")

    response = client.get("/readyz")

    assert response.status_code == 200  # pages and the API still answer; the jobs wait in the outbox
    body = response.json()
    assert body["status"] == "degraded" and body["checks"] == {"database": True, "broker": True, "worker": False}
    assert body["jobs_waiting"] == 1


@pytest.mark.django_db
def test_readyz_with_the_broker_down_is_degraded_but_serving(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": True, "broker": False, "worker": False}
    assert body["worker_last_seen"] is None


@pytest.mark.django_db
def test_readyz_is_unavailable_without_the_database_even_with_a_broker(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set for this test run")
    broken = mock.Mock()
    broken.cursor.side_effect = OperationalError("connection refused")

    with mock.patch("ips.views.connection", broken):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": False, "broker": True, "worker": False},
                               "worker_last_seen": None, "jobs_waiting": None}


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_is_unreachable(client, settings):
    settings.REDIS_URL = None
    broken = mock.Mock()
    broken.cursor.side_effect = OperationalError("connection refused")

    with mock.patch("ips.views.connection", broken):
        response = client.get("/readyz")

    assert broken.cursor.called
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": False}}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_probes_only_answer_get(client, path):
    assert client.post(path).status_code == 405


# The HTTPS redirect is configured only in production mode, so it is exercised in a process
# started with the production environment.
PROBE_SCRIPT = """
import json
import django
django.setup()
from django.test import Client
client = Client()
answers = {}
for path in ("/healthz", "/readyz", "/accounts/login/"):
    response = client.get(path)
    answers[path] = [response.status_code, response.get("Location", ""), response.get("Content-Type", "")]
print(json.dumps(answers))
"""


def test_probes_are_not_redirected_to_https_in_production_mode(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ips.settings",
        "DEBUG": "0",
        "SECRET_KEY": "probe-test-" + "k" * 50,
        "SECURE_SSL": "1",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE_SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    # Every other page is sent to HTTPS ...
    status, location, _ = answers["/accounts/login/"]
    assert status == 301 and location == "https://testserver/accounts/login/"
    # ... but the probes answer over plain HTTP at exactly their paths.
    assert answers["/healthz"] == [200, "", "application/json"]
    assert answers["/readyz"] == [200, "", "application/json"]
