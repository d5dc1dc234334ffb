"""The job outbox: a job is a row of the transaction that owes it, sent to the broker after the commit,
sent again while the broker is away or the job is not done, and never lost. The broker is a real
redis-server of each test (``private_redis``); a closed port stands for a broker that is down."""

import datetime as dt
import json

import pytest
import redis
import time_machine
from django.core.checks import Info, Warning
from django.db import IntegrityError, transaction
from django.utils import timezone

from ips.jobs import checks, services, tasks
from ips.jobs.choices import OutboxState
from ips.jobs.models import OutboxJob, WorkerHeartbeat

pytest_plugins = ["tests.celery_support"]
pytestmark = pytest.mark.django_db

TASK = "correspondence.letter_render"  # a real task; for a letter that does not exist it returns at once


def owe(key: str = "letter_render:987654:r1", **kwargs) -> OutboxJob:
    with transaction.atomic():
        return services.job_owe(task=TASK, kwargs={"letter_id": 987654}, dedupe_key=key, **kwargs)


def queued_task_ids(url: str) -> list[str]:
    """The task ids of the messages waiting in the broker's default queue."""
    return [json.loads(message)["headers"]["id"] for message in redis.Redis.from_url(url).lrange("celery", 0, -1)]


@pytest.fixture
def down_broker(broker_at, closed_port):
    with broker_at(f"redis://127.0.0.1:{closed_port}/0"):
        yield


def test_a_job_is_recorded_with_the_change_that_owes_it_and_rolled_back_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        owe()
        raise RuntimeError("the change failed")
    assert not OutboxJob.objects.exists()

    job = owe()
    assert (job.task, job.kwargs, job.state, job.attempts) == (TASK, {"letter_id": 987654}, OutboxState.PENDING, 0)
    assert job.next_attempt_at <= timezone.now() and job.sent_at is None and job.done_at is None


