"""A workflow step taken again (a second click, a second person, a form sent twice) is refused with 409
"The case is already in that state.", on the page and in the API; its comment is not silently dropped."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import services
from assessments.choices import AssessmentState
from assessments.models import Transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified_ready(case, users):
    services.assessment_update_plan(assessment=case, by=users["ipslo"], data={
        "informal_notice_on": dt.date(2026, 11, 20), "visit_request_sent_on": dt.date(2026, 12, 1)})
    return case


def test_the_same_step_twice_on_the_page_is_a_409_that_shows_the_comment(notified_ready, users):
    case = notified_ready
    client = Client()
    client.force_login(users["ipslo"])
    url = reverse("assessments:transition", args=[case.pk, "notify"])
    assert client.post(url, {"comment": "Letter sent by pouch."}).status_code == 302

    again = client.post(url, {"comment": "Sent through the embassy on Tuesday."})

    assert again.status_code == 409
    page = again.content.decode()
    assert "The case is already in that state." in page
    assert "<code data-reason-code>already_in_state</code>" in page
    assert "Your comment was not recorded" in page and "Sent through the embassy on Tuesday." in page
    assert list(Transition.objects.filter(assessment=case).values_list("comment", flat=True)) == [
        "Letter sent by pouch."]


def test_the_same_step_twice_in_the_api_is_a_409(notified_ready, users):
    case = notified_ready
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=users['lant51'])[0].key}")
    url = f"/api/v1/assessments/{case.pk}/transitions/notify/"
    assert api.post(url, {"comment": "First."}, format="json").status_code == 200

    again = api.post(url, {"comment": "Second."}, format="json")

    assert again.status_code == 409
    assert again.json() == {"detail": "The case is already in that state.", "code": "already_in_state", "errors": {}}
    case.refresh_from_db()
    assert case.state == AssessmentState.NOTIFIED
    assert Transition.objects.filter(assessment=case).count() == 1


def test_a_step_back_to_a_state_the_move_also_leaves_from_is_not_mistaken_for_a_repeat(case, users):
    # "postpone" leads to postponed; resuming and postponing again is a real second step, not a repeat.
    services.assessment_transition(assessment=case, name="postpone", by=users["ipslo"], comment="Elections.")
    services.assessment_transition(assessment=case, name="resume", by=users["ipslo"])
    services.assessment_transition(assessment=case, name="postpone", by=users["ipslo"], comment="Again.")
    assert Transition.objects.filter(assessment=case, name="postpone").count() == 2
