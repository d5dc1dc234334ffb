import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.choices import FindingStatus
from assessments.models import Engagement

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


def _finding(case, by, title, **data):
    return services.finding_create(assessment=case, by=by, data={
        "title": title, "description": "Seen.", "method": "observation", "severity": "deficiency", **data})


@pytest.fixture
def findings(case, users):
    open_one = _finding(case, users["ipslo"], "Gate unguarded")
    closed = _finding(case, users["ipslo"], "Fence repaired")
    services.finding_set_status(finding=closed, by=users["ipslo"], status=FindingStatus.CLOSED)
    return {"open": open_one, "closed": closed}


@pytest.fixture
def engagement(case, users):
    return services.engagement_save(
        by=users["ipslo"], country=case.country,
        data={"kind": "liaison_visit", "title": "Liaison visit", "start_date": "2027-05-01", "summary": "Met the DA."},
    )


ENGAGEMENT = {"kind": "technical_assistance", "title": "Access control workshop", "start_date": "2027-06-01",
              "end_date": "2027-06-03", "participants": "USCG\nMARAD", "summary": "Trained PFSOs."}


@pytest.mark.parametrize(
    "role, listing, create, detail, edit",
    [
        ("psa1", 200, 403, 200, 403), ("lant51", 200, 200, 200, 200), ("ipslo", 200, 200, 200, 200),
        ("other_ipslo", 200, 200, 200, 403), ("viewer", 403, 403, 403, 403), ("anonymous", 302, 302, 302, 302),
    ],
)
def test_engagement_pages_by_role(engagement, clients, role, listing, create, detail, edit):
    client = clients[role]
    assert client.get(reverse("assessments:engagements")).status_code == listing
    assert client.get(reverse("assessments:engagement_create"), {"country": "XAX"}).status_code == create
    assert client.get(reverse("assessments:engagement", args=[engagement.pk])).status_code == detail
    assert client.get(reverse("assessments:engagement_edit", args=[engagement.pk])).status_code == edit
    response = client.post(reverse("assessments:engagement_edit", args=[engagement.pk]),
                           {**ENGAGEMENT, "version": engagement.version})
    assert response.status_code == (302 if edit == 200 else edit)
    engagement.refresh_from_db()
    assert (engagement.title == ENGAGEMENT["title"]) == (edit == 200)


def test_another_nodes_ipslo_is_sent_back_to_choose_one_of_their_countries(engagement, clients):
    page = clients["other_ipslo"].get(reverse("assessments:engagement_create"), {"country": "XAX"})
    assert page.context["unknown"] is True
    assert [c.iso3 for c in page.context["countries"]] == ["XBX"]
    response = clients["other_ipslo"].post(reverse("assessments:engagement_create") + "?country=XAX", ENGAGEMENT)
    assert response.status_code == 200
    assert Engagement.objects.count() == 1


def test_recording_an_engagement_linked_to_open_findings(clients, country, findings):
    form = clients["ipslo"].get(reverse("assessments:engagement_create"), {"country": "XAX"}).context["form"]
    offered = list(form.fields["findings"].queryset)
    assert offered == [findings["open"]]
    response = clients["ipslo"].post(reverse("assessments:engagement_create") + "?country=XAX", {
        **ENGAGEMENT, "findings": [findings["open"].pk]})
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert list(engagement.findings.all()) == [findings["open"]]
    assert engagement.country == country
    page = clients["lant51"].get(reverse("assessments:engagement", args=[engagement.pk]))
    assert b"Gate unguarded" in page.content


def test_a_closed_or_foreign_finding_cannot_be_linked(clients, findings, users, other_country, checklist):
    other_case = services.assessment_create(country=other_country, by=users["lant51"])
    foreign = _finding(other_case, users["lant51"], "Elsewhere")
    for pk in (findings["closed"].pk, foreign.pk):
        response = clients["ipslo"].post(reverse("assessments:engagement_create") + "?country=XAX", {
            **ENGAGEMENT, "findings": [pk]})
        assert response.status_code == 200
        assert "findings" in response.context["form"].errors
    assert not Engagement.objects.exists()


def test_an_end_date_before_the_start_is_refused_beside_the_field(clients, country, portfolio):
    response = clients["ipslo"].post(reverse("assessments:engagement_create") + "?country=XAX", {
        **ENGAGEMENT, "end_date": "2027-05-01"})
    assert response.context["form"].errors["end_date"] == ["The last day is before the first day."]
    assert b"Access control workshop" in response.content
    assert not Engagement.objects.exists()


def test_editing_an_engagement_keeps_findings_already_linked(clients, engagement, findings, users):
    engagement.findings.add(findings["open"])
    services.finding_set_status(finding=findings["open"], by=users["ipslo"], status=FindingStatus.CLOSED)
    response = clients["lant51"].post(reverse("assessments:engagement_edit", args=[engagement.pk]), {
        **ENGAGEMENT, "title": "Renamed", "findings": [findings["open"].pk], "version": engagement.version})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.title == "Renamed"
    assert list(engagement.findings.all()) == [findings["open"]]


def test_a_finding_of_a_case_the_user_may_not_see_is_not_named(clients, engagement, findings):
    engagement.findings.add(findings["open"])
    page = clients["other_ipslo"].get(reverse("assessments:engagement", args=[engagement.pk]))
    assert b"Gate unguarded" not in page.content
    assert b"restricted" in page.content
