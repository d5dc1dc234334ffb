from django.db import models


class AssessmentState(models.TextChoices):
    PLANNED = "planned", "Planned"
    NOTIFIED = "notified", "Notified"
    CONFIRMED = "confirmed", "Confirmed"
    PREPARING = "preparing", "Preparing"
    ON_SITE = "on_site", "On site"
    REPORT_DRAFTING = "report_drafting", "Report drafting"
    UNDER_REVIEW = "under_review", "Under review (LANT-51)"
    AWAITING_DETERMINATION = "awaiting_determination", "Awaiting determination (PSA-1)"
    CLOSED = "closed", "Closed"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"
    ACCESS_DENIED = "access_denied", "Access denied"


OPEN_STATES = frozenset(AssessmentState) - {AssessmentState.CLOSED, AssessmentState.CANCELLED}


class Outcome(models.TextChoices):
    SUBSTANTIALLY = "substantially_implementing", "Substantially implementing"
    MINIMALLY = "minimally_implementing", "Minimally implementing"
    NOT_SUBSTANTIALLY = "not_substantially_implementing", "Not substantially implementing"


class Basis(models.TextChoices):
    """Why a country is not substantially implementing [NVIC 5.e(1)]."""

    A = "a", "(a) Fails to communicate ISPS information to the IMO or the Coast Guard"
    B = "b", "(b) A visit finds the Code not substantially implemented"
    C = "c", "(c) A credible report finds substantial security concerns"
    D = "d", "(d) Implementation cannot be ascertained (e.g. access denied)"


class DeterminationSource(models.TextChoices):
    ASSESSMENT = "assessment", "Country assessment"
    CREDIBLE_REPORT = "credible_report", "Credible report"
    ACCESS_DENIED = "access_denied", "Denial of access"


class DeterminationState(models.TextChoices):
    RECOMMENDED = "recommended", "Recommended (awaiting PSA-1)"
    RETURNED = "returned", "Returned to LANT-51"
    APPROVED = "approved", "Approved"


class Rating(models.TextChoices):
    MEETS = "meets", "Meets"
    PARTIALLY = "partially_meets", "Partially meets"
    DOES_NOT_MEET = "does_not_meet", "Does not meet"
    NOT_OBSERVED = "not_observed", "Not observed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ChecklistScope(models.TextChoices):
    FACILITY = "facility", "Every facility visited"
    GOVERNMENT = "government", "The contracting government"


class Severity(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    DEFICIENCY = "deficiency", "Deficiency"
    SIGNIFICANT = "significant_deficiency", "Significant deficiency"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED_DURING_VISIT = "resolved_during_visit", "Resolved during the visit"
    IN_MITIGATION = "in_mitigation", "In mitigation"
    CLOSED = "closed", "Closed"


UNRESOLVED_FINDING_STATUSES = frozenset({FindingStatus.OPEN, FindingStatus.IN_MITIGATION})


class FindingMethod(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    DOCUMENT_REVIEW = "document_review", "Document review"
    OBSERVATION = "observation", "Observation"


class VisitFacilityStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved by the host"
    VISITED = "visited", "Visited"
    DROPPED = "dropped", "Dropped"


class ItineraryKind(models.TextChoices):
    EMBASSY_MEETING = "embassy_meeting", "Meeting with the U.S. embassy"
    OPENING_MEETING = "opening_meeting", "Opening meeting with host authorities"
    INTERVIEW = "interview", "Interview with the designated authority"
    FACILITY_VISIT = "facility_visit", "Port facility visit"
    AGENCY_VISIT = "agency_visit", "Visit to another maritime agency"
    OUT_BRIEF = "out_brief", "Out-brief"
    OTHER = "other", "Other"


class EngagementKind(models.TextChoices):
    ABBREVIATED = "abbreviated_assessment", "Abbreviated assessment or spot check"
    ENHANCED = "enhanced_assistance", "Enhanced assistance"
    TECHNICAL = "technical_assistance", "Technical assistance"
    CAPACITY_BUILDING = "capacity_building", "Capacity building"
    RECIPROCAL = "reciprocal_engagement", "Reciprocal engagement"
    MULTILATERAL = "multilateral_forum", "Multilateral forum"
    LIAISON = "liaison_visit", "Liaison visit"
