import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from advisories import services
from advisories.choices import CostBorneBy
from assessments import services as case_services
from assessments.choices import Basis, Outcome
from ips.roles import Role
from tests.factories import PortFacilityFactory, PortFactory
from tests.upload_samples import simple_pdf

PDF = simple_pdf("Augmented security plan")
TEXTS = {
    "title": "Conditions of entry for vessels arriving from ports without effective measures",
    "section_a": "Background: the Coast Guard evaluates foreign ports (46 U.S.C. 70108-70110).",
    "section_b": "The ports of these countries do not maintain effective anti-terrorism measures.",
    "section_c": "Apply Security Level 2 measures; guard every access point; attempt a Declaration of Security.",
    "section_d": "Vessels are boarded on arrival; entry may be delayed or denied.",
    "section_e": "Contact the International Port Security Evaluation Division.",
}


@pytest.fixture(autouse=True)
def fresh_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deputy(make_user):
    """A second PSA-1 member."""
    return make_user("psa1.deputy", Role.PSA1)


def approve(country, outcome, users, *, effective=dt.date(2026, 6, 1), rationale="As reported.", summary="Report."):
    """An approved determination resting on a credible report (LANT-51 recommends, PSA-1 approves)."""
    report = case_services.credible_report_record(
        country=country, by=users["lant51"], source_agency="U.S. Customs and Border Protection",
        report_date=effective, summary=summary,
    )
    determination = case_services.determination_recommend(
        credible_report=report, by=users["lant51"], outcome=outcome, rationale=rationale, effective_date=effective,
        basis=Basis.C if outcome == Outcome.NOT_SUBSTANTIALLY else "",
    )
    return case_services.determination_approve(determination=determination, by=users["psa1"])


def publish_revision(by, **texts):
    """Start a draft from the advisory in force and what was accepted, fill its texts, publish it."""
    draft = services.advisory_draft_start(by=by)
    services.advisory_draft_update(advisory=draft, by=by, data={
        **TEXTS, "effective_date": dt.date(2026, 7, 1), **texts})
    return services.advisory_publish(advisory=draft, by=by)


def pdf_upload(name="plan.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def facility(country):
    port = PortFactory(country=country, name="Port Atlantis", locode="XAPOS")
    return PortFacilityFactory(port=port, name="Atlantis Oil Jetty", imo_number="XAPOS-0001")


def receive(facility, by, **overrides):
    data = {
        "facility": facility, "by": by, "received_on": dt.date(2026, 9, 1), "plan": pdf_upload(),
        "report": pdf_upload("report.pdf"), "rso_name": "Harbour Assurance Ltd",
        "rso_qualifications": "Two certified auditors.", "rso_independence": "No link with the facility.",
        "cost_borne_by": CostBorneBy.FACILITY, **overrides,
    }
    return services.separate_consideration_receive(**data)

