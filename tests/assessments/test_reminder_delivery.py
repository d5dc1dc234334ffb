"""Each reminder reaches a person exactly once, by email too, across a mail server that goes down and
comes back and across runs that overlap; a run that cannot send says so and exits non-zero."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from assessments import tasks
from countries.services import portfolio_assign
from ips import notifications
from ips.models import Notification
from ips.notifications import EMAIL_CLAIM_TIMEOUT, EmailDeliveryFailed, Notice
from tests.factories import CountryFactory

pytest_plugins = ["tests.smtp_support"]
pytestmark = pytest.mark.django_db

RUN_ON = "2026-12-01"


@pytest.fixture
def overdue(users, nodes):
    """Eight countries never assessed, so overdue: six in the ACTEUR IPSLO's portfolio, two in the FEACT
    IPSLO's. (No checklist is loaded, so the planning job opens no case and each one is reminded.)"""
    made = []
    for n in range(6):
        made.append(CountryFactory(name=f"Acteurland {n}", node=nodes["ACTEUR"]))
        portfolio_assign(country=made[-1], ipslo=users["ipslo"], by=users["lant51"], on=dt.date(2026, 1, 5))
    for n in range(2):
        made.append(CountryFactory(name=f"Feactland {n}", node=nodes["FEACT"]))
        portfolio_assign(country=made[-1], ipslo=users["other_ipslo"], by=users["lant51"], on=dt.date(2026, 1, 5))
    return made


def run_jobs() -> str:
    out = io.StringIO()
    call_command("run_scheduled_jobs", "--date", RUN_ON, stdout=out)
    return out.getvalue()


def run_jobs_failing() -> str:
    with pytest.raises(CommandError) as failed:
        run_jobs()
    assert failed.value.returncode == 1  # manage.py (cron) exits 1 with the message on stderr
    return str(failed.value)


def test_mail_server_down_then_up_delivers_each_reminder_exactly_once(overdue, users, smtp_server):
    smtp_server.down()
    error = run_jobs_failing()
    assert "Reminders: 8 new notification(s); emails: 0 sent, 8 could not be sent: cannot reach the mail server at " \
        f"127.0.0.1:{smtp_server.port}: Connection refused" in error
    assert "stay queued for the next run" in error
    assert smtp_server.recipients() == []
    unsent = Notification.objects.all()
    assert unsent.count() == 8
    assert {(n.emailed_at, n.email_attempts, n.email_claim) for n in unsent} == {(None, 1, "")}
    assert all("Connection refused" in n.email_error for n in unsent)

    message = run_jobs_failing()  # still down: nothing new, the same eight fail again
    assert "0 new notification(s); emails: 0 sent, 8 could not be sent" in message
    assert set(Notification.objects.values_list("email_attempts", flat=True)) == {2}

    smtp_server.up()
    assert "Reminders: 0 new notification(s); emails: 8 sent." in run_jobs()
    assert sorted(smtp_server.recipients()) == sorted([users["ipslo"].email] * 6 + [users["other_ipslo"].email] * 2)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert set(Notification.objects.values_list("email_error", "email_claim")) == {("", "")}

    assert "emails: 0 sent." in run_jobs()  # and never again
    assert len(smtp_server.recipients()) == 8


def test_a_refused_recipient_is_reported_and_sent_by_a_later_run(overdue, users, smtp_server):
    smtp_server.inbox.refuse = {users["other_ipslo"].email}
    message = run_jobs_failing()
    assert "emails: 6 sent, 2 could not be sent: the mail server refused ipslo.feact@example.gov (550" in message
    assert smtp_server.recipients() == [users["ipslo"].email] * 6
    refused = Notification.objects.filter(emailed_at__isnull=True)
    assert set(refused.values_list("recipient__username", "email_attempts")) == {("ipslo.feact", 1)}

    smtp_server.inbox.refuse = set()
    assert "emails: 2 sent." in run_jobs()
    assert sorted(smtp_server.recipients()) == sorted([users["ipslo"].email] * 6 + [users["other_ipslo"].email] * 2)


