from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.choices import UNRESOLVED_FINDING_STATUSES
from assessments.models import Engagement, Finding
from countries.models import Country
from ips import permissions
from ips.audit import acting_as

ENGAGEMENT_FIELDS = ("kind", "title", "start_date", "end_date", "participants", "summary")


@transaction.atomic
def engagement_save(*, by, data: dict, findings: list[Finding] | None = None, country: Country | None = None,
                    engagement: Engagement | None = None) -> Engagement:
    """Record a new engagement for ``country`` or change ``engagement``; ``findings`` are the country's
    findings it addresses (only findings of that country, still open, may be linked anew)."""
    if engagement is None:
        permissions.enforce(by, "assessments.add_engagement", country)
        engagement = Engagement(country=country, created_by=by)
    else:
        permissions.enforce(by, "assessments.change_engagement", engagement)
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    for name in ENGAGEMENT_FIELDS:
        if name in data:
            setattr(engagement, name, data[name])
    engagement.full_clean()
    if findings is not None:
        already = set(engagement.findings.values_list("pk", flat=True)) if engagement.pk else set()
        for finding in findings:
            if finding.assessment.country_id != engagement.country_id:
                raise ValidationError({"findings": f"{finding} is not a finding of {engagement.country}."})
            if finding.pk not in already and finding.status not in UNRESOLVED_FINDING_STATUSES:
                raise ValidationError({"findings": f"{finding} is no longer open."})
    with acting_as(by):
        engagement.save()
        if findings is not None:
            engagement.findings.set(findings)
    return engagement


engagement_save.alters_data = True
