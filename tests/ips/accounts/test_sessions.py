"""Sessions end after a while without activity, and when the browser closes."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from ips.accounts.constants import SESSION_LAST_ACTIVITY
from tests.ips.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LOGIN = reverse("login")


def stored_activity(client) -> int:
    """The last activity as saved in the database (not as the client last saw it)."""
    return SessionStore(session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value)[SESSION_LAST_ACTIVITY]


def test_a_session_ends_after_30_idle_minutes_with_a_message(client, users):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, users["viewer"].username)
        assert client.get(HOME).status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))

        response = client.get(reverse("countries:list"))

        assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=%2Fcountries%2F"
        page = client.get(response["Location"])
    assert b"You were signed out after 30 minutes without activity." in page.content
    assert b"<h1>Sign in</h1>" in page.content
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_and_is_saved_at_most_once_a_minute(client, users):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, users["viewer"].username)
        first = stored_activity(client)
        clock.shift(dt.timedelta(seconds=40))
        assert client.get(HOME).status_code == 200
        assert stored_activity(client) == first  # not written again within the minute
        clock.shift(dt.timedelta(seconds=30))
        client.get(HOME)
        assert stored_activity(client) == first + 70
        for _ in range(3):  # an hour and a half of work, a request every 25 minutes
            clock.shift(dt.timedelta(minutes=25))
            assert client.get(HOME).status_code == 200


def test_the_idle_time_is_a_setting(client, users, settings):
    settings.IPS_SESSION_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, users["viewer"].username)
        clock.shift(dt.timedelta(minutes=4))
        assert client.get(HOME).status_code == 200
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        page = client.get(HOME, follow=True)
    assert b"You were signed out after 5 minutes without activity." in page.content


def test_an_idle_htmx_request_sends_the_whole_page_to_sign_in(client, users):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(users["viewer"])
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("countries:list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].startswith(LOGIN)


def test_an_idle_api_session_is_refused_not_redirected(client, users):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(users["viewer"])
        assert client.get("/api/v1/countries/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/api/v1/countries/")
    assert response.status_code in (401, 403) and response.json()["code"] == "not_authenticated"


def test_the_session_cookie_ends_with_the_browser(client, users):
    response = sign_in(client, users["viewer"].username)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True
