"""The home pages of PSA-1 and of an IPSLO: what waits for them, read in a fixed number of queries.

``ips.views.home`` sends each signed-in user to the page of their primary role; these two views are
not routed themselves. Every list is bounded (the oldest or most urgent first) and links to the full
page behind it; counts are aggregated in SQL, never by reading rows one by one.

PSA-1: the determinations recommended by LANT-51 and waiting for a decision (the decision queue), the
proposals to list or delist a country, the advisory in force with the changes pending for its next
revision, and the separate-consideration (exemption) requests LANT-51 has reviewed.

IPSLO: the countries of the current primary portfolio, the next deadlines (those of the private
calendar feed, :func:`ips.calendar.calendar_entries`, plus the reassessments falling due), the open
cases the IPSLO leads or is on the team of with what each waits for, and the unread notifications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.shortcuts import render
from django.utils import timezone

from advisories.choices import AdvisoryStatus, ProposalState, RequestState
from advisories.models import (
    AdvisoryExemption,
    AdvisoryListing,
    EscalationStep,
    ListingProposal,
    PortSecurityAdvisory,
    SeparateConsiderationRequest,
)
from assessments import selectors as case_selectors
from assessments.choices import OPEN_STATES, AssessmentState, DeterminationSource
from assessments.models import Assessment, TeamMember
from assessments.scheduling import DUE_WINDOWS, Due, due_status
from assessments.workflow import NEXT_STEPS
from countries.choices import AssignmentKind
from countries.models import Country, PortfolioAssignment
from ips import calendar, permissions
from ips.models import Notification, User
from ips.notifications import unread_count
from ips.roles import Role
from ips.views_notifications import _safe_link

DECISIONS_SHOWN = 10
PROPOSALS_SHOWN = 10
REQUESTS_SHOWN = 10
COUNTRIES_SHOWN = 25
DEADLINES_SHOWN = 10
CASES_SHOWN = 15
NOTIFICATIONS_SHOWN = 5
# Reassessments falling due further ahead than this are not deadlines yet (the widest due window).
REASSESSMENT_HORIZON = dt.timedelta(days=DUE_WINDOWS[-1])


def _days_since(moment: dt.datetime | dt.date | None, on: dt.date) -> int | None:
    if moment is None:
        return None
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    return (on - day).days


@dataclass(frozen=True)
class Waiting:
    """A row of a queue and how many days it has waited."""

    item: Any
    age_days: int | None
    long_wait: bool = False


@dataclass(frozen=True)
class Bounded:
    """The first rows of a list and how many the full list holds."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


# --- PSA-1 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionsWaiting:
    queue: Bounded
    from_assessment: int
    from_credible_report: int
    from_access_denied: int
    cases_awaiting: int
    reminder_days: int


def psa1_decisions_waiting(*, user: User, on: dt.date) -> DecisionsWaiting:
    """The decision queue (:func:`assessments.selectors.decision_queue`), the longest waiting first: the
    determinations LANT-51 recommended, whether they rest on a case, a credible report or a denial of
    access, and the cases awaiting a determination (three queries)."""
    queue = case_selectors.decision_queue(user=user)
    counts = queue.order_by().aggregate(
        total=Count("pk"),
        from_assessment=Count("pk", filter=Q(source=DeterminationSource.ASSESSMENT)),
        from_credible_report=Count("pk", filter=Q(source=DeterminationSource.CREDIBLE_REPORT)),
        from_access_denied=Count("pk", filter=Q(source=DeterminationSource.ACCESS_DENIED)),
    )
    reminder = settings.IPS_WAITING_REMINDER_DAYS
    rows = []
    for determination in queue[:DECISIONS_SHOWN]:
        age = _days_since(determination.recommended_at, on)
        rows.append(Waiting(determination, age, long_wait=age is not None and age > reminder))
    cases_awaiting = (
        Assessment.objects.restrict(user, "view").filter(state=AssessmentState.AWAITING_DETERMINATION).count()
    )
    return DecisionsWaiting(
        queue=Bounded(rows, counts["total"]),
        from_assessment=counts["from_assessment"],
        from_credible_report=counts["from_credible_report"],
        from_access_denied=counts["from_access_denied"],
        cases_awaiting=cases_awaiting,
        reminder_days=reminder,
    )


@dataclass(frozen=True)
class ProposalsWaiting:
    open: Bounded
    accepted_not_in_draft: int
    accepted_in_draft: int

    @property
    def accepted_unpublished(self) -> int:
        return self.accepted_not_in_draft + self.accepted_in_draft


