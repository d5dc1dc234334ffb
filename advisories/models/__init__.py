from advisories.models.advisory import AdvisoryExemption, AdvisoryListing, PortSecurityAdvisory, ReleaseRecord
from advisories.models.proposals import EscalationStep, ListingProposal
from advisories.models.requests import SeparateConsiderationRequest

__all__ = [
    "AdvisoryExemption",
    "AdvisoryListing",
    "EscalationStep",
    "ListingProposal",
    "PortSecurityAdvisory",
    "ReleaseRecord",
    "SeparateConsiderationRequest",
]
