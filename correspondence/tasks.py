"""Celery jobs that write letters. Each takes ids, reads fresh rows, stops early when the work is
done, and calls a service; the database guarantees one original letter per determination and kind.

They are owed through the outbox (ips.jobs) and may be delivered more than once (sent again by the
dispatcher, or handed out again by the broker after a worker died): a second run finds the work done.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from correspondence import constants, services
from correspondence.choices import JobState
from correspondence.models import Letter
from ips.jobs.tasks import OutboxTask

logger = logging.getLogger(__name__)

# Worth another try: the database or the file storage was briefly unavailable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError, TimeoutError)

JOB_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": constants.LETTER_JOB_BACKOFF_MAX_SECONDS,
    "retry_jitter": True,
    "max_retries": constants.LETTER_JOB_MAX_RETRIES,
}


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class LetterJob(OutboxTask):
    """On the final failure (retries used up, or an error not worth retrying) the letter shows why."""

    abstract = True

    def letter_ids(self, args, kwargs) -> list[int]:
        raise NotImplementedError

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        try:
            for letter_id in self.letter_ids(args, kwargs):
                services.letter_job_failed(letter_id=letter_id, reason=_reason(exc))
        except Exception:  # noqa: BLE001 - never hide the original failure
            logger.exception("Could not record the failure of job %s", task_id)


class DeterminationLetterJob(LetterJob):
    def letter_ids(self, args, kwargs) -> list[int]:
        determination_id = kwargs.get("determination_id", args[0] if args else None)
        return list(
            Letter.objects.filter(determination_id=determination_id, replaces__isnull=True)
            .exclude(job_state=JobState.READY).values_list("pk", flat=True)
        )


class RenderJob(LetterJob):
    def letter_ids(self, args, kwargs) -> list[int]:
        letter_id = kwargs.get("letter_id", args[0] if args else None)
        return [letter_id] if letter_id is not None else []


@shared_task(base=DeterminationLetterJob, name=constants.DETERMINATION_LETTER_TASK, **JOB_OPTIONS)
def letter_for_determination(self, determination_id: int) -> int | None:
    """The letter an approved determination calls for: created once, then rendered and stored."""
    letter = services.letter_generate_for_determination(determination_id=determination_id)
    return letter.pk if letter is not None else None


@shared_task(base=RenderJob, name=constants.RENDER_TASK, **JOB_OPTIONS)
def letter_render(self, letter_id: int) -> int | None:
    """Render a letter's current wording (after an edit, a retry, or for a new letter)."""
    letter = services.letter_render(letter_id=letter_id)
    return letter.pk if letter is not None else None


@shared_task(name="correspondence.letter_files_sweep", ignore_result=True)
def letter_files_sweep() -> int:
    """Nightly: delete the stored PDFs no letter references (left by a worker killed mid-job)."""
    return len(services.letter_files_sweep())
