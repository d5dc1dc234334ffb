"""Benchmark of the planning job: plan_reassessments over 250 countries and ten years of history.

    .venv/bin/python bench/planning.py                       # a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ips .venv/bin/python bench/planning.py

With a PostgreSQL DATABASE_URL the script creates a throwaway database beside the named one
(``<name>_bench_planning_<pid>``), and drops it at the end; otherwise it uses a temporary SQLite file.
It builds 250 countries over the three nodes, each with a closed case and an approved determination
about every three years since 2017 (some never assessed, some without an IPSLO, some with a case
already open), with findings, a few of them still open. Then it times ``plan_reassessments`` (median
of several runs, each inside a transaction rolled back afterwards, so every run starts from the same
state), prints seconds, cases opened, batches and queries per batch, and the ratio to a baseline
measured in the same run (reading the 250 country rows). The target is under one second; the script
exits with status 1 when a median misses it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_database  # noqa: E402

COUNTRIES = 250
HISTORY_START = dt.date(2017, 1, 1)  # ten years of history before TODAY
TODAY = dt.date(2027, 1, 15)
RUNS = 7
BASELINE_RUNS = 50
TARGET_SECONDS = 1.0
SEED = 20270115


def _code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n // 26] + letters[n % 26]


def build(rng: random.Random) -> dict:
    """The countries, people and ten years of history, written in bulk."""
    from dateutil.relativedelta import relativedelta
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from assessments.choices import (
        AssessmentState,
        Basis,
        DeterminationSource,
        DeterminationState,
        FindingMethod,
        FindingStatus,
        Outcome,
        Severity,
    )
    from assessments.constants import REASSESSMENT_INTERVAL_YEARS
    from assessments.models import Assessment, Determination, Finding
    from assessments.services.checklists import checklist_load_reference
    from countries.choices import AssignmentKind
    from countries.constants import NODES
    from countries.models import Country, Node, PortfolioAssignment
    from ips.models import User
    from ips.roles import Role
    from ips.system import system_user

    template, _ = checklist_load_reference()
    system_user()  # the scheduler's account exists in a running system
    nodes = [Node.objects.get_or_create(code=n["code"], defaults={k: v for k, v in n.items() if k != "code"})[0]
             for n in NODES]
    ipslo_group = Group.objects.get_or_create(name=Role.IPSLO)[0]
    lant51 = User.objects.create(username="bench.lant51", first_name="Lant", last_name="Fifty-One")
    lant51.groups.add(Group.objects.get_or_create(name=Role.LANT51)[0])
    psa1 = User.objects.create(username="bench.psa1", first_name="Psa", last_name="One")
    psa1.groups.add(Group.objects.get_or_create(name=Role.PSA1)[0])
    ipslos = {}
    for node in nodes:
        ipslos[node.pk] = []
        for i in range(3):
            user = User.objects.create(username=f"bench.ipslo.{node.code.lower()}.{i}", node=node,
                                       first_name="Ipslo", last_name=f"{node.code} {i}")
            user.groups.add(ipslo_group)
            ipslos[node.pk].append(user)

    countries = Country.objects.bulk_create(
        Country(iso2=_code(i), iso3=_code(i) + "Q", name=f"Benchland {i + 1}", node=nodes[i % len(nodes)],
                annual_vessel_arrivals=int(rng.lognormvariate(5, 1.5)),
                annual_cargo_tonnes=int(rng.lognormvariate(14, 2)),
                internal_conditions_rating=rng.randint(1, 5), instruments_history_rating=rng.randint(1, 5))
        for i in range(COUNTRIES)
    )
    never_assessed = set(rng.sample(range(COUNTRIES), COUNTRIES // 20))
    without_ipslo = set(rng.sample(range(COUNTRIES), COUNTRIES // 25))
    already_open = set(rng.sample(range(COUNTRIES), COUNTRIES // 10))

    PortfolioAssignment.objects.bulk_create(
        PortfolioAssignment(country=c, ipslo=rng.choice(ipslos[c.node_id]), kind=AssignmentKind.PRIMARY,
                            start_date=HISTORY_START, assigned_by=lant51)
        for i, c in enumerate(countries) if i not in without_ipslo
    )

    # Visits about every three years from a start spread over the first cycle.
    now = timezone.now()
    visits = []  # (country index, visit start, outcome)
    for i in range(COUNTRIES):
        if i in never_assessed:
            continue
        day = HISTORY_START + dt.timedelta(days=rng.randrange(3 * 365))
        while day < TODAY - dt.timedelta(days=30):
            outcome = rng.choices([Outcome.SUBSTANTIALLY, Outcome.MINIMALLY, Outcome.NOT_SUBSTANTIALLY],
                                  weights=[80, 15, 5])[0]
            visits.append((i, day, outcome))
            day += dt.timedelta(days=3 * 365 + rng.randint(-60, 60))
    cases = Assessment.objects.bulk_create(
        Assessment(country=countries[i], ipslo=ipslos[countries[i].node_id][0], checklist_template=template,
                   created_by=lant51, state=AssessmentState.CLOSED, state_changed_at=now,
                   visit_start=day, visit_end=day + dt.timedelta(days=4), objective="Country assessment.")
        for i, day, _ in visits
    )
    Determination.objects.bulk_create(
        Determination(country=case.country, source=DeterminationSource.ASSESSMENT, assessment=case, outcome=outcome,
                      basis=Basis.B if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale="Bench history.",
                      effective_date=case.visit_end + dt.timedelta(days=60), state=DeterminationState.APPROVED,
                      recommended_by=lant51, recommended_at=now, decided_by=psa1, decided_at=now)
        for case, (_, _, outcome) in zip(cases, visits, strict=True)
    )
    latest = {}  # country index -> its latest case and outcome (the visits are in date order per country)
    for case, (i, _, outcome) in zip(cases, visits, strict=True):
        latest[i] = (case, outcome)
    latest_cases = {id(case) for case, _ in latest.values()}
    findings = []
    for case in cases:
        is_latest = id(case) in latest_cases
        for number in range(1, rng.randint(2, 5)):
            still_open = is_latest and rng.random() < 0.3
            findings.append(Finding(
                assessment=case, number=number, title=f"Finding {number}", description="Bench finding.",
                method=FindingMethod.OBSERVATION, severity=rng.choice(list(Severity)), created_by=lant51,
                status=rng.choice([FindingStatus.OPEN, FindingStatus.IN_MITIGATION]) if still_open
                else FindingStatus.CLOSED,
            ))
    Finding.objects.bulk_create(findings)

    for i, country in enumerate(countries):
        if i in latest:
            case, outcome = latest[i]
            country.last_assessment_date = case.visit_end
            country.next_assessment_due = case.visit_end + relativedelta(years=REASSESSMENT_INTERVAL_YEARS)
            country.compliance_status = outcome
            country.determination_date = case.visit_end + dt.timedelta(days=60)
    Country.objects.bulk_update(countries, ["last_assessment_date", "next_assessment_due", "compliance_status",
                                            "determination_date"])
    Assessment.objects.bulk_create(
        Assessment(country=countries[i], ipslo=ipslos[countries[i].node_id][0], checklist_template=template,
                   created_by=lant51, state=AssessmentState.PLANNED, state_changed_at=now)
        for i in sorted(already_open)
    )
    return {"countries": len(countries), "cases": len(cases), "determinations": len(cases),
            "findings": len(findings), "open": len(already_open), "never": len(never_assessed),
            "without_ipslo": len(without_ipslo)}


def measure(fn, runs: int):
    """Median seconds of ``runs`` calls, each rolled back; and the queries and result of one more."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    class Rollback(Exception):
        pass

    times = []
    for _ in range(runs):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
                raise Rollback
        except Rollback:
            pass
    result = None
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            result = fn()
            raise Rollback
    except Rollback:
        pass
    return statistics.median(times), min(times), max(times), len(captured.captured_queries), result


