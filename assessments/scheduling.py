"""The three-year reassessment cycle and every deadline reminder.

``plan_reassessments`` opens a planned case for every in-scope country due within the horizon;
``send_deadline_reminders`` sends each reminder once, on (or, if the job did not run that day, after)
the day it falls due, and emails every notification not emailed yet (see ``ips.notifications``). Both
work in bounded batches with a fixed number of queries per batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from assessments import constants
from assessments.choices import (
    OPEN_STATES,
    UNRESOLVED_FINDING_STATUSES,
    AssessmentState,
    DeterminationState,
    Outcome,
    VisitFacilityStatus,
)
from assessments.models import Assessment, ChecklistTemplate, Determination, Finding, ReportVersion
from countries.choices import AssignmentKind
from countries.models import Country, PortfolioAssignment
from ips.dates import shift
from ips.models import User
from ips.notifications import EmailDelivery, Notice, email_pending, notify
from ips.roles import Role
from ips.system import system_user

PRE_VISIT_STATES = (AssessmentState.PLANNED, AssessmentState.NOTIFIED, AssessmentState.CONFIRMED,
                    AssessmentState.PREPARING)


# --- due dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Where a country stands in its three-year cycle on a given day."""

    code: str  # "overdue", "due_90", "due_180", "due_365", "current", "out_of_scope"
    label: str
    days: int | None  # days until due (negative: overdue)


DUE_WINDOWS = (90, 180, 365)


def due_status(*, country: Country, on: dt.date) -> Due:
    """Where ``country`` stands on ``on``; "overdue" exactly when ``Country.objects.overdue(on=on)`` holds it."""
    if not country.in_scope:
        return Due("out_of_scope", "Out of scope", None)
    if country.next_assessment_due is None:
        return Due("overdue", "Never assessed: due now", 0)
    days = (country.next_assessment_due - on).days
    if days < 0:
        return Due("overdue", f"Overdue by {-days} days", days)
    for window in DUE_WINDOWS:
        if days <= window:
            return Due(f"due_{window}", f"Due within {window} days", days)
    return Due("current", "Current", days)


def countries_due(*, on: dt.date, within_days: int):
    """In-scope countries whose next assessment falls due by ``on + within_days`` (never assessed: now)."""
    return Country.objects.due_by(day=on + dt.timedelta(days=within_days))


# --- planning ----------------------------------------------------------------------------------


@dataclass
class PlanningResult:
    opened: int = 0
    without_ipslo: int = 0
    batches: int = 0


def plan_reassessments(*, on: dt.date | None = None, horizon_days: int | None = None,
                       batch_size: int | None = None) -> PlanningResult:
    """Open a planned case for every country due within the horizon that has no open case.

    The case goes to the country's portfolio IPSLO; a country with no IPSLO is counted and skipped.
    Never a second open case for a country: the candidates exclude countries with one, and the
    database's unique constraint settles a race with a person opening a case at the same moment.
    """
    on = on or timezone.localdate()
    horizon_days = settings.IPS_PLANNING_HORIZON_DAYS if horizon_days is None else horizon_days
    batch_size = batch_size or settings.IPS_JOB_BATCH_SIZE
    result = PlanningResult()
    template = ChecklistTemplate.objects.order_by("-version").first()
    if template is None:
        return result
    actor = system_user()
    open_case = Assessment.objects.filter(country=OuterRef("pk"), state__in=OPEN_STATES)
    current_ipslo = PortfolioAssignment.objects.filter(
        country=OuterRef("pk"), end_date__isnull=True, kind=AssignmentKind.PRIMARY, ipslo__is_active=True
    ).values("ipslo_id")[:1]
    last_closed = Assessment.objects.filter(country=OuterRef("pk"), state=AssessmentState.CLOSED).order_by(
        "-created_at"
    ).values("pk")[:1]
    candidates = (
        countries_due(on=on, within_days=horizon_days)
        .annotate(has_open=Exists(open_case), ipslo_pk=Subquery(current_ipslo), previous_pk=Subquery(last_closed))
        .filter(has_open=False)
        .order_by("pk")
        .values("pk", "ipslo_pk", "previous_pk")
    )
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            break
        last_pk = batch[-1]["pk"]
        result.batches += 1
        result.without_ipslo += sum(1 for row in batch if row["ipslo_pk"] is None)
        result.opened += _open_batch([row for row in batch if row["ipslo_pk"]], template, actor)
    return result


