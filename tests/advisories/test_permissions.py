"""Who may open which staff page and take which step; the public pages are open to everyone."""

import datetime as dt

import pytest
from django.urls import reverse

from advisories import services
from advisories.choices import AdvisoryStatus, Recommendation, RequestState
from advisories.models import ListingProposal, PortSecurityAdvisory, SeparateConsiderationRequest
from assessments.choices import Outcome
from tests.advisories.conftest import TEXTS, approve, publish_revision, receive

pytestmark = pytest.mark.django_db

WHO = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "anonymous")


@pytest.fixture
def world(users, portfolio, facility):
    """An advisory in force, a complete draft, an open proposal, and a request reviewed by LANT-51."""
    country = portfolio["country"]
    approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=dt.date(2026, 1, 1))
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    in_force = publish_revision(users["psa1"])
    approve(portfolio["other_country"], Outcome.NOT_SUBSTANTIALLY, users)
    draft = services.advisory_draft_start(by=users["psa1"])
    services.advisory_draft_update(advisory=draft, by=users["psa1"], data={**TEXTS, "effective_date":
                                                                         dt.date(2026, 9, 1)})
    request = receive(facility, users["lant51"])
    services.separate_consideration_review(request=request, by=users["lant51"], recommendation=Recommendation.ACCEPT,
                                           notes="Sound plan.")
    return {"in_force": in_force, "draft": draft, "request": request, "proposal": ListingProposal.objects.get(
        state="open"), "determination": ListingProposal.objects.get(state="accepted").determination}


def _people(users):
    return {**users, "anonymous": None}


def _version(advisory) -> int:
    """The version of the advisory as saved now: what a page loaded now would send."""
    return PortSecurityAdvisory.objects.get(pk=advisory.pk).version


def _call(client, user, method, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


ANY_ROLE = {"psa1": 200, "lant51": 200, "ipslo": 200, "other_ipslo": 200, "viewer": 200, "norole": 403,
            "anonymous": 302}
MANAGERS = {"psa1": 200, "lant51": 200, "ipslo": 403, "other_ipslo": 403, "viewer": 403, "norole": 403,
            "anonymous": 302}
DRAFT_READERS = {"psa1": 200, "lant51": 200, "ipslo": 404, "other_ipslo": 404, "viewer": 404, "norole": 403,
                 "anonymous": 302}
PSA1_ON_DRAFT = {**DRAFT_READERS, "lant51": 403}
PSA1_ONLY = {"psa1": 200, "lant51": 403, "ipslo": 403, "other_ipslo": 403, "viewer": 403, "norole": 403,
             "anonymous": 302}
REQUEST_READERS = {"psa1": 200, "lant51": 200, "ipslo": 200, "other_ipslo": 404, "viewer": 403, "norole": 403,
                   "anonymous": 302}
REQUEST_LIST = {**REQUEST_READERS, "other_ipslo": 200}
REQUEST_LOGGERS = {"psa1": 403, "lant51": 200, "ipslo": 200, "other_ipslo": 200, "viewer": 403, "norole": 403,
                   "anonymous": 302}

PAGES = {
    "list": (lambda w: reverse("advisories:list"), ANY_ROLE),
    "in_force": (lambda w: reverse("advisories:detail", args=[w["in_force"].pk]), ANY_ROLE),
    "draft": (lambda w: reverse("advisories:detail", args=[w["draft"].pk]), DRAFT_READERS),
    "edit": (lambda w: reverse("advisories:edit", args=[w["draft"].pk]), PSA1_ON_DRAFT),
    "correct": (lambda w: reverse("advisories:correct", args=[w["in_force"].pk]), PSA1_ONLY),
    "proposals": (lambda w: reverse("advisories:proposals"), MANAGERS),
    "escalations": (lambda w: reverse("advisories:escalations"), MANAGERS),
    "escalation_form": (lambda w: reverse("advisories:escalation_record", args=[w["determination"].pk]),
                        {**PSA1_ONLY, "lant51": 403}),
    "requests": (lambda w: reverse("advisories:requests"), REQUEST_LIST),
    "request": (lambda w: reverse("advisories:request", args=[w["request"].pk]), REQUEST_READERS),
    "request_plan": (lambda w: reverse("advisories:request_file", args=[w["request"].pk, "plan"]), REQUEST_READERS),
    "request_report": (lambda w: reverse("advisories:request_file", args=[w["request"].pk, "report"]),
                       REQUEST_READERS),
    "request_new": (lambda w: reverse("advisories:request_new"), REQUEST_LOGGERS),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_staff_page_matrix(client, users, world, page, who):
    url, expected = PAGES[page]
    assert _call(client, _people(users).get(who), "get", url(world)) == expected[who]


@pytest.mark.parametrize("who", WHO)
def test_only_psa1_publishes(client, users, world, who):
    status = _call(client, _people(users).get(who), "post", reverse("advisories:publish", args=[world["draft"].pk]),
                   {"version": _version(world["draft"])})
    published = PortSecurityAdvisory.objects.get(pk=world["draft"].pk).status == AdvisoryStatus.IN_FORCE
    assert status == {**PSA1_ON_DRAFT, "psa1": 302}[who]
    assert published is (who == "psa1")
    assert PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE).count() == 1


@pytest.mark.parametrize("who", WHO)
def test_only_psa1_starts_a_draft(client, users, world, who):
    services.advisory_draft_discard(advisory=world["draft"], by=users["psa1"])
    status = _call(client, _people(users).get(who), "post", reverse("advisories:draft_start"))
    assert status == {**PSA1_ONLY, "psa1": 302}[who]
    assert PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).exists() is (who == "psa1")


