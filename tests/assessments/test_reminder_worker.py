"""End to end: the reminders job on a real Celery worker (Redis broker, the PostgreSQL test database) with
a real SMTP server. While the mail server is down the task is retried, never reported a success; once it
is back, every reminder is emailed once."""

import datetime as dt

import pytest
from celery.result import AsyncResult

from assessments import tasks
from countries.services import portfolio_assign
from ips.models import Notification
from tests.factories import CountryFactory

pytest_plugins = ["tests.celery_support", "tests.smtp_support"]
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_env(smtp_server):
    return {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}"}


def test_the_worker_retries_while_the_mail_server_is_down_and_then_emails_once(
    celery_worker_process, smtp_server, users, nodes
):
    for n in range(3):
        country = CountryFactory(name=f"Neverland {n}", node=nodes["ACTEUR"])
        portfolio_assign(country=country, ipslo=users["ipslo"], by=users["lant51"], on=dt.date(2026, 1, 5))
    smtp_server.down()

    failing = tasks.send_deadline_reminders.delay("2026-12-01")
    celery_worker_process.wait_for(lambda: AsyncResult(failing.id).state == "RETRY")
    unsent = Notification.objects.filter(emailed_at__isnull=True)
    assert unsent.count() == 3 and all(n.email_attempts >= 1 and n.email_error for n in unsent)
    assert smtp_server.recipients() == []

    smtp_server.up()
    outcome = tasks.send_deadline_reminders.delay("2026-12-01").get(timeout=celery_worker_process.timeout)
    assert outcome == {"created": 0, "emailed": 3}
    assert smtp_server.recipients() == [users["ipslo"].email] * 3
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
