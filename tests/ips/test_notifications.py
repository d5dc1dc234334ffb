"""The notifications page: one's own notifications only, newest first, unread highlighted, marked read
one by one or all at once; the unread count in the navigation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ips.models import Notification

pytestmark = pytest.mark.django_db
LIST = reverse("notifications")


def _notify(user, n, *, read=False, url="/countries/", minutes_ago=0):
    item = Notification.objects.create(recipient=user, kind="test", key=f"test:{user.pk}:{n}", title=f"Reminder {n}",
                                       body=f"Body {n}", url=url, read_at=timezone.now() if read else None)
    Notification.objects.filter(pk=item.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return item


@pytest.fixture
def inbox(users):
    ipslo = users["ipslo"]
    return {
        "old": _notify(ipslo, 1, minutes_ago=30),
        "read": _notify(ipslo, 2, read=True, minutes_ago=20),
        "new": _notify(ipslo, 3, minutes_ago=10),
        "theirs": _notify(users["other_ipslo"], 4),
    }


def test_list_shows_only_my_notifications_newest_first_with_unread_highlighted(client, users, inbox):
    client.force_login(users["ipslo"])
    response = client.get(LIST)
    assert response.status_code == 200
    items = list(response.context["page"].object_list)
    assert [n.title for n in items] == ["Reminder 3", "Reminder 2", "Reminder 1"]
    html = response.content.decode()
    assert "Reminder 4" not in html
    assert html.count("ips-notification--unread") == 2
    assert f'id="notification-{inbox["read"].pk}"' in html
    assert '<a class="usa-link" href="/countries/">Reminder 3</a>' in html  # links to what it is about


def test_navigation_shows_the_unread_count(client, users, inbox):
    client.force_login(users["ipslo"])
    labels = {label for _, label in client.get(reverse("home")).context["nav_links"]}
    assert "Notifications (2)" in labels
    client.post(reverse("notifications_read_all"))
    labels = {label for _, label in client.get(reverse("home")).context["nav_links"]}
    assert "Notifications" in labels and not any(label.startswith("Notifications (") for label in labels)


def test_mark_one_read(client, users, inbox):
    client.force_login(users["ipslo"])
    response = client.post(reverse("notification_read", kwargs={"pk": inbox["old"].pk}), {"page": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?page=1"
    inbox["old"].refresh_from_db()
    inbox["new"].refresh_from_db()
    assert inbox["old"].read_at is not None
    assert inbox["new"].read_at is None


def test_open_and_mark_read_goes_to_the_thing_it_is_about(client, users, inbox):
    client.force_login(users["ipslo"])
    response = client.post(reverse("notification_read", kwargs={"pk": inbox["new"].pk}), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/countries/"
    inbox["new"].refresh_from_db()
    assert inbox["new"].read_at is not None


def test_a_link_off_the_site_is_never_followed_or_shown(client, users):
    item = _notify(users["ipslo"], 9, url="https://elsewhere.example.com/phish")
    client.force_login(users["ipslo"])
    assert "elsewhere.example.com" not in client.get(LIST).content.decode()
    response = client.post(reverse("notification_read", kwargs={"pk": item.pk}), {"open": "1"})
    assert response["Location"] == LIST


def test_another_users_notification_is_a_404_and_stays_unread(client, users, inbox):
    client.force_login(users["ipslo"])
    response = client.post(reverse("notification_read", kwargs={"pk": inbox["theirs"].pk}))
    assert response.status_code == 404
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_mark_all_read_touches_only_my_notifications(client, users, inbox):
    client.force_login(users["ipslo"])
    response = client.post(reverse("notifications_read_all"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=users["ipslo"], read_at__isnull=True).exists()
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_marking_read_needs_post(client, users, inbox):
    client.force_login(users["ipslo"])
    assert client.get(reverse("notification_read", kwargs={"pk": inbox["old"].pk})).status_code == 405
    assert client.get(reverse("notifications_read_all")).status_code == 405
    inbox["old"].refresh_from_db()
    assert inbox["old"].read_at is None


def test_notifications_need_signing_in(client, inbox):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


def test_an_empty_list_says_so(client, users):
    client.force_login(users["viewer"])
    response = client.get(LIST)
    assert "You have no notifications." in response.content.decode()
