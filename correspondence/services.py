"""Writes of the correspondence app. Views, tasks and the demo builder call these and nothing else."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assessments.choices import DeterminationState
from assessments.models import Assessment, Determination
from correspondence import constants, rendering, selectors, wording
from correspondence.choices import (
    FINDINGS_KINDS,
    FROZEN_STATUSES,
    HAND_WRITTEN_KINDS,
    IncomingKind,
    JobState,
    LetterKind,
    LetterStatus,
    Marking,
)
from correspondence.errors import ErrorCode, LetterError
from correspondence.models import IncomingCorrespondence, Letter, ReferenceCounter
from ips import concurrency, dates, permissions, uploads
from ips.audit import acting_as
from ips.jobs import services as jobs
from ips.roles import Role

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "subject", "body", "letter_date", "addressee_name", "addressee_address", "via", "signatory_name",
    "signatory_title",
)


def _require(user, action: str, obj) -> None:
    permissions.enforce(user, action, obj)


# --- reference numbers -----------------------------------------------------------------------


def _take_reference(year: int) -> tuple[int, str]:
    """The next sequence number of ``year``. Must run inside a transaction: the counter row stays
    locked until it ends, so two letters never get the same number and a rolled-back letter leaves no gap."""
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)  # takes the row lock
    sequence = ReferenceCounter.objects.get(year=year).last
    return sequence, f"{constants.REFERENCE_PREFIX}-{year}-{sequence:0{constants.REFERENCE_DIGITS}d}"


def _blocks_from_country(country) -> dict:
    """Addressee (the designated authority) and channel (the U.S. embassy) from the country record."""
    name = country.designated_authority.strip() or f"The Designated Authority for the ISPS Code, {country.name}"
    address = []
    if country.designated_authority_contact.strip():
        address.append(f"Attention: {country.designated_authority_contact.strip()}")
    address.extend(line.strip() for line in country.designated_authority_address.splitlines() if line.strip())
    if not country.designated_authority_address.strip():
        address.append(country.official_name or country.name)
    post = country.embassy_post.strip() or f"U.S. Embassy, {country.name}"
    via = [post]
    if country.embassy_contact.strip():
        contact = country.embassy_contact.strip()
        if country.embassy_contact_title.strip():
            contact += f", {country.embassy_contact_title.strip()}"
        via.append(f"Attention: {contact}")
    return {"addressee_name": name[:200], "addressee_address": "\n".join(address), "via": "\n".join(via)}


def _signatory(user, *, by_direction: bool) -> dict:
    """The signature block: the user's name and title (or the title of their role)."""
    if user is None:
        return {"signatory_name": "Program Manager", "signatory_title": constants.SIGNATORY_TITLES[Role.PSA1],
                "by_direction": by_direction}
    title = (getattr(user, "title", "") or "").strip()
    if not title:
        role = user.primary_role
        title = constants.SIGNATORY_TITLES.get(role, constants.SENDER_PROGRAM)
    return {
        "signatory_name": (user.get_full_name() or user.get_username())[:120],
        "signatory_title": title[:120],
        "by_direction": by_direction,
    }


def _new_letter(**fields) -> Letter:
    """Insert a letter with a fresh reference number (call inside a transaction)."""
    today = fields.setdefault("letter_date", timezone.localdate())
    sequence, reference = _take_reference(today.year)
    letter = Letter(year=today.year, sequence=sequence, reference=reference, job_state=JobState.QUEUED,
                    job_queued_at=timezone.now(), **fields)
    letter.full_clean(validate_constraints=False)
    letter.save()
    return letter


# --- jobs ------------------------------------------------------------------------------------


def _queue_render(letter: Letter, *, again: bool = False) -> None:
    """In the caller's transaction, owe the job that renders the letter's current wording (ips.jobs: it is
    sent to the broker after the commit, and again until it is done). ``again``: a person asked for it."""
    jobs.job_owe(task=constants.RENDER_TASK, kwargs={"letter_id": letter.pk},
                 dedupe_key=f"letter_render:{letter.pk}:r{letter.revision}", again=again)


def determination_letter_owe(*, determination_id: int, again: bool = False) -> None:
    """In PSA-1's approval transaction: owe the job that writes (and renders) the determination's letter."""
    jobs.job_owe(task=constants.DETERMINATION_LETTER_TASK, kwargs={"determination_id": determination_id},
                 dedupe_key=f"determination_letter:{determination_id}", again=again)


