"""Benchmark of letter rendering: a three-page letter and a batch of 45 letters (one year's visits).

    DEBUG=1 .venv/bin/python bench/letters.py

Sets up Django on a throwaway SQLite database (unless BENCH_USE_CONFIGURED_DB=1) and a temporary
MEDIA_ROOT, builds countries, cases, findings and approved determinations, then times the same
service the Celery job calls. Prints medians in seconds per letter and their ratio to a baseline
measured in the same run (a one-paragraph WeasyPrint document), and writes a PNG of page 1 of the
three-page letter to artifacts/letters/ with ``pdftoppm -png -r 80``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="ips-bench-letters-"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
if os.environ.get("BENCH_USE_CONFIGURED_DB") != "1":
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.choices import (  # noqa: E402
    AssessmentState,
    Basis,
    DeterminationSource,
    DeterminationState,
    FindingMethod,
    Outcome,
    Severity,
)
from assessments.models import Assessment, Determination, Finding, ReportVersion  # noqa: E402
from assessments.services.checklists import checklist_load_reference  # noqa: E402
from correspondence import rendering, services  # noqa: E402
from correspondence.models import Letter  # noqa: E402
from countries.models import Country, Node  # noqa: E402
from ips.models import User  # noqa: E402
from ips.roles import Role  # noqa: E402

BATCH = 45
REPEATS = 5
ARTIFACTS = ROOT / "artifacts" / "letters"

REFERENCES = ["ISPS Code A/14.2.1", "ISPS Code A/14.2.2", "ISPS Code A/14.2.3", "ISPS Code A/14.2.4",
              "ISPS Code A/14.2.5", "ISPS Code A/14.2.6", "ISPS Code A/14.2.7", "ISPS Code A/16.3"]


def _user(username: str, role: str, **extra) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": username.title(), **extra})
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def _country(n: int, node: Node) -> Country:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    iso2 = "Q" + letters[n % 26] if n < 26 else "X" + letters[n % 26]
    return Country.objects.create(
        iso2=iso2, iso3=iso2 + "B", name=f"Benchland {n + 1}", node=node,
        designated_authority=f"Maritime Administration of Benchland {n + 1}",
        designated_authority_contact="Director General of Shipping",
        designated_authority_address="Harbour House\n1 Quay Street\nPort City",
        embassy_post=f"U.S. Embassy Port City {n + 1}", embassy_contact="Economic Officer",
    )


def _decided_case(country, *, findings: int, outcome: str, users, template) -> Determination:
    case = Assessment.objects.create(
        country=country, ipslo=users["ipslo"], state=AssessmentState.CLOSED, checklist_template=template,
        objective="Assess ISPS Code implementation.", proposed_start=dt.date(2026, 3, 2),
        proposed_end=dt.date(2026, 3, 6), visit_start=dt.date(2026, 3, 2), visit_end=dt.date(2026, 3, 6),
        created_by=users["ipslo"],
    )
    Finding.objects.bulk_create([
        Finding(
            assessment=case, number=i + 1, reference=REFERENCES[i % len(REFERENCES)],
            title=f"Deficiency {i + 1}: access control and monitoring at the container terminal",
            description=("The visit team observed that vehicles and persons entered the restricted area without "
                         "their identity or authorisation being verified, and that the gate log was incomplete. ") * 2,
            method=FindingMethod.OBSERVATION, severity=Severity.DEFICIENCY,
            recommendation="Verify the identity and authorisation of every person and vehicle; keep a full log.",
            created_by=users["ipslo"],
        )
        for i in range(findings)
    ])
    ReportVersion.objects.create(assessment=case, number=1, author=users["ipslo"], conclusions="Done.")
    return Determination.objects.create(
        country=country, source=DeterminationSource.ASSESSMENT, assessment=case, outcome=outcome,
        basis=Basis.B if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale="As found.",
        effective_date=dt.date(2026, 5, 1), state=DeterminationState.APPROVED, recommended_by=users["lant51"],
        recommended_at=timezone.now(), decided_by=users["psa1"], decided_at=timezone.now(),
    )


def _baseline_seconds() -> float:
    html = "<html><body><p>One paragraph of text for the baseline document.</p></body></html>"
    rendering.render_html(html)  # warm up fonts and caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        rendering.render_html(html)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    call_command("migrate", verbosity=0)
    node = Node.objects.get_or_create(code="ACTEUR", defaults={"name": "Activities Europe", "location": "Brunssum",
                                                                "regions": "Europe, Near East, Africa"})[0]
    users = {
        "psa1": _user("bench.psa1", Role.PSA1, last_name="Manager"),
        "lant51": _user("bench.lant51", Role.LANT51),
        "ipslo": _user("bench.ipslo", Role.IPSLO),
    }
    template, _ = checklist_load_reference()
    with transaction.atomic():
        countries = [_country(n, node) for n in range(BATCH + 1)]
        three_page = _decided_case(countries[0], findings=8, outcome=Outcome.NOT_SUBSTANTIALLY, users=users,
                                   template=template)
        outcomes = [Outcome.SUBSTANTIALLY, Outcome.MINIMALLY, Outcome.NOT_SUBSTANTIALLY]
        batch = [
            _decided_case(country, findings=2 + n % 7, outcome=outcomes[n % 3], users=users, template=template)
            for n, country in enumerate(countries[1:])
        ]

    baseline = _baseline_seconds()

    letter, _ = services.letter_for_determination_ensure(determination_id=three_page.pk)
    rendering.render_letter(letter)  # warm
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        rendered = rendering.render_letter(letter)
        times.append(time.perf_counter() - start)
    three = statistics.median(times)
    services.letter_render(letter_id=letter.pk)
    letter.refresh_from_db()

    batch_times = []
    start_all = time.perf_counter()
    for determination in batch:
        start = time.perf_counter()
        made = services.letter_generate_for_determination(determination_id=determination.pk)
        batch_times.append(time.perf_counter() - start)
        assert made.job_state == "ready", made.job_error
    total = time.perf_counter() - start_all
    pages = list(Letter.objects.filter(determination__in=batch).values_list("page_count", flat=True))

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_copy = ARTIFACTS / "three-page-letter.pdf"
    shutil.copyfile(letter.pdf.path, pdf_copy)
    png_base = ARTIFACTS / "three-page-letter-page1"
    png = None
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf_copy),
                        str(png_base)], check=True)
        png = png_base.with_suffix(".png")

    try:
        import ctypes.util

        harfbuzz_subset = bool(ctypes.util.find_library("harfbuzz-subset"))
    except Exception:  # noqa: BLE001
        harfbuzz_subset = False
    print(f"libharfbuzz-subset present: {'yes' if harfbuzz_subset else 'no'}")
    print(f"baseline (one-paragraph document), median of {REPEATS}: {baseline:.3f} s")
    print(f"three-page letter ({rendered.page_count} pages, 8 findings), median of {REPEATS}: {three:.3f} s "
          f"({three / baseline:.1f}x baseline)")
    print(f"batch of {BATCH} letters (create + render + store), median per letter: "
          f"{statistics.median(batch_times):.3f} s ({statistics.median(batch_times) / baseline:.1f}x baseline); "
          f"total {total:.1f} s; pages per letter {min(pages)}-{max(pages)}")
    print(f"PDF: {pdf_copy.relative_to(ROOT)}")
    print(f"PNG of page 1: {png.relative_to(ROOT) if png else 'pdftoppm not installed'}")
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
