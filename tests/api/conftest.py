import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from advisories import services as advisory_services
from ips.api import services as api_services
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401

ADVISORY_TEXTS = {
    "title": "Conditions of entry for vessels arriving from ports without effective measures",
    "section_a": "Background.", "section_b": "Countries affected.", "section_c": "Vessel actions.",
    "section_d": "Actions on arrival.", "section_e": "Other information.", "effective_date": dt.date(2026, 7, 1),
}


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    """Throttle counters live in the cache: every test starts with none."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_for(db):
    """An APIClient that sends ``Authorization: Token <key>`` for ``user``."""

    def make(user) -> APIClient:
        key = Token.objects.get_or_create(user=user)[0].key
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def api_client_account(users):
    return api_services.api_client_create(username="cbp-targeting", name="CBP targeting", by=users["lant51"])


@pytest.fixture
def role_users(users, api_client_account):
    return {**users, "api_client": api_client_account}


def publish_advisory(by, listed):
    """An advisory in force listing ``listed`` countries."""
    draft = advisory_services.advisory_draft_start(by=by)
    advisory_services.advisory_draft_update(advisory=draft, by=by, data=dict(ADVISORY_TEXTS))
    for country in listed:
        advisory_services.advisory_listing_add(advisory=draft, by=by, country=country)
    return advisory_services.advisory_publish(advisory=draft, by=by)