@transaction.atomic
def determination_letters_owe_missing(*, country, by) -> list[Determination]:
    """The letters of the country's approved determinations that have none: owed (again) now."""
    _require(by, "correspondence.approve_letter", None)
    missing = selectors.determinations_without_letter(country=country)
    for determination in missing:
        determination_letter_owe(determination_id=determination.pk, again=True)
    return missing


def letter_job_failed(*, letter_id: int, reason: str) -> None:
    """The job gave up: the letter page shows the reason and a retry button."""
    Letter.objects.filter(pk=letter_id).exclude(job_state=JobState.READY, rendered_revision=F("revision")).update(
        job_state=JobState.FAILED, job_error=(reason or "Unknown error.")[: constants.JOB_ERROR_MAX_LENGTH],
        updated_at=timezone.now(),
    )


def letter_render(*, letter_id: int) -> Letter | None:
    """Render the letter's current wording to PDF and store it with its SHA-256.

    Idempotent: a letter already rendered from its current wording, or no longer a draft, is left
    alone. The PDF is made outside any transaction; it is kept only if the wording did not change
    meanwhile (a later job renders the newer wording).
    """
    letter = (
        Letter.objects.select_related("country", "assessment", "determination", "determination__credible_report")
        .filter(pk=letter_id).first()
    )
    if letter is None or not letter.is_draft or letter.is_ready:
        return letter
    revision = letter.revision
    _mark_rendering(letter)
    rendered = rendering.render_letter(letter)
    if rendered.page_count > constants.PAGE_COUNT_SANE_MAX:
        raise ValueError(f"The letter came out at {rendered.page_count} pages; check its wording.")
    old_name = None
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter_id)
        if locked.revision != revision or not locked.is_draft:
            return locked
        old_name = locked.pdf.name or None
        locked.pdf.save(f"{locked.reference}.pdf", ContentFile(rendered.pdf), save=False)
        locked.pdf_sha256 = rendered.sha256
        locked.pdf_size = len(rendered.pdf)
        locked.page_count = rendered.page_count
        locked.rendered_revision = revision
        locked.rendered_at = timezone.now()
        locked.job_state = JobState.READY
        locked.job_error = ""
        try:
            locked.save(update_fields=[
                "pdf", "pdf_sha256", "pdf_size", "page_count", "rendered_revision", "rendered_at", "job_state",
                "job_error", "updated_at",
            ])
        except Exception:
            locked.pdf.storage.delete(locked.pdf.name)
            raise
    if old_name and old_name != locked.pdf.name:
        locked.pdf.storage.delete(old_name)
    return locked


def _mark_rendering(letter: Letter) -> None:
    """The job has started on the letter (committed at once, so the page and the stalled-letter check see it)."""
    Letter.objects.filter(pk=letter.pk, revision=letter.revision).exclude(job_state=JobState.READY).update(
        job_state=JobState.RENDERING, job_started_at=timezone.now(),
    )


def _requeue(locked: Letter, *, by) -> None:
    """Queue the rendering of the (locked) letter's current wording again, at a person's request."""
    locked.job_state = JobState.QUEUED
    locked.job_error = ""
    locked.job_queued_at = timezone.now()
    locked.job_started_at = None
    with acting_as(by):
        locked.save(update_fields=["job_state", "job_error", "job_queued_at", "job_started_at", "updated_at"])
        _queue_render(locked, again=True)


def letter_files_sweep(*, older_than: dt.timedelta = constants.ORPHAN_FILE_GRACE, dry_run: bool = False) -> list[str]:
    """Delete the stored letter PDFs that no letter references, once older than ``older_than``.

    A rendering writes its file before the transaction that records it commits; a worker killed in
    between (or between committing a new rendering and deleting the old file) leaves a file no row
    names. Younger files are left alone: their rendering may still be about to commit. Returns the
    names deleted (or, with ``dry_run``, that would be).
    """
    storage = Letter._meta.get_field("pdf").storage
    referenced = set(Letter.objects.exclude(pdf="").values_list("pdf", flat=True))
    cutoff = timezone.now() - older_than
    orphans = []
    for name in _stored_files(storage, constants.LETTER_FILES_DIR):
        if name in referenced:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
            if not dry_run:
                storage.delete(name)
        except FileNotFoundError:
            continue  # deleted meanwhile
        orphans.append(name)
    if orphans and not dry_run:
        logger.warning("Deleted %s letter file(s) that no letter references: %s", len(orphans), ", ".join(orphans))
    return orphans


def _stored_files(storage, directory: str):
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in directories:
        yield from _stored_files(storage, f"{directory}/{sub}")