@transaction.atomic
def _open_batch(rows: list[dict], template: ChecklistTemplate, actor: User) -> int:
    if not rows:
        return 0
    now = timezone.now()
    cases = [
        Assessment(
            country_id=row["pk"], ipslo_id=row["ipslo_pk"], previous_id=row["previous_pk"],
            checklist_template=template, created_by=actor, state=AssessmentState.PLANNED, state_changed_at=now,
            objective="Three-year reassessment of the country's implementation of the ISPS Code.",
        )
        for row in rows
    ]
    # ignore_conflicts: a country that got an open case since the candidates were read keeps only that one.
    Assessment.objects.bulk_create(cases, ignore_conflicts=True)
    created = list(
        Assessment.objects.filter(country_id__in=[row["pk"] for row in rows], state=AssessmentState.PLANNED,
                                  created_by=actor, state_changed_at=now)
        .select_related("country")  # str(case) in the audit entries names the country
    )
    if not created:
        return 0
    _carry_findings(created, actor)
    case_type = ContentType.objects.get_for_model(Assessment)
    LogEntry.objects.bulk_create(
        LogEntry(content_type=case_type, object_pk=str(c.pk), object_id=c.pk, object_repr=str(c)[:200],
                 action=LogEntry.Action.CREATE, actor=actor, timestamp=now,
                 changes={"state": ["None", AssessmentState.PLANNED], "ipslo": ["None", str(c.ipslo_id)]})
        for c in created
    )
    return len(created)


def _carry_findings(cases: list[Assessment], actor: User) -> None:
    by_country = {c.country_id: c for c in cases}
    open_findings = (
        Finding.objects.filter(assessment__country_id__in=by_country, status__in=UNRESOLVED_FINDING_STATUSES,
                               carried_to__isnull=True)
        .exclude(assessment__in=cases)
        .select_related("assessment", "checklist_item")
        .order_by("assessment__country_id", "assessment__created_at", "number")
    )
    numbers: dict[int, int] = {}
    carried = []
    for old in open_findings:
        case = by_country[old.assessment.country_id]
        numbers[case.pk] = numbers.get(case.pk, 0) + 1
        carried.append(Finding(
            assessment=case, number=numbers[case.pk], facility_id=old.facility_id, reference=old.isps_reference,
            title=old.title, description=old.description, method=old.method, rationale=old.rationale,
            severity=old.severity, recommendation=old.recommendation, carried_from=old, created_by=actor,
        ))
    Finding.objects.bulk_create(carried)


# --- reminders ---------------------------------------------------------------------------------


def _staff(role: str) -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name=role).distinct())


def _latest_report_at():
    return Subquery(
        ReportVersion.objects.filter(assessment_id=OuterRef("assessment_id")).order_by("-number").values("created_at")[:1]
    )


def mitigation_end(determination: Determination) -> dt.date:
    """90 days from the date of the report (the latest draft), else from the effective date."""
    report_at = getattr(determination, "report_at", None)
    if report_at is None and determination.assessment_id and not hasattr(determination, "report_at"):
        report_at = (
            ReportVersion.objects.filter(assessment_id=determination.assessment_id)
            .order_by("-number").values_list("created_at", flat=True).first()
        )
    start = timezone.localdate(report_at) if report_at else determination.effective_date
    # A stored start at the calendar's end: the period never ends within it.
    return shift(start, constants.MITIGATION_PERIOD) or dt.date.max


