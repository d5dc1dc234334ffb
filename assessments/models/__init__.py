from assessments.models.case import Assessment, ItineraryItem, TeamMember, Transition, VisitFacility
from assessments.models.checklist import ChecklistItem, ChecklistResponse, ChecklistSection, ChecklistTemplate
from assessments.models.determination import CredibleReport, Determination
from assessments.models.engagement import Engagement
from assessments.models.finding import Evidence, Finding, FindingStatusChange
from assessments.models.report import ReportVersion

__all__ = [
    "Assessment", "ChecklistItem", "ChecklistResponse", "ChecklistSection", "ChecklistTemplate", "CredibleReport",
    "Determination", "Engagement", "Evidence", "Finding", "FindingStatusChange", "ItineraryItem", "ReportVersion",
    "TeamMember", "Transition", "VisitFacility",
]
