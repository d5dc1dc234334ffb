"""System checks of the job settings."""

from django.conf import settings
from django.core import checks


def _slow_retries(longer_than: int) -> list[str]:
    """Tasks whose retry may wait longer than ``longer_than`` seconds in a worker, unacknowledged."""
    from ips.jobs.services import celery_app

    app = celery_app()
    return sorted(
        name for name, task in app.tasks.items()
        if getattr(task, "autoretry_for", None) and getattr(task, "retry_backoff", False)
        and int(getattr(task, "retry_backoff_max", 0) or 0) > longer_than
    )


def broker_timeouts_fit(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The broker must not hand a running job to a second worker.

    A message stays unacknowledged from its delivery until its task ends (``acks_late``), at most the
    hard time limit; after the visibility timeout Redis hands it out again.
    """
    messages = []
    if settings.IPS_JOB_SOFT_TIME_LIMIT_SECONDS >= settings.IPS_JOB_TIME_LIMIT_SECONDS:
        messages.append(checks.Warning(
            "IPS_JOB_SOFT_TIME_LIMIT_SECONDS should be shorter than IPS_JOB_TIME_LIMIT_SECONDS, so that a job "
            "can record its failure before it is killed.", id="jobs.W001"))
    if not settings.REDIS_URL:
        return messages
    visibility = settings.IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS
    if visibility <= settings.IPS_JOB_TIME_LIMIT_SECONDS:
        messages.append(checks.Warning(
            f"IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS ({visibility}) should be longer than "
            f"IPS_JOB_TIME_LIMIT_SECONDS ({settings.IPS_JOB_TIME_LIMIT_SECONDS}): the broker would hand a "
            f"running job to a second worker.", id="jobs.W002"))
    slow = _slow_retries(visibility)
    if slow:
        messages.append(checks.Info(
            f"These tasks may wait longer than the broker's visibility timeout ({visibility} s) for a retry, "
            f"and are then handed to a second worker; they must be safe to run twice: {', '.join(slow)}.",
            id="jobs.I001"))
    return messages
