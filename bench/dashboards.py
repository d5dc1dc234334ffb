"""Benchmark of the dashboards at ten years of program data.

    .venv/bin/python bench/dashboards.py                       # a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ips .venv/bin/python bench/dashboards.py

With a PostgreSQL DATABASE_URL the script creates a throwaway database beside the named one and drops it
at the end; otherwise it uses a temporary SQLite file. It builds 250 countries, 5,000 port facilities,
2,000 cases (ten years of closed cases, and open ones in every state), their determinations, 50,000
findings tied to checklist items, an advisory in force with its listings, listing proposals,
separate-consideration requests and notifications. Then it renders each dashboard through the whole
Django stack (middleware, session, view, templates) with the test client, as the user who sees it:

- the **baseline**: ``/healthz``, a bare JSON view through the same stack;
- the LANT-51 program dashboard (``/dashboard/``), the PSA-1 home and the IPSLO home (``/``);
- then, for information (no target), the country status and findings downloads as CSV and Excel.

It prints the median, the fastest and slowest of the runs, the SQL queries of one rendering and the
ratio to the baseline. The target is a median under 300 ms; the script exits with status 1 when a page
misses it or does not answer 200.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_database  # noqa: E402

COUNTRIES = 250
PORTS_PER_COUNTRY = 5
FACILITIES_PER_PORT = 4  # 250 x 5 x 4 = 5,000 facilities
CASES = 2_000
CLOSED_PER_COUNTRY = 7  # 1,750 closed cases, then one open case per country: 2,000 cases
FINDINGS_PER_CASE = 25  # 2,000 x 25 = 50,000 findings
IPSLOS_PER_NODE = 3
RUNS = 15
WARM_UP = 2
BASELINE_RUNS = 50
EXPORT_RUNS = 3
TARGET_SECONDS = 0.300
SEED = 20261123


def _code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n // 26] + letters[n % 26]


def build(rng: random.Random, today: dt.date) -> dict:
    """Ten years of program data, written in bulk."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from advisories.choices import AdvisoryStatus, CostBorneBy, ProposalKind, RequestState
    from advisories.models import AdvisoryListing, ListingProposal, PortSecurityAdvisory, SeparateConsiderationRequest
    from assessments.choices import (
        OPEN_STATES,
        AssessmentState,
        Basis,
        DeterminationSource,
        DeterminationState,
        FindingMethod,
        FindingStatus,
        Outcome,
        Severity,
    )
    from assessments.models import Assessment, ChecklistItem, Determination, Finding, TeamMember
    from assessments.services.checklists import checklist_load_reference
    from countries.choices import AssignmentKind, FacilityType
    from countries.constants import NODES
    from countries.models import Country, Node, Port, PortFacility, PortfolioAssignment
    from ips.models import Notification, User
    from ips.roles import Role
    from ips.system import system_user

    template, _ = checklist_load_reference()
    items = list(ChecklistItem.objects.filter(section__template=template))
    system_user()
    nodes = [Node.objects.get_or_create(code=n["code"], defaults={k: v for k, v in n.items() if k != "code"})[0]
             for n in NODES]
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}

    def person(username: str, role: str, **extra) -> User:
        user = User.objects.create(username=username, first_name=username.split(".")[1].upper(), last_name="Bench",
                                   **extra)
        user.groups.add(groups[role])
        return user

    lant51 = person("bench.lant51", Role.LANT51)
    psa1 = person("bench.psa1", Role.PSA1)
    ipslos = {node.pk: [person(f"bench.ipslo{node.pk}{i}", Role.IPSLO, node=node) for i in range(IPSLOS_PER_NODE)]
              for node in nodes}

    countries = Country.objects.bulk_create(
        Country(iso2=_code(i), iso3=_code(i) + "Q", numeric=f"{i + 1:03d}", name=f"Benchland {i + 1}",
                node=nodes[i % len(nodes)], annual_vessel_arrivals=int(rng.lognormvariate(5, 1.5)))
        for i in range(COUNTRIES)
    )
    holder = {}
    assignments = []
    for i, country in enumerate(countries):
        holder[country.pk] = ipslos[country.node_id][i // len(nodes) % IPSLOS_PER_NODE]
        assignments.append(PortfolioAssignment(country=country, ipslo=holder[country.pk], kind=AssignmentKind.PRIMARY,
                                               start_date=today - dt.timedelta(days=3650), assigned_by=lant51))
    PortfolioAssignment.objects.bulk_create(assignments)

    ports = Port.objects.bulk_create(
        Port(country=c, locode=f"{c.iso2}{n:03d}", name=f"{c.name} port {n}")
        for c in countries for n in range(PORTS_PER_COUNTRY)
    )
    facilities = PortFacility.objects.bulk_create(
        PortFacility(port=p, imo_number=f"{p.locode}-{n:04d}", name=f"{p.name} terminal {n}",
                     facility_type=rng.choice(list(FacilityType)))
        for p in ports for n in range(FACILITIES_PER_PORT)
    )
    facilities_of: dict[int, list] = {}
    for facility, port in zip(facilities, (p for p in ports for _ in range(FACILITIES_PER_PORT)), strict=True):
        facilities_of.setdefault(port.country_id, []).append(facility)

    # Closed cases about every three years per country over ten years, then one open case in most countries.
    now = timezone.now()
    open_states = sorted(OPEN_STATES)
    specs = []  # (country, state, visit start, outcome or None)
    for country in countries:
        for v in range(CLOSED_PER_COUNTRY):
            day = today - dt.timedelta(days=3650 - v * 540 - rng.randrange(120))
            outcome = rng.choices([Outcome.SUBSTANTIALLY, Outcome.MINIMALLY, Outcome.NOT_SUBSTANTIALLY],
                                  weights=[80, 15, 5])[0]
            specs.append((country, AssessmentState.CLOSED, day, outcome))
    while len(specs) < CASES:
        country = countries[len(specs) % COUNTRIES]
        specs.append((country, rng.choice(open_states), today + dt.timedelta(days=rng.randint(-200, 200)), None))
    specs = specs[:CASES]
    cases = Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=holder[c.pk], checklist_template=template, created_by=lant51, state=state,
                   state_changed_at=now - dt.timedelta(days=rng.randint(0, 120)), visit_start=day,
                   visit_end=day + dt.timedelta(days=4), objective="Country assessment.")
        for c, state, day, _ in specs
    )
    TeamMember.objects.bulk_create(
        TeamMember(assessment=case, user=case.ipslo, name=case.ipslo.get_full_name(), is_leader=True)
        for case in cases if case.state in OPEN_STATES
    )

    determinations = []
    for case, (country, state, day, outcome) in zip(cases, specs, strict=True):
        if outcome is not None:
            determinations.append(Determination(
                country=country, source=DeterminationSource.ASSESSMENT, assessment=case, outcome=outcome,
                basis=Basis.B if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale="Bench history.",
                effective_date=day + dt.timedelta(days=60), state=DeterminationState.APPROVED,
                recommended_by=lant51, recommended_at=now, decided_by=psa1, decided_at=now))
        elif state == AssessmentState.AWAITING_DETERMINATION:
            determinations.append(Determination(
                country=country, source=DeterminationSource.ASSESSMENT, assessment=case,
                outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.B, rationale="Bench recommendation.",
                effective_date=today, recommended_by=lant51,
                recommended_at=now - dt.timedelta(days=rng.randint(0, 60))))
    determinations = Determination.objects.bulk_create(determinations)

    latest: dict[int, tuple] = {}
    for country, _, day, outcome in specs:
        if outcome is not None:
            latest[country.pk] = (day, outcome)
    for country in countries:
        if country.pk in latest:
            day, outcome = latest[country.pk]
            country.last_assessment_date = day + dt.timedelta(days=4)
            country.next_assessment_due = day + dt.timedelta(days=3 * 365)
            country.compliance_status = outcome
            country.determination_date = day + dt.timedelta(days=60)
    Country.objects.bulk_update(countries, ["last_assessment_date", "next_assessment_due", "compliance_status",
                                            "determination_date"])

    statuses = list(FindingStatus)
    Finding.objects.bulk_create(
        (Finding(assessment=case, number=n, checklist_item=rng.choice(items) if rng.random() < 0.9 else None,
                 facility=rng.choice(facilities_of[case.country_id]), title=f"Finding {n}",
                 description="Bench finding.", method=rng.choice(list(FindingMethod)),
                 severity=rng.choice(list(Severity)), created_by=lant51,
                 status=rng.choice(statuses) if case.state in OPEN_STATES else FindingStatus.CLOSED)
         for case in cases for n in range(1, FINDINGS_PER_CASE + 1)),
        batch_size=5_000,
    )

    advisory = PortSecurityAdvisory.objects.create(
        sequence=1, year=today.year % 100, title="Port Security Advisory", effective_date=today - dt.timedelta(days=90),
        status=AdvisoryStatus.IN_FORCE, created_by=psa1, published_at=now, published_by=psa1)
    listed = [c for c in countries if c.compliance_status == Outcome.NOT_SUBSTANTIALLY]
    AdvisoryListing.objects.bulk_create(AdvisoryListing(advisory=advisory, country=c) for c in listed)
    PortSecurityAdvisory.objects.create(title="Port Security Advisory (revision)", created_by=lant51)
    awaiting = [d for d in determinations if d.state == DeterminationState.RECOMMENDED]
    ListingProposal.objects.bulk_create(
        ListingProposal(country=d.country, kind=ProposalKind.LIST, determination=d) for d in awaiting[:20])
    requests = [SeparateConsiderationRequest(
        facility=facilities_of[c.pk][0], country=c, received_on=today - dt.timedelta(days=n),
        state=RequestState.UNDER_REVIEW if n % 2 else RequestState.RECEIVED, plan_file="bench/plan.pdf",
        plan_name="plan.pdf", plan_sha256="0" * 64, plan_size=1, rso_name="Bench RSO", rso_qualifications="-",
        rso_independence="-", cost_borne_by=list(CostBorneBy)[0], report_file="bench/report.pdf",
        report_name="report.pdf", report_sha256="0" * 64, report_size=1, created_by=lant51)
        for n, c in enumerate(listed[:30])]
    SeparateConsiderationRequest.objects.bulk_create(requests)

    watched = ipslos[nodes[0].pk][0]
    Notification.objects.bulk_create(
        Notification(recipient=watched, kind="bench", title=f"Reminder {n}", key=f"bench:{n}", url="/")
        for n in range(500))
    return {"lant51": lant51, "psa1": psa1, "ipslo": watched,
            "portfolio": sum(1 for user in holder.values() if user == watched),
            "countries": Country.objects.count(), "facilities": PortFacility.objects.count(),
            "cases": Assessment.objects.count(), "open": Assessment.objects.filter(state__in=OPEN_STATES).count(),
            "findings": Finding.objects.count(), "determinations": Determination.objects.count()}