def psa1_proposals_waiting(*, on: dt.date) -> ProposalsWaiting:
    """Open proposals to list or delist a country (the oldest first), and the accepted ones not yet in a
    published revision, as :func:`advisories.selectors.proposals_waiting` defines them (two queries)."""
    counts = ListingProposal.objects.aggregate(
        open=Count("pk", filter=Q(state=ProposalState.OPEN)),
        accepted_not_in_draft=Count("pk", filter=Q(state=ProposalState.ACCEPTED, advisory__isnull=True)),
        accepted_in_draft=Count("pk", filter=Q(state=ProposalState.ACCEPTED, advisory__status=AdvisoryStatus.DRAFT)),
    )
    proposals = (
        ListingProposal.objects.filter(state=ProposalState.OPEN)
        .select_related("country", "determination")
        .order_by("raised_at", "pk")[:PROPOSALS_SHOWN]
    )
    rows = [Waiting(p, _days_since(p.raised_at, on)) for p in proposals]
    return ProposalsWaiting(
        open=Bounded(rows, counts["open"]),
        accepted_not_in_draft=counts["accepted_not_in_draft"],
        accepted_in_draft=counts["accepted_in_draft"],
    )


@dataclass(frozen=True)
class AdvisoryOverview:
    in_force: PortSecurityAdvisory | None
    draft: PortSecurityAdvisory | None
    draft_adds: list[str]
    draft_removes: list[str]
    proposals: ProposalsWaiting
    requests_accepted_not_in_force: int
    requests_accepted_in_draft: int

    @property
    def pending(self) -> bool:
        return bool(self.draft or self.proposals.accepted_unpublished or self.requests_accepted_not_in_force)


def psa1_advisory_overview(*, proposals: ProposalsWaiting) -> AdvisoryOverview:
    """The advisory in force (countries listed, facilities excepted) and the changes pending for the next
    revision: the draft revision in preparation and how its list of countries differs, the accepted
    proposals not yet published, and the accepted separate-consideration requests whose facility is not
    yet excepted in the advisory in force (three queries)."""
    advisories = list(
        PortSecurityAdvisory.objects.filter(status__in=[AdvisoryStatus.IN_FORCE, AdvisoryStatus.DRAFT])
        .select_related("created_by")
        .annotate(country_count=Count("listings", distinct=True), exemption_count=Count("exemptions", distinct=True))
        .order_by("pk")
    )
    in_force = next((a for a in advisories if a.status == AdvisoryStatus.IN_FORCE), None)
    draft = next((a for a in advisories if a.status == AdvisoryStatus.DRAFT), None)  # as draft_revision()
    adds, removes = [], []
    if draft is not None:
        listed: dict[int, dict[int, str]] = {a.pk: {} for a in advisories}
        for advisory_id, country_id, name in AdvisoryListing.objects.filter(
            advisory_id__in=[a.pk for a in (in_force, draft) if a is not None]
        ).values_list("advisory_id", "country_id", "country__name"):
            listed[advisory_id][country_id] = name
        current = listed[in_force.pk] if in_force else {}
        next_ = listed[draft.pk]
        adds = sorted(name for pk, name in next_.items() if pk not in current)
        removes = sorted(name for pk, name in current.items() if pk not in next_)
    in_force_exemption = AdvisoryExemption.objects.filter(
        advisory__status=AdvisoryStatus.IN_FORCE, request=OuterRef("pk")
    )
    draft_exemption = AdvisoryExemption.objects.filter(advisory__status=AdvisoryStatus.DRAFT, request=OuterRef("pk"))
    requests = (
        SeparateConsiderationRequest.objects.filter(state=RequestState.ACCEPTED)
        .exclude(Exists(in_force_exemption))
        .aggregate(total=Count("pk"), in_draft=Count("pk", filter=Q(Exists(draft_exemption))))
    )
    return AdvisoryOverview(
        in_force=in_force, draft=draft, draft_adds=adds, draft_removes=removes, proposals=proposals,
        requests_accepted_not_in_force=requests["total"], requests_accepted_in_draft=requests["in_draft"],
    )


@dataclass(frozen=True)
class RequestsWaiting:
    decision: Bounded
    review: int  # received, waiting for LANT-51's review first


def psa1_requests_waiting(*, user: User, on: dt.date) -> RequestsWaiting:
    """Separate-consideration requests LANT-51 has reviewed and PSA-1 has still to decide, the longest
    waiting first, and how many LANT-51 has still to review (two queries)."""
    requests = SeparateConsiderationRequest.objects.restrict(user, "view")
    counts = requests.aggregate(
        decision=Count("pk", filter=Q(state=RequestState.UNDER_REVIEW)),
        review=Count("pk", filter=Q(state=RequestState.RECEIVED)),
    )
    waiting = (
        requests.filter(state=RequestState.UNDER_REVIEW)
        .select_related("facility", "country", "reviewed_by")
        .order_by(F("reviewed_at").asc(nulls_first=True), "received_on", "pk")[:REQUESTS_SHOWN]
    )
    rows = [Waiting(r, _days_since(r.reviewed_at or r.received_on, on)) for r in waiting]
    return RequestsWaiting(decision=Bounded(rows, counts["decision"]), review=counts["review"])


