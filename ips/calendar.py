"""Each user's private iCalendar feed: their visits and deadlines, for Outlook or any calendar client.

The feed's URL carries a secret token (``secrets.token_urlsafe``); revoking it retires the URL and
issuing a new one replaces it. A calendar client is outside the program's protection of FOR OFFICIAL USE
ONLY material, so the feed holds only country names, case states and dates, never finding or report text.

Every event is an all-day event (``DTSTART;VALUE=DATE``) with a UID that stays the same for the same
visit or deadline, so a client updates the event in place when its date moves.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from ips import permissions
from ips.dates import shift
from ips.models import CalendarToken, User

TOKEN_BYTES = 32
PRODID = "-//U.S. Coast Guard International Port Security Program//IPS Case Manager//EN"
UID_DOMAIN = "ips-case-manager"
REFRESH_INTERVAL = dt.timedelta(hours=1)
# Visits that ended longer ago than this are left out of the feed.
PAST_VISITS_KEPT = dt.timedelta(days=365)

VISIT = "Visit"
DEADLINE = "Deadline"


# --- the token ---------------------------------------------------------------------------------


def calendar_token_current(*, user: User) -> CalendarToken | None:
    """The user's live token, if any."""
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def calendar_token_issue(*, user: User) -> CalendarToken:
    """A new secret for the user's feed; any earlier one stops working at once."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))  # one at a time per user
    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarToken.objects.create(user=user, token=secrets.token_urlsafe(TOKEN_BYTES))


def calendar_token_revoke(*, user: User) -> int:
    """Retire the user's feed URL. Returns how many tokens were revoked (0 or 1)."""
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_feed_owner(*, token: str) -> User | None:
    """The active user whose live token this is, else None."""
    live = (
        CalendarToken.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return live.user if live else None


# --- what the feed holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    kind: str  # what the entry is: "visit", "mitigation-end", "questionnaire"...
    model: str  # the record it comes from, "assessment" or "determination", and its key
    pk: int
    summary: str
    start: dt.date
    end: dt.date  # the last day, inclusive
    description: str
    path: str
    category: str

    @property
    def uid(self) -> str:
        """Stable across feeds, so a calendar updates an event rather than adding another."""
        return f"{self.kind}-{self.model}-{self.pk}@{UID_DOMAIN}"


def _user_cases(user: User, on: dt.date):
    from assessments.choices import AssessmentState
    from assessments.models import Assessment, TeamMember

    on_team = TeamMember.objects.filter(assessment=OuterRef("pk"), user=user)
    since = on - PAST_VISITS_KEPT
    return (
        Assessment.objects.restrict(user, "view")
        .filter(Q(ipslo=user) | Exists(on_team))
        .exclude(state=AssessmentState.CANCELLED)
        .filter(Q(visit_start__isnull=False) | Q(proposed_start__isnull=False))
        .filter(Q(visit_end__gte=since) | Q(visit_end__isnull=True, visit_start__gte=since)
                | Q(visit_start__isnull=True, proposed_start__gte=since))
        .select_related("country")
        .prefetch_related("visit_facilities")
        .order_by("pk")
    )


def _visit_entries(case) -> list[CalendarEntry]:
    from assessments import constants
    from assessments.choices import VisitFacilityStatus
    from assessments.scheduling import PRE_VISIT_STATES

    confirmed = case.visit_start is not None
    start = case.visit_start if confirmed else case.proposed_start
    end = (case.visit_end if confirmed else case.proposed_end) or start
    country, state = case.country.name, case.get_state_display()
    path = reverse("assessments:detail", kwargs={"pk": case.pk})
    entries = [CalendarEntry(
        kind="visit", model="assessment", pk=case.pk,
        summary=f"IPS visit: {country}" + ("" if confirmed else " (proposed dates)"),
        start=start, end=max(start, end),
        description=f"Case state: {state}. "
        + ("Dates confirmed." if confirmed else "Proposed dates, not yet confirmed."),
        path=path, category=VISIT,
    )]
    if case.state not in PRE_VISIT_STATES:
        return entries
    first = start
    # A deadline that would fall before the calendar's first day (a stored date near year 1) is left out.
    window_start = shift(first, -constants.VISIT_REQUEST_EARLIEST)
    window_end = shift(first, -constants.VISIT_REQUEST_LATEST)
    if case.visit_request_sent_on is None and window_start and window_end:
        entries.append(CalendarEntry(
            kind="visit-request", model="assessment", pk=case.pk,
            summary=f"{country}: last day to send the visit request letter",
            start=window_end, end=window_end,
            description=f"Case state: {state}. The letter goes between {window_start:%d %b %Y} and "
                        f"{window_end:%d %b %Y} (90 to 60 days before the visit of {first:%d %b %Y}).",
            path=path, category=DEADLINE,
        ))
    due = shift(first, -constants.QUESTIONNAIRE_LEAD)
    if case.questionnaire_received_on is None and due:
        entries.append(CalendarEntry(
            kind="questionnaire", model="assessment", pk=case.pk,
            summary=f"{country}: government questionnaire due",
            start=due, end=due,
            description=f"Case state: {state}. Due 45 days before the visit of {first:%d %b %Y}.",
            path=path, category=DEADLINE,
        ))
    waiting = [vf for vf in case.visit_facilities.all()
               if vf.status != VisitFacilityStatus.DROPPED and vf.self_assessment_received_on is None]
    due = shift(first, -constants.FACILITY_SELF_ASSESSMENT_LEAD)
    if waiting and due:
        entries.append(CalendarEntry(
            kind="facility-self-assessments", model="assessment", pk=case.pk,
            summary=f"{country}: facility self-assessments due",
            start=due, end=due,
            description=f"Case state: {state}. {len(waiting)} facility self-assessment"
                        f"{'s' if len(waiting) != 1 else ''} outstanding; due 20 days before the visit of "
                        f"{first:%d %b %Y}.",
            path=path, category=DEADLINE,
        ))
    return entries


def _mitigation_entries(user: User, everyone: bool) -> list[CalendarEntry]:
    from assessments.choices import DeterminationState, Outcome
    from assessments.models import Determination, ReportVersion
    from assessments.scheduling import mitigation_end
    from countries.models import PortfolioAssignment

    later = Determination.objects.filter(
        country_id=OuterRef("country_id"), state=DeterminationState.APPROVED,
        effective_date__gt=OuterRef("effective_date"),
    )
    report_at = ReportVersion.objects.filter(assessment_id=OuterRef("assessment_id")).order_by("-number")
    determinations = (
        Determination.objects.filter(state=DeterminationState.APPROVED, outcome=Outcome.NOT_SUBSTANTIALLY)
        .annotate(report_at=Subquery(report_at.values("created_at")[:1]), superseded=Exists(later))
        .filter(superseded=False)
        .select_related("country")
        .order_by("pk")
    )
    if not everyone:
        mine = PortfolioAssignment.objects.filter(ipslo=user, end_date__isnull=True).values("country_id")
        determinations = determinations.filter(country_id__in=mine)
    entries = []
    for determination in determinations:
        end = mitigation_end(determination)
        entries.append(CalendarEntry(
            kind="mitigation-end", model="determination", pk=determination.pk,
            summary=f"{determination.country.name}: 90-day mitigation period ends",
            start=end, end=end,
            description=f"Determination effective {determination.effective_date:%d %b %Y}.",
            path=reverse("assessments:determination", kwargs={"pk": determination.pk}),
            category=DEADLINE,
        ))
    return entries


def _waiting_entries(user: User) -> list[CalendarEntry]:
    """For PSA-1 and LANT-51: the determinations (and, for LANT-51, the recommendations) waiting, on
    the day they have waited the configured number of days."""
    from assessments.choices import AssessmentState, DeterminationState
    from assessments.models import Assessment, Determination

    wait = dt.timedelta(days=settings.IPS_WAITING_REMINDER_DAYS)
    entries = []
    for determination in Determination.objects.filter(state=DeterminationState.RECOMMENDED).select_related(
        "country"
    ).order_by("pk"):
        since = timezone.localdate(determination.recommended_at)
        entries.append(CalendarEntry(
            kind="determination-waiting", model="determination", pk=determination.pk,
            summary=f"{determination.country.name}: determination waiting for PSA-1's decision",
            start=shift(since, wait) or since, end=shift(since, wait) or since,
            description=f"State: {determination.get_state_display()}. Recommended on {since:%d %b %Y}.",
            path=reverse("assessments:determination", kwargs={"pk": determination.pk}),
            category=DEADLINE,
        ))
    if permissions.can(user, "assessments.view_queue_review"):
        for case in Assessment.objects.filter(
            state__in=[AssessmentState.UNDER_REVIEW, AssessmentState.ACCESS_DENIED], state_changed_at__isnull=False
        ).select_related("country").order_by("pk"):
            since = timezone.localdate(case.state_changed_at)
            entries.append(CalendarEntry(
                kind="recommendation-waiting", model="assessment", pk=case.pk,
                summary=f"{case.country.name}: recommendation waiting for LANT-51",
                start=shift(since, wait) or since, end=shift(since, wait) or since,
                description=f"Case state: {case.get_state_display()} since {since:%d %b %Y}.",
                path=reverse("assessments:detail", kwargs={"pk": case.pk}),
                category=DEADLINE,
            ))
    return entries


def _reassessment_entries(user: User) -> list[CalendarEntry]:
    """The next assessment of each in-scope country of the user's portfolio that has no open case."""
    from assessments.choices import OPEN_STATES
    from assessments.models import Assessment
    from countries.choices import AssignmentKind
    from countries.models import Country, PortfolioAssignment

    mine = PortfolioAssignment.objects.filter(
        ipslo=user, end_date__isnull=True, kind=AssignmentKind.PRIMARY
    ).values("country_id")
    open_case = Assessment.objects.filter(country=OuterRef("pk"), state__in=OPEN_STATES)
    countries = (
        Country.objects.filter(pk__in=mine, in_scope=True, next_assessment_due__isnull=False)
        .exclude(Exists(open_case))
        .only("name", "iso3", "next_assessment_due")
        .order_by("pk")
    )
    return [
        CalendarEntry(
            kind="reassessment-due", model="country", pk=country.pk,
            summary=f"{country.name}: next assessment due",
            start=country.next_assessment_due, end=country.next_assessment_due,
            description="Every country is assessed at least once every three years; no case is open yet.",
            path=country.get_absolute_url(), category=DEADLINE,
        )
        for country in countries
    ]


def calendar_entries(*, user: User, on: dt.date | None = None) -> list[CalendarEntry]:
    """The user's visits and deadlines (a fixed number of queries), by date."""
    on = on or timezone.localdate()
    if not permissions.can(user, "ips.view_calendar"):
        return []
    managers = permissions.can(user, "ips.view_program_dashboard")
    entries = [entry for case in _user_cases(user, on) for entry in _visit_entries(case)]
    entries += _mitigation_entries(user, everyone=managers)
    entries += _reassessment_entries(user)
    if managers:
        entries += _waiting_entries(user)
    return sorted(entries, key=lambda e: (e.start, e.uid))


def calendar_build(*, user: User, entries: list[CalendarEntry]) -> bytes:
    """The iCalendar (RFC 5545) document of ``entries``; the library escapes the text."""
    site = settings.IPS_SITE_URL.rstrip("/")
    stamp = timezone.now().replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "IPS visits and deadlines")
    calendar.add("x-wr-caldesc", f"International Port Security Program visits and deadlines of {user}.")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.start)
        # DTEND of an all-day event is exclusive (an event on the calendar's last day ends on it).
        event.add("dtend", shift(entry.end, dt.timedelta(days=1)) or entry.end)
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("url", f"{site}{entry.path}")
        event.add("categories", [entry.category])
        event.add("transp", "OPAQUE" if entry.category == VISIT else "TRANSPARENT")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
