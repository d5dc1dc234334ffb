from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from assessments.choices import Rating
from assessments.constants import EVIDENCE_CONTENT_TYPES
from assessments.models import Assessment, ChecklistItem, ChecklistResponse, Evidence, Finding, FindingStatusChange
from ips import permissions, uploads
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
def finding_update(*, finding: Finding, by, data: dict) -> Finding:
    _require(by, "assessments.change_finding", finding)
    locked = Finding.objects.select_for_update().select_related("assessment").get(pk=finding.pk)
    fields = [name for name in FINDING_FIELDS if name in data]
    for name in fields:
        setattr(locked, name, data[name])
    locked.full_clean(exclude=["assessment"])
    _check_belongs(locked.assessment, locked)
    with acting_as(by):
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


@transaction.atomic
def finding_set_status(*, finding: Finding, by, status: str, comment: str = "") -> Finding:
    """Move a finding to a new status, keeping its history. Closed cases' findings still move
    (mitigation and closure happen after the visit), for LANT-51 and the country's IPSLO."""
    locked = Finding.objects.select_for_update().select_related("assessment").get(pk=finding.pk)
    permissions.enforce(by, "assessments.change_finding_status", locked)
    if status == locked.status:
        return locked
    old = locked.status
    locked.status = status
    locked.full_clean(exclude=["assessment"])
    with acting_as(by):
        locked.save(update_fields=["status", "updated_at"])
        FindingStatusChange.objects.create(finding=locked, from_status=old, to_status=status, by=by, comment=comment)
    return locked


@transaction.atomic
def checklist_answer(*, assessment: Assessment, item: ChecklistItem, by, rating: str, notes: str = "",
                     visit_facility=None) -> ChecklistResponse:
    """Record (or change) the rating of one item for the government or one visited facility."""
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
    response = (
        ChecklistResponse.objects.select_for_update()
        .filter(assessment=assessment, item=item, visit_facility=visit_facility)
        .first()
    )
    with acting_as(by):
        if response is None:
            response = ChecklistResponse(
                assessment=assessment, item=item, visit_facility=visit_facility, answered_by=by
            )
        response.rating = rating
        response.notes = notes
        response.answered_by = by
        response.full_clean(validate_constraints=False)
        response.save()
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
