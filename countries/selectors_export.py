"""Reads of the country status export: the rows of the country list (same filters, same order, every
page) with each country's status, due status, primary IPSLO, open case and advisory listing.

Four queries whatever the number of countries: whether the user may see any case, the advisory in
force, the current primary IPSLOs, and the countries themselves (the open case is a subquery).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from countries.choices import AssignmentKind
from countries.models import Country
from ips import exports, permissions
from ips.models import User

COLUMNS = (
    exports.Column("ISO alpha-3", 8),
    exports.Column("Country", 28),
    exports.Column("Node", 10),
    exports.Column("Program scope", 14),
    exports.Column("Compliance status", 28),
    exports.Column("Determination date", 14),
    exports.Column("Last assessment", 14),
    exports.Column("Next assessment due", 14),
    exports.Column("Due status", 24),
    exports.Column("Primary IPSLO", 24),
)
OPEN_CASE_COLUMN = exports.Column("Open case", 24)
ADVISORY_COLUMNS = (exports.Column("Port Security Advisory", 14), exports.Column("Conditions of entry", 12))


@dataclass(frozen=True)
class CountryStatusTable:
    columns: tuple[exports.Column, ...]
    rows: Iterator[list]


def country_status_table(*, countries: QuerySet[Country], user, on: dt.date) -> CountryStatusTable:
    """The country status export of ``countries`` (the country list's filtered, sorted queryset) for ``user``.

    The "Open case" column shows the state of the country's open case when ``user`` may see that case
    (blank otherwise); it is left out for users who may see no case at all (a Viewer, who has no case
    pages either). The advisory status is public (published in the Federal Register): everyone gets it.
    """
    from advisories.selectors import country_advisory_status
    from assessments.choices import OPEN_STATES, AssessmentState
    from assessments.models import Assessment
    from assessments.scheduling import due_status

    visible_cases = permissions.restrict(Assessment.objects.all(), user, "view")
    # A user who may see no case at all (a Viewer) gets no "Open case" column rather than an empty one
    # that would read as "no open case anywhere".
    with_cases = visible_cases.exists()
    columns = (*COLUMNS, *((OPEN_CASE_COLUMN,) if with_cases else ()), *ADVISORY_COLUMNS)

    queryset = countries.prefetch_related(None)  # the list's prefetch of assignments is not needed here
    if with_cases:
        open_case = visible_cases.filter(country=OuterRef("pk"), state__in=OPEN_STATES).values("state")[:1]
        queryset = queryset.annotate(open_case_state=Subquery(open_case))

    def rows() -> Iterator[list]:
        advisories = country_advisory_status()
        primaries = {
            ipslo.pk: str(ipslo)
            for ipslo in User.objects.filter(
                portfolio_assignments__end_date__isnull=True, portfolio_assignments__kind=AssignmentKind.PRIMARY
            ).distinct()
        }
        states = dict(AssessmentState.choices)
        for country in queryset.iterator(chunk_size=500):
            listed = advisories.get(country.pk)
            row = [
                country.iso3,
                country.name,
                country.node.code,
                "In scope" if country.in_scope else "Out of scope",
                country.get_compliance_status_display(),
                country.determination_date,
                country.last_assessment_date,
                country.next_assessment_due,
                due_status(country=country, on=on).label,
                primaries.get(country.current_ipslo_id, ""),
            ]
            if with_cases:
                row.append(states.get(country.open_case_state, "") if country.open_case_state else "")
            row += [listed[0] if listed else "", bool(listed and listed[1])]
            yield row

    return CountryStatusTable(columns=columns, rows=rows())
