import datetime as dt

import pytest

from assessments import services as case_services
from assessments.choices import Basis, FindingMethod, Outcome, Severity
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401

FINDINGS = [
    {"title": "Access control gaps at the main gate", "reference": "ISPS Code A/14.2.2",
     "description": "Vehicles entered without identity checks.", "recommendation": "Check every vehicle and driver."},
    {"title": "Restricted areas not monitored", "reference": "ISPS Code A/14.2.4",
     "description": "No patrols or cameras covered the tank farm.", "recommendation": "Monitor restricted areas."},
    {"title": "Security level changes not communicated", "reference": "ISPS Code A/14.2.7",
     "description": "Facilities learned of level changes by telephone days later.",
     "recommendation": "Set up a written alerting procedure."},
]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def country_contacts(country):
    country.designated_authority = "Maritime Authority of Atlantis"
    country.designated_authority_contact = "Director General A. Mariner"
    country.designated_authority_address = "1 Harbour Road\nPoseidonia"
    country.embassy_post = "U.S. Embassy Poseidonia"
    country.embassy_contact = "J. Smith"
    country.embassy_contact_title = "Economic Officer"
    country.save()
    return country


@pytest.fixture
def decide(users, leader, country_contacts):  # noqa: F811
    """Carry ``case`` to a determination with ``outcome`` and ``findings``; approved unless told not to."""

    def make(case, outcome=Outcome.NOT_SUBSTANTIALLY, findings=FINDINGS, approve=True):  # noqa: F811
        drive_to(case, "under_review", users, leader=leader)
        for data in findings:
            case_services.finding_create(assessment=case, by=users["ipslo"], data={
                "method": FindingMethod.OBSERVATION, "severity": Severity.DEFICIENCY, **data})
        determination = case_services.determination_recommend(
            assessment=case, by=users["lant51"], outcome=outcome, rationale="As found.",
            effective_date=dt.date(2027, 4, 1), basis=Basis.B if outcome == Outcome.NOT_SUBSTANTIALLY else "")
        if approve:
            determination = case_services.determination_approve(determination=determination, by=users["psa1"])
        return determination

    return make


@pytest.fixture(autouse=True)
def queued_jobs(request, monkeypatch):
    """Jobs owed through the outbox are recorded, ``(task name, kwargs)``, when their transaction commits,
    instead of being sent to the broker (except in the tests that run a real worker)."""
    calls = []
    if request.node.get_closest_marker("celery_worker"):
        return calls
    from ips.jobs import services as jobs
    from ips.jobs.models import OutboxJob

    def record(job_id):
        job = OutboxJob.objects.get(pk=job_id)
        calls.append((job.task, job.kwargs))

    monkeypatch.setattr(jobs, "_dispatch_after_commit", record)
    return calls


def pdf_text(letter) -> str:
    """The text of the stored PDF, read back with pypdf, whitespace collapsed."""
    from pypdf import PdfReader

    with letter.pdf.open("rb") as handle:
        reader = PdfReader(handle)
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


def pdf_pages(letter, keep_lines: bool = False) -> list[str]:
    from pypdf import PdfReader

    with letter.pdf.open("rb") as handle:
        texts = [page.extract_text() or "" for page in PdfReader(handle).pages]
    return texts if keep_lines else [" ".join(text.split()) for text in texts]


def text_heights(letter, needle: str) -> list[list[float]]:
    """For each page, where ``needle`` is drawn: its height as a fraction of the page (0 bottom, 1 top)."""
    from pypdf import PdfReader

    found = []
    with letter.pdf.open("rb") as handle:
        for page in PdfReader(handle).pages:
            height = float(page.mediabox.height)
            heights = []

            def visit(text, cm, tm, font_dict, font_size, heights=heights, height=height):
                if needle in text:
                    heights.append((cm[5] + tm[5] * cm[3]) / height)

            page.extract_text(visitor_text=visit)
            found.append(heights)
    return found