@dataclass
class ReminderResult:
    """One reminders run: the in-app notifications it created and what became of the emails."""

    created: int
    emails: EmailDelivery

    def summary(self) -> str:
        return f"{self.created} new notification(s); emails: {self.emails.summary()}"


def send_deadline_reminders(*, on: dt.date | None = None) -> ReminderResult:
    """Create every reminder that is due on ``on`` and was not created before, then email every
    notification not emailed yet (this run's and those an earlier run could not send).

    Each reminder reaches a person once: the notification's unique key settles two runs creating it at
    the same moment, and :func:`ips.notifications.email_pending` claims each email before sending it.
    """
    on = on or timezone.localdate()
    notices: list[Notice] = []
    notices += _visit_reminders(on)
    notices += _mitigation_reminders(on)
    notices += _overdue_reminders(on)
    notices += _waiting_reminders(on)
    created = notify(notices, email=False)
    return ReminderResult(created=len(created), emails=email_pending())


def _visit_reminders(on: dt.date) -> list[Notice]:
    notices = []
    latest_lead = max(constants.VISIT_REQUEST_EARLIEST, constants.QUESTIONNAIRE_LEAD,
                      constants.FACILITY_SELF_ASSESSMENT_LEAD)
    cases = (
        Assessment.objects.filter(state__in=PRE_VISIT_STATES)
        .filter(Q(visit_start__lte=on + latest_lead)
                | Q(visit_start__isnull=True, proposed_start__lte=on + latest_lead))
        .filter(Q(visit_start__gte=on) | Q(visit_start__isnull=True, proposed_start__gte=on))
        .select_related("country", "ipslo")
        .prefetch_related("visit_facilities__facility")
    )
    for case in cases:
        first = case.visit_first_day
        url = reverse("assessments:detail", kwargs={"pk": case.pk})
        if case.visit_request_sent_on is None and on >= first - constants.VISIT_REQUEST_EARLIEST:
            window_end = first - constants.VISIT_REQUEST_LATEST
            notices.append(Notice(
                case.ipslo, "visit_request_window", f"visit_request_window:assessment:{case.pk}:{first}",
                f"{case.country}: send the visit request letter by {window_end:%d %b %Y}",
                f"The visit starts on {first:%d %b %Y}; the letter goes 90 to 60 days ahead.", url,
            ))
        if case.questionnaire_received_on is None and on >= first - constants.QUESTIONNAIRE_LEAD:
            notices.append(Notice(
                case.ipslo, "questionnaire_due", f"questionnaire_due:assessment:{case.pk}:{first}",
                f"{case.country}: government questionnaire due {first - constants.QUESTIONNAIRE_LEAD:%d %b %Y}",
                "The contracting government's self-assessment questionnaire is due 45 days before the visit.", url,
            ))
        waiting = [vf for vf in case.visit_facilities.all()
                   if vf.status != VisitFacilityStatus.DROPPED and vf.self_assessment_received_on is None]
        if waiting and on >= first - constants.FACILITY_SELF_ASSESSMENT_LEAD:
            due = first - constants.FACILITY_SELF_ASSESSMENT_LEAD
            notices.append(Notice(
                case.ipslo, "facility_self_assessment_due",
                f"facility_self_assessment_due:assessment:{case.pk}:{first}",
                f"{case.country}: facility self-assessments due {due:%d %b %Y}",
                "Not yet received from: " + "; ".join(str(vf.facility) for vf in waiting), url,
            ))
    return notices


