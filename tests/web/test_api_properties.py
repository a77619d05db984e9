"""A property-based run of schemathesis against the API's own OpenAPI document (in process, on
the WSGI app, bounded): no answer is a server error, and every answer fits its documented shape."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

# The contract: never a server error, and every answer has a documented status, content type and
# shape. (Not "every schema-valid request is accepted": an opaque page cursor can be well-formed
# text and still not a cursor, and is then refused with 400.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

EXAMPLES = 12  # per operation: about 150 requests in all


def test_no_server_error_and_every_answer_fits_its_schema(app, k):
    k.cases.start("sop_bench", "clerk1")  # something to list, read and act on
    headers = {"Authorization": "Bearer " + k.accounts.create_token("clerk1", "schemathesis", actor="clerk1").secret}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
