"""Periodic jobs of the assessment cycle (scheduled by Celery beat; ``run_scheduled_jobs`` runs them once)."""

from celery import shared_task
from django.utils.dateparse import parse_date

from assessments import scheduling


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def plan_reassessments(on: str | None = None) -> dict:
    result = scheduling.plan_reassessments(on=parse_date(on) if on else None)
    return {"opened": result.opened, "without_ipslo": result.without_ipslo, "batches": result.batches}


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_deadline_reminders(on: str | None = None) -> int:
    return scheduling.send_deadline_reminders(on=parse_date(on) if on else None)