# --- letters from determinations and cases ----------------------------------------------------


def letter_for_determination_ensure(*, determination_id: int) -> tuple[Letter | None, bool]:
    """The letter an approved determination calls for, created if missing (never twice: the database
    holds one original letter per determination and kind, and a second writer gets the first one's)."""
    determination = (
        Determination.objects.select_related("country", "assessment", "decided_by")
        .filter(pk=determination_id).first()
    )
    if determination is None or determination.state != DeterminationState.APPROVED:
        return None, False
    kind = wording.kind_for_outcome(determination.outcome)
    existing = Letter.objects.filter(determination=determination, kind=kind, replaces__isnull=True).first()
    if existing is not None:
        return existing, False
    country = determination.country
    fields = {
        "kind": kind, "country": country, "assessment": determination.assessment,
        "determination": determination,
        "subject": wording.default_subject(kind=kind, country=country, determination=determination,
                                           case=determination.assessment),
        "body": wording.default_body(kind=kind, country=country, determination=determination,
                                     case=determination.assessment),
        "marking": Marking.FOUO if kind in FINDINGS_KINDS else Marking.NONE,
        **_blocks_from_country(country),
        **_signatory(determination.decided_by, by_direction=True),
    }
    try:
        with transaction.atomic(), acting_as(determination.decided_by):
            return _new_letter(**fields), True
    except IntegrityError:
        letter = Letter.objects.filter(determination=determination, kind=kind, replaces__isnull=True).first()
        if letter is None:
            raise
        return letter, False


def letter_generate_for_determination(*, determination_id: int) -> Letter | None:
    """Create (if missing) and render the letter of an approved determination. What the job calls."""
    letter, _ = letter_for_determination_ensure(determination_id=determination_id)
    if letter is None:
        return None
    return letter_render(letter_id=letter.pk) or letter


def letter_visit_request(*, assessment: Assessment, by) -> tuple[Letter, bool]:
    """The visit request letter of a case (made once; asking again returns the one there is)."""
    _require(by, "correspondence.request_visit_letter", assessment)
    existing = Letter.objects.filter(assessment=assessment, kind=LetterKind.VISIT_REQUEST,
                                     replaces__isnull=True).first()
    if existing is not None:
        return existing, False
    case = Assessment.objects.select_related("country").get(pk=assessment.pk)
    kind = LetterKind.VISIT_REQUEST
    fields = {
        "kind": kind, "country": case.country, "assessment": case, "created_by": by,
        "subject": wording.default_subject(kind=kind, country=case.country, case=case),
        "body": wording.default_body(kind=kind, country=case.country, case=case),
        "marking": Marking.NONE,
        **_blocks_from_country(case.country),
        **_signatory(by, by_direction=False),
    }
    try:
        with transaction.atomic(), acting_as(by):
            letter = _new_letter(**fields)
            _queue_render(letter)
    except IntegrityError:
        letter = Letter.objects.filter(assessment=case, kind=kind, replaces__isnull=True).first()
        if letter is None:
            raise
        return letter, False
    return letter, True


@transaction.atomic
def letter_create(*, country, kind: str, by, subject: str = "", body: str = "",
                  assessment: Assessment | None = None) -> Letter:
    """A hand-written letter (Federal Register notice draft, separate-consideration answer, invitation)."""
    _require(by, "correspondence.add_letter", country)
    if kind not in HAND_WRITTEN_KINDS:
        raise ValidationError({"kind": "This kind of letter is generated from its case or determination."})
    if assessment is not None and assessment.country_id != country.pk:
        raise ValidationError({"assessment": "The case is not one of this country's."})
    _check_wording(subject=subject, body=body)
    fields = {
        "kind": kind, "country": country, "assessment": assessment, "created_by": by,
        "subject": subject.strip() or wording.default_subject(kind=kind, country=country),
        "body": body.strip() or wording.default_body(kind=kind, country=country),
        "marking": Marking.NONE,
        **_blocks_from_country(country),
        **_signatory(by, by_direction=False),
    }
    with acting_as(by):
        letter = _new_letter(**fields)
        _queue_render(letter)
    return letter


def _check_wording(*, subject: str | None = None, body: str | None = None) -> None:
    if body is not None and len(body) > constants.LETTER_BODY_MAX_CHARS:
        raise ValidationError({"body": f"The wording is longer than {constants.LETTER_BODY_MAX_CHARS:,} characters."})
    if subject is not None and len(subject) > 300:
        raise ValidationError({"subject": "The subject is longer than 300 characters."})


