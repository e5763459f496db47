"""Generated input for the county-rules API (schemathesis, from the OpenAPI schema): whatever a client sends in the
shape the schema allows, or a little outside it, the answer is a clear 4xx or a success — never a 500."""

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

from xinfang.org.models import ApiClient
from xinfang.org.services import hash_api_token
from xinfang.rules.services import rules_save

pytestmark = pytest.mark.django_db

TOKEN = "rules-fuzz-token-not-a-secret-0000000000"  # noqa: S105 - a test's own token

# The product's own schema, as /api/schema/ serves it, limited to the rules operations and called in-process.
DOCUMENT = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
schema = schemathesis.openapi.from_dict(DOCUMENT).include(path_regex="^/api/v1/rules/")
schema.app = get_wsgi_application()


@pytest.fixture
def admin_token(county_admin):
    """A token that acts as the county admin (the product issues API clients only below admin; the test arranges
    one directly to reach every write of the rules API). As Django's test client does, the connection stays open
    between requests: the test's transaction holds the data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    ApiClient.objects.create(name="fuzz", unit=county_admin.unit, user=county_admin, token_prefix=TOKEN[:8],
                             token_hash=hash_api_token(TOKEN), created_by=county_admin, scope="write")
    # A few versions of each group, one of them waiting for its day, for the history, diff and rollback to find.
    later = timezone.localdate() + timedelta(days=30)
    rules_save(actor=county_admin, county=county_admin.unit.region, key="cases", values={"max_extensions": 2},
               reason="第一次")
    rules_save(actor=county_admin, county=county_admin.unit.region, key="cases", values={"max_extensions": 3},
               reason="第二次", valid_from=later)
    rules_save(actor=county_admin, county=county_admin.unit.region, key="visits", values={"answer_link_days": 20},
               reason="第一次")
    yield TOKEN
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_rules_api_never_answers_with_a_server_error(case, admin_token):
    response = case.call_and_validate(headers={"Authorization": f"Token {admin_token}"},
                                      checks=[not_a_server_error])
    assert response.status_code < 500
