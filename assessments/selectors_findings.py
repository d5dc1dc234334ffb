"""Reads of the findings list across cases and of its export.

Findings follow their case: a user sees the findings of the cases they may see
(``permissions.restrict(Finding...)``). Each read here runs a fixed number of queries whatever the
number of findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import Case, DateField, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate

from assessments.choices import AssessmentState, FindingMethod, FindingStatus, Severity
from assessments.models import ChecklistSection, Finding
from ips import exports, permissions

# The ``section`` filter's value for findings that rest on no checklist question.
SECTION_NONE = "none"
SECTION_NONE_LABEL = "Not tied to a checklist item"

# Most severe first; the unresolved statuses first.
SEVERITY_RANK = (Severity.SIGNIFICANT, Severity.DEFICIENCY, Severity.OBSERVATION)
STATUS_RANK = (FindingStatus.OPEN, FindingStatus.IN_MITIGATION, FindingStatus.RESOLVED_DURING_VISIT,
               FindingStatus.CLOSED)


def _rank(field: str, order) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(order)),
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def finding_list(*, user) -> QuerySet[Finding]:
    """The findings ``user`` may see, with their case, country, node, facility and checklist question
    joined, newest case first then by number.

    Annotated with ``visit_on`` (the case's first visit day, else its proposed first day, else the day
    the case was opened), ``severity_rank`` and ``status_rank`` (for sorting).
    """
    return (
        permissions.restrict(Finding.objects.all(), user, "view")
        .select_related(
            "assessment__country__node", "facility__port", "checklist_item__section",
        )
        .annotate(
            visit_on=Coalesce(
                "assessment__visit_start", "assessment__proposed_start", TruncDate("assessment__created_at"),
                output_field=DateField(),
            ),
            severity_rank=_rank("severity", SEVERITY_RANK),
            status_rank=_rank("status", STATUS_RANK),
        )
        .order_by("-assessment__created_at", "-assessment_id", "number")
    )


def checklist_section_choices() -> list[tuple[str, str]]:
    """``(code, "code title")`` of every checklist section code across all checklist versions, in the
    newest version's order and with its title (one query)."""
    seen: dict[str, tuple[int, str]] = {}
    rows = ChecklistSection.objects.order_by("-template__version", "position").values_list("code", "title",
                                                                                              "position")
    for code, title, position in rows:
        seen.setdefault(code, (position, title))
    ordered = sorted(seen.items(), key=lambda item: (item[1][0], item[0]))
    return [(code, f"{code} {title}") for code, (_, title) in ordered]


# --- the export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    exports.Column("Country", 24),
    exports.Column("ISO alpha-3", 8),
    exports.Column("Node", 10),
    exports.Column("Case", 30),
    exports.Column("Case state", 18),
    exports.Column("Visit first day", 12),
    exports.Column("Visit last day", 12),
    exports.Column("Finding", 8),
    exports.Column("Title", 50),
    exports.Column("Checklist section", 30),
    exports.Column("Checklist question", 12),
    exports.Column("Reference", 22),
    exports.Column("Severity", 20),
    exports.Column("Status", 22),
    exports.Column("Facility", 30),
    exports.Column("Facility IMO number", 16),
    exports.Column("Port", 20),
    exports.Column("How it was found", 16),
    exports.Column("Shared with host", 12),
    exports.Column("Recorded", 12),
    exports.Column("Link", 50),
)


# What each export row reads: plain values in one query, no model instances (50,000 findings export in
# a few seconds rather than tens).
_EXPORT_FIELDS = (
    "assessment__country__name", "assessment__country__iso3", "assessment__country__node__code",
    "assessment_id", "assessment__state", "assessment__visit_start", "assessment__proposed_start",
    "assessment__visit_end", "assessment__proposed_end", "number", "title", "checklist_item__section__code",
    "checklist_item__section__title", "checklist_item__code", "reference", "checklist_item__reference",
    "severity", "status", "facility__name", "facility__imo_number", "facility__port__name", "method",
    "shared_with_host_on", "created_at", "pk",
)


def finding_export_rows(*, findings: QuerySet[Finding], link: Callable[[int, int], str]) -> Iterator[list]:
    """The rows of the findings export for ``findings`` (from :func:`finding_list`, filtered and sorted):
    one query, read in chunks. ``link(case_id, finding_id)`` answers the finding's address on its case."""
    states = dict(AssessmentState.choices)
    severities, statuses, methods = dict(Severity.choices), dict(FindingStatus.choices), dict(FindingMethod.choices)
    rows = findings.values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    for (country, iso3, node, case_id, state, visit_start, proposed_start, visit_end, proposed_end, number, title,
         section_code, section_title, item_code, reference, item_reference, severity, status, facility, imo,
         port, method, shared_on, created_at, pk) in rows:
        first_day = visit_start or proposed_start
        yield [
            country,
            iso3,
            node,
            # As Assessment.__str__ names the case.
            f"{country} assessment {first_day:%Y-%m}" if first_day else f"{country} assessment #{case_id}",
            states.get(state, state),
            first_day,
            visit_end or proposed_end,
            number,
            title,
            f"{section_code} {section_title}" if section_code else "",
            item_code or "",
            reference or item_reference or "",  # as Finding.isps_reference
            severities.get(severity, severity),
            statuses.get(status, status),
            facility if facility is not None else "Country-level",
            imo or "",
            port or "",
            methods.get(method, method),
            shared_on,
            created_at,
            link(case_id, pk),
        ]
