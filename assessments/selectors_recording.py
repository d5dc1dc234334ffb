"""Reads of the recording pages of a case: checklist, findings, evidence and report.

Each read loads what its page shows in a fixed number of queries (select_related / prefetch), whatever
the number of checklist items, facilities, findings or versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from assessments.choices import ChecklistScope, Rating, VisitFacilityStatus
from assessments.models import (
    Assessment,
    ChecklistItem,
    ChecklistResponse,
    ChecklistSection,
    ChecklistTemplate,
    Evidence,
    Finding,
    FindingStatusChange,
    ReportVersion,
    VisitFacility,
)
from countries.models import PortFacility

# Facilities answered on the checklist: agreed with the host, or already visited.
CHECKLIST_FACILITY_STATUSES = (VisitFacilityStatus.APPROVED, VisitFacilityStatus.VISITED)


# --- checklist ---------------------------------------------------------------------------------


@dataclass
class ChecklistRow:
    """One question to rate, for the government (``visit_facility`` None) or for one facility."""

    item: ChecklistItem
    visit_facility: VisitFacility | None
    response: ChecklistResponse | None
    form: object = None  # set by the page: the answer form of the row, if the user may answer
    url: str = ""  # set by the page: where the row's answer is posted
    status: object = None  # set by the page: what the row's status area says

    @property
    def key(self) -> str:
        """A stable, page-unique identifier used for element ids and form prefixes."""
        return f"q{self.item.pk}" + (f"-f{self.visit_facility.pk}" if self.visit_facility else "")


@dataclass
class ChecklistGroup:
    """One section answered for the government or for one facility, with its progress."""

    section: ChecklistSection
    visit_facility: VisitFacility | None
    rows: list[ChecklistRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"s{self.section.pk}" + (f"-f{self.visit_facility.pk}" if self.visit_facility else "")

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.response is not None)


@dataclass
class ChecklistSheet:
    government: list[ChecklistGroup]
    facilities: list[tuple[VisitFacility, list[ChecklistGroup]]]

    @property
    def groups(self) -> list[ChecklistGroup]:
        return [*self.government, *(group for _, groups in self.facilities for group in groups)]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def answered(self) -> int:
        return sum(group.answered for group in self.groups)


def checklist_sections(*, template: ChecklistTemplate) -> list[ChecklistSection]:
    """The template's sections in order, each with its items (two queries)."""
    items = Prefetch("items", queryset=ChecklistItem.objects.order_by("position"))
    return list(template.sections.prefetch_related(items).order_by("position"))


def checklist_facilities(*, case: Assessment) -> list[VisitFacility]:
    """The facilities of the case answered on the checklist (approved or visited)."""
    return list(
        VisitFacility.objects.filter(assessment=case, status__in=CHECKLIST_FACILITY_STATUSES)
        .select_related("facility", "facility__port")
        .order_by("facility__port__name", "facility__name", "pk")
    )


def checklist_sheet(*, case: Assessment) -> ChecklistSheet:
    """Everything the checklist page shows, in four queries."""
    sections = checklist_sections(template=case.checklist_template)
    facilities = checklist_facilities(case=case)
    responses = {
        (r.item_id, r.visit_facility_id): r
        for r in ChecklistResponse.objects.filter(assessment=case).select_related("answered_by")
    }

    def group(section, visit_facility):
        vf_id = visit_facility.pk if visit_facility else None
        rows = [ChecklistRow(item, visit_facility, responses.get((item.pk, vf_id))) for item in section.items.all()]
        return ChecklistGroup(section=section, visit_facility=visit_facility, rows=rows)

    government = [group(s, None) for s in sections if s.scope == ChecklistScope.GOVERNMENT]
    facility_sections = [s for s in sections if s.scope == ChecklistScope.FACILITY]
    per_facility = [(vf, [group(s, vf) for s in facility_sections]) for vf in facilities]
    return ChecklistSheet(government=government, facilities=per_facility)


def checklist_item_for_case(*, case: Assessment, item_id: int) -> ChecklistItem | None:
    return (
        ChecklistItem.objects.select_related("section")
        .filter(pk=item_id, section__template_id=case.checklist_template_id)
        .first()
    )


def checklist_facility_for_case(*, case: Assessment, visit_facility_id: int) -> VisitFacility | None:
    return (
        VisitFacility.objects.select_related("facility", "facility__port")
        .filter(pk=visit_facility_id, assessment=case, status__in=CHECKLIST_FACILITY_STATUSES)
        .first()
    )


