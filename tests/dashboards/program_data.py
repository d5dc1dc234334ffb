"""Data builders for the program dashboard's tests (bulk writes, so that the larger sets stay quick)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from assessments.choices import (
    Basis,
    DeterminationSource,
    DeterminationState,
    FindingMethod,
    FindingStatus,
    Outcome,
    Severity,
)
from assessments.models import Assessment, Determination, Finding
from countries.models import Country

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=NEW_YORK)  # FY2027, first quarter
TODAY = NOW.date()
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def countries(count: int, *, node, start: int = 0, with_numeric: bool = True, **fields) -> list[Country]:
    """``count`` countries at ``node`` named "Land <n>" with made-up codes (``start`` < 500, so that they
    never meet the fixtures' XA, XB...); ``fields`` apply to all."""
    made = []
    for n in range(start, start + count):
        iso2 = _LETTERS[n // 26 % 26] + _LETTERS[n % 26]
        made.append(Country(iso2=iso2, iso3=iso2 + "W", numeric=f"{n:03d}" if with_numeric else "",
                            name=f"Land {n:03d}", node=node, **fields))
    return Country.objects.bulk_create(made)


def cases(countries_, *, state, users, template, changed=None, **fields) -> list[Assessment]:
    """One case per country in ``state``, moved into it at ``changed`` (default: now)."""
    changed = changed or timezone.now()
    return Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=users["ipslo"], checklist_template=template, created_by=users["lant51"],
                   state=state, state_changed_at=changed, **fields)
        for c in countries_
    )


def findings(case, items, *, status=FindingStatus.OPEN, created_by, start: int = 1) -> list[Finding]:
    """One finding on ``case`` per entry of ``items`` (a checklist item, or None for no item)."""
    return Finding.objects.bulk_create(
        Finding(assessment=case, number=start + n, checklist_item=item, title=f"Finding {start + n}",
                description="Found.", method=FindingMethod.OBSERVATION, severity=Severity.DEFICIENCY,
                status=status, created_by=created_by)
        for n, item in enumerate(items)
    )


def determination(country, *, users, outcome=Outcome.NOT_SUBSTANTIALLY, effective: dt.date, assessment=None,
                  state=DeterminationState.APPROVED) -> Determination:
    """An approved determination for ``country`` (and the country's status, as the refresh service would)."""
    made = Determination.objects.create(
        country=country, source=DeterminationSource.ASSESSMENT if assessment else DeterminationSource.ACCESS_DENIED,
        assessment=assessment, outcome=outcome, basis=Basis.B if outcome == Outcome.NOT_SUBSTANTIALLY else "",
        rationale="Test.", effective_date=effective, state=state, recommended_by=users["lant51"],
        recommended_at=timezone.now(), decided_by=users["psa1"] if state == DeterminationState.APPROVED else None,
        decided_at=timezone.now() if state == DeterminationState.APPROVED else None,
    )
    if state == DeterminationState.APPROVED:
        Country.objects.filter(pk=country.pk).update(compliance_status=outcome, determination_date=effective)
    return made