def test_the_job_is_sent_only_once_its_transaction_commits(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(services, "jobs_dispatch", lambda *, ids: sent.append(ids))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = owe()
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert sent == [[job.pk]]


def test_a_job_already_waiting_is_not_owed_twice():
    first, second = owe(), owe()
    assert first.pk == second.pk and OutboxJob.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds one unfinished job per key
        OutboxJob.objects.create(task=TASK, dedupe_key=first.dedupe_key)
    OutboxJob.objects.filter(pk=first.pk).update(state=OutboxState.DONE)
    assert owe().pk != first.pk  # a finished job does not hold its key


def test_a_job_for_no_known_task_is_refused():
    with pytest.raises(ValueError, match="No Celery task"), transaction.atomic():
        services.job_owe(task="correspondence.no_such_task", kwargs={}, dedupe_key="x")


def test_the_dispatcher_hands_the_job_to_the_broker_and_marks_it_sent(private_redis, broker_at):
    job = owe()
    with broker_at(private_redis.url):
        result = services.jobs_dispatch()
    job.refresh_from_db()
    assert (result.sent, result.unsent) == (1, 0)
    assert (job.state, job.attempts) == (OutboxState.SENT, 1)
    assert job.next_attempt_at - job.sent_at == dt.timedelta(minutes=5)
    assert queued_task_ids(private_redis.url) == [str(job.task_id)]
    with broker_at(private_redis.url):
        assert services.jobs_dispatch().sent == 0  # sent, not yet due again


def test_while_the_broker_is_down_jobs_wait_and_are_sent_when_it_is_back(private_redis, broker_at, down_broker):
    first, second = owe("a"), owe("b")
    result = services.jobs_dispatch()
    assert (result.sent, result.unsent) == (0, 2)  # the run stops at the first refusal
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == OutboxState.PENDING
    assert "Connection refused" in first.last_error and (first.attempts, second.attempts) == (1, 0)

    with broker_at(private_redis.url):
        assert services.jobs_dispatch().sent == 2
    assert set(queued_task_ids(private_redis.url)) == {str(first.task_id), str(second.task_id)}
    assert set(OutboxJob.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_after_a_refusal_requests_do_not_wait_for_the_broker(down_broker, django_capture_on_commit_callbacks):
    services.jobs_dispatch(ids=[owe("a").pk])  # refused: the broker is down
    with django_capture_on_commit_callbacks(execute=True):
        job = owe("b")
    job.refresh_from_db()
    assert (job.state, job.attempts) == (OutboxState.PENDING, 0)  # left for the dispatcher, untried


def test_a_sent_job_not_done_in_time_is_sent_again_then_given_up(private_redis, broker_at, settings):
    settings.IPS_OUTBOX_RESEND_AFTER_MINUTES = 5
    settings.IPS_OUTBOX_MAX_SENDS = 2
    job = owe()
    start = timezone.now()
    with broker_at(private_redis.url):
        services.jobs_dispatch(now=start)
        assert services.jobs_dispatch(now=start + dt.timedelta(minutes=4)).resent == 0
        assert services.jobs_dispatch(now=start + dt.timedelta(minutes=6)).resent == 1  # lost with the broker?
        job.refresh_from_db()
        assert (job.state, job.attempts) == (OutboxState.SENT, 2)
        assert services.jobs_dispatch(now=start + dt.timedelta(minutes=12)).given_up == 1
    job.refresh_from_db()
    assert job.state == OutboxState.FAILED and job.last_error.startswith("Sent 2 times without finishing")
    assert queued_task_ids(private_redis.url) == [str(job.task_id)] * 2  # every send carries the job's task id


def test_two_dispatchers_never_send_the_same_job():
    job = owe()
    seen_by_the_other = OutboxJob.objects.get(pk=job.pk)
    now = timezone.now()
    assert services._claim(job, now=now) is True
    assert services._claim(seen_by_the_other, now=now) is False


def test_the_task_marks_its_job_done_or_failed():
    job = owe()
    tasks.dispatch_outbox.app.tasks[TASK].apply(kwargs=job.kwargs, task_id=str(job.task_id))
    job.refresh_from_db()
    assert job.state == OutboxState.DONE and job.done_at is not None

    other = owe("other")
    assert services.job_failed(task_id=str(other.task_id), reason="ValueError: no") == 1
    other.refresh_from_db()
    assert (other.state, other.last_error) == (OutboxState.FAILED, "ValueError: no")


def test_the_dispatcher_task_notes_the_worker_and_sends_what_is_due(private_redis, broker_at):
    job = owe()
    with broker_at(private_redis.url):
        tasks.dispatch_outbox.apply()
    job.refresh_from_db()
    assert job.state == OutboxState.SENT
    assert WorkerHeartbeat.objects.get().seen_at > timezone.now() - dt.timedelta(seconds=10)


def test_old_finished_jobs_and_heartbeats_are_pruned():
    old, recent, waiting = owe("old"), owe("recent"), owe("waiting")
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        services.job_done(task_id=str(old.task_id))
        services.heartbeat_record(hostname="gone@container")
    services.job_done(task_id=str(recent.task_id))
    services.heartbeat_record(hostname="worker@here")
    assert services.jobs_prune() == 1
    assert set(OutboxJob.objects.values_list("dedupe_key", flat=True)) == {"recent", "waiting"}
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["worker@here"]
    assert waiting.pk


def test_the_checks_warn_of_timeouts_that_hand_a_running_job_to_a_second_worker(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.IPS_JOB_TIME_LIMIT_SECONDS = 90
    settings.IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS = 600
    assert not [m for m in checks.broker_timeouts_fit() if isinstance(m, Warning)]
    settings.IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS = 60
    assert "jobs.W002" in {m.id for m in checks.broker_timeouts_fit()}
    settings.IPS_JOB_SOFT_TIME_LIMIT_SECONDS = 90
    assert "jobs.W001" in {m.id for m in checks.broker_timeouts_fit()}
    slow = [m for m in checks.broker_timeouts_fit() if isinstance(m, Info)]
    assert slow and "correspondence.letter_render" in slow[0].msg  # retries wait up to 300 s > 60 s
