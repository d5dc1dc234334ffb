"""PSA-1 types the password (and code) again before deciding when the last sign-in is older than
IPS_REAUTH_MAX_AGE_MINUTES: on the determination page and through the API with a session."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from assessments import services as assessment_services
from assessments.choices import DeterminationState, Outcome
from ips.accounts.constants import SESSION_PASSWORD_AT
from ips.reauth import reauthentication_needed
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401
from tests.ips.accounts.conftest import PASSWORD
from tests.two_factor import authenticator_for, code_for

pytestmark = pytest.mark.django_db

COMMENT = "Approved: the measures are effective."


@pytest.fixture
def recommended(case, users, leader):  # noqa: F811
    reviewed = drive_to(case, "under_review", users, leader=leader)
    return assessment_services.determination_recommend(
        assessment=reviewed, by=users["lant51"], outcome=Outcome.SUBSTANTIALLY, rationale="Effective measures.",
        effective_date=dt.date(2027, 4, 1),
    )


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def approve_url(determination) -> str:
    return reverse("assessments:determination_approve", args=[determination.pk])


def return_url(determination) -> str:
    return reverse("assessments:determination_return", args=[determination.pk])


def decided(determination) -> str:
    determination.refresh_from_db()
    return determination.state


def test_a_recent_sign_in_decides_at_once(client, users, recommended, clock):
    client.force_login(users["psa1"])
    clock.shift(dt.timedelta(minutes=14))

    response = client.post(approve_url(recommended), {"approve-comment": COMMENT})

    assert response.status_code == 302 and decided(recommended) == DeterminationState.APPROVED


def test_an_old_sign_in_confirms_first_and_keeps_what_was_typed(client, users, recommended, clock):
    psa1 = users["psa1"]
    client.force_login(psa1)
    clock.shift(dt.timedelta(minutes=16))
    page = reverse("assessments:determination", args=[recommended.pk])

    asked = client.post(approve_url(recommended), {"approve-comment": COMMENT}, HTTP_REFERER=f"http://testserver{page}")

    html = asked.content.decode()
    assert asked.status_code == 200 and "<h1>Confirm it is you</h1>" in html
    assert f'<form method="post" action="{approve_url(recommended)}"' in html
    assert f'<input type="hidden" name="approve-comment" value="{COMMENT}">' in html
    assert 'name="reauth_password"' in html and 'name="reauth_otp_token"' in html  # PSA-1 has an app
    assert f'href="http://testserver{page}">Cancel</a>' in html
    assert decided(recommended) == DeterminationState.RECOMMENDED

    confirmed = client.post(approve_url(recommended), {
        "approve-comment": COMMENT, "reauth_password": PASSWORD,
        "reauth_otp_token": code_for(authenticator_for(psa1)),
    })

    assert confirmed.status_code == 302 and confirmed["Location"] == page
    assert decided(recommended) == DeterminationState.APPROVED
    assert recommended.decision_comment == COMMENT
    assert client.session[SESSION_PASSWORD_AT] == int(timezone.now().timestamp())


def test_returning_is_confirmed_the_same_way(client, users, recommended, clock):
    psa1 = users["psa1"]
    client.force_login(psa1)
    clock.shift(dt.timedelta(minutes=30))
    why = "Explain the basis."

    assert b"Confirm it is you" in client.post(return_url(recommended), {"return-comment": why}).content
    client.post(return_url(recommended), {
        "return-comment": why, "reauth_password": PASSWORD, "reauth_otp_token": code_for(authenticator_for(psa1)),
    })

    assert decided(recommended) == DeterminationState.RETURNED


def test_a_wrong_password_or_code_decides_nothing(client, users, recommended, clock):
    psa1 = users["psa1"]
    client.force_login(psa1)
    clock.shift(dt.timedelta(minutes=16))

    wrong_password = client.post(approve_url(recommended), {
        "approve-comment": COMMENT, "reauth_password": "not-it", "reauth_otp_token": code_for(authenticator_for(psa1)),
    })
    assert wrong_password.status_code == 200 and b"That password is not right." in wrong_password.content
    assert f'value="{COMMENT}"'.encode() in wrong_password.content  # still carried
    right = code_for(authenticator_for(psa1))
    wrong_code = client.post(approve_url(recommended), {
        "approve-comment": COMMENT, "reauth_password": PASSWORD,
        "reauth_otp_token": f"{(int(right) + 1) % 1_000_000:06d}",
    })
    assert b"That code is not right" in wrong_code.content

    assert decided(recommended) == DeterminationState.RECOMMENDED
    assert AccessAttempt.objects.get(username=psa1.username).failures_since_start == 2


def test_repeated_wrong_passwords_lock_out_and_sign_out(client, users, recommended, clock):
    client.force_login(users["psa1"])
    clock.shift(dt.timedelta(minutes=16))
    answers = [
        client.post(approve_url(recommended), {"approve-comment": COMMENT, "reauth_password": "not-it"})
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [200] * 4 + [429]
    assert "_auth_user_id" not in client.session
    assert decided(recommended) == DeterminationState.RECOMMENDED


def test_the_api_with_a_session_asks_to_sign_in_again(client, users, recommended, clock):
    client.force_login(users["psa1"])
    clock.shift(dt.timedelta(minutes=16))
    url = f"/api/v1/determinations/{recommended.pk}/approve/"

    refused = client.post(url, {"comment": COMMENT}, content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "reauthentication_required"
    assert decided(recommended) == DeterminationState.RECOMMENDED
    client.force_login(users["psa1"])  # a fresh sign-in
    assert client.post(url, {"comment": COMMENT}, content_type="application/json").status_code == 200
    assert decided(recommended) == DeterminationState.APPROVED


def test_the_api_with_a_token_is_not_asked(client, users, recommended, clock):
    key = Token.objects.create(user=users["psa1"]).key
    url = f"/api/v1/determinations/{recommended.pk}/return/"
    response = client.post(url, {"comment": "Explain."}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and decided(recommended) == DeterminationState.RETURNED


def test_a_session_without_a_password_time_must_confirm(users, settings):
    request = RequestFactory().post("/")
    request.session = {}
    assert reauthentication_needed(request)
    request.session[SESSION_PASSWORD_AT] = int(timezone.now().timestamp()) - 60
    assert not reauthentication_needed(request)
    settings.IPS_REAUTH_MAX_AGE_MINUTES = 0
    assert reauthentication_needed(request)


def test_confirming_does_not_let_anyone_else_decide(client, users, recommended, clock):
    client.force_login(users["lant51"])
    clock.shift(dt.timedelta(minutes=16))
    url = f"/api/v1/determinations/{recommended.pk}/approve/"
    assert client.post(url, {}, content_type="application/json").json()["code"] == "reauthentication_required"

    client.force_login(users["lant51"])
    refused = client.post(url, {}, content_type="application/json")

    assert refused.status_code == 403 and refused.json()["code"] != "reauthentication_required"
    assert decided(recommended) == DeterminationState.RECOMMENDED
