"""The whole API against its own schema (schemathesis): a county caseworker's token, with a registered case to find,
sends whatever the schema allows and a little outside it to every operation — the answer is a clear 4xx or a
success, never a 500. Bounded: a few examples per operation (the settings API has its own, deeper run in
tests/rules/test_api_fuzz.py)."""

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from xinfang.org.services import api_client_create

pytestmark = pytest.mark.django_db

DOCUMENT = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
schema = schemathesis.openapi.from_dict(DOCUMENT).exclude(path_regex="^/api/v1/rules/")
schema.app = get_wsgi_application()
# Bounded: the examples Hypothesis draws (max_examples below), not the coverage phase's two hundred per operation.
schema.config.phases.coverage.enabled = False


@pytest.fixture
def caseworker_token(system_admin, county, case):
    """A read-write token of the county's caseworker role, issued as the product issues them. The connection stays
    open between requests, as with Django's test client: the test's transaction holds the data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    issued = api_client_create(actor=system_admin, name="fuzz", unit=county.bureau, roles=["caseworker"],
                               expires_at=timezone.now() + timedelta(days=1), scope="write")
    yield issued.token, case.pk
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_operation_answers_with_a_server_error(case, caseworker_token):
    token, case_id = caseworker_token
    if case.path_parameters and "id" in case.path_parameters and case.path.startswith("/api/v1/cases/"):
        case.path_parameters["id"] = case_id  # the registered case, so a step's input is read, not just its id
    response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
    assert response.status_code < 500
