"""Letters to PDF: a Django template per kind, rendered by WeasyPrint with no network access.

The HTML comes from ``templates/correspondence/letters/<kind>.html`` (autoescaped: user-typed text
never becomes markup). WeasyPrint may fetch only the project's own static files (the letter
stylesheet); every other URL, local file or network address is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.choices import Outcome
from assessments.constants import MITIGATION_PERIOD
from assessments.models import Determination
from correspondence import constants
from correspondence.choices import LetterKind
from ips.dates import shift

# Relative URLs in a letter resolve against this made-up origin; only the fetcher below answers it.
STATIC_BASE_URL = "https://static.invalid/"

class RefusedURL(ValueError):
    """A letter asked for something other than one of the project's static files."""


def static_file_for(url: str) -> Path:
    """The static file behind ``url``, or :class:`RefusedURL`."""
    if not url.startswith(STATIC_BASE_URL):
        raise RefusedURL(f"Letters may load only the application's own static files, not {url[:200]!r}.")
    parts = urlsplit(url)
    relative = unquote(parts.path).lstrip("/")
    if not relative or any(part in ("", ".", "..") for part in relative.split("/")) or "\\" in relative:
        raise RefusedURL(f"Not a static file path: {relative[:200]!r}.")
    found = finders.find(relative)
    if not found:
        raise RefusedURL(f"No such static file: {relative[:200]!r}.")
    return Path(found)


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves the project's static files and refuses every other URL.

    WeasyPrint is imported here, not at module load: it takes seconds to import, and only the
    processes that render letters need it.
    """
    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # pragma: no cover - WeasyPrint before the URLFetcher class took a function

        def fetch(url):
            path = static_file_for(url)
            return {"string": path.read_bytes(), "mime_type": mimetypes.guess_type(path.name)[0],
                    "redirected_url": url}

        return fetch

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("https",), allow_redirects=False)

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime_type}, status=200)

    return StaticOnlyFetcher()


@dataclass(frozen=True)
class MitigationPeriod:
    start: dt.date
    end: dt.date
    starts_from: str  # what the start date is: the report's date or the determination's effective date


def mitigation_period(determination: Determination) -> MitigationPeriod | None:
    """The 90 days of mitigation after a "not substantially implementing" determination.

    They run from the date of the report (the latest report version) [NVIC Encl.1 4.b(1)]; a
    determination with no report (credible report, denial of access) counts from its effective date.
    """
    if determination.outcome != Outcome.NOT_SUBSTANTIALLY:
        return None
    report = None
    if determination.assessment_id:
        report = determination.assessment.reports.order_by("-number").first()
    if report is not None:
        start = timezone.localdate(report.created_at)
        starts_from = f"the date of the assessment report ({start:%-d %B %Y})"
    else:
        start = determination.effective_date
        starts_from = f"the effective date of the determination ({start:%-d %B %Y})"
    return MitigationPeriod(start=start, end=shift(start, MITIGATION_PERIOD) or dt.date.max, starts_from=starts_from)


def paragraphs(text: str) -> list[str]:
    """Plain paragraphs: separated by a blank line; single line breaks are kept inside a paragraph."""
    return [part.strip() for part in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if part.strip()]


def letter_context(letter) -> dict:
    """Everything a letter template shows, read fresh from the database."""
    determination = letter.determination
    case = letter.assessment
    findings = []
    if letter.lists_findings and case is not None:
        findings = list(
            case.findings.select_related("facility", "facility__port", "checklist_item").order_by("number")
        )
    return {
        "letter": letter,
        "country": letter.country,
        "case": case,
        "determination": determination,
        "credible_report": determination.credible_report if determination and determination.credible_report_id
        else None,
        "paragraphs": paragraphs(letter.body),
        "address_lines": [line for line in letter.addressee_address.splitlines() if line.strip()],
        "via_lines": [line for line in letter.via.splitlines() if line.strip()],
        "findings": findings,
        "mitigation": mitigation_period(determination) if determination is not None else None,
        "sender_name": constants.SENDER_NAME,
        "sender_program": constants.SENDER_PROGRAM,
        "sender_address": constants.SENDER_ADDRESS,
        "by_direction_text": constants.BY_DIRECTION,
        "static_base": STATIC_BASE_URL,
    }


def template_for(kind: str) -> str:
    return f"correspondence/letters/{LetterKind(kind).value}.html"


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    page_count: int
    sha256: str


def render_html(html: str) -> RenderedLetter:
    import weasyprint

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    document = weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=static_only_fetcher()).render()
    pdf = document.write_pdf()
    return RenderedLetter(pdf=pdf, page_count=len(document.pages), sha256=hashlib.sha256(pdf).hexdigest())


def letter_html(letter) -> str:
    return render_to_string(template_for(letter.kind), letter_context(letter))


def render_letter(letter) -> RenderedLetter:
    """The letter as PDF bytes, with its page count and SHA-256."""
    return render_html(letter_html(letter))
