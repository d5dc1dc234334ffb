"""Reads of the assessments app: case lists, queues, determinations, engagements and case history.

Each selector owns its joins, prefetches and count annotations, so a page runs the same number of
queries whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from assessments.choices import UNRESOLVED_FINDING_STATUSES, AssessmentState, DeterminationState
from assessments.models import (
    Assessment,
    ChecklistResponse,
    CredibleReport,
    Determination,
    Engagement,
    Evidence,
    Finding,
    FindingStatusChange,
    ItineraryItem,
    ReportVersion,
    TeamMember,
    Transition,
    VisitFacility,
)
from countries.models import Country, PortFacility
from ips import permissions
from ips.models import User
from ips.roles import Role

HISTORY_ROWS_SHOWN = 200
REVIEW_STATES = (AssessmentState.UNDER_REVIEW, AssessmentState.ACCESS_DENIED)

# The records of a case whose audit entries the history page shows, with the field linking them to it.
CASE_CHILDREN = (
    (TeamMember, "assessment"),
    (VisitFacility, "assessment"),
    (ItineraryItem, "assessment"),
    (Finding, "assessment"),
    (ChecklistResponse, "assessment"),
    (ReportVersion, "assessment"),
    (Determination, "assessment"),
    (Evidence, "finding__assessment"),
    (FindingStatusChange, "finding__assessment"),
)


# --- cases -----------------------------------------------------------------------------------


def case_list(*, user, state: str = "", node: str = "", country: str = "", mine: bool = False) -> QuerySet[Assessment]:
    """The cases ``user`` may see, filtered, newest first, with country, node and IPSLO joined."""
    cases = Assessment.objects.restrict(user, "view").select_related("country", "country__node", "ipslo")
    if state:
        cases = cases.filter(state=state)
    if node:
        cases = cases.filter(country__node__code=node)
    if country := country.strip():
        cases = cases.filter(Q(country__name__icontains=country) | Q(country__iso3__iexact=country))
    if mine:
        cases = cases.filter(Q(ipslo=user) | Q(team__user=user)).distinct()
    return cases.order_by("-created_at", "-id")


def countries_user_may_open(*, user) -> QuerySet[Country]:
    """The countries for which ``user`` may open a case (LANT-51: all; an IPSLO: their portfolio)."""
    return Country.objects.restrict(user, "change").select_related("node").order_by("name")


def open_case_of(*, country: Country) -> Assessment | None:
    return Assessment.objects.open().filter(country=country).first()


def team_candidates() -> QuerySet[User]:
    """Accounts that may join a visit team: active IPSLOs and LANT-51 staff."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.IPSLO, Role.LANT51])
        .select_related("node")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def case_team(*, case: Assessment) -> list[TeamMember]:
    return list(case.team.select_related("user").order_by("-is_leader", "name"))


def case_itinerary(*, case: Assessment) -> list[ItineraryItem]:
    return list(case.itinerary.select_related("facility", "facility__port"))


def case_visit_facilities(*, case: Assessment) -> list[VisitFacility]:
    return list(case.visit_facilities.select_related("facility", "facility__port"))


def country_facilities(*, country: Country) -> QuerySet[PortFacility]:
    return PortFacility.objects.filter(port__country=country).select_related("port").order_by("port__name", "name")


def facilities_not_listed(*, case: Assessment) -> QuerySet[PortFacility]:
    """The country's port facilities not yet on the case's list."""
    return country_facilities(country=case.country).exclude(
        pk__in=VisitFacility.objects.filter(assessment=case).values("facility_id")
    )


def case_transitions(*, case: Assessment) -> list[Transition]:
    return list(case.transitions.select_related("by").order_by("at", "id"))


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    entry: LogEntry
    record: str
    changes: list[Change] = field(default_factory=list)

    @property
    def who(self) -> str:
        return str(self.entry.actor) if self.entry.actor else "System"


def _shown(value) -> str:
    if value in (None, "", "None"):
        return "—"
    return {"True": "Yes", "False": "No"}.get(str(value), str(value))


