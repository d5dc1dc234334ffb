"""Writes of the job outbox.

A change that owes a background job calls :func:`job_owe` inside its own transaction: the job is a
row committed (or rolled back) with the change. After the commit the row is handed to the broker at
once (:func:`jobs_dispatch` for that job); whatever could not be handed over, and whatever was sent
but never finished, is sent again by the dispatcher that Celery beat runs every minute (and
``run_scheduled_jobs``). Without a broker (``CELERY_TASK_ALWAYS_EAGER``) the dispatcher runs the task
in-process instead.

States: pending (owed, not yet accepted by the broker) -> sent (accepted) -> done or failed (the task
finished). Every send carries the row's ``task_id``, so the task itself marks the row done or failed
(:class:`ips.jobs.tasks.OutboxTask`). A sent job not finished within ``IPS_OUTBOX_RESEND_AFTER_MINUTES``
is sent again, at most ``IPS_OUTBOX_MAX_SENDS`` times: the tasks are idempotent.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ips.jobs import constants
from ips.jobs.choices import UNFINISHED_STATES, OutboxState
from ips.jobs.models import OutboxJob, WorkerHeartbeat

logger = logging.getLogger(__name__)
# Broker outages are reported through the logger whose records are kept to one per failure burst.
outage_logger = logging.getLogger("ips.redis")


@functools.cache
def celery_app():
    """The Celery app, with every installed app's tasks module imported (as a worker does on starting),
    so that a job is found by its task's name in any process."""
    from django.utils.module_loading import autodiscover_modules

    from ips.celery import app

    autodiscover_modules("tasks")
    return app


def _short(text: str) -> str:
    return (text or "")[: constants.LAST_ERROR_MAX_LENGTH]


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return _short(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


# --- owing a job ---------------------------------------------------------------------------------


def job_owe(*, task: str, kwargs: dict, dedupe_key: str, again: bool = False) -> OutboxJob:
    """Record that ``task(**kwargs)`` must run, in the caller's transaction; it is sent after the commit.

    One unfinished job per ``dedupe_key``: owing it again returns the job already waiting. With
    ``again`` (a retry by a person), that job is made due at once, even if it was already sent.
    """
    if task not in celery_app().tasks:
        raise ValueError(f"No Celery task is named {task!r}.")
    now = timezone.now()
    with transaction.atomic():
        job = OutboxJob.objects.select_for_update().filter(dedupe_key=dedupe_key, state__in=UNFINISHED_STATES).first()
        created = False
        if job is None:
            try:
                with transaction.atomic():
                    job = OutboxJob.objects.create(task=task, kwargs=kwargs, dedupe_key=dedupe_key,
                                                   next_attempt_at=now)
                    created = True
            except IntegrityError:  # another transaction owed the same job a moment ago
                job = OutboxJob.objects.select_for_update().get(dedupe_key=dedupe_key, state__in=UNFINISHED_STATES)
        if not created and again:
            job.state = OutboxState.PENDING
            job.next_attempt_at = now
            job.save(update_fields=["state", "next_attempt_at"])
    if created or again:
        transaction.on_commit(partial(_dispatch_after_commit, job.pk))
    return job


# When the broker has just refused a job, the requests of the next BROKER_PAUSE do not try to send
# theirs (each try would cost the request the connection timeout): the dispatcher sends them.
_broker_refused_at: float | None = None


def _broker_paused() -> bool:
    return _broker_refused_at is not None and time.monotonic() - _broker_refused_at < constants.BROKER_PAUSE_SECONDS


def _dispatch_after_commit(job_id: int) -> None:
    """Hand the job just committed to the broker (or run it, without one). Never fails the caller's
    request: a job that cannot be sent now waits for the dispatcher."""
    if _broker_paused():
        return
    try:
        jobs_dispatch(ids=[job_id])
    except Exception:  # noqa: BLE001 - the change is committed; the dispatcher sends the job later
        logger.exception("Could not dispatch job %s after its commit; the dispatcher will send it", job_id)


# --- dispatching -----------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    sent: int = 0  # handed to the broker (or run in-process) for the first time
    resent: int = 0  # sent before, not finished in time, sent again
    unsent: int = 0  # the broker could not take them: they stay pending
    given_up: int = 0  # sent IPS_OUTBOX_MAX_SENDS times without finishing: marked failed


def _resend_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.IPS_OUTBOX_RESEND_AFTER_MINUTES)


