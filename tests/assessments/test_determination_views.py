import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.choices import AssessmentState, DeterminationState, Outcome
from assessments.models import Assessment, CredibleReport, Determination
from countries.choices import ComplianceStatus
from ips.models import User
from ips.roles import Role
from tests.assessments.conftest import drive_to
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

ROLES = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer", "anonymous")


@pytest.fixture
def clients(users):
    made = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        made[role] = client
    return made


def _client_for(user) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


RECOMMENDATION = {"outcome": Outcome.MINIMALLY, "basis": "", "rationale": "Gaps in access control.",
                  "effective_date": "2027-04-01"}


@pytest.fixture
def reviewed(case, users, leader):
    return drive_to(case, "under_review", users, leader=leader)


@pytest.fixture
def recommended(reviewed, users):
    return services.determination_recommend(
        assessment=reviewed, by=users["lant51"], outcome=Outcome.SUBSTANTIALLY, rationale="Effective measures.",
        effective_date=dt.date(2027, 4, 1),
    )


# --- pages by role ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, recommend, determination, approve",
    [
        ("psa1", 403, 200, 302), ("lant51", 200, 200, 403), ("ipslo", 403, 200, 403),
        # A pending determination is need to know: an IPSLO outside the country does not learn it exists.
        ("other_ipslo", 404, 404, 404), ("viewer", 403, 403, 403), ("anonymous", 302, 302, 302),
    ],
)
def test_determination_pages_by_role(recommended, clients, role, recommend, determination, approve):
    # The case is awaiting determination; a second case in review gives the recommend page something to show.
    case = recommended.assessment
    Assessment.objects.filter(pk=case.pk).update(state=AssessmentState.UNDER_REVIEW)
    assert clients[role].get(reverse("assessments:recommend", args=[case.pk])).status_code == recommend
    Assessment.objects.filter(pk=case.pk).update(state=AssessmentState.AWAITING_DETERMINATION)
    page = clients[role].get(reverse("assessments:determination", args=[recommended.pk]))
    assert page.status_code == determination
    if determination == 200:
        assert b"FOR OFFICIAL USE ONLY" in page.content
    response = clients[role].post(reverse("assessments:determination_approve", args=[recommended.pk]))
    assert response.status_code == approve
    recommended.refresh_from_db()
    assert recommended.state == (DeterminationState.APPROVED if role == "psa1" else DeterminationState.RECOMMENDED)


@pytest.mark.parametrize(
    "role, review, decisions, listing",
    [
        ("psa1", 403, 200, 200), ("lant51", 200, 403, 200), ("ipslo", 403, 403, 200),
        ("other_ipslo", 403, 403, 200), ("viewer", 403, 403, 403), ("anonymous", 302, 302, 302),
    ],
)
def test_queues_and_lists_by_role(clients, users, role, review, decisions, listing):
    client = clients[role]
    assert client.get(reverse("assessments:queue_review")).status_code == review
    assert client.get(reverse("assessments:queue_decisions")).status_code == decisions
    assert client.get(reverse("assessments:determinations")).status_code == listing
    assert client.get(reverse("assessments:credible_reports")).status_code == listing


@pytest.mark.parametrize(
    "role, expected", [("psa1", 200), ("lant51", 200), ("ipslo", 403), ("viewer", 403), ("anonymous", 302)]
)
def test_recording_a_credible_report_by_role(clients, role, expected):
    assert clients[role].get(reverse("assessments:credible_report_create")).status_code == expected


# --- recommend and decide --------------------------------------------------------------------


def test_recommend_then_approve_through_the_pages_sets_the_country_status(reviewed, clients):
    response = clients["lant51"].post(reverse("assessments:recommend", args=[reviewed.pk]), RECOMMENDATION)
    determination = Determination.objects.get(assessment=reviewed)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:determination", args=[determination.pk])
    reviewed.refresh_from_db()
    assert reviewed.state == AssessmentState.AWAITING_DETERMINATION

    queue = clients["psa1"].get(reverse("assessments:queue_decisions"))
    assert list(queue.context["determinations"]) == [determination]
    page = clients["psa1"].get(reverse("assessments:determination", args=[determination.pk]))
    assert page.context["can_decide"] is True

    response = clients["psa1"].post(reverse("assessments:determination_approve", args=[determination.pk]),
                                    {"approve-comment": "Agreed."})
    assert response.status_code == 302
    determination.refresh_from_db()
    reviewed.refresh_from_db()
    reviewed.country.refresh_from_db()
    assert determination.state == DeterminationState.APPROVED
    assert determination.decision_comment == "Agreed."
    assert reviewed.state == AssessmentState.CLOSED
    assert reviewed.country.compliance_status == ComplianceStatus.MINIMALLY
    assert reviewed.country.determination_date == dt.date(2027, 4, 1)
    # No edit form on an approved determination.
    page = clients["psa1"].get(reverse("assessments:determination", args=[determination.pk]))
    assert reverse("assessments:determination_approve", args=[determination.pk]).encode() not in page.content
    assert b"never changes" in page.content


