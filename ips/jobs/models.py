"""The transactional outbox: the jobs the application owes, written in the transaction that owes them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ips.jobs.choices import UNFINISHED_STATES, OutboxState


class OutboxJob(models.Model):
    """One Celery job the application owes, recorded with the change that owes it.

    The dispatcher (``ips.jobs.services.jobs_dispatch``) sends it to the broker after the commit and
    again while it is not done; every send carries the same Celery task id, so the task marks this row
    done when it finishes.
    """

    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    kwargs = models.JSONField(default=dict, blank=True, help_text="The task's keyword arguments.")
    dedupe_key = models.CharField(
        max_length=200, help_text="What the job is for; one unfinished job per key (e.g. 'letter_render:12:r3').",
    )
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=8, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Times the job was handed to the broker.")
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="When the dispatcher sends it (again) if it is still unfinished.",
    )
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, help_text="When the task finished (done or failed).")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(state__in=UNFINISHED_STATES),
                name="outbox_job_once_while_unfinished",
                violation_error_message="This job is already waiting to run.",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state__in=UNFINISHED_STATES), name="outbox_job_due"),
        ]

    def __str__(self) -> str:
        return f"{self.task} ({self.dedupe_key}): {self.get_state_display()}"


class WorkerHeartbeat(models.Model):
    """When a Celery worker was last seen working: written when it starts and on each dispatcher run."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
