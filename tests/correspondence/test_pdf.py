"""The rendered letter: what its PDF says, and that typed text cannot break it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from assessments import services as case_services
from assessments.choices import Basis, Outcome
from correspondence import rendering, services
from correspondence.choices import JobState, LetterKind, Marking
from tests.correspondence.conftest import FINDINGS, pdf_pages, pdf_text, text_heights

pytestmark = pytest.mark.django_db


def _generate(determination):
    letter = services.letter_generate_for_determination(determination_id=determination.pk)
    letter.refresh_from_db()
    return letter


def test_non_compliance_letter_holds_country_reference_findings_and_mitigation_end(case, decide):
    determination = decide(case, outcome=Outcome.NOT_SUBSTANTIALLY)
    letter = _generate(determination)

    assert letter.kind == LetterKind.NON_COMPLIANCE
    assert letter.job_state == JobState.READY
    text = pdf_text(letter)
    assert "Atlantis" in text
    assert letter.reference in text
    for number, finding in enumerate(FINDINGS, start=1):
        assert finding["title"] in text
        assert finding["reference"] in text
        assert finding["recommendation"] in text
        assert f"{number}." in text
    report = case.reports.order_by("-number").first()
    end = timezone.localdate(report.created_at) + dt.timedelta(days=90)
    assert f"ending on {end.day} {end:%B %Y}" in text
    assert "Maritime Authority of Atlantis" in text
    assert "Via: U.S. Embassy Poseidonia" in text
    assert "By direction" in text


def test_every_page_carries_the_marking_in_header_and_footer_and_page_x_of_y(case, decide):
    many = [dict(FINDINGS[0], title=f"Finding title {n}", description="Long description. " * 40) for n in range(12)]
    letter = _generate(decide(case, findings=many))
    pages = pdf_pages(letter)
    assert len(pages) >= 2
    markings = text_heights(letter, "FOR OFFICIAL USE ONLY")
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        heights = markings[number - 1]
        assert any(h > 0.9 for h in heights), f"no marking in the header of page {number}: {heights}"
        assert any(h < 0.1 for h in heights), f"no marking in the footer of page {number}: {heights}"
    assert letter.page_count == len(pages)


def test_stored_pdf_keeps_its_sha256(case, decide):
    import hashlib

    letter = _generate(decide(case))
    with letter.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == letter.pdf_sha256
    assert letter.pdf_size == letter.pdf.size


def test_confirmation_letter_has_no_marking_and_lists_no_findings(case, decide):
    letter = _generate(decide(case, outcome=Outcome.SUBSTANTIALLY))
    assert letter.kind == LetterKind.CONFIRMATION
    assert letter.marking == Marking.NONE
    text = pdf_text(letter)
    assert "FOR OFFICIAL USE ONLY" not in text
    assert FINDINGS[0]["title"] not in text
    assert "substantially implementing" in text


def test_minimally_implementing_gives_findings_letter_marked_fouo(case, decide):
    letter = _generate(decide(case, outcome=Outcome.MINIMALLY))
    assert letter.kind == LetterKind.FINDINGS
    assert letter.marking == Marking.FOUO
    text = pdf_text(letter)
    assert all(finding["title"] in text for finding in FINDINGS)
    assert "Mitigation period" not in text


def test_malicious_finding_text_is_escaped_and_cannot_break_the_layout(case, decide):
    huge = "X" * 5000
    hostile = [{
        "title": "<b>bold</b> & <script>alert('x')</script>",
        "reference": "ISPS Code A/14.2.2",
        "description": f"<img src=\"https://attacker.example/x.png\"> {huge}",
        "recommendation": "<style>body{display:none}</style> Fix it.",
    }]
    letter = _generate(decide(case, findings=hostile))
    html = rendering.letter_html(letter)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=\"https://attacker" not in html

    text = pdf_text(letter)
    assert "<b>bold</b> & <script>alert('x')</script>" in text
    assert "<style>body{display:none}</style> Fix it." in text
    # The unbroken string wraps into lines within the page width, and every character is there.
    runs = [len(run) for page in pdf_pages(letter, keep_lines=True) for run in re.findall(r"X{10,}", page)]
    assert sum(runs) == len(huge)
    assert len(runs) > 20 and max(runs) < 120
    assert 1 <= letter.page_count <= 4


def test_credible_report_determination_counts_mitigation_from_its_effective_date(users, country_contacts):
    report = case_services.credible_report_record(
        country=country_contacts, by=users["lant51"], source_agency="Another agency",
        report_date=dt.date(2026, 10, 1), summary="Concerns.")
    determination = case_services.determination_recommend(
        credible_report=report, by=users["lant51"], outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.C,
        rationale="Credible report.", effective_date=dt.date(2026, 11, 2))
    determination = case_services.determination_approve(determination=determination, by=users["psa1"])

    period = rendering.mitigation_period(determination)
    assert period.start == dt.date(2026, 11, 2)
    assert period.end == dt.date(2027, 1, 31)
    letter = _generate(determination)
    assert letter.assessment is None
    assert "ending on 31 January 2027" in pdf_text(letter)


def test_fetcher_serves_static_files_and_refuses_everything_else():
    fetcher = rendering.static_only_fetcher()
    response = fetcher.fetch(rendering.STATIC_BASE_URL + "css/letter.css")
    assert b"@page" in response.read()
    for url in ("https://example.com/x.css", "file:///etc/passwd", rendering.STATIC_BASE_URL + "../ips/settings.py",
                rendering.STATIC_BASE_URL + "css/%2e%2e/%2e%2e/manage.py", "http://169.254.169.254/latest"):
        with pytest.raises(rendering.RefusedURL):
            fetcher.fetch(url)


def test_rendering_never_reaches_the_network(settings):
    html = ('<html><body><img src="https://example.com/pixel.png">'
            '<link rel="stylesheet" href="file:///etc/passwd"><p>Text</p></body></html>')
    rendered = rendering.render_html(html)
    assert rendered.page_count == 1
