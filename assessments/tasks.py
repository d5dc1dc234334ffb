"""Periodic jobs of the assessment cycle (scheduled by Celery beat; ``run_scheduled_jobs`` runs them once)."""

from celery import shared_task
from django.utils.dateparse import parse_date

from assessments import scheduling
from ips.notifications import EmailDeliveryFailed


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def plan_reassessments(on: str | None = None) -> dict:
    result = scheduling.plan_reassessments(on=parse_date(on) if on else None)
    return {"opened": result.opened, "without_ipslo": result.without_ipslo, "batches": result.batches}


# Retries back off from 30 s to 8 minutes (within the broker's visibility timeout) over about 40 minutes;
# what is still unsent then goes out with the next day's run.
@shared_task(acks_late=True, autoretry_for=(OSError, EmailDeliveryFailed), retry_backoff=30, retry_backoff_max=480,
             max_retries=8)
def send_deadline_reminders(on: str | None = None) -> dict:
    """Create the day's reminders and email every notification not emailed yet.

    When some emails cannot be sent the task fails with :class:`EmailDeliveryFailed` and is retried with
    backoff; a retry creates nothing twice (the notifications' unique key) and sends only what is unsent.
    """
    result = scheduling.send_deadline_reminders(on=parse_date(on) if on else None)
    if not result.emails.ok:
        raise EmailDeliveryFailed(result.emails)
    return {"created": result.created, "emailed": result.emails.sent}
