"""The live schema, exercised by schemathesis against the WSGI app: no server error, every answer as
documented. Bounded: 10 examples per operation, no shrinking, as LANT-51 by token."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from ips.wsgi import application
from tests.api.conftest import drive_to


@pytest.fixture
def auth(users):
    return {"Authorization": f"Token {Token.objects.get_or_create(user=users['lant51'])[0].key}"}


@pytest.fixture
def keep_connection():
    """Serve the WSGI app in the test's transaction, as Django's test client does: requests must not
    close the database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(case, users, auth, keep_connection):
    drive_to(case, "preparing", users)  # a case with facilities, a team and history to read
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, headers=auth)


SETTINGS = settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck), database=None)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_api_answers_as_its_schema_says(api_schema, auth):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 13
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def exercise(case):
            case.call_and_validate(headers=auth, checks=CHECKS)

        exercise()