# --- IPSLO -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryRow:
    country: Country
    due: Due
    open_case_id: int | None
    open_case_state: str

    @property
    def open_case_label(self) -> str:
        return AssessmentState(self.open_case_state).label if self.open_case_state else ""


def _portfolio(user: User) -> QuerySet:
    """The countries of the user's current primary portfolio (a subquery)."""
    return PortfolioAssignment.objects.filter(
        ipslo=user, end_date__isnull=True, kind=AssignmentKind.PRIMARY
    ).values("country_id")


def _open_case_of_country() -> QuerySet:
    return Assessment.objects.filter(country=OuterRef("pk"), state__in=OPEN_STATES).order_by("-created_at")


def ipslo_countries(*, user: User, on: dt.date) -> Bounded:
    """The user's portfolio countries, the soonest due first (never assessed first, out of scope last),
    each with its due status and its open case (two queries)."""
    countries = Country.objects.restrict(user, "view").filter(pk__in=_portfolio(user))
    total = countries.count()
    open_case = _open_case_of_country()
    shown = (
        countries.select_related("node")
        .annotate(open_case_id=Subquery(open_case.values("pk")[:1]),
                  open_case_state=Subquery(open_case.values("state")[:1]))
        .order_by(F("in_scope").desc(), F("next_assessment_due").asc(nulls_first=True), "name")[:COUNTRIES_SHOWN]
    )
    rows = [CountryRow(c, due_status(country=c, on=on), c.open_case_id, c.open_case_state or "") for c in shown]
    return Bounded(rows, total)


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    title: str
    path: str
    kind: str  # "deadline", "visit", "mitigation" or "reassessment"
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


DEADLINE, VISIT, MITIGATION, REASSESSMENT = "deadline", "visit", "mitigation", "reassessment"


def ipslo_deadlines(*, user: User, on: dt.date) -> Bounded:
    """The user's dated deadlines: overdue ones first (the oldest first), then the coming ones by date.

    The case deadlines (visit request letter, government questionnaire, facility self-assessments), the
    visits and the 90-day mitigation periods are those of the private calendar feed
    (:func:`ips.calendar.calendar_entries`), so the page and the calendar agree; a deadline met drops out
    there. Added here: the reassessments of portfolio countries without an open case falling due within a
    year (or overdue). Visits already begun and mitigation periods that ended with an escalation step
    recorded are left out. A fixed number of queries.
    """
    deadlines: list[Deadline] = []
    ended_mitigations: dict[int, calendar.CalendarEntry] = {}
    for entry in calendar.calendar_entries(user=user, on=on):
        days_left = (entry.start - on).days
        if entry.category == calendar.VISIT:
            if days_left >= 0:
                deadlines.append(Deadline(entry.start, entry.summary, entry.path, VISIT, days_left))
            continue
        if entry.kind == "reassessment-due":
            continue  # the same countries are read below, with the never assessed ones
        if entry.kind == "mitigation-end":
            if days_left < 0:
                ended_mitigations[entry.pk] = entry
            else:
                deadlines.append(Deadline(entry.start, entry.summary, entry.path, MITIGATION, days_left))
            continue
        deadlines.append(Deadline(entry.start, entry.summary, entry.path, DEADLINE, days_left))
    if ended_mitigations:
        escalated = set(
            EscalationStep.objects.filter(determination_id__in=ended_mitigations).values_list(
                "determination_id", flat=True
            )
        )
        for pk, entry in ended_mitigations.items():
            if pk not in escalated:
                deadlines.append(Deadline(entry.start, entry.summary, entry.path, MITIGATION,
                                          (entry.start - on).days))
    due = (
        Country.objects.filter(pk__in=_portfolio(user))
        .due_by(day=on + REASSESSMENT_HORIZON)
        .exclude(Exists(_open_case_of_country()))
    )
    due_total = due.count()
    for country in due.order_by(F("next_assessment_due").asc(nulls_first=True), "name").only(
        "name", "iso3", "next_assessment_due"
    )[:DEADLINES_SHOWN]:
        day = country.next_assessment_due or on
        title = (f"{country.name}: next assessment due" if country.next_assessment_due
                 else f"{country.name}: never assessed, assessment due now")
        deadlines.append(Deadline(day, title, country.get_absolute_url(), REASSESSMENT, (day - on).days))
    shown_due = sum(1 for d in deadlines if d.kind == REASSESSMENT)
    deadlines.sort(key=lambda d: (d.day, d.title))
    return Bounded(deadlines[:DEADLINES_SHOWN], len(deadlines) + due_total - shown_due)


