"""The outbox's Celery side: the base class that reports how a job ended, the dispatcher beat runs
every ``IPS_OUTBOX_DISPATCH_SECONDS``, and the daily housekeeping."""

from __future__ import annotations

import logging
import socket

from celery import Task, shared_task, states

from ips.jobs import services

logger = logging.getLogger(__name__)


class OutboxTask(Task):
    """A task sent from the outbox: when it ends, its outbox row (same task id) is marked done or failed.

    Retries are not an end: only success and the final failure are reported. A task started some
    other way has no row, and nothing is marked.
    """

    abstract = True

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        if status == states.SUCCESS:
            services.job_done(task_id=task_id)
        elif status == states.FAILURE:  # ``retval`` is the exception
            reason = f"{type(retval).__name__}: {retval}" if isinstance(retval, BaseException) else str(retval)
            services.job_failed(task_id=task_id, reason=reason)


def _hostname(task: Task) -> str:
    return getattr(task.request, "hostname", None) or socket.gethostname()


@shared_task(bind=True, name="jobs.dispatch_outbox", ignore_result=True)
def dispatch_outbox(self) -> dict:
    """Send the jobs that are due, and note that a worker is alive (the /readyz heartbeat)."""
    services.heartbeat_record(hostname=_hostname(self))
    result = services.jobs_dispatch()
    return vars(result)


@shared_task(name="jobs.housekeeping", ignore_result=True)
def housekeeping() -> int:
    return services.jobs_prune()


def on_worker_ready(sender=None, **kwargs) -> None:
    """Celery's ``worker_ready`` signal: the worker shows as seen as soon as it has started."""
    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    try:
        services.heartbeat_record(hostname=hostname)
    except Exception:  # noqa: BLE001 - a database hiccup must not stop the worker from starting
        logger.exception("Could not record the heartbeat of worker %s", hostname)