def _mitigation_reminders(on: dt.date) -> list[Notice]:
    notices = []
    later = Determination.objects.filter(
        country_id=OuterRef("country_id"), state=DeterminationState.APPROVED,
        effective_date__gt=OuterRef("effective_date"),
    )
    determinations = list(
        Determination.objects.filter(state=DeterminationState.APPROVED, outcome=Outcome.NOT_SUBSTANTIALLY)
        .annotate(report_at=_latest_report_at(), superseded=Exists(later))
        .filter(superseded=False)
        .select_related("country")
    )
    due = [(d, mitigation_end(d)) for d in determinations]
    due = [(d, end) for d, end in due if on >= end]
    if not due:
        return notices
    managers = _staff(Role.LANT51) + _staff(Role.PSA1)
    ipslos = _portfolio_ipslos({d.country_id for d, _ in due})
    for determination, end in due:
        recipients = managers + ([ipslos[determination.country_id]] if determination.country_id in ipslos else [])
        for person in recipients:
            notices.append(Notice(
                person, "mitigation_ended", f"mitigation_ended:determination:{determination.pk}",
                f"{determination.country}: the 90-day mitigation period ended {end:%d %b %Y}",
                "Without a better determination, escalation is due.",
                reverse("assessments:determination", kwargs={"pk": determination.pk}),
            ))
    return notices


def _portfolio_ipslos(country_ids) -> dict[int, User]:
    assignments = PortfolioAssignment.objects.filter(
        country_id__in=country_ids, end_date__isnull=True, kind=AssignmentKind.PRIMARY
    ).select_related("ipslo")
    return {a.country_id: a.ipslo for a in assignments}


def _overdue_reminders(on: dt.date) -> list[Notice]:
    """The portfolio IPSLO of every overdue country (never assessed included) with no open case, once for
    each due date."""
    overdue = list(
        Country.objects.overdue(on=on)
        .exclude(Exists(Assessment.objects.filter(country=OuterRef("pk"), state__in=OPEN_STATES)))
        .order_by("pk")
    )
    ipslos = _portfolio_ipslos({c.pk for c in overdue})
    notices = []
    for c in overdue:
        if c.pk not in ipslos:
            continue
        due = c.next_assessment_due
        notices.append(Notice(
            ipslos[c.pk], "reassessment_overdue", f"reassessment_overdue:country:{c.pk}:{due or 'never'}",
            f"{c}: reassessment overdue since {due:%d %b %Y}" if due else f"{c}: never assessed, assessment due now",
            "Every country is assessed at least once every three years; no case is open.",
            c.get_absolute_url(),
        ))
    return notices


def _waiting_reminders(on: dt.date) -> list[Notice]:
    days = settings.IPS_WAITING_REMINDER_DAYS
    cutoff = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=days), dt.time.max))
    notices = []
    psa1 = _staff(Role.PSA1)
    for determination in Determination.objects.filter(
        state=DeterminationState.RECOMMENDED, recommended_at__lte=cutoff
    ).select_related("country"):
        for person in psa1:
            notices.append(Notice(
                person, "determination_waiting", f"determination_waiting:determination:{determination.pk}",
                f"{determination.country}: determination waiting more than {days} days",
                f"Recommended on {timezone.localdate(determination.recommended_at):%d %b %Y}.",
                reverse("assessments:determination", kwargs={"pk": determination.pk}),
            ))
    lant51 = _staff(Role.LANT51)
    for case in Assessment.objects.filter(
        state__in=[AssessmentState.UNDER_REVIEW, AssessmentState.ACCESS_DENIED], state_changed_at__lte=cutoff
    ).select_related("country"):
        for person in lant51:
            notices.append(Notice(
                person, "recommendation_waiting",
                f"recommendation_waiting:assessment:{case.pk}:{case.state_changed_at:%Y%m%d%H%M%S}",
                f"{case.country}: recommendation waiting more than {days} days",
                f"The case has been {case.get_state_display().lower()} since "
                f"{timezone.localdate(case.state_changed_at):%d %b %Y}.",
                reverse("assessments:detail", kwargs={"pk": case.pk}),
            ))
    return notices


# --- the U.S. federal fiscal year (1 October to 30 September) --------------------------------------


def fiscal_year(day: dt.date) -> int:
    """FY2027 runs from 1 October 2026 to 30 September 2027."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_quarter(day: dt.date) -> int:
    return (day.month - 10) % 12 // 3 + 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)
