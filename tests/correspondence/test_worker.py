"""End to end: PSA-1 approves, the job goes through the real Redis broker to a real Celery worker,
and the letter's PDF is stored."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from assessments.choices import Outcome
from correspondence.choices import JobState, LetterKind
from correspondence.models import Letter

WAIT_SECONDS = 60

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set: no broker for a real worker"),
]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


@pytest.fixture
def worker(private_media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database only on PostgreSQL.")
    from ips.celery import app

    app.control.purge()  # leftovers of earlier runs must not be mistaken for this test's job
    celery = Path(sys.executable).with_name("celery")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": private_media,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test-key"),
        "SECURE_SSL": "0",
        "CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "ips.settings",
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(celery), "-A", "ips", "worker", "-P", "solo", "-c", "1", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "-Q", "celery", "--loglevel", "INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield process, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def test_real_worker_renders_the_letter_of_an_approved_determination(worker, case, decide, private_media):
    process, log = worker
    determination = decide(case, outcome=Outcome.MINIMALLY)  # the approval queues the job on commit

    deadline = time.monotonic() + WAIT_SECONDS
    letter = None
    while time.monotonic() < deadline:
        letter = Letter.objects.filter(determination=determination, job_state__in=[JobState.READY, JobState.FAILED]
                                       ).first()
        if letter is not None or process.poll() is not None:
            break
        time.sleep(0.5)
    log.seek(0)
    assert letter is not None, f"no letter within {WAIT_SECONDS} s; worker log:\n{log.read()[-4000:]}"
    assert letter.job_state == JobState.READY, letter.job_error
    assert letter.kind == LetterKind.FINDINGS
    stored = Path(private_media) / letter.pdf.name
    assert stored.is_file() and stored.read_bytes().startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(stored.read_bytes()).hexdigest() == letter.pdf_sha256
    assert Letter.objects.filter(determination=determination).count() == 1