def test_each_email_carries_the_reminder_and_its_link(overdue, users, smtp_server, settings):
    settings.IPS_SITE_URL = "https://ips.example.gov"
    run_jobs()
    content = {m.content.decode() for m in smtp_server.inbox.messages}
    first = next(text for text in content if "Acteurland 0" in text)
    assert "Subject: [IPS] Acteurland 0: never assessed, assessment due now" in first
    assert f"https://ips.example.gov/countries/{overdue[0].iso3}/" in first


def test_a_claim_left_by_a_run_that_died_is_taken_over_only_after_the_timeout(users, smtp_server):
    notifications.notify([Notice(users["ipslo"], "test", "test:claimed", "Claimed")], email=False)
    item = Notification.objects.get()
    Notification.objects.filter(pk=item.pk).update(email_claim="a" * 32, email_claimed_at=timezone.now())
    assert notifications.email_pending().sent == 0  # another run holds it and may be sending it right now
    assert smtp_server.recipients() == []

    Notification.objects.filter(pk=item.pk).update(
        email_claimed_at=timezone.now() - EMAIL_CLAIM_TIMEOUT - dt.timedelta(minutes=1))
    assert notifications.email_pending().sent == 1
    assert smtp_server.recipients() == [users["ipslo"].email]


def test_no_email_for_people_without_an_address_or_no_longer_active(users, smtp_server):
    users["viewer"].email = ""
    users["viewer"].save(update_fields=["email"])
    notifications.notify([Notice(users[name], "test", "test:once", "Hello") for name in ("viewer", "lant51")],
                         email=False)
    users["lant51"].is_active = False
    users["lant51"].save(update_fields=["is_active"])
    delivery = notifications.email_pending()
    assert (delivery.sent, delivery.failed) == (0, 0)
    assert smtp_server.recipients() == []


def test_the_celery_task_fails_for_a_retry_rather_than_reporting_success(overdue, users, smtp_server):
    assert EmailDeliveryFailed in tasks.send_deadline_reminders.autoretry_for
    smtp_server.down()
    with pytest.raises(EmailDeliveryFailed) as failed:
        tasks.send_deadline_reminders.run(on=RUN_ON)
    assert failed.value.delivery.failed == 8 and "cannot reach the mail server" in str(failed.value)

    smtp_server.up()
    assert tasks.send_deadline_reminders.run(on=RUN_ON) == {"created": 0, "emailed": 8}
    assert len(smtp_server.recipients()) == 8


# --- overlapping runs --------------------------------------------------------------------------------


def _together(*works):
    """Run ``works`` in threads released at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(works))
    outcomes = [None] * len(works)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = ("ok", work())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections writing at once (PostgreSQL)")
def test_overlapping_sending_runs_deliver_each_email_once(users, make_user, smtp_server):
    people = [make_user(f"staff{n}") for n in range(8)]
    notifications.notify([Notice(person, "test", f"test:{k}", f"Reminder {k} for {person.username}")
                          for person in people for k in range(5)], email=False)
    smtp_server.inbox.delay = 0.01  # each email takes a moment, so that the runs really overlap

    outcomes = _together(*(lambda: notifications.email_pending(batch_size=4) for _ in range(3)))

    assert [kind for kind, _ in outcomes] == ["ok", "ok", "ok"], outcomes
    deliveries = [delivery for _, delivery in outcomes]
    assert sum(d.sent for d in deliveries) == 40 and sum(d.failed for d in deliveries) == 0
    subjects = [line for m in smtp_server.inbox.messages for line in m.content.decode().splitlines()
                if line.startswith("Subject:")]
    assert len(subjects) == 40 and len(set(subjects)) == 40  # every reminder once, none twice
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections writing at once (PostgreSQL)")
def test_two_reminder_jobs_at_the_same_moment_remind_and_email_each_person_once(overdue, users, smtp_server):
    smtp_server.inbox.delay = 0.02
    outcomes = _together(run_jobs, run_jobs)

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert Notification.objects.count() == 8
    assert sorted(smtp_server.recipients()) == sorted([users["ipslo"].email] * 6 + [users["other_ipslo"].email] * 2)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
