from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from assessments.models import Assessment, ReportVersion
from ips import permissions
from ips.audit import acting_as


@transaction.atomic
def report_save_draft(*, assessment: Assessment, by, sections: dict) -> ReportVersion:
    """Save the report as a new draft version; earlier versions stay as they were."""
    permissions.enforce(by, "assessments.change_report", assessment)
    case = Assessment.objects.select_for_update().get(pk=assessment.pk)
    number = (case.reports.aggregate(n=Max("number"))["n"] or 0) + 1
    report = ReportVersion(assessment=case, number=number, author=by)
    for name in ReportVersion.SECTIONS:
        setattr(report, name, (sections.get(name) or "").strip())
    report.full_clean(exclude=["assessment"])
    with acting_as(by):
        report.save()
    return report
