from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.choices import AssessmentState, Basis, DeterminationSource, DeterminationState, Outcome
from assessments.errors import ErrorCode, WorkflowError
from assessments.models import Assessment, CredibleReport, Determination
from assessments.services.cases import assessment_transition
from assessments.services.status import country_status_refresh
from countries.models import Country
from ips import permissions
from ips.audit import acting_as


@transaction.atomic
def credible_report_record(*, country: Country, by, source_agency: str, report_date: dt.date,
                           summary: str) -> CredibleReport:
    permissions.enforce(by, "assessments.add_crediblereport", country)
    report = CredibleReport(
        country=country, source_agency=source_agency, report_date=report_date, summary=summary, recorded_by=by
    )
    report.full_clean()
    with acting_as(by):
        report.save()
    return report


@transaction.atomic
def determination_recommend(*, by, outcome: str, rationale: str, effective_date: dt.date, basis: str = "",
                            assessment: Assessment | None = None,
                            credible_report: CredibleReport | None = None) -> Determination:
    """LANT-51 recommends a determination, from a case (reviewed, or access denied) or a credible report."""
    permissions.enforce(by, "assessments.recommend_determination")
    if (assessment is None) == (credible_report is None):
        raise ValidationError("A determination rests on exactly one case or one credible report.")
    if assessment is not None:
        case = Assessment.objects.select_for_update().get(pk=assessment.pk)
        country = case.country
        if case.state == AssessmentState.ACCESS_DENIED:
            source = DeterminationSource.ACCESS_DENIED
            if outcome != Outcome.NOT_SUBSTANTIALLY or basis != Basis.D:
                raise ValidationError(
                    {"basis": "Denial of access leads to not substantially implementing, basis (d)."}
                )
        elif case.state == AssessmentState.UNDER_REVIEW:
            source = DeterminationSource.ASSESSMENT
        else:
            raise WorkflowError(ErrorCode.NOT_ALLOWED_FROM_STATE)
    else:
        case = None
        country = credible_report.country
        source = DeterminationSource.CREDIBLE_REPORT
    determination = Determination(
        country=country, source=source, assessment=case, credible_report=credible_report, outcome=outcome,
        basis=basis if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale=rationale,
        effective_date=effective_date, state=DeterminationState.RECOMMENDED, recommended_by=by,
        recommended_at=timezone.now(),
    )
    determination.full_clean()
    with acting_as(by):
        determination.save()
        if case is not None:
            assessment_transition(assessment=case, name="recommend", by=by, _from_determination=True)
    return determination


def _locked_pending(determination: Determination) -> Determination:
    locked = Determination.objects.select_for_update().get(pk=determination.pk)
    if locked.state != DeterminationState.RECOMMENDED:
        raise WorkflowError(ErrorCode.ALREADY_DECIDED)
    return locked


@transaction.atomic
def determination_approve(*, determination: Determination, by, comment: str = "") -> Determination:
    """PSA-1 approves. The row is locked, so two approvals at the same moment give one decision."""
    locked = _locked_pending(determination)
    permissions.enforce(by, "assessments.decide_determination", locked)
    with acting_as(by):
        locked.state = DeterminationState.APPROVED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_comment = comment.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
        if locked.assessment_id:
            assessment_transition(
                assessment=locked.assessment, name="approve", by=by, comment=comment, _from_determination=True
            )
        country_status_refresh(country=locked.country)
        _raise_listing_proposal(locked)
    _owe_letter(locked.pk)
    determination.state = locked.state
    return locked


def _raise_listing_proposal(determination: Determination) -> None:
    """In the approval's transaction: propose listing the country on (or removing it from) the advisory."""
    from advisories.services import listing_proposals_raise

    listing_proposals_raise(determination=determination)


def _owe_letter(determination_id: int) -> None:
    """In the approval's transaction: the job that writes the letter the outcome calls for is recorded
    in the outbox (ips.jobs) and sent to the broker once the approval commits, or later if it cannot be."""
    from correspondence.services import determination_letter_owe

    determination_letter_owe(determination_id=determination_id)


@transaction.atomic
def determination_return(*, determination: Determination, by, comment: str) -> Determination:
    """PSA-1 returns the recommendation to LANT-51 with a comment."""
    locked = _locked_pending(determination)
    permissions.enforce(by, "assessments.decide_determination", locked)
    if not (comment or "").strip():
        raise WorkflowError(ErrorCode.COMMENT_REQUIRED)
    with acting_as(by):
        locked.state = DeterminationState.RETURNED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_comment = comment.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
        if locked.assessment_id:
            assessment_transition(
                assessment=locked.assessment, name="return_recommendation", by=by, comment=comment,
                _from_determination=True,
            )
    determination.state = locked.state
    return locked
