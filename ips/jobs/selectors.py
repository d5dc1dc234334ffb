"""Reads of the job outbox, for /readyz."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from ips.jobs.choices import UNFINISHED_STATES, OutboxState
from ips.jobs.models import OutboxJob, WorkerHeartbeat


def worker_last_seen() -> dt.datetime | None:
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]


def worker_seen_recently(last_seen: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """Seen within three dispatcher periods: a worker is running and beat schedules the dispatcher."""
    if last_seen is None:
        return False
    window = dt.timedelta(seconds=3 * settings.IPS_OUTBOX_DISPATCH_SECONDS)
    return last_seen >= (now or timezone.now()) - window


@dataclass(frozen=True)
class Backlog:
    pending: int  # not yet accepted by the broker
    sent: int  # accepted, not finished
    oldest_pending_seconds: int | None


def jobs_backlog(*, now: dt.datetime | None = None) -> Backlog:
    """The unfinished jobs (one query)."""
    now = now or timezone.now()
    row = OutboxJob.objects.filter(state__in=UNFINISHED_STATES).aggregate(
        pending=Count("pk", filter=Q(state=OutboxState.PENDING)),
        sent=Count("pk", filter=Q(state=OutboxState.SENT)),
        oldest=Min("created_at", filter=Q(state=OutboxState.PENDING)),
    )
    oldest = row["oldest"]
    return Backlog(pending=row["pending"], sent=row["sent"],
                   oldest_pending_seconds=int((now - oldest).total_seconds()) if oldest else None)
