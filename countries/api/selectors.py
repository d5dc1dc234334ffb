"""Reads of the country status API: plain rows (``.values()``), never model instances.

Only the fields of the status contract are read. Nothing of a FOUO record (findings, reports,
determination rationale) is selected here, so nothing of one can reach an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone

from countries.choices import AssignmentKind
from countries.models import Country, PortfolioAssignment
from countries.querysets import overdue_condition

STATUS_FIELDS = (
    "iso2", "iso3", "name", "node", "in_scope", "compliance_status", "determination_date",
    "last_assessment_date", "next_assessment_due", "overdue", "psa_listed", "advisory", "conditions_of_entry",
    "ipslo", "updated_at",
)
ORDERING_FIELDS = {
    "name": "name",
    "iso3": "iso3",
    "node": "node__code",
    "compliance_status": "compliance_status",
    "next_assessment_due": "next_assessment_due",
    "updated_at": "updated_at",
}

AdvisoryStatusMap = dict[int, tuple[str, bool]]


def advisory_status() -> AdvisoryStatusMap:
    """``{country_id: (advisory number, conditions of entry)}`` for the advisory in force (one query)."""
    from advisories.selectors import country_advisory_status

    return country_advisory_status()


def advisory_changed_at() -> dt.datetime | None:
    """When the advisory in force last changed (one query)."""
    from advisories.choices import AdvisoryStatus
    from advisories.models import PortSecurityAdvisory

    return PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE).aggregate(at=Max("updated_at"))["at"]


def overdue_expression(*, on: dt.date):
    """SQL for ``assessments.scheduling.due_status(country=..., on=on).code == "overdue"``."""
    return Case(When(overdue_condition(on=on), then=Value(True)), default=Value(False), output_field=BooleanField())


def countries_for_status(*, on: dt.date):
    """Every country, annotated with ``overdue`` on ``on`` and the name of its current primary IPSLO."""
    current = PortfolioAssignment.objects.filter(
        country=OuterRef("pk"), end_date__isnull=True, kind=AssignmentKind.PRIMARY
    ).annotate(
        full_name=Coalesce(
            NullIf(Trim(Concat("ipslo__first_name", Value(" "), "ipslo__last_name")), Value("")), "ipslo__username"
        )
    )
    return Country.objects.annotate(
        overdue=overdue_expression(on=on),
        ipslo_name=Subquery(current.values("full_name")[:1]),
    )


def status_rows(queryset, *, advisories: AdvisoryStatusMap) -> list[dict]:
    """The status documents of the countries in ``queryset`` (one query)."""
    rows = queryset.values(
        "pk", "iso2", "iso3", "name", "node__code", "in_scope", "compliance_status", "determination_date",
        "last_assessment_date", "next_assessment_due", "overdue", "ipslo_name", "updated_at",
    )
    return [status_document(row, advisories=advisories) for row in rows]


def status_document(row: dict, *, advisories: AdvisoryStatusMap) -> dict:
    listed = advisories.get(row["pk"])
    return {
        "iso2": row["iso2"],
        "iso3": row["iso3"],
        "name": row["name"],
        "node": row["node__code"],
        "in_scope": row["in_scope"],
        "compliance_status": row["compliance_status"],
        "determination_date": row["determination_date"],
        "last_assessment_date": row["last_assessment_date"],
        "next_assessment_due": row["next_assessment_due"],
        "overdue": row["overdue"],
        "psa_listed": listed is not None,
        "advisory": listed[0] if listed else None,
        "conditions_of_entry": bool(listed and listed[1]),
        "ipslo": row["ipslo_name"],
        "updated_at": row["updated_at"],
    }


def filter_psa_listed(queryset, *, listed: bool, advisories: AdvisoryStatusMap):
    ids = list(advisories)
    return queryset.filter(pk__in=ids) if listed else queryset.exclude(pk__in=ids)


@dataclass(frozen=True)
class Validators:
    """What a conditional request is compared with: the ETag and the Last-Modified time."""

    etag: str
    last_modified: dt.datetime | None
    count: int


def status_validators(queryset, *, on: dt.date, advisories: AdvisoryStatusMap, advisory_at: dt.datetime | None,
                      variant: str) -> Validators:
    """ETag and Last-Modified of an answer over ``queryset``, from one aggregate query; no body is built.

    The ETag covers the rows' latest change and count, the listings of the advisory in force, the day
    (``overdue`` turns true at midnight) and ``variant`` (the query string and format). Last-Modified
    is the latest of the rows' and the advisory's changes and the start of the day.
    """
    summary = queryset.aggregate(last=Max("updated_at"), count=Count("pk"))
    listed = sorted((pk, number, coe) for pk, (number, coe) in advisories.items())
    seed = "|".join(
        [variant, str(summary["last"]), str(summary["count"]), str(advisory_at), repr(listed), on.isoformat()]
    )
    etag = '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'
    start_of_day = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    stamps = [s for s in (summary["last"], advisory_at, start_of_day) if s is not None]
    return Validators(etag=etag, last_modified=max(stamps), count=summary["count"])
