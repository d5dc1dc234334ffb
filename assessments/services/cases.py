from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.choices import UNRESOLVED_FINDING_STATUSES, AssessmentState, VisitFacilityStatus
from assessments.errors import ErrorCode, WorkflowError
from assessments.models import (
    Assessment,
    ChecklistTemplate,
    Finding,
    ItineraryItem,
    TeamMember,
    Transition,
    VisitFacility,
)
from assessments.workflow import MOVES
from countries.choices import AssignmentKind
from countries.models import Country, PortfolioAssignment
from ips import concurrency, permissions
from ips.audit import acting_as

PLAN_FIELDS = (
    "objective", "proposed_start", "proposed_end", "visit_start", "visit_end", "informal_notice_on",
    "visit_request_sent_on", "host_confirmed_on", "questionnaire_received_on", "no_facility_reason",
)


def _current_template() -> ChecklistTemplate:
    template = ChecklistTemplate.objects.order_by("-version").first()
    if template is None:
        raise ValidationError("No checklist template is loaded; run load_reference_data.")
    return template


def _require(user, action: str, obj) -> None:
    permissions.enforce(user, action, obj)


@transaction.atomic
def assessment_create(*, country: Country, by, ipslo=None, proposed_start=None, proposed_end=None,
                      objective: str = "", check_permission: bool = True) -> Assessment:
    """Open a planned case for ``country``, carrying the previous case's unresolved findings."""
    if check_permission:
        _require(by, "assessments.add_assessment", country)
    country = Country.objects.select_for_update().get(pk=country.pk)
    if ipslo is None:
        current = (
            PortfolioAssignment.objects.filter(country=country, end_date__isnull=True, kind=AssignmentKind.PRIMARY)
            .select_related("ipslo")
            .first()
        )
        if current is None:
            raise ValidationError({"ipslo": f"{country} has no IPSLO; assign one in the portfolio first."})
        ipslo = current.ipslo
    previous = Assessment.objects.filter(country=country, state=AssessmentState.CLOSED).order_by("-created_at").first()
    case = Assessment(
        country=country, ipslo=ipslo, checklist_template=_current_template(), previous=previous,
        proposed_start=proposed_start, proposed_end=proposed_end, objective=objective, created_by=by,
        state_changed_at=timezone.now(),
    )
    case.full_clean(exclude=["previous"])
    with acting_as(by):
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:
            raise ValidationError({"country": "The country already has an open assessment."}) from exc
        if previous is not None:
            _carry_open_findings(previous=previous, case=case, by=by)
    return case


def _carry_open_findings(*, previous: Assessment, case: Assessment, by) -> None:
    open_findings = Finding.objects.filter(
        assessment__country=case.country, status__in=UNRESOLVED_FINDING_STATUSES, carried_to__isnull=True
    ).exclude(assessment=case).order_by("assessment__created_at", "number")
    for number, old in enumerate(open_findings, start=1):
        Finding.objects.create(
            assessment=case, number=number, facility=old.facility, checklist_item=None,
            reference=old.isps_reference, title=old.title, description=old.description, method=old.method,
            rationale=old.rationale, severity=old.severity, recommendation=old.recommendation,
            carried_from=old, created_by=by,
        )


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("country").get(pk=assessment.pk)


@transaction.atomic
def assessment_transition(*, assessment: Assessment, name: str, by, comment: str = "",
                          _from_determination: bool = False) -> Assessment:
    """Make the workflow move ``name`` on the case, or refuse it with a :class:`WorkflowError`."""
    move = MOVES.get(name)
    if move is None:
        raise WorkflowError(ErrorCode.UNKNOWN_TRANSITION)
    case = _locked(assessment)
    permissions.enforce(by, f"assessments.move_{move.name}", case)
    if move.target is not None and case.state == move.target and case.state not in move.sources:
        # Someone made the same step a moment ago (or the form was sent twice): refused, so that the
        # comment typed with it is not silently dropped.
        raise WorkflowError(ErrorCode.ALREADY_IN_STATE)
    if case.state not in move.sources:
        raise WorkflowError(ErrorCode.NOT_ALLOWED_FROM_STATE)
    if move.via_determination and not _from_determination:
        raise WorkflowError(ErrorCode.DETERMINATION_FROM_STEP)
    comment = (comment or "").strip()
    if move.comment_required and not comment:
        raise WorkflowError(ErrorCode.COMMENT_REQUIRED)
    problems = move.guard(case)
    if problems:
        raise WorkflowError(ErrorCode.PRECONDITION_FAILED, problems)
    target = move.target or _state_before(case)
    with acting_as(by):
        Transition.objects.create(
            assessment=case, name=move.name, from_state=case.state, to_state=target, by=by, comment=comment
        )
        case.state = target
        case.state_changed_at = timezone.now()
        case.save(update_fields=["state", "state_changed_at", "updated_at"])
    assessment.state = case.state
    assessment.state_changed_at = case.state_changed_at
    return case


