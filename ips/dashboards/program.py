"""Reads of LANT-51's program dashboard (issue LANT-51 program dashboard).

Every panel is one aggregated query (``GROUP BY`` with conditional counts), so the page runs the same
nine queries whatever the number of countries, cases or findings: compliance status by node, the
reassessments falling due, the open cases by state, the fiscal year's visits, the findings by checklist
section (and the sections' titles), the open mitigation periods, the countries for the world map and
the letters whose PDF job stalled. Python only shapes the few aggregated rows (and the bounded lists of
countries for the map, of mitigation periods and of stalled letters) and builds the links to the lists
behind each number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, DateTimeField, Exists, F, Min, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from advisories.models import EscalationStep
from assessments.choices import OPEN_STATES, UNRESOLVED_FINDING_STATUSES, AssessmentState, DeterminationState, Outcome
from assessments.models import Assessment, ChecklistSection, Determination, Finding, ReportVersion
from assessments.scheduling import DUE_WINDOWS, fiscal_year, fiscal_year_bounds, mitigation_end
from assessments.selectors_planning import DONE_STATES, PLANNED_STATES
from correspondence.constants import STALLED_LETTERS_SHOWN
from correspondence.models import Letter
from correspondence.selectors import stalled_condition
from countries.choices import ComplianceStatus, NodeCode
from countries.models import Country
from countries.querysets import overdue_condition

# The status the map and its table give a country outside the program's scope (landlocked, no seaport).
OUT_OF_SCOPE = "out_of_scope"
OUT_OF_SCOPE_LABEL = "Out of the program's scope"
# The findings list's filter values (assessments.filters.FindingFilter): findings that rest on no checklist
# item; findings open or in mitigation.
NO_SECTION = "none"
NO_SECTION_LABEL = "Not tied to a checklist item"
UNRESOLVED = "unresolved"
# Open states in the order a case moves through them; the side states (postponed, access denied) last.
PIPELINE_STATES = tuple(state for state in AssessmentState if state in OPEN_STATES)


def _url(name: str, **params) -> str:
    url = reverse(name)
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def _share(count: int, largest: int) -> float:
    """``count`` as a percentage of ``largest``: the length of its bar."""
    return round(100 * count / largest, 1) if largest else 0.0


# --- compliance status by node -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    url: str
    what: str = ""  # what the number counts, for screen readers ("ACTEUR countries, undetermined")


@dataclass(frozen=True)
class Segment:
    """One status's part of a node's stacked bar (x and width in percent of the bar)."""

    status: str
    x: float
    width: float


@dataclass
class ComplianceRow:
    node: str
    label: str
    cells: list[Cell]
    total: Cell
    segments: list[Segment] = field(default_factory=list)


@dataclass
class ComplianceMatrix:
    statuses: list[tuple[str, str]]  # (value, label) of every compliance status, in the columns' order
    rows: list[ComplianceRow]
    totals: list[Cell]  # one per status
    total: Cell
    out_of_scope: Cell


def compliance_by_node() -> ComplianceMatrix:
    """In-scope countries counted by node and compliance status (one query), with links to the country list.

    The links carry ``in_scope=yes`` so that the list behind each number holds exactly those countries.
    """
    counts: dict[tuple[str, str], int] = {}
    out_of_scope = 0
    rows = Country.objects.values_list("node__code", "compliance_status", "in_scope").annotate(n=Count("pk"))
    for node, status, in_scope, n in rows.order_by():
        if in_scope:
            counts[(node, status)] = n
        else:
            out_of_scope += n
    statuses = list(ComplianceStatus.choices)
    matrix_rows = []
    for node in NodeCode:
        cells = [Cell(counts.get((node.value, status), 0),
                      _url("countries:list", status=status, node=node.value, in_scope="yes"),
                      f"{node.value} countries, {label.lower()}")
                 for status, label in statuses]
        total = sum(cell.count for cell in cells)
        segments, x = [], 0.0
        for (status, _), cell in zip(statuses, cells, strict=True):
            width = _share(cell.count, total)
            if width:
                segments.append(Segment(status, x, width))
                x += width
        matrix_rows.append(ComplianceRow(node=node.value, label=node.label, cells=cells, segments=segments,
                                         total=Cell(total, _url("countries:list", node=node.value, in_scope="yes"),
                                                    f"{node.value} countries in scope")))
    totals = [Cell(sum(counts.get((node, status), 0) for node in NodeCode.values),
                   _url("countries:list", status=status, in_scope="yes"), f"countries, {label.lower()}")
              for status, label in statuses]
    return ComplianceMatrix(
        statuses=statuses, rows=matrix_rows, totals=totals,
        total=Cell(sum(cell.count for cell in totals), _url("countries:list", in_scope="yes"), "countries in scope"),
        out_of_scope=Cell(out_of_scope, _url("countries:list", in_scope="no"), "countries out of scope"),
    )


# --- reassessments due -------------------------------------------------------------------------


@dataclass(frozen=True)
class DueWindow:
    code: str
    label: str
    count: int
    url: str
    share: float = 0.0


def reassessments_due(*, today: dt.date) -> list[DueWindow]:
    """In-scope countries overdue (or never assessed) and falling due within 90, 180 and 365 days.

    The counts are those of the country list's ``due`` filter (countries.filters.CountryFilter.by_due):
    each window runs from today to today + N days inclusive, so the longer windows include the shorter
    ones, and overdue ones are not in any window. One query.
    """
    windows = {"overdue": overdue_condition(on=today)}
    for days in DUE_WINDOWS:
        windows[f"due_{days}"] = Q(next_assessment_due__gte=today,
                                   next_assessment_due__lte=today + dt.timedelta(days=days))
    counts = Country.objects.filter(in_scope=True).aggregate(
        **{code: Count("pk", filter=condition) for code, condition in windows.items()}
    )
    labels = {"overdue": "Overdue or never assessed"} | {f"due_{d}": f"Due within {d} days" for d in DUE_WINDOWS}
    largest = max(counts.values(), default=0)
    return [DueWindow(code, labels[code], counts[code], _url("countries:list", due=code),
                      _share(counts[code], largest)) for code in windows]


# --- open cases by state -----------------------------------------------------------------------


class _TypicalSince(Aggregate):
    """The median of a set of timestamps on PostgreSQL; their mean elsewhere (SQLite has no median)."""

    name = "TypicalSince"
    output_field = DateTimeField()
    template = "percentile_disc(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="datetime(AVG(julianday(%(expressions)s)))",
                              **extra_context)


def typical_age_label() -> str:
    return "Median" if connection.vendor == "postgresql" else "Average"


@dataclass(frozen=True)
class StageRow:
    state: str
    label: str
    count: int
    url: str
    oldest_days: int | None
    typical_days: int | None
    share: float = 0.0


def open_cases_by_state(*, today: dt.date) -> list[StageRow]:
    """Every open state in workflow order: how many cases are in it and how long they have been there.

    Days in the state count from ``state_changed_at`` (the case's creation when it never moved), in
    local calendar days. One query.
    """
    since = Coalesce("state_changed_at", "created_at")
    rows = {
        row["state"]: row
        for row in Assessment.objects.filter(state__in=OPEN_STATES).values("state")
        .annotate(n=Count("pk"), oldest=Min(since), typical=_TypicalSince(since)).order_by()
    }

    def days(moment) -> int | None:
        return (today - timezone.localdate(moment)).days if moment else None

    largest = max((row["n"] for row in rows.values()), default=0)
    stages = []
    for state in PIPELINE_STATES:
        row = rows.get(state, {})
        count = row.get("n", 0)
        stages.append(StageRow(state=state.value, label=state.label, count=count,
                               url=_url("assessments:list", state=state.value), oldest_days=days(row.get("oldest")),
                               typical_days=days(row.get("typical")), share=_share(count, largest)))
    return stages


# --- visits this fiscal year -------------------------------------------------------------------


@dataclass(frozen=True)
class NodeVisits:
    node: str
    planned: int
    done: int

    @property
    def total(self) -> int:
        return self.planned + self.done


@dataclass
class FiscalYearVisits:
    """Visits done and planned in a fiscal year against the annual capacity, counted like the plan page."""

    fiscal_year: int
    starts: dt.date
    ends: dt.date
    capacity: int
    nodes: list[NodeVisits]
    url: str

    @property
    def done(self) -> int:
        return sum(node.done for node in self.nodes)

    @property
    def planned(self) -> int:
        return sum(node.planned for node in self.nodes)

    @property
    def total(self) -> int:
        return self.done + self.planned

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.total)

    @property
    def over_capacity(self) -> int:
        return max(0, self.total - self.capacity)

    @property
    def scale(self) -> int:
        """The length the bar stands for: the capacity, or the total when over it."""
        return max(self.capacity, self.total, 1)

    @property
    def done_share(self) -> float:
        return _share(self.done, self.scale)

    @property
    def planned_share(self) -> float:
        return _share(self.planned, self.scale)

    @property
    def capacity_share(self) -> float:
        return _share(self.capacity, self.scale)


def fiscal_year_visits(*, today: dt.date, capacity: int | None = None) -> FiscalYearVisits:
    """The current fiscal year's visits by node (one query).

    The same cases as the annual plan page (assessments.selectors_planning): a case counts in the fiscal
    year of its visit's first day (confirmed, else proposed); "done" once the visit has started
    (DONE_STATES), "planned" before it (PLANNED_STATES); postponed, cancelled and access-denied cases
    do not count.
    """
    year = fiscal_year(today)
    starts, ends = fiscal_year_bounds(year)
    capacity = settings.IPS_ANNUAL_VISIT_CAPACITY if capacity is None else capacity
    rows = (
        Assessment.objects.annotate(first_day=Coalesce("visit_start", "proposed_start"))
        .filter(first_day__gte=starts, first_day__lte=ends)
        .values_list("country__node__code")
        .annotate(planned=Count("pk", filter=Q(state__in=PLANNED_STATES)),
                  done=Count("pk", filter=Q(state__in=DONE_STATES)))
        .order_by()
    )
    by_node = {node: (planned, done) for node, planned, done in rows}
    nodes = [NodeVisits(node, *by_node.get(node, (0, 0))) for node in NodeCode.values]
    return FiscalYearVisits(fiscal_year=year, starts=starts, ends=ends, capacity=capacity, nodes=nodes,
                            url=_url("assessments:plan", fy=year) + "#capacity")


# --- findings by checklist section -------------------------------------------------------------


@dataclass(frozen=True)
class SectionFindings:
    code: str  # the section code, or NO_SECTION
    title: str
    total: int
    unresolved: int
    url: str
    unresolved_url: str
    share: float = 0.0


def findings_by_section() -> list[SectionFindings]:
    """Findings of every case counted by the checklist section of their item, most first.

    Sections are grouped by code across checklist versions, under the latest version's title; findings
    with no checklist item make one row of their own. "Unresolved" is open or in mitigation. Two queries:
    the counts, and the sections' titles (a few rows per checklist version).
    """
    rows = list(
        Finding.objects.values_list("checklist_item__section__code")
        .annotate(total=Count("pk"), unresolved=Count("pk", filter=Q(status__in=UNRESOLVED_FINDING_STATUSES)))
        .order_by("-total", F("checklist_item__section__code").asc(nulls_last=True))
    )
    titles: dict[str, str] = {}
    for code, title in ChecklistSection.objects.order_by("-template__version").values_list("code", "title"):
        titles.setdefault(code, title)
    largest = max((total for _, total, _ in rows), default=0)
    return [
        SectionFindings(code=code or NO_SECTION, title=titles.get(code, code) if code else NO_SECTION_LABEL,
                        total=total, unresolved=unresolved, url=_finding_list_url(section=code or NO_SECTION),
                        unresolved_url=_finding_list_url(section=code or NO_SECTION, unresolved=True),
                        share=_share(total, largest))
        for code, total, unresolved in rows
    ]


def _finding_list_url(*, section: str, unresolved: bool = False) -> str:
    """The findings list across cases, filtered by section code (and to the unresolved findings)."""
    return _url("assessments:finding_list", section=section, status=UNRESOLVED if unresolved else None)


# --- open mitigation periods -------------------------------------------------------------------


@dataclass(frozen=True)
class MitigationRow:
    country: Country
    determination: Determination
    ends: dt.date
    days_left: int  # negative: the period ended so many days ago
    escalated: bool

    @property
    def is_open(self) -> bool:
        return self.days_left > 0

    @property
    def days_ago(self) -> int:
        return -self.days_left

    @property
    def determination_url(self) -> str:
        return reverse("assessments:determination", kwargs={"pk": self.determination.pk})


def open_mitigation_periods(*, today: dt.date) -> list[MitigationRow]:
    """Countries under a "not substantially implementing" determination whose 90-day mitigation period is
    still running, or has ended with no escalation step recorded; the most urgent first.

    The determinations are those of the escalation board (advisories.selectors.escalation_board): the
    country's latest approved determination, not substantially implementing; the period ends as
    assessments.scheduling.mitigation_end says (the latest report's date is annotated, so no query per
    row), and it has ended on the day it ends. One query.
    """
    latest = Determination.objects.filter(country=OuterRef("country_id"), state=DeterminationState.APPROVED).order_by(
        "-effective_date", "-decided_at", "-id"
    )
    latest_report = ReportVersion.objects.filter(assessment_id=OuterRef("assessment_id")).order_by("-number")
    determinations = (
        Determination.objects.filter(state=DeterminationState.APPROVED, outcome=Outcome.NOT_SUBSTANTIALLY,
                                     country__compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY)
        .annotate(latest_pk=Subquery(latest.values("pk")[:1]),
                  report_at=Subquery(latest_report.values("created_at")[:1]),
                  escalated=Exists(EscalationStep.objects.filter(determination=OuterRef("pk"))))
        .filter(pk=F("latest_pk"))
        .select_related("country")
    )
    rows = []
    for determination in determinations:
        ends = mitigation_end(determination)
        row = MitigationRow(country=determination.country, determination=determination, ends=ends,
                            days_left=(ends - today).days, escalated=determination.escalated)
        if row.is_open or not row.escalated:
            rows.append(row)
    rows.sort(key=lambda row: (row.days_left, row.country.name))
    return rows


# --- world map ---------------------------------------------------------------------------------


@dataclass
class MapGroup:
    """The countries of one status, for the table that stands in for the map."""

    status: str
    label: str
    count: int
    url: str
    countries: list[tuple[str, str]] = field(default_factory=list)  # (name, country page)


def _map_status(compliance_status: str, in_scope: bool) -> tuple[str, str]:
    if not in_scope:
        return OUT_OF_SCOPE, OUT_OF_SCOPE_LABEL
    return compliance_status, ComplianceStatus(compliance_status).label


def world_map(*, compliance: ComplianceMatrix) -> tuple[dict[str, dict], list[MapGroup]]:
    """The map's data, ``{ISO numeric: {name, status, label, url}}``, and the same countries by status.

    One query for the (bounded) list of countries; the counts come from ``compliance``.
    """
    groups = {
        status: MapGroup(status, label, cell.count, cell.url)
        for (status, label), cell in zip(compliance.statuses, compliance.totals, strict=True)
    }
    groups[OUT_OF_SCOPE] = MapGroup(OUT_OF_SCOPE, OUT_OF_SCOPE_LABEL, compliance.out_of_scope.count,
                                    compliance.out_of_scope.url)
    data: dict[str, dict] = {}
    # One reverse() for every country page: the address with a placeholder code, filled in per country.
    page = reverse("countries:detail", kwargs={"iso3": "ZZZ"}).replace("ZZZ", "{iso3}")
    countries = Country.objects.order_by("name").values_list("iso3", "numeric", "name", "compliance_status",
                                                             "in_scope")
    for iso3, numeric, name, compliance_status, in_scope in countries:
        status, label = _map_status(compliance_status, in_scope)
        url = page.format(iso3=iso3)
        if status in groups:
            groups[status].countries.append((name, url))
        if numeric:
            data[numeric.zfill(3)] = {"name": name, "status": status, "label": label, "url": url}
    return data, list(groups.values())


# --- letters stalled ---------------------------------------------------------------------------


@dataclass
class StalledLetters:
    count: int
    letters: list[Letter]  # the longest-waiting ones, at most STALLED_LETTERS_SHOWN
    url: str  # the letters list, filtered to the stalled ones
    minutes: int  # IPS_LETTER_STALLED_MINUTES


def stalled_letters(*, now: dt.datetime) -> StalledLetters:
    """Letters whose PDF job has been queued or rendering for longer than ``IPS_LETTER_STALLED_MINUTES``
    (the job was probably lost with a worker or the broker), longest-waiting first.

    One query: the count is a window over the matching rows, computed before the list is cut short.
    """
    rows = list(
        Letter.objects.filter(stalled_condition(now=now)).select_related("country")
        .annotate(total=Window(Count("pk"))).order_by("job_queued_at", "pk")[:STALLED_LETTERS_SHOWN]
    )
    return StalledLetters(count=rows[0].total if rows else 0, letters=rows,
                          url=_url("correspondence:index", job="stalled"),
                          minutes=settings.IPS_LETTER_STALLED_MINUTES)


# --- the whole dashboard -----------------------------------------------------------------------


@dataclass
class ProgramDashboard:
    today: dt.date
    compliance: ComplianceMatrix
    due: list[DueWindow]
    pipeline: list[StageRow]
    typical_age_label: str
    visits: FiscalYearVisits
    findings: list[SectionFindings]
    mitigation: list[MitigationRow]
    map_data: dict[str, dict]
    map_groups: list[MapGroup]
    stalled_letters: StalledLetters

    @property
    def open_cases(self) -> int:
        return sum(stage.count for stage in self.pipeline)

    @property
    def findings_total(self) -> int:
        return sum(section.total for section in self.findings)

    @property
    def findings_unresolved(self) -> int:
        return sum(section.unresolved for section in self.findings)


def program_dashboard(*, today: dt.date | None = None, now: dt.datetime | None = None) -> ProgramDashboard:
    """Every panel of the program dashboard as it stands on ``today`` (at ``now``): nine queries in all."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    compliance = compliance_by_node()
    map_data, map_groups = world_map(compliance=compliance)
    return ProgramDashboard(
        today=today,
        compliance=compliance,
        due=reassessments_due(today=today),
        pipeline=open_cases_by_state(today=today),
        typical_age_label=typical_age_label(),
        visits=fiscal_year_visits(today=today),
        findings=findings_by_section(),
        mitigation=open_mitigation_periods(today=today),
        map_data=map_data,
        map_groups=map_groups,
        stalled_letters=stalled_letters(now=now),
    )