def test_not_substantially_needs_a_basis_beside_the_field(reviewed, clients):
    response = clients["lant51"].post(reverse("assessments:recommend", args=[reviewed.pk]), {
        **RECOMMENDATION, "outcome": Outcome.NOT_SUBSTANTIALLY})
    assert response.status_code == 200
    assert "Give the basis" in response.context["form"].errors["basis"][0]
    assert b"Gaps in access control." in response.content
    assert not Determination.objects.exists()
    reviewed.refresh_from_db()
    assert reviewed.state == AssessmentState.UNDER_REVIEW


def test_access_denied_presets_basis_d_and_refuses_another_outcome(case, clients, users):
    drive_to(case, "notified", users)
    services.assessment_transition(assessment=case, name="deny_access", by=users["ipslo"], comment="Refused entry.")
    url = reverse("assessments:recommend", args=[case.pk])
    page = clients["lant51"].get(url)
    assert page.context["form"].initial["basis"] == "d"
    assert page.context["form"].initial["outcome"] == Outcome.NOT_SUBSTANTIALLY
    refused = clients["lant51"].post(url, RECOMMENDATION)
    assert "basis (d)" in refused.context["form"].errors["basis"][0]
    assert not Determination.objects.exists()
    clients["lant51"].post(url, {**RECOMMENDATION, "outcome": Outcome.NOT_SUBSTANTIALLY, "basis": "d"})
    determination = Determination.objects.get()
    assert (determination.source, determination.basis) == ("access_denied", "d")


def test_recommending_from_a_case_not_in_review_is_refused(case, clients):
    response = clients["lant51"].post(reverse("assessments:recommend", args=[case.pk]), RECOMMENDATION)
    assert response.status_code == 302
    assert not Determination.objects.exists()


def test_return_needs_a_comment_and_goes_back_to_lant51(recommended, clients):
    url = reverse("assessments:determination_return", args=[recommended.pk])
    response = clients["psa1"].post(url, {"return-comment": "   "})
    assert response.status_code == 200
    assert "Say why" in response.context["return_form"].errors["comment"][0]
    recommended.refresh_from_db()
    assert recommended.state == DeterminationState.RECOMMENDED
    assert clients["psa1"].post(url, {"return-comment": "Explain facility 2."}).status_code == 302
    recommended.refresh_from_db()
    assert recommended.state == DeterminationState.RETURNED
    recommended.assessment.refresh_from_db()
    assert recommended.assessment.state == AssessmentState.UNDER_REVIEW
    queue = clients["lant51"].get(reverse("assessments:queue_review"))
    assert list(queue.context["returned"]) == [recommended]
    assert recommended.assessment in queue.context["cases"]


def test_the_recommender_cannot_approve_through_the_pages(recommended, users):
    users["lant51"].groups.add(Group.objects.get(name=Role.PSA1))
    client = _client_for(users["lant51"])
    page = client.get(reverse("assessments:determination", args=[recommended.pk]))
    assert page.context["can_decide"] is False
    assert b"You recommended this determination" in page.content
    response = client.post(reverse("assessments:determination_approve", args=[recommended.pk]))
    assert response.status_code == 403
    assert response.context["reason_code"] == "separation_of_duties"
    assert b"You recommended this determination" in response.content
    recommended.refresh_from_db()
    assert recommended.state == DeterminationState.RECOMMENDED
    assert recommended.decided_by is None


def test_the_report_author_cannot_approve_through_the_pages(case, users, make_user):
    author = make_user("author.psa", Role.PSA1, "ACTEUR")
    author.groups.add(Group.objects.get(name=Role.IPSLO))
    author = User.objects.get(pk=author.pk)
    drive_to(case, "awaiting_determination", users, leader=author)
    determination = case.determinations.get()
    client = _client_for(author)
    page = client.get(reverse("assessments:determination", args=[determination.pk]))
    assert b"You wrote the report" in page.content
    client.post(reverse("assessments:determination_approve", args=[determination.pk]))
    determination.refresh_from_db()
    assert determination.state == DeterminationState.RECOMMENDED