@pytest.mark.parametrize("who", WHO)
def test_only_psa1_edits_the_draft(client, users, world, who):
    url = reverse("advisories:edit", args=[world["draft"].pk])
    status = _call(client, _people(users).get(who), "post", url, {**TEXTS, "title": "Changed title",
                                                                  "effective_date": "2026-09-01",
                                                                  "version": _version(world["draft"])})
    assert status == {**PSA1_ON_DRAFT, "psa1": 302}[who]
    assert (PortSecurityAdvisory.objects.get(pk=world["draft"].pk).title == "Changed title") is (who == "psa1")


@pytest.mark.parametrize("who", WHO)
def test_only_psa1_re_releases(client, users, world, who):
    url = reverse("advisories:correct", args=[world["in_force"].pk])
    status = _call(client, _people(users).get(who), "post", url, {
        "section": "A", "text": "Corrected.", "effective_date": "2026-10-22", "note": "Correction in Section A.",
        "version": _version(world["in_force"])})
    assert status == {**PSA1_ONLY, "psa1": 302}[who]
    assert world["in_force"].releases.count() == (2 if who == "psa1" else 1)


@pytest.mark.parametrize("who", WHO)
def test_only_psa1_decides_a_proposal(client, users, world, who):
    url = reverse("advisories:proposal_decide", args=[world["proposal"].pk])
    status = _call(client, _people(users).get(who), "post", url, {"decision": "accept"})
    assert status == {**MANAGERS, "psa1": 302, "lant51": 403}[who]
    assert (ListingProposal.objects.get(pk=world["proposal"].pk).state == "accepted") is (who == "psa1")


@pytest.mark.parametrize("who", WHO)
def test_only_lant51_reviews_a_request(client, users, world, who):
    url = reverse("advisories:request_review", args=[world["request"].pk])
    status = _call(client, _people(users).get(who), "post", url, {
        "review-recommendation": Recommendation.REFUSE, "review-notes": "Second look."})
    assert status == {**REQUEST_READERS, "psa1": 403, "ipslo": 403, "lant51": 302}[who]
    request = SeparateConsiderationRequest.objects.get(pk=world["request"].pk)
    assert (request.recommendation == Recommendation.REFUSE) is (who == "lant51")


@pytest.mark.parametrize("who", WHO)
def test_only_psa1_decides_a_request(client, users, world, who):
    url = reverse("advisories:request_decide", args=[world["request"].pk])
    status = _call(client, _people(users).get(who), "post", url, {"decide-decision": "accept",
                                                                  "decide-reasons": "Acceptable."})
    assert status == {**REQUEST_READERS, "lant51": 403, "ipslo": 403, "psa1": 302}[who]
    request = SeparateConsiderationRequest.objects.get(pk=world["request"].pk)
    assert (request.state == RequestState.ACCEPTED) is (who == "psa1")


@pytest.mark.parametrize("who", WHO)
def test_public_pages_are_open_to_everyone(client, users, world, who):
    number = PortSecurityAdvisory.objects.get(pk=world["in_force"].pk).number
    for url in (reverse("advisories_public:index"), reverse("advisories_public:advisory", args=[number]),
                reverse("advisories_public:json"), reverse("advisories_public:feed")):
        assert _call(client, _people(users).get(who), "get", url) == 200, url


def test_a_draft_has_no_public_page(client, world):
    assert client.get(reverse("advisories_public:advisory", args=["9-99"])).status_code == 404
    assert client.get(reverse("advisories_public:advisory", args=["draft"])).status_code == 404