def checklist_row(*, case: Assessment, item: ChecklistItem, visit_facility: VisitFacility | None) -> ChecklistRow:
    response = (
        ChecklistResponse.objects.select_related("answered_by")
        .filter(assessment=case, item=item, visit_facility=visit_facility)
        .first()
    )
    return ChecklistRow(item=item, visit_facility=visit_facility, response=response)


def checklist_group_progress(*, case: Assessment, section: ChecklistSection,
                             visit_facility: VisitFacility | None) -> tuple[int, int]:
    """(answered, total) of one section for the government or one facility."""
    answered = ChecklistResponse.objects.filter(
        assessment=case, item__section=section, visit_facility=visit_facility
    ).count()
    return answered, section.items.count()


# --- findings ----------------------------------------------------------------------------------


def _findings_queryset(*, case: Assessment) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(assessment=case)
        .select_related(
            "facility", "facility__port", "checklist_item", "checklist_item__section",
            "carried_from", "carried_from__assessment", "carried_from__assessment__country",
        )
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=FindingStatusChange.objects.select_related("by").order_by("at", "id"),
            ),
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by").order_by("uploaded_at", "id")),
        )
        .order_by("number")
    )


def findings_for_case(*, case: Assessment) -> list[Finding]:
    """The case's findings with facility, checklist item, origin, status history and evidence (three queries)."""
    return list(_findings_queryset(case=case))


def finding_for_case(*, case: Assessment, finding_id: int) -> Finding | None:
    return _findings_queryset(case=case).filter(pk=finding_id).first()


def finding_facility_choices(*, case: Assessment) -> QuerySet[PortFacility]:
    """The port facilities of the case's country."""
    return (
        PortFacility.objects.filter(port__country_id=case.country_id)
        .select_related("port")
        .order_by("port__name", "name")
    )


def finding_item_choices(*, case: Assessment) -> QuerySet[ChecklistItem]:
    """The questions of the case's checklist version."""
    return (
        ChecklistItem.objects.filter(section__template_id=case.checklist_template_id)
        .select_related("section")
        .order_by("section__position", "position")
    )


# --- evidence ----------------------------------------------------------------------------------


def evidence_for_download(*, evidence_id: int, cases: QuerySet[Assessment]) -> Evidence | None:
    """The attachment ``evidence_id`` if it belongs to one of ``cases`` (the cases the user may see)."""
    return (
        Evidence.objects.select_related("finding", "finding__assessment")
        .filter(pk=evidence_id, finding__assessment__in=cases)
        .first()
    )


# --- report ------------------------------------------------------------------------------------


def report_versions(*, case: Assessment) -> list[ReportVersion]:
    """Every saved draft, newest first, with its author."""
    return list(ReportVersion.objects.filter(assessment=case).select_related("author").order_by("-number"))


@dataclass
class FacilityResult:
    visit_facility: VisitFacility
    counts: list[tuple[str, int]]
    answered: int
    total: int


def report_facility_results(*, case: Assessment) -> list[FacilityResult]:
    """The visited facilities with how their facility questions were rated (three queries)."""
    visited = list(
        VisitFacility.objects.filter(assessment=case, status=VisitFacilityStatus.VISITED)
        .select_related("facility", "facility__port")
        .order_by("facility__port__name", "facility__name", "pk")
    )
    if not visited:
        return []
    total = ChecklistItem.objects.filter(
        section__template_id=case.checklist_template_id, section__scope=ChecklistScope.FACILITY
    ).count()
    tally: dict[int, dict[str, int]] = {}
    rows = (
        ChecklistResponse.objects.filter(assessment=case, visit_facility__in=[vf.pk for vf in visited])
        .values("visit_facility_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        tally.setdefault(row["visit_facility_id"], {})[row["rating"]] = row["n"]
    results = []
    for vf in visited:
        counts = tally.get(vf.pk, {})
        results.append(FacilityResult(
            visit_facility=vf,
            counts=[(label, counts.get(value, 0)) for value, label in Rating.choices],
            answered=sum(counts.values()),
            total=total,
        ))
    return results


def report_findings(*, case: Assessment) -> list[Finding]:
    """The findings as numbered in the report, with facility and checklist reference (one query)."""
    return list(
        Finding.objects.filter(assessment=case)
        .select_related("facility", "facility__port", "checklist_item", "checklist_item__section")
        .order_by("number")
    )


# --- checklist editor --------------------------------------------------------------------------


def checklist_versions() -> list[ChecklistTemplate]:
    """Every checklist version, newest first, with its author and how many questions and cases it has."""
    return list(
        ChecklistTemplate.objects.select_related("created_by")
        .annotate(
            item_count=Count("sections__items", distinct=True),
            case_count=Count("assessments", distinct=True),
        )
        .order_by("-version")
    )