@pytest.mark.parametrize("action, data", [
    ("determination_approve", {"approve-comment": "Again."}),
    ("determination_return", {"return-comment": "Change it."}),
])
def test_an_approved_determination_cannot_be_changed_through_any_page(recommended, clients, users, make_user,
                                                                       action, data):
    services.determination_approve(determination=recommended, by=users["psa1"], comment="Approved.")
    before = Determination.objects.values().get(pk=recommended.pk)
    other_psa1 = _client_for(make_user("psa1.second", Role.PSA1))
    for client in (clients["psa1"], other_psa1):
        response = client.post(reverse(f"assessments:{action}", args=[recommended.pk]), data, follow=True)
        assert response.status_code == 200
        assert b"This determination has already been decided." in response.content
    assert Determination.objects.values().get(pk=recommended.pk) == before
    assert Determination.objects.count() == 1


# --- credible reports ------------------------------------------------------------------------


def test_credible_report_then_recommendation_and_approval(clients, country):
    response = clients["psa1"].post(reverse("assessments:credible_report_create"), {
        "country": country.iso3, "source_agency": "Department of State", "report_date": "2026-11-10",
        "summary": "Substantial security concerns at the main port."})
    report = CredibleReport.objects.get()
    assert response.status_code == 302
    page = clients["lant51"].get(reverse("assessments:credible_report_recommend", args=[report.pk]))
    assert page.context["form"].initial["basis"] == "c"
    clients["lant51"].post(reverse("assessments:credible_report_recommend", args=[report.pk]), {
        "outcome": Outcome.NOT_SUBSTANTIALLY, "basis": "c", "rationale": "Credible concerns.",
        "effective_date": "2027-02-01"})
    determination = Determination.objects.get()
    assert (determination.source, determination.credible_report) == ("credible_report", report)
    clients["psa1"].post(reverse("assessments:determination_approve", args=[determination.pk]))
    country.refresh_from_db()
    assert country.compliance_status == ComplianceStatus.NOT_SUBSTANTIALLY


def test_a_credible_report_without_a_summary_is_refused(clients, country):
    response = clients["lant51"].post(reverse("assessments:credible_report_create"), {
        "country": country.iso3, "source_agency": "DHS", "report_date": "2026-11-10"})
    assert "summary" in response.context["form"].errors
    assert not CredibleReport.objects.exists()


def test_only_lant51_recommends_from_a_credible_report(clients, users, country):
    report = services.credible_report_record(country=country, by=users["psa1"], source_agency="DHS",
                                             report_date=dt.date(2026, 11, 1), summary="Concerns.")
    url = reverse("assessments:credible_report_recommend", args=[report.pk])
    assert clients["psa1"].post(url, {**RECOMMENDATION}).status_code == 403
    # The report is on a country outside the IPSLO's portfolio: need to know.
    assert clients["ipslo"].get(url).status_code == 404
    assert not Determination.objects.exists()


# --- queue query counts ----------------------------------------------------------------------


def _waiting(n, *, users, nodes, checklist):
    for _ in range(n):
        country = CountryFactory(node=nodes["ACTEUR"])
        case = Assessment.objects.create(
            country=country, ipslo=users["ipslo"], checklist_template=checklist, created_by=users["lant51"],
            state=AssessmentState.ACCESS_DENIED, state_changed_at=timezone.now(),
        )
        report = CredibleReport.objects.create(country=country, source_agency="DHS", report_date=dt.date(2026, 11, 1),
                                               summary="Concerns.", recorded_by=users["psa1"])
        Determination.objects.create(
            country=country, source="credible_report", credible_report=report, outcome=Outcome.SUBSTANTIALLY,
            rationale="r", effective_date=dt.date(2027, 1, 2), recommended_by=users["lant51"],
            recommended_at=timezone.now(),
        )
        Determination.objects.create(
            country=country, source="access_denied", assessment=case, outcome=Outcome.NOT_SUBSTANTIALLY, basis="d",
            rationale="r", effective_date=dt.date(2027, 1, 2), recommended_by=users["lant51"],
            recommended_at=timezone.now(), state=DeterminationState.RETURNED, decided_by=users["psa1"],
            decided_at=timezone.now(), decision_comment="Redo.",
        )


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.parametrize("role, url_name, key", [
    ("lant51", "queue_review", "cases"), ("lant51", "queue_review", "returned"),
    ("psa1", "queue_decisions", "determinations"), ("psa1", "determinations", "page"),
])
def test_queues_run_the_same_number_of_queries_at_two_sizes(clients, users, nodes, checklist, role, url_name, key):
    url = reverse(f"assessments:{url_name}")
    _waiting(3, users=users, nodes=nodes, checklist=checklist)
    small, first = _queries(clients[role], url)
    _waiting(12, users=users, nodes=nodes, checklist=checklist)
    large, second = _queries(clients[role], url)
    assert small == large
    assert len(list(second.context[key])) > len(list(first.context[key]))