# Who acts next in each state, read from the workflow's NEXT_STEPS (their actor names).
_CASE_IPSLO_ACTORS = frozenset({Role.IPSLO.value, "IPSLO or LANT-51"})
_TEAM_ACTORS = frozenset({"Visit team"})
_LEADER_ACTORS = frozenset({"Team leader"})


def _states_for(actors: frozenset[str]) -> list[str]:
    return sorted(state for state, step in NEXT_STEPS.items() if step.actor in actors and state in OPEN_STATES)


@dataclass(frozen=True)
class CaseRow:
    case: Assessment
    my_part: str  # "IPSLO", "Team leader" or "Team member"
    on_me: bool
    waits_for: str
    next_step: str
    days_in_state: int | None


def _case_row(case: Assessment, user: User, on: dt.date) -> CaseRow:
    step = NEXT_STEPS[case.state]
    mine = case.ipslo_id == user.pk
    part = "IPSLO" if mine else ("Team leader" if case.i_lead else "Team member")
    if step.actor in _CASE_IPSLO_ACTORS:
        waits_for = "You" if mine else f"The case IPSLO, {case.ipslo}"
    elif step.actor in _TEAM_ACTORS:
        waits_for = "You and the visit team"
    elif step.actor in _LEADER_ACTORS:
        waits_for = "You (team leader)" if case.i_lead else "The team leader"
    else:
        waits_for = step.actor
    return CaseRow(case=case, my_part=part, on_me=bool(case.on_me), waits_for=waits_for, next_step=step.text,
                   days_in_state=_days_since(case.state_changed_at, on))


def ipslo_open_cases(*, user: User, on: dt.date) -> Bounded:
    """The open cases the user leads as IPSLO or is on the team of, those waiting for the user first (the
    longest waiting first), each with what it waits for (one query)."""
    on_team = TeamMember.objects.filter(assessment=OuterRef("pk"), user=user)
    # Narrowed before the permission scope, whose object-permission subquery then reads only these cases.
    cases = (
        Assessment.objects.filter(state__in=OPEN_STATES)
        .filter(Q(ipslo=user) | Exists(on_team))
        .restrict(user, "view")
    )
    shown = list(
        cases.select_related("country", "country__node", "ipslo")
        .annotate(total=Window(Count("pk")))  # the count of every case, read with the first rows
        .annotate(i_lead=Exists(on_team.filter(is_leader=True)))
        .annotate(on_me=Case(
            When(state__in=_states_for(_CASE_IPSLO_ACTORS), ipslo=user, then=Value(1)),
            When(state__in=_states_for(_TEAM_ACTORS), then=Value(1)),
            When(state__in=_states_for(_LEADER_ACTORS), i_lead=True, then=Value(1)),
            default=Value(0), output_field=IntegerField(),
        ))
        .order_by("-on_me", F("state_changed_at").asc(nulls_last=True), "pk")[:CASES_SHOWN]
    )
    return Bounded([_case_row(case, user, on) for case in shown], shown[0].total if shown else 0)


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    link: str  # the notification's link if it stays on this site, else empty


def ipslo_unread_notifications(*, user: User) -> Bounded:
    """The user's latest unread notifications, newest first, and how many are unread (two queries)."""
    latest = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at", "-id")
    return Bounded(list(latest[:NOTIFICATIONS_SHOWN]), unread_count(user))


# --- the views (dispatched by ips.views.home) ---------------------------------------------------


@login_required
def psa1_home(request):
    permissions.require(request.user, "ips.view_psa1_home")
    on = timezone.localdate()
    proposals = psa1_proposals_waiting(on=on)
    return render(request, "dashboards/psa1_home.html", {
        "fouo": True,
        "today": on,
        "decisions": psa1_decisions_waiting(user=request.user, on=on),
        "proposals": proposals,
        "advisory": psa1_advisory_overview(proposals=proposals),
        "requests": psa1_requests_waiting(user=request.user, on=on),
    })


@login_required
def ipslo_home(request):
    permissions.require(request.user, "ips.view_ipslo_home")
    on = timezone.localdate()
    return render(request, "dashboards/ipslo_home.html", {
        "fouo": True,
        "today": on,
        "countries": ipslo_countries(user=request.user, on=on),
        "deadlines": ipslo_deadlines(user=request.user, on=on),
        "cases": ipslo_open_cases(user=request.user, on=on),
        "notifications": _with_safe_links(request, ipslo_unread_notifications(user=request.user)),
    })


def _with_safe_links(request, notifications: Bounded) -> Bounded:
    rows = [NotificationRow(n, _safe_link(request, n.url)) for n in notifications.rows]
    return Bounded(rows, notifications.total)