# --- the letter's life -----------------------------------------------------------------------


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("country").get(pk=letter.pk)


@transaction.atomic
def letter_update(*, letter: Letter, by, data: dict, expected_revision: int | None = None) -> Letter:
    """Edit a draft's wording; the PDF is rendered again. A sent letter never changes.

    With ``expected_revision`` (the revision of the wording the editor loaded) wording saved meanwhile
    by someone else is not overwritten: ConcurrentEditError.
    """
    locked = _locked(letter)
    _require(by, "correspondence.change_letter", locked)
    if locked.status in FROZEN_STATUSES:
        raise LetterError(ErrorCode.FROZEN)
    if locked.status != LetterStatus.DRAFT:
        raise LetterError(ErrorCode.NOT_DRAFT)
    concurrency.check(locked, expected_revision, what=f"The wording of {locked.reference}")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    _check_wording(subject=data.get("subject"), body=data.get("body"))
    changed = [name for name in EDITABLE_FIELDS if name in data and getattr(locked, name) != data[name]]
    if not changed:
        if not locked.is_ready:  # saved as it is while its PDF is missing or stale: prepare the PDF again
            _requeue(locked, by=by)
        return locked
    for name in changed:
        setattr(locked, name, data[name])
    if "letter_date" in changed and locked.letter_date.year != locked.year:
        raise ValidationError({"letter_date": f"The reference number belongs to {locked.year}: keep the date in "
                                              f"that year."})
    locked.full_clean(validate_constraints=False)
    locked.job_state = JobState.QUEUED
    locked.job_error = ""
    locked.job_queued_at = timezone.now()
    with acting_as(by):  # saved as the next revision
        concurrency.save(locked, update_fields=[*changed, "job_state", "job_error", "job_queued_at", "updated_at"])
        _queue_render(locked)
    return locked


@transaction.atomic
def letter_retry(*, letter: Letter, by) -> Letter:
    """Queue the PDF job again: a failed one (whoever may change the letter), or a stalled one (PSA-1 and
    LANT-51: the job may have been lost with a worker or the broker)."""
    locked = _locked(letter)
    _require(by, "correspondence.change_letter", locked)
    if not locked.is_draft or not (locked.job_state == JobState.FAILED or locked.is_stalled):
        raise LetterError(ErrorCode.NOT_RETRYABLE)
    if locked.job_state != JobState.FAILED:
        _require(by, "correspondence.retry_stalled_letter", locked)
    _requeue(locked, by=by)
    return locked


@transaction.atomic
def letter_approve(*, letter: Letter, by, expected_revision: int | None = None) -> Letter:
    """PSA-1 or LANT-51 approves the draft as rendered; from here on the PDF is final. With
    ``expected_revision`` (the revision the approver read), wording changed since is not approved
    unseen: ConcurrentEditError."""
    locked = _locked(letter)
    _require(by, "correspondence.approve_letter", locked)
    if locked.status != LetterStatus.DRAFT:
        raise LetterError(ErrorCode.WRONG_STATUS)
    concurrency.check(locked, expected_revision, what=f"The wording of {locked.reference}")
    if not locked.is_ready:
        raise LetterError(ErrorCode.NOT_READY)
    locked.status = LetterStatus.APPROVED
    locked.approved_by = by
    locked.approved_at = timezone.now()
    with acting_as(by):
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return locked


def _check_day(day, *, field: str, not_before: dt.date | None, label: str) -> None:
    if not isinstance(day, dt.date):
        raise ValidationError({field: "Give the date."})
    dates.check_date(day, dates.DateKind.HAPPENED, field=field)
    if not_before and day < not_before:
        raise ValidationError({field: f"The date is before {label} ({not_before:%d %b %Y})."})


@transaction.atomic
def letter_mark_sent(*, letter: Letter, by, sent_on: dt.date) -> Letter:
    """The country's IPSLO or LANT-51 records that the approved letter went out (via the embassy)."""
    locked = _locked(letter)
    _require(by, "correspondence.send_letter", locked)
    if locked.status != LetterStatus.APPROVED:
        raise LetterError(ErrorCode.WRONG_STATUS, "Only an approved letter can be marked as sent.")
    _check_day(sent_on, field="sent_on", not_before=locked.letter_date, label="the letter's date")
    locked.status = LetterStatus.SENT
    locked.sent_by = by
    locked.sent_at = timezone.now()
    locked.sent_on = sent_on
    with acting_as(by):
        locked.save(update_fields=["status", "sent_by", "sent_at", "sent_on", "updated_at"])
    return locked


