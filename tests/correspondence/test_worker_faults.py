"""Letter jobs survive the failures of real components: a Celery worker killed (SIGKILL) mid-render, and
the Redis broker stopped while PSA-1 approves. Each test runs its own redis-server and workers on the
PostgreSQL test database, with short timeouts."""

import time
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.choices import DeterminationState, Outcome
from correspondence.choices import JobState
from correspondence.models import Letter
from ips.jobs.choices import OutboxState
from ips.jobs.models import OutboxJob
from ips.jobs.selectors import worker_last_seen, worker_seen_recently

pytest_plugins = ["tests.celery_support"]
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

RENDER_LOG_WORKER = "tests.correspondence.render_log_worker"


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _stored_pdfs(media: str) -> list[str]:
    return sorted(path.relative_to(media).as_posix() for path in Path(media).rglob("*.pdf"))


def test_a_worker_killed_mid_render_leaves_the_letter_rendered_exactly_once_by_the_next_worker(
        worker_factory, private_redis, broker_at, case, decide, private_media, tmp_path):
    renders = tmp_path / "renders.log"
    env = {
        "REDIS_URL": private_redis.url, "MEDIA_ROOT": private_media, "IPS_TEST_RENDER_LOG": renders,
        # The broker hands a job out again 3 s after a worker took it without finishing it.
        "IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS": 3,
    }
    with broker_at(private_redis.url):
        first = worker_factory("first", module=RENDER_LOG_WORKER, env={**env, "IPS_TEST_RENDER_PAUSE": 120})
        determination = decide(case, outcome=Outcome.MINIMALLY)  # the job is sent once the approval commits
        first.wait_for(lambda: _lines(renders))
        letter = Letter.objects.get(determination=determination)
        assert letter.job_state == JobState.RENDERING and not letter.pdf
        first.kill()

        second = worker_factory("second", module=RENDER_LOG_WORKER, env=env)
        started = time.monotonic()
        second.wait_for(lambda: Letter.objects.filter(pk=letter.pk, job_state=JobState.READY).exists(), timeout=60)
        job = OutboxJob.objects.get(dedupe_key=f"determination_letter:{determination.pk}")
        second.wait_for(lambda: OutboxJob.objects.filter(pk=job.pk, state=OutboxState.DONE).exists(), timeout=10)
        time.sleep(4)  # longer than the visibility timeout: nothing is handed out, or rendered, again

    assert time.monotonic() - started < 60
    letter.refresh_from_db()
    assert _lines(renders) == [f"start {letter.pk}", f"start {letter.pk}", f"done {letter.pk}"]
    assert _stored_pdfs(private_media) == [letter.pdf.name]  # one file, the one the letter names
    assert Letter.objects.filter(determination=determination).count() == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (OutboxState.DONE, 1)  # the broker, not the outbox, handed it out again


def test_an_approval_while_the_broker_is_down_gets_its_letter_once_the_broker_is_back(
        worker_factory, private_redis, broker_at, case, decide, users, private_media):
    determination = decide(case, outcome=Outcome.NOT_SUBSTANTIALLY, approve=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=users['psa1'])[0].key}")
    private_redis.stop()
    with broker_at(private_redis.url):
        began = time.monotonic()
        response = client.post(f"/api/v1/determinations/{determination.pk}/approve/", {"comment": "Agreed."},
                               format="json")
        assert response.status_code == 200, response.content
        assert time.monotonic() - began < 10  # one short try at the broker, then the answer
        determination.refresh_from_db()
        assert determination.state == DeterminationState.APPROVED
        job = OutboxJob.objects.get(dedupe_key=f"determination_letter:{determination.pk}")
        assert job.state == OutboxState.PENDING and "Connection refused" in job.last_error
        assert not Letter.objects.filter(determination=determination).exists()

        private_redis.start()
        # Beat inside the worker runs the outbox dispatcher every second: nobody acts by hand.
        worker = worker_factory("worker", beat=True, env={"REDIS_URL": private_redis.url, "MEDIA_ROOT": private_media,
                                                          "IPS_OUTBOX_DISPATCH_SECONDS": 1})
        letter = worker.wait_for(lambda: Letter.objects.filter(determination=determination,
                                                               job_state=JobState.READY).first(), timeout=60)
        worker.wait_for(lambda: OutboxJob.objects.filter(pk=job.pk, state=OutboxState.DONE).exists(), timeout=10)

    assert Letter.objects.filter(determination=determination).count() == 1
    assert _stored_pdfs(private_media) == [letter.pdf.name]
    job.refresh_from_db()
    assert job.attempts == 2  # refused once, accepted once
    assert worker_seen_recently(worker_last_seen())  # /readyz: the dispatcher's heartbeat