def case_audit_history(*, case: Assessment, limit: int = HISTORY_ROWS_SHOWN) -> list[HistoryRow]:
    """The audit entries of the case and of the records that belong to it, newest first (one query
    for the entries; rows deleted since are found by the case id in their recorded values)."""
    types = ContentType.objects.get_for_models(Assessment, *(model for model, _ in CASE_CHILDREN))
    condition = Q(content_type=types[Assessment], object_pk=str(case.pk))
    for model, link in CASE_CHILDREN:
        ids = model.objects.filter(**{link: case}).annotate(pk_text=Cast("pk", CharField())).values("pk_text")
        of_case = Q(object_pk__in=ids)
        if link == "assessment":
            # A deleted record is found by the case id among its recorded [old, new] values: key and index
            # lookups, which SQLite (the demo) runs as well as PostgreSQL, unlike a JSON containment.
            of_case |= Q(changes__assessment__0=str(case.pk)) | Q(changes__assessment__1=str(case.pk))
        condition |= Q(content_type=types[model]) & of_case
    entries = (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    labels = {model: model._meta.verbose_name for model in (Assessment, *(m for m, _ in CASE_CHILDREN))}
    by_type = {types[model].pk: model for model in labels}
    rows = []
    for entry in entries:
        model = by_type.get(entry.content_type_id)
        fields = {f.name: f for f in model._meta.get_fields()} if model else {}
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            if name in ("id", "updated_at", "created_at", "assessment"):
                continue
            old, new = (list(values) + [None, None])[:2]
            label = getattr(fields.get(name), "verbose_name", name)
            changes.append(Change(field=str(label).capitalize(), old=_shown(old), new=_shown(new)))
        record = f"{str(labels.get(model, 'record')).capitalize()}: {entry.object_repr}"
        rows.append(HistoryRow(entry=entry, record=record, changes=changes))
    return rows


# --- queues ----------------------------------------------------------------------------------


def review_queue_cases(*, user) -> QuerySet[Assessment]:
    """Cases waiting for LANT-51: under review or access denied, the longest waiting first."""
    return (
        Assessment.objects.restrict(user, "view")
        .filter(state__in=REVIEW_STATES)
        .select_related("country", "country__node", "ipslo")
        .order_by("state_changed_at", "id")
    )


def returned_determinations(*, user) -> QuerySet[Determination]:
    """Recommendations PSA-1 returned that have not been followed by a new recommendation."""
    later = Determination.objects.filter(
        Q(assessment_id=OuterRef("assessment_id"), assessment__isnull=False)
        | Q(credible_report_id=OuterRef("credible_report_id"), credible_report__isnull=False),
        recommended_at__gt=OuterRef("recommended_at"),
    )
    return (
        Determination.objects.restrict(user, "view")
        .filter(state=DeterminationState.RETURNED)
        .exclude(Exists(later))
        .select_related("country", "decided_by", "assessment", "credible_report")
        .order_by("decided_at", "id")
    )


def decision_queue(*, user) -> QuerySet[Determination]:
    """Recommended determinations waiting for PSA-1, the longest waiting first."""
    return (
        Determination.objects.restrict(user, "view")
        .filter(state=DeterminationState.RECOMMENDED)
        .select_related("country", "recommended_by", "assessment", "credible_report")
        .order_by("recommended_at", "id")
    )


# --- determinations and credible reports -----------------------------------------------------


def determination_list(*, user, country: str = "", state: str = "") -> QuerySet[Determination]:
    determinations = Determination.objects.restrict(user, "view").select_related(
        "country", "recommended_by", "decided_by"
    )
    if country := country.strip():
        determinations = determinations.filter(Q(country__name__icontains=country) | Q(country__iso3__iexact=country))
    if state:
        determinations = determinations.filter(state=state)
    return determinations.order_by("-recommended_at", "-id")


def determination_for_page(*, pk: int) -> Determination | None:
    return (
        Determination.objects.select_related(
            "country", "country__node", "assessment", "assessment__country", "credible_report", "recommended_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )


def country_determinations(*, country: Country, user) -> list[Determination]:
    """The country's determinations that ``user`` may see (pending ones only with a need to know)."""
    return list(
        Determination.objects.restrict(user, "view").filter(country=country)
        .select_related("recommended_by", "decided_by")
        .order_by("-recommended_at", "-id")
    )


def live_determination_of(*, case: Assessment) -> Determination | None:
    return case.determinations.exclude(state=DeterminationState.RETURNED).order_by("-recommended_at").first()


def credible_report_list(*, user) -> QuerySet[CredibleReport]:
    return (
        CredibleReport.objects.restrict(user, "view").select_related("country", "recorded_by")
        .annotate(determination_count=Count("determinations"))
        .order_by("-report_date", "-id")
    )


def credible_report_for_page(*, pk: int) -> CredibleReport | None:
    return (
        CredibleReport.objects.select_related("country", "recorded_by")
        .prefetch_related(
            Prefetch("determinations", queryset=Determination.objects.select_related("recommended_by", "decided_by"))
        )
        .filter(pk=pk)
        .first()
    )


# --- engagements -----------------------------------------------------------------------------


def engagement_list(*, user, country: str = "", kind: str = "") -> QuerySet[Engagement]:
    engagements = (
        permissions.restrict(Engagement.objects.all(), user, "view")
        .select_related("country", "country__node")
        .annotate(finding_count=Count("findings"))
    )
    if country := country.strip():
        engagements = engagements.filter(Q(country__name__icontains=country) | Q(country__iso3__iexact=country))
    if kind:
        engagements = engagements.filter(kind=kind)
    return engagements.order_by("-start_date", "-id")


def engagement_for_page(*, pk: int) -> Engagement | None:
    return (
        Engagement.objects.select_related("country", "created_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related("assessment", "assessment__country", "facility").order_by(
                    "assessment__created_at", "number"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def engagement_finding_choices(*, country: Country, engagement: Engagement | None = None) -> QuerySet[Finding]:
    """The country's open findings, plus those the engagement already addresses."""
    wanted = Q(status__in=UNRESOLVED_FINDING_STATUSES)
    if engagement is not None and engagement.pk:
        wanted |= Q(engagements=engagement)
    return (
        Finding.objects.filter(assessment__country=country)
        .filter(wanted)
        .select_related("assessment", "facility")
        .distinct()
        .order_by("assessment__created_at", "number")
    )