@transaction.atomic
def letter_mark_acknowledged(*, letter: Letter, by, acknowledged_on: dt.date) -> Letter:
    locked = _locked(letter)
    _require(by, "correspondence.acknowledge_letter", locked)
    if locked.status != LetterStatus.SENT:
        raise LetterError(ErrorCode.WRONG_STATUS, "Only a sent letter can be marked as acknowledged.")
    _check_day(acknowledged_on, field="acknowledged_on", not_before=locked.sent_on, label="the day it was sent")
    locked.status = LetterStatus.ACKNOWLEDGED
    locked.acknowledged_by = by
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_on = acknowledged_on
    with acting_as(by):
        locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledged_on", "updated_at"])
    return locked


@transaction.atomic
def letter_correct(*, letter: Letter, by) -> Letter:
    """A sent letter never changes: its correction is a new draft (new reference) that replaces it."""
    locked = _locked(letter)
    _require(by, "correspondence.correct_letter", locked)
    if locked.status not in FROZEN_STATUSES:
        raise LetterError(ErrorCode.WRONG_STATUS, "Only a sent letter is corrected; edit the draft instead.")
    if Letter.objects.filter(replaces=locked).exists():
        raise LetterError(ErrorCode.ALREADY_CORRECTED)
    copied = {
        name: getattr(locked, name)
        for name in ("kind", "country", "assessment", "determination", "addressee_name", "addressee_address", "via",
                     "signatory_name", "signatory_title", "by_direction", "subject", "body", "marking")
    }
    try:
        with transaction.atomic(), acting_as(by):
            correction = _new_letter(**copied, replaces=locked, version=locked.version + 1, created_by=by)
            _queue_render(correction)
    except IntegrityError as exc:
        raise LetterError(ErrorCode.ALREADY_CORRECTED) from exc
    return correction


# --- incoming correspondence -------------------------------------------------------------------


@transaction.atomic
def incoming_record(*, country, by, kind: str, received_on: dt.date, sender: str, summary: str,
                    assessment: Assessment | None = None, answers: Letter | None = None,
                    upload=None) -> IncomingCorrespondence:
    """Log a received item (host confirmation, questionnaire, self-assessment, acknowledgement)."""
    _require(by, "correspondence.add_incomingcorrespondence", country)
    errors = {}
    if kind not in IncomingKind.values:
        errors["kind"] = "Choose what was received."
    if not isinstance(received_on, dt.date):
        errors["received_on"] = "Give the date it was received."
    if assessment is not None and assessment.country_id != country.pk:
        errors["assessment"] = "The case is not one of this country's."
    if answers is not None and answers.country_id != country.pk:
        errors["answers"] = "The letter is not one of this country's."
    item = IncomingCorrespondence(
        country=country, kind=kind, received_on=received_on, sender=(sender or "").strip(),
        summary=(summary or "").strip(), assessment=assessment, answers=answers, recorded_by=by,
    )
    data = None
    if upload is not None:
        try:
            checked = uploads.checked_upload(
                upload, accept=constants.INCOMING_CONTENT_TYPES,
                not_accepted="Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files can be attached.",
            )
        except ValidationError as exc:
            errors["file"] = exc
        else:
            data = checked.data
            item.content_type = checked.content_type
            item.extension = constants.INCOMING_CONTENT_TYPES[checked.content_type]
            item.size = checked.size
            item.sha256 = checked.sha256
            item.original_name = (getattr(upload, "name", "") or "document")[-255:]
    try:
        item.full_clean(exclude=["file"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        if data is not None:
            item.file.save("upload", ContentFile(data), save=False)
        try:
            item.save()
        except Exception:
            if item.file:
                item.file.delete(save=False)
            raise
    return item


# --- demo data -------------------------------------------------------------------------------


def seed_letters(*, by) -> list[Letter]:
    """Generate, synchronously, the letters of every approved determination that has none yet."""
    made = []
    pending = (
        Determination.objects.filter(state=DeterminationState.APPROVED)
        .order_by("decided_at", "pk").values_list("pk", "outcome")
    )
    for pk, outcome in pending:
        kind = wording.kind_for_outcome(outcome)
        if Letter.objects.filter(determination_id=pk, kind=kind, replaces__isnull=True, job_state=JobState.READY
                                 ).exists():
            continue
        with acting_as(by):
            letter = letter_generate_for_determination(determination_id=pk)
        if letter is not None:
            made.append(letter)
    return made
