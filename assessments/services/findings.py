from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max

from assessments.choices import Rating
from assessments.constants import EVIDENCE_CONTENT_TYPES
from assessments.models import Assessment, ChecklistItem, ChecklistResponse, Evidence, Finding, FindingStatusChange
from ips import concurrency, permissions, uploads
from ips.audit import acting_as

FINDING_FIELDS = (
    "facility", "checklist_item", "reference", "title", "description", "method", "rationale", "severity",
    "recommendation", "shared_with_host_on",
)


def _require(user, action: str, obj) -> None:
    permissions.enforce(user, action, obj)


def _check_belongs(case: Assessment, finding: Finding) -> None:
    errors = {}
    if finding.facility_id and finding.facility.port.country_id != case.country_id:
        errors["facility"] = f"{finding.facility} is not in {case.country}."
    if finding.checklist_item_id and finding.checklist_item.section.template_id != case.checklist_template_id:
        errors["checklist_item"] = "The checklist item is not from this case's checklist version."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def finding_create(*, assessment: Assessment, by, data: dict) -> Finding:
    _require(by, "assessments.add_finding", assessment)
    case = Assessment.objects.select_for_update().get(pk=assessment.pk)
    number = (case.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding(assessment=case, number=number, created_by=by)
    for name in FINDING_FIELDS:
        if name in data:
            setattr(finding, name, data[name])
    finding.full_clean(exclude=["assessment"])
    _check_belongs(case, finding)
    with acting_as(by):
        finding.save()
        FindingStatusChange.objects.create(finding=finding, from_status="", to_status=finding.status, by=by)
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, by, data: dict, expected_version: int | None = None) -> Finding:
    """Change a finding's text and classification. With ``expected_version`` (the version the editor
    loaded) a change made meanwhile by someone else is not overwritten: ConcurrentEditError."""
    _require(by, "assessments.change_finding", finding)
    locked = concurrency.lock(Finding.objects.select_related("assessment"), pk=finding.pk, expected=expected_version)
    fields = [name for name in FINDING_FIELDS if name in data]
    for name in fields:
        setattr(locked, name, data[name])
    locked.full_clean(exclude=["assessment"])
    _check_belongs(locked.assessment, locked)
    with acting_as(by):
        concurrency.save(locked, update_fields=[*fields, "updated_at"])
    return locked


@transaction.atomic
def finding_set_status(*, finding: Finding, by, status: str, comment: str = "",
                       expected_version: int | None = None) -> Finding:
    """Move a finding to a new status, keeping its history. Closed cases' findings still move
    (mitigation and closure happen after the visit), for LANT-51 and the country's IPSLO.
    ``expected_version`` as for :func:`finding_update`."""
    locked = Finding.objects.select_for_update().select_related("assessment").get(pk=finding.pk)
    permissions.enforce(by, "assessments.change_finding_status", locked)
    concurrency.check(locked, expected_version)
    if status == locked.status:
        return locked
    old = locked.status
    locked.status = status
    locked.full_clean(exclude=["assessment"])
    with acting_as(by):
        concurrency.save(locked, update_fields=["status", "updated_at"])
        FindingStatusChange.objects.create(finding=locked, from_status=old, to_status=status, by=by, comment=comment)
    return locked


@transaction.atomic
def checklist_answer(*, assessment: Assessment, item: ChecklistItem, by, rating: str, notes: str = "",
                     visit_facility=None, expected_version: int | None = None) -> ChecklistResponse:
    """Record (or change) the rating of one item for the government or one visited facility.

    ``expected_version`` is the version of the answer the person saw (0: not answered yet); an answer
    saved meanwhile by someone else is not overwritten (ConcurrentEditError). Saving the values
    already stored changes nothing (and is no conflict, whoever stored them).
    """
    _require(by, "assessments.change_checklistresponse", assessment)
    errors = {}
    if item.section.template_id != assessment.checklist_template_id:
        errors["item"] = "The item is not from this case's checklist version."
    if visit_facility is not None and visit_facility.assessment_id != assessment.pk:
        errors["visit_facility"] = "The facility is not on this case's list."
    if item.section.scope == "facility" and visit_facility is None:
        errors["visit_facility"] = "Choose the facility this answer is for."
    if item.section.scope == "government" and visit_facility is not None:
        errors["visit_facility"] = "Government questions are answered once for the country."
    if rating not in Rating.values:
        errors["rating"] = "Choose a rating."
    if errors:
        raise ValidationError(errors)
    answers = ChecklistResponse.objects.filter(assessment=assessment, item=item, visit_facility=visit_facility)
    response = answers.select_for_update().select_related("answered_by").first()
    if response is None and expected_version:
        raise ValidationError("This answer no longer exists. Reload the checklist.", code="missing")
    what = f"The answer to {item.code}"
    if response is not None:
        if response.rating == rating and response.notes == notes:
            return response  # already so, whoever saved it: nothing to overwrite
        concurrency.check(response, expected_version, what=what)
    with acting_as(by):
        if response is None:
            response = ChecklistResponse(assessment=assessment, item=item, visit_facility=visit_facility)
        response.rating = rating
        response.notes = notes
        response.answered_by = by
        response.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                concurrency.save(response)
        except IntegrityError:
            # Someone else gave the first answer a moment ago: theirs stands.
            raise concurrency.ConcurrentEditError(answers.select_related("answered_by").get(), what=what) from None
    return response


@transaction.atomic
def evidence_add(*, finding: Finding, by, upload, caption: str = "", keep_metadata: bool = False) -> Evidence:
    """Attach an image or PDF, checked by its content (ips.uploads), stored under its hash. A photograph is
    stored re-encoded, without its location and camera data unless ``keep_metadata``."""
    _require(by, "assessments.add_evidence", finding)
    try:
        checked = uploads.checked_upload(
            upload, accept=EVIDENCE_CONTENT_TYPES, keep_metadata=keep_metadata,
            not_accepted="Only images (JPEG, PNG, GIF, WebP) and PDF files can be attached.",
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc}) from None
    evidence = Evidence(
        finding=finding, original_name=(getattr(upload, "name", "") or "evidence")[-255:],
        content_type=checked.content_type, extension=EVIDENCE_CONTENT_TYPES[checked.content_type],
        size=checked.size, sha256=checked.sha256, original_sha256=checked.original_sha256, caption=caption,
        uploaded_by=by,
    )
    with acting_as(by):
        evidence.file.save("upload", ContentFile(checked.data), save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence
