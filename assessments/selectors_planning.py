"""Reads of LANT-51's annual visit plan: in-scope countries ranked by priority and due date, and the
visits planned and done in a U.S. federal fiscal year against the annual capacity.

A fixed number of queries whatever the number of countries or cases: one for the countries (with
their current IPSLO and open case as annotations), one for the fiscal year's cases, one for the nodes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from assessments.choices import OPEN_STATES, AssessmentState
from assessments.models import Assessment
from assessments.scheduling import Due, due_status, fiscal_quarter, fiscal_year, fiscal_year_bounds
from countries.models import Country, Node
from countries.priority import Priority, score_countries

# Which cases count against the year's capacity, by the day their visit starts (confirmed, else proposed).
PLANNED_STATES = frozenset({AssessmentState.PLANNED, AssessmentState.NOTIFIED, AssessmentState.CONFIRMED,
                            AssessmentState.PREPARING})
DONE_STATES = frozenset({AssessmentState.ON_SITE, AssessmentState.REPORT_DRAFTING, AssessmentState.UNDER_REVIEW,
                         AssessmentState.AWAITING_DETERMINATION, AssessmentState.CLOSED})
QUARTERS = (1, 2, 3, 4)
# The earliest fiscal year the plan page offers, and how far ahead of the current one.
FIRST_FISCAL_YEAR = 2004  # the program began in 2004
YEARS_AHEAD = 5


@dataclass
class PlanRow:
    country: Country
    priority: Priority
    due: Due
    rank: int = 0
    within_capacity: bool = False

    @property
    def has_open_case(self) -> bool:
        return self.country.open_case_pk is not None

    @property
    def ipslo(self):
        """The current primary IPSLO (from the prefetched current assignments), or None."""
        for assignment in self.country.current_assignments:
            if assignment.ipslo_id == self.country.current_ipslo_id:
                return assignment.ipslo
        return None

    @property
    def open_case_state_label(self) -> str:
        state = self.country.open_case_state
        return AssessmentState(state).label if state else ""


@dataclass
class VisitCount:
    planned: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        return self.planned + self.done


@dataclass
class NodeLoad:
    code: str
    quarters: list[VisitCount] = field(default_factory=lambda: [VisitCount() for _ in QUARTERS])

    @property
    def total(self) -> VisitCount:
        return VisitCount(planned=sum(q.planned for q in self.quarters), done=sum(q.done for q in self.quarters))


@dataclass
class AnnualPlan:
    fiscal_year: int
    starts: dt.date
    ends: dt.date
    capacity: int
    rows: list[PlanRow]
    nodes: list[NodeLoad]
    quarters: list[VisitCount]

    @property
    def counted(self) -> VisitCount:
        return VisitCount(planned=sum(q.planned for q in self.quarters), done=sum(q.done for q in self.quarters))

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.counted.total)

    @cached_property
    def line_after_rank(self) -> int | None:
        """The rank of the last row within capacity: the capacity line is drawn below it."""
        within = [row.rank for row in self.rows if row.within_capacity]
        return within[-1] if within else None

    @property
    def over_capacity(self) -> int:
        return max(0, self.counted.total - self.capacity)


def plan_fiscal_years(*, on: dt.date) -> list[int]:
    current = fiscal_year(on)
    return list(range(current + YEARS_AHEAD, FIRST_FISCAL_YEAR - 1, -1))


def plan_countries():
    """In-scope countries with node, current primary IPSLO (prefetched) and open case (annotated)."""
    open_case = Assessment.objects.filter(country=OuterRef("pk"), state__in=OPEN_STATES).order_by("-created_at")
    return (
        Country.objects.filter(in_scope=True)
        .select_related("node")
        .with_current_ipslo()
        .annotate(open_case_pk=Subquery(open_case.values("pk")[:1]),
                  open_case_state=Subquery(open_case.values("state")[:1]))
    )


def _sort_key(row: PlanRow):
    due = row.country.next_assessment_due or dt.date.min  # never assessed: due now, before any date
    return (-round(row.priority.score, 6), due, row.country.name)


def fiscal_year_visits(*, year: int):
    """The fiscal year's cases that count against capacity: (node code, first day, state) triples."""
    starts, ends = fiscal_year_bounds(year)
    return list(
        Assessment.objects.annotate(first_day=Coalesce("visit_start", "proposed_start"))
        .filter(first_day__gte=starts, first_day__lte=ends)
        .filter(Q(state__in=PLANNED_STATES) | Q(state__in=DONE_STATES))
        .values_list("country__node__code", "first_day", "state")
    )


def annual_plan(*, year: int, on: dt.date, capacity: int | None = None) -> AnnualPlan:
    """The plan for fiscal ``year`` as it stands on ``on``."""
    capacity = settings.IPS_ANNUAL_VISIT_CAPACITY if capacity is None else capacity
    starts, ends = fiscal_year_bounds(year)
    countries = list(plan_countries())
    # Years since the last assessment count to the start of the year being planned (or today, if later).
    scored_on = max(on, starts)
    priorities = score_countries(countries, on=scored_on)
    rows = [PlanRow(country=c, priority=priorities[c.pk], due=due_status(country=c, on=on)) for c in countries]
    rows.sort(key=_sort_key)

    nodes = {code: NodeLoad(code=code) for code in Node.objects.order_by("code").values_list("code", flat=True)}
    quarters = [VisitCount() for _ in QUARTERS]
    for node_code, first_day, state in fiscal_year_visits(year=year):
        quarter = fiscal_quarter(first_day) - 1
        load = nodes.setdefault(node_code, NodeLoad(code=node_code))
        kind = "done" if state in DONE_STATES else "planned"
        for count in (quarters[quarter], load.quarters[quarter]):
            setattr(count, kind, getattr(count, kind) + 1)

    plan = AnnualPlan(fiscal_year=year, starts=starts, ends=ends, capacity=capacity, rows=rows,
                      nodes=list(nodes.values()), quarters=quarters)
    slots = plan.remaining
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
        if not row.has_open_case and slots > 0:
            row.within_capacity = True
            slots -= 1
    return plan
