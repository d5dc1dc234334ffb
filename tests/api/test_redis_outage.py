"""Redis down does not take the site down: the cache and the request throttle fail open, the status API
and the public advisory keep answering 200, PSA-1's approval succeeds (its letter job waits in the
outbox), and the outage is logged once per burst, not once per request. The Redis here is a
redis-server of each test, stopped mid-test; the machine's shared one is never touched."""

import logging
import time

import pytest
import redis

from assessments.choices import DeterminationState, Outcome
from ips import outages
from ips.api.throttling import AccountRateThrottle
from ips.jobs.choices import OutboxState
from ips.jobs.models import OutboxJob
from tests.correspondence.conftest import country_contacts, decide  # noqa: F401

pytest_plugins = ["tests.celery_support"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_burst_log():
    """Each test starts a burst of its own."""
    for log_filter in logging.getLogger(outages.LOGGER_NAME).filters:
        if isinstance(log_filter, outages.OncePerBurst):
            log_filter.reset()


@pytest.fixture
def cache_on(settings, private_redis):
    """The cache configured as in production (django-redis, failing open), on the test's own Redis."""
    production = settings.CACHES["default"]
    if production["BACKEND"] != "django_redis.cache.RedisCache":
        pytest.skip("REDIS_URL is not set: the cache is in-process")
    settings.CACHES = {"default": {**production, "LOCATION": private_redis.url}}
    return private_redis


def _redis_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == outages.LOGGER_NAME]


def test_the_status_api_and_the_public_advisory_answer_while_redis_is_down(
        cache_on, token_for, api_client_account, country, caplog):
    client = token_for(api_client_account)
    assert client.get("/api/v1/countries/XAX/").status_code == 200
    assert redis.Redis.from_url(cache_on.url).dbsize() > 0  # the throttle's counter lives in this Redis
    cache_on.stop()

    caplog.set_level(logging.WARNING)
    began = time.monotonic()
    answers = [client.get("/api/v1/countries/XAX/").status_code for _ in range(3)]
    answers += [client.get("/public/advisories.json").status_code, client.get("/public/advisories/").status_code,
                client.get("/api/v1/countries/").status_code]
    assert answers == [200] * 6
    assert time.monotonic() - began < 10
    assert len(_redis_records(caplog)) == 1  # one report for the whole burst

    cache_on.start()
    assert client.get("/api/v1/countries/XAX/").status_code == 200
    assert redis.Redis.from_url(cache_on.url).dbsize() > 0  # counting again


def test_an_api_approval_with_the_broker_down_succeeds_and_its_letter_job_waits(
        case, decide, users, token_for, broker_at, closed_port, django_capture_on_commit_callbacks):  # noqa: F811
    determination = decide(case, outcome=Outcome.MINIMALLY, approve=False)
    with broker_at(f"redis://127.0.0.1:{closed_port}/0"), django_capture_on_commit_callbacks(execute=True):
        began = time.monotonic()
        response = token_for(users["psa1"]).post(f"/api/v1/determinations/{determination.pk}/approve/",
                                                 {"comment": "Agreed."}, format="json")
        assert time.monotonic() - began < 10
    assert response.status_code == 200 and response.json()["state"] == DeterminationState.APPROVED
    job = OutboxJob.objects.get(dedupe_key=f"determination_letter:{determination.pk}")
    assert job.state == OutboxState.PENDING and "Connection refused" in job.last_error


def test_the_throttle_lets_requests_through_when_its_cache_cannot_be_reached(
        monkeypatch, token_for, api_client_account, country, caplog, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_client": "1/min", "user": "1/min", "anon": "1/min"}}

    def unreachable(*args, **kwargs):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(AccountRateThrottle.cache, "get", unreachable)
    caplog.set_level(logging.WARNING)
    client = token_for(api_client_account)
    assert [client.get("/api/v1/countries/XAX/").status_code for _ in range(3)] == [200, 200, 200]
    assert [record.getMessage() for record in _redis_records(caplog)] == [
        "Request throttling skipped: the cache is unreachable (ConnectionError)"]


def test_the_burst_filter_reports_the_first_failure_then_again_after_a_quiet_spell(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(outages.time, "monotonic", lambda: clock[0])
    burst = outages.OncePerBurst(quiet_seconds=60, repeat_seconds=600)
    record = logging.makeLogRecord({"name": outages.LOGGER_NAME, "msg": "Exception ignored"})

    def passes(after: float) -> bool:
        clock[0] += after
        return burst.filter(record)

    assert passes(0) is True
    assert [passes(10) for _ in range(5)] == [False] * 5  # the same burst
    assert passes(59) is False
    assert passes(61) is True  # a quiet minute: a new burst
    assert [passes(30) for _ in range(19)] == [False] * 19
    assert passes(30) is True  # a burst that goes on is reported again every ten minutes
