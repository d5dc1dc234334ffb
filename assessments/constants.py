"""Numbers of the country visit process [NVIC 02-05 Encl. (1); PSA-WI-01]."""

import datetime as dt

VISIT_REQUEST_EARLIEST = dt.timedelta(days=90)  # visit request letter: 90 to 60 days before the visit
VISIT_REQUEST_LATEST = dt.timedelta(days=60)
QUESTIONNAIRE_LEAD = dt.timedelta(days=45)  # government self-assessment questionnaire due
FACILITY_SELF_ASSESSMENT_LEAD = dt.timedelta(days=20)  # each facility's self-assessment due
MITIGATION_PERIOD = dt.timedelta(days=90)  # from the date of the report
REASSESSMENT_INTERVAL_YEARS = 3

EVIDENCE_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
