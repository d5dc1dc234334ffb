"""The requesting user's own notifications over REST; anyone else's is a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ips.models import Notification

pytestmark = pytest.mark.django_db

ROLES = ["psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "api_client"]


def make_notes(user, n, start=0):
    return [Notification.objects.create(recipient=user, kind="reminder", key=f"k:{user.pk}:{i}",
                                        title=f"Reminder {i}", body="Due soon.", url="/assessments/")
            for i in range(start, start + n)]


@pytest.mark.parametrize("who", ROLES)
def test_each_role_lists_only_its_own_notifications(role_users, token_for, who):
    mine = make_notes(role_users[who], 2)
    other = role_users["viewer"] if who != "viewer" else role_users["psa1"]
    theirs = make_notes(other, 1)
    client = token_for(role_users[who])
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [n.pk for n in reversed(mine)]
    assert client.get(f"/api/v1/notifications/{mine[0].pk}/").status_code == 200
    assert client.get(f"/api/v1/notifications/{theirs[0].pk}/").status_code == 404


@pytest.mark.parametrize("who", ["psa1", "ipslo", "viewer", "norole"])
def test_marking_one_read(role_users, token_for, who):
    note, untouched = make_notes(role_users[who], 2)
    response = token_for(role_users[who]).post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True and response.json()["read_at"]
    note.refresh_from_db()
    untouched.refresh_from_db()
    assert note.read_at is not None and untouched.read_at is None


def test_another_users_notification_is_404_and_stays_unread(users, token_for):
    (theirs,) = make_notes(users["viewer"], 1)
    response = token_for(users["psa1"]).post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_the_users_own_unread(users, token_for):
    make_notes(users["ipslo"], 3)
    (theirs,) = make_notes(users["viewer"], 1)
    client = token_for(users["ipslo"])
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 3}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert not Notification.objects.filter(recipient=users["ipslo"], read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_client_may_read_but_not_mark(role_users, token_for):
    account = role_users["api_client"]
    (note,) = make_notes(account, 1)
    client = token_for(account)
    assert client.get("/api/v1/notifications/").status_code == 200
    assert client.post(f"/api/v1/notifications/{note.pk}/read/").status_code == 403
    assert client.post("/api/v1/notifications/read-all/").status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_anonymous_gets_401(users):
    from rest_framework.test import APIClient

    (note,) = make_notes(users["viewer"], 1)
    client = APIClient()
    assert client.get("/api/v1/notifications/").status_code == 401
    assert client.post(f"/api/v1/notifications/{note.pk}/read/").status_code == 401


def test_list_query_count_does_not_grow_with_rows(users, token_for):
    client = token_for(users["viewer"])
    make_notes(users["viewer"], 2)
    client.get("/api/v1/notifications/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/notifications/").json()["count"] == 2
    make_notes(users["viewer"], 30, start=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/notifications/").json()["count"] == 32
    assert len(large) == len(small)