def timed(client, url: str, runs: int, warm_up: int = WARM_UP) -> tuple[float, float, float, int]:
    """Median, fastest and slowest seconds of ``runs`` GETs (after a warm-up), and the status of the last."""
    for _ in range(warm_up):
        client.get(url)
    times = []
    status = 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:  # a download: the time includes writing the whole file
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - start)
        status = response.status_code
    return statistics.median(times), min(times), max(times), status


def queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files: none are served
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("SECURE_SSL", "0")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    with throwaway_database("dashboards") as (url, label):
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        print(f"Database: {label}")
        started = time.perf_counter()
        from django.test.utils import override_settings

        # Static URLs without collecting (compressing every USWDS file takes minutes); the templates,
        # middleware and database work are production's.
        override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
        call_command("migrate", verbosity=0)
        print(f"Migrated in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        made = build(random.Random(SEED), timezone.localdate())
        print(f"Built in {time.perf_counter() - started:.1f} s: {made['countries']} countries, "
              f"{made['facilities']} port facilities, {made['cases']} cases ({made['open']} open), "
              f"{made['determinations']} determinations, {made['findings']} findings; "
              f"the IPSLO measured holds {made['portfolio']} countries and 500 unread notifications.")

        anonymous = Client()
        baseline, *_ = timed(anonymous, "/healthz", BASELINE_RUNS)
        print(f"Baseline, /healthz through the same stack: median {baseline * 1000:.2f} ms of {BASELINE_RUNS} runs")

        failed = False
        for title, user, path in (
            ("LANT-51 program dashboard", made["lant51"], "/dashboard/"),
            ("LANT-51 home (the dashboard)", made["lant51"], "/"),
            ("PSA-1 home", made["psa1"], "/"),
            ("IPSLO home", made["ipslo"], "/"),
        ):
            client = Client()
            client.force_login(user)
            median, fastest, slowest, status = timed(client, path, RUNS)
            queries = queries_of(client, path)
            missed = status != 200 or median >= TARGET_SECONDS
            failed |= missed
            verdict = "MISSED" if missed else "OK"
            print(f"{title} ({path}): HTTP {status}; median {median * 1000:.0f} ms of {RUNS} runs "
                  f"(min {fastest * 1000:.0f}, max {slowest * 1000:.0f}); {queries} queries; "
                  f"{median / baseline:.0f} x baseline; target < {TARGET_SECONDS * 1000:.0f} ms: {verdict}")

        # The downloads behind the dashboards' numbers, at the same size (no target: CSV streams).
        client = Client()
        client.force_login(made["lant51"])
        for title, name, kwargs in (
            ("Country status, CSV", "countries:export", {"fmt": "csv"}),
            ("Country status, Excel", "countries:export", {"fmt": "xlsx"}),
            ("All findings, CSV", "assessments:finding_export", {"fmt": "csv"}),
            # One node's findings, about 16,700 rows: near the Excel row limit (all 50,000 are sent to CSV).
            ("One node's findings, Excel", "assessments:finding_export", {"fmt": "xlsx"}),
        ):
            path = reverse(name, kwargs=kwargs) + ("?node=ACTEUR" if "node" in title else "")
            median, fastest, slowest, status = timed(client, path, EXPORT_RUNS, warm_up=0)
            print(f"Export {title} ({path}): HTTP {status}; median {median * 1000:.0f} ms of {EXPORT_RUNS} runs "
                  f"(min {fastest * 1000:.0f}, max {slowest * 1000:.0f}); {queries_of(client, path)} queries")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