assessment_transition.alters_data = True


def _state_before(case: Assessment) -> str:
    last_in = case.transitions.filter(to_state=case.state).order_by("-at", "-id").first()
    return last_in.from_state if last_in else AssessmentState.UNDER_REVIEW


@transaction.atomic
def assessment_update_plan(*, assessment: Assessment, by, data: dict) -> Assessment:
    """Save the planning fields that are in ``data`` (dates, notice, letters, questionnaire)."""
    _require(by, "assessments.change_plan", assessment)
    case = _locked(assessment)
    fields = [name for name in PLAN_FIELDS if name in data]
    for name in fields:
        setattr(case, name, data[name])
    case.full_clean(exclude=["previous"])
    with acting_as(by):
        case.save(update_fields=[*fields, "updated_at"])
    return case


@transaction.atomic
def team_member_add(*, assessment: Assessment, by, user=None, name: str = "", agency: str = "USCG",
                    position: str = "", is_leader: bool = False) -> TeamMember:
    _require(by, "assessments.change_team", assessment)
    case = _locked(assessment)
    member = TeamMember(
        assessment=case, user=user, name=name or (str(user) if user else ""), agency=agency, position=position,
        is_leader=is_leader,
    )
    if is_leader:
        case.team.filter(is_leader=True).update(is_leader=False)
    member.full_clean()
    with acting_as(by):
        member.save()
    permissions.forget()
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by) -> None:
    _require(by, "assessments.change_team", member.assessment)
    _locked(member.assessment)  # team changes on one case happen one at a time
    with acting_as(by):
        member.delete()
    permissions.forget()  # a member who leaves the team loses the rights it gave, unless the portfolio gives them


@transaction.atomic
def visit_facility_add(*, assessment: Assessment, facility, by) -> VisitFacility:
    _require(by, "assessments.change_plan", assessment)
    case = _locked(assessment)
    if facility.port.country_id != case.country_id:
        raise ValidationError({"facility": f"{facility} is not in {case.country}."})
    item = VisitFacility(assessment=case, facility=facility)
    item.full_clean()
    with acting_as(by):
        item.save()
    return item


@transaction.atomic
def visit_facility_update(*, visit_facility: VisitFacility, by, data: dict,
                          expected_version: int | None = None) -> VisitFacility:
    """Record a facility's status, visit and self-assessment. With ``expected_version`` (the version the
    editor loaded) a change saved meanwhile by someone else is not overwritten: ConcurrentEditError."""
    _require(by, "assessments.record_assessment", visit_facility.assessment)
    item = concurrency.lock(VisitFacility.objects.select_related("facility"), pk=visit_facility.pk,
                            expected=expected_version, what=f"{visit_facility.facility.name} on this case")
    fields = [name for name in ("status", "visited_on", "self_assessment_received_on", "notes") if name in data]
    for name in fields:
        setattr(item, name, data[name])
    if item.status == VisitFacilityStatus.VISITED and item.visited_on is None:
        item.visited_on = timezone.localdate()
        fields.append("visited_on")
    item.full_clean()
    with acting_as(by):
        concurrency.save(item, update_fields=sorted(set(fields)))
    return item


@transaction.atomic
def itinerary_item_save(*, assessment: Assessment, by, data: dict, item: ItineraryItem | None = None,
                        expected_version: int | None = None) -> ItineraryItem:
    """Add an item to the itinerary, or change ``item``; ``expected_version`` as for
    :func:`visit_facility_update`."""
    _require(by, "assessments.change_plan", assessment)
    if item is None:
        item = ItineraryItem(assessment=assessment)
    else:
        item = concurrency.lock(ItineraryItem.objects, pk=item.pk, expected=expected_version,
                                what="This itinerary item")
    for name in ("kind", "day", "start_time", "location", "facility", "notes"):
        if name in data:
            setattr(item, name, data[name])
    item.full_clean()
    with acting_as(by):
        concurrency.save(item)
    return item


@transaction.atomic
def itinerary_item_delete(*, item: ItineraryItem, by) -> None:
    _require(by, "assessments.change_plan", item.assessment)
    with acting_as(by):
        item.delete()


def assessment_reassign_open(*, country: Country, to_ipslo, by) -> int:
    """Name the country's new primary IPSLO on its open cases. Returns how many changed.

    Rights on every case of the country, open or closed, already follow the portfolio (see
    :mod:`ips.permissions`); this keeps the record of who runs each open case true.
    """
    moved = 0
    with acting_as(by):
        for case in Assessment.objects.open().filter(country=country).exclude(ipslo=to_ipslo).select_for_update():
            case.ipslo = to_ipslo
            case.save(update_fields=["ipslo", "updated_at"])
            moved += 1
    return moved