def jobs_dispatch(*, ids: list[int] | None = None, now: dt.datetime | None = None,
                  limit: int | None = None) -> DispatchResult:
    """Send every unfinished job that is due (all of them, or those of ``ids``), oldest first.

    A job is claimed by a conditional update before it is sent, so two dispatchers never send the same
    job twice. When the broker refuses one, the run stops: the others stay due for the next run.
    """
    now = now or timezone.now()
    result = DispatchResult()
    due = OutboxJob.objects.filter(state__in=UNFINISHED_STATES, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    batch = list(due.order_by("next_attempt_at", "pk")[: limit or settings.IPS_JOB_BATCH_SIZE])
    for position, job in enumerate(batch):
        if job.state == OutboxState.SENT and job.attempts >= settings.IPS_OUTBOX_MAX_SENDS:
            result.given_up += _give_up(job, now=now)
            continue
        if not _claim(job, now=now):
            continue  # finished or taken by another dispatcher meanwhile
        was_sent = job.state == OutboxState.SENT
        try:
            _send(job)
        except _UnknownTask as exc:
            _finish_failed(job, reason=str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - whatever the broker raised, the job stays owed
            _unclaim(job, reason=_reason(exc))
            _note_broker(refused=True)
            outage_logger.warning("The broker did not take job %s (%s); %s job(s) wait for the next dispatcher run",
                                  job.pk, _reason(exc), len(batch) - position)
            result.unsent = len(batch) - position
            break
        _note_broker(refused=False)
        if was_sent:
            logger.warning("Job %s (%s) was not finished %s after it was sent; sent it again",
                           job.pk, job.dedupe_key, _resend_after())
            result.resent += 1
        else:
            result.sent += 1
    return result


class _UnknownTask(Exception):
    pass


def _note_broker(*, refused: bool) -> None:
    global _broker_refused_at
    _broker_refused_at = time.monotonic() if refused else None


def _claim(job: OutboxJob, *, now: dt.datetime) -> bool:
    claimed = OutboxJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
        state=OutboxState.SENT, attempts=F("attempts") + 1, sent_at=now, next_attempt_at=now + _resend_after(),
    )
    return claimed == 1


def _unclaim(job: OutboxJob, *, reason: str) -> None:
    """The broker did not take the job: pending again, due at the next dispatcher run."""
    OutboxJob.objects.filter(pk=job.pk, state=OutboxState.SENT, attempts=job.attempts + 1).update(
        state=OutboxState.PENDING, next_attempt_at=timezone.now(), last_error=reason,
    )


def _send(job: OutboxJob) -> None:
    app = celery_app()
    task = app.tasks.get(job.task)
    if task is None:
        raise _UnknownTask(f"No Celery task is named {job.task!r}.")
    if app.conf.task_always_eager:
        # In-process (the demo, no broker): the task runs now; its own base class records how it ended.
        task.apply(kwargs=job.kwargs, task_id=str(job.task_id), throw=False)
    else:
        # One try: an unreachable broker must not hold up the request that owed the job.
        task.apply_async(kwargs=job.kwargs, task_id=str(job.task_id), retry=False)


def _give_up(job: OutboxJob, *, now: dt.datetime) -> int:
    reason = (f"Sent {job.attempts} times without finishing; the last time at "
              f"{timezone.localtime(job.sent_at):%Y-%m-%d %H:%M}.")
    gave_up = OutboxJob.objects.filter(pk=job.pk, state=OutboxState.SENT, attempts=job.attempts).update(
        state=OutboxState.FAILED, done_at=now, last_error=reason,
    )
    if gave_up:
        logger.error("Job %s (%s) given up: %s", job.pk, job.dedupe_key, reason)
    return gave_up


def _finish_failed(job: OutboxJob, *, reason: str) -> None:
    OutboxJob.objects.filter(pk=job.pk).update(state=OutboxState.FAILED, done_at=timezone.now(),
                                               last_error=_short(reason))
    logger.error("Job %s (%s) failed: %s", job.pk, job.dedupe_key, reason)


# --- how a job ended (called by the task) ------------------------------------------------------------


def job_done(*, task_id: str) -> int:
    """The task finished: the job is done, whatever state the dispatcher last left it in."""
    return OutboxJob.objects.filter(task_id=task_id).exclude(state=OutboxState.DONE).update(
        state=OutboxState.DONE, done_at=timezone.now(), last_error="",
    )


def job_failed(*, task_id: str, reason: str) -> int:
    """The task gave up (an error not worth retrying, or its retries used up)."""
    return OutboxJob.objects.filter(task_id=task_id, state__in=UNFINISHED_STATES).update(
        state=OutboxState.FAILED, done_at=timezone.now(), last_error=_short(reason),
    )


# --- workers and housekeeping ----------------------------------------------------------------------


def heartbeat_record(*, hostname: str, now: dt.datetime | None = None) -> None:
    """A worker is alive and takes jobs (shown by /readyz)."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname[:255], defaults={"seen_at": now or timezone.now()})


def jobs_prune(*, now: dt.datetime | None = None) -> int:
    """Delete jobs finished long ago and the heartbeats of workers gone long ago; returns the jobs deleted."""
    now = now or timezone.now()
    finished = OutboxJob.objects.exclude(state__in=UNFINISHED_STATES).filter(
        done_at__lt=now - constants.FINISHED_JOBS_KEPT)
    deleted, _ = finished.delete()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - constants.HEARTBEATS_KEPT).delete()
    return deleted
