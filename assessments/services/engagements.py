from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.choices import UNRESOLVED_FINDING_STATUSES
from assessments.models import Engagement, Finding
from countries.models import Country
from ips import concurrency, permissions
from ips.audit import acting_as

ENGAGEMENT_FIELDS = ("kind", "title", "start_date", "end_date", "participants", "summary")


@transaction.atomic
def engagement_save(*, by, data: dict, findings: list[Finding] | None = None, country: Country | None = None,
                    engagement: Engagement | None = None, expected_version: int | None = None) -> Engagement:
    """Record a new engagement for ``country`` or change ``engagement``; ``findings`` are the country's
    findings it addresses (only findings of that country, still open, may be linked anew).

    With ``expected_version`` (the version the editor loaded) a change saved meanwhile by someone else
    is not overwritten: ConcurrentEditError."""
    if engagement is None:
        permissions.enforce(by, "assessments.add_engagement", country)
        engagement = Engagement(country=country, created_by=by)
    else:
        permissions.enforce(by, "assessments.change_engagement", engagement)
        engagement = concurrency.lock(Engagement.objects, pk=engagement.pk, expected=expected_version)
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
        concurrency.save(engagement)
        if findings is not None:
            engagement.findings.set(findings)
    return engagement


engagement_save.alters_data = True
