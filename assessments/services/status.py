from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Max

from assessments.choices import AssessmentState, DeterminationState
from assessments.constants import REASSESSMENT_INTERVAL_YEARS
from assessments.models import Assessment, Determination
from countries.choices import ComplianceStatus
from countries.models import Country
from ips.dates import shift


def country_status_refresh(*, country: Country) -> Country:
    """Derive the country's status from its latest approved determination and completed assessment."""
    latest = (
        Determination.objects.filter(country=country, state=DeterminationState.APPROVED)
        .order_by("-effective_date", "-decided_at", "-id")
        .first()
    )
    last_visit = Assessment.objects.filter(
        country=country, state=AssessmentState.CLOSED, visit_end__isnull=False
    ).aggregate(last=Max("visit_end"))["last"]
    values = {
        "compliance_status": latest.outcome if latest else ComplianceStatus.UNDETERMINED,
        "determination_date": latest.effective_date if latest else None,
        "last_assessment_date": last_visit,
        # A visit stored at the calendar's end is due again at its last day rather than overflowing it.
        "next_assessment_due": (
            (shift(last_visit, relativedelta(years=REASSESSMENT_INTERVAL_YEARS)) or dt.date.max) if last_visit else None
        ),
    }
    changed = [name for name, value in values.items() if getattr(country, name) != value]
    if changed:
        for name in changed:
            setattr(country, name, values[name])
        country.save(update_fields=[*changed, "updated_at"])
    return country
