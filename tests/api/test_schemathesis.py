"""The live schema, exercised by schemathesis against the WSGI app: no server error, every answer as
documented. Bounded: 10 examples per operation, no shrinking, as LANT-51 by token."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from ips.wsgi import application
from tests.api.conftest import drive_to

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def auth(users):
    return {"Authorization": f"Token {Token.objects.get_or_create(user=users['lant51'])[0].key}"}


@pytest.fixture
def api_schema(case, users, auth):
    drive_to(case, "preparing", users)  # a case with facilities, a team and history to read
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, headers=auth)


@schema.parametrize()
@settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_answers_as_its_schema_says(case, auth):
    case.call_and_validate(
        headers=auth, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
    )
