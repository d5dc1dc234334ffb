"""Writes of the assessments app. Views, API, tasks and commands call these and nothing else."""

from assessments.services.cases import (
    assessment_create,
    assessment_reassign_open,
    assessment_transition,
    assessment_update_plan,
    itinerary_item_delete,
    itinerary_item_save,
    team_member_add,
    team_member_remove,
    visit_facility_add,
    visit_facility_update,
)
from assessments.services.determinations import (
    credible_report_record,
    determination_approve,
    determination_recommend,
    determination_return,
)
from assessments.services.engagements import engagement_save
from assessments.services.findings import (
    checklist_answer,
    evidence_add,
    finding_create,
    finding_set_status,
    finding_update,
)
from assessments.services.reports import report_save_draft
from assessments.services.status import country_status_refresh

__all__ = [
    "assessment_create", "assessment_reassign_open", "assessment_transition", "assessment_update_plan",
    "checklist_answer", "country_status_refresh", "credible_report_record", "determination_approve",
    "determination_recommend", "determination_return", "engagement_save", "evidence_add", "finding_create",
    "finding_set_status", "finding_update", "itinerary_item_delete", "itinerary_item_save", "report_save_draft",
    "team_member_add", "team_member_remove", "visit_facility_add", "visit_facility_update",
]