def main() -> int:
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("SECURE_SSL", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    with throwaway_database("planning") as (url, label):
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.core.management import call_command

        from assessments.scheduling import plan_reassessments
        from countries.models import Country

        print(f"Database: {label}")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        made = build(random.Random(SEED))
        print(f"Built in {time.perf_counter() - started:.1f} s: {made['countries']} countries "
              f"({made['never']} never assessed, {made['without_ipslo']} without an IPSLO, {made['open']} with a case "
              f"already open), {made['cases']} closed cases and {made['determinations']} approved determinations "
              f"since {HISTORY_START:%Y}, {made['findings']} findings.")

        baseline, *_ = measure(lambda: list(Country.objects.all()[:COUNTRIES]), BASELINE_RUNS)
        print(f"Baseline, reading the {COUNTRIES} country rows: median {baseline * 1000:.2f} ms "
              f"of {BASELINE_RUNS} runs")

        failed = False
        for title, horizon in (("default horizon, 365 days", 365), ("every country due, horizon 4 years", 4 * 365)):
            median, fastest, slowest, queries, result = measure(
                lambda horizon=horizon: plan_reassessments(on=TODAY, horizon_days=horizon), RUNS)
            verdict = "OK" if median < TARGET_SECONDS else "MISSED"
            failed |= median >= TARGET_SECONDS
            per_batch = queries / result.batches if result.batches else float(queries)
            print(f"plan_reassessments ({title}) on {TODAY:%d %b %Y}: opened {result.opened} cases "
                  f"({result.without_ipslo} due without an IPSLO) in {result.batches} batch"
                  f"{'es' if result.batches != 1 else ''}; median {median:.3f} s of {RUNS} runs "
                  f"(min {fastest:.3f}, max {slowest:.3f}); {queries} queries, {per_batch:.1f} per batch; "
                  f"{median / baseline:.0f} x baseline; target < {TARGET_SECONDS:.0f} s: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
