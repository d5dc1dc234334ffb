from django.db import models


class AdvisoryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"


PUBLISHED_STATUSES = frozenset({AdvisoryStatus.IN_FORCE, AdvisoryStatus.SUPERSEDED})


class Section(models.TextChoices):
    """The sections of a Port Security Advisory."""

    A = "A", "A. Background and effective date"
    B = "B", "B. Countries affected"
    C = "C", "C. Actions required by vessels visiting the countries affected"
    D = "D", "D. Actions on arrival in the United States"
    E = "E", "E. Other information"


class ReleaseKind(models.TextChoices):
    ORIGINAL = "original", "First release"
    CORRECTION = "correction", "Re-release with an administrative correction"


class ProposalKind(models.TextChoices):
    LIST = "list", "List the country"
    DELIST = "delist", "Remove the country"


class ProposalState(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class EscalationKind(models.TextChoices):
    MARSEC_DIRECTIVE = "marsec_directive", "MARSEC Directive"
    COMMANDANT_ORDER = "commandant_order", "Commandant Order"


class RequestState(models.TextChoices):
    RECEIVED = "received", "Received"
    UNDER_REVIEW = "under_review", "Under review (LANT-51)"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"


LIVE_REQUEST_STATES = frozenset({RequestState.RECEIVED, RequestState.UNDER_REVIEW})
DECIDED_REQUEST_STATES = frozenset({RequestState.ACCEPTED, RequestState.REFUSED})


class Recommendation(models.TextChoices):
    ACCEPT = "accept", "Accept: exempt the facility"
    REFUSE = "refuse", "Refuse"


class CostBorneBy(models.TextChoices):
    FACILITY = "facility", "The port facility"
    COUNTRY = "country", "The country"
