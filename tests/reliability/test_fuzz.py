"""API fuzzing from the OpenAPI schema (schemathesis) against a live server on loopback.

Every operation the server publishes at ``/openapi.json`` gets a bounded number of
generated requests (derandomized, so a run is repeatable). Each is sent twice: with the
key, where the answer must not be a 5xx and must match the schema's status codes,
content types and bodies (a schema-valid body may still be refused with 422 for rules JSON
Schema does not express, such as "an edit needs its edits"); and without it, where every
operation but ``GET /health`` must answer 401. Runs that fuzzed requests start end at once:
the model only answers.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fakes.toolbox import FakeToolbox
from tests.reliability.figures import note
from tests.reliability.models import PerTaskModel
from tests.server.conftest import API_KEY, ServerFactory
from tests.timing import generous

pytestmark = pytest.mark.slow  # many seconds: scheduled first (see tests/conftest.py)

EXAMPLES = 30
"""Generated requests per operation (≈ 10 operations: a few seconds each on this machine)."""
PUBLIC = {("GET", "/health")}


def _fuzz(operation: Any, url: str, statuses: Counter[int], bare_statuses: Counter[int]) -> None:
    """Send the operation's generated requests with and without the key; check both answers."""
    public = (operation.method.upper(), operation.path) in PUBLIC

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        keyed = case.call(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=generous(10))
        statuses[keyed.status_code] += 1
        case.validate_response(keyed, excluded_checks=[positive_data_acceptance])
        bare = case.call(base_url=url, timeout=generous(10))
        bare_statuses[bare.status_code] += 1
        if not public:
            assert bare.status_code == 401, f"{case.method} {case.formatted_path}: {bare.status_code}"

    fuzz()


# schemathesis' own strategies use ``random`` (its warning, not ours)
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
def test_fuzzed_requests_get_no_5xx_and_nothing_without_the_key(start_server: ServerFactory) -> None:
    server = start_server([], toolbox=FakeToolbox(), model=PerTaskModel.create(change=False))
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    statuses: Counter[int] = Counter()
    unauthenticated: Counter[int] = Counter()
    operations: list[str] = []
    began = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises here
        operations.append(f"{operation.method.upper()} {operation.path}")
        _fuzz(operation, server.url, statuses, unauthenticated)
    elapsed = time.monotonic() - began
    assert len(operations) >= 10, operations
    assert not [code for code in statuses if code >= 500], statuses
    note(
        f"fuzzing: {sum(statuses.values())} generated requests over {len(operations)} operations "
        f"in {elapsed:.1f} s, 0 server errors (statuses {dict(sorted(statuses.items()))}); "
        f"the same {sum(unauthenticated.values())} without the key: "
        f"{unauthenticated[401]} answered 401, the rest were GET /health"
    )
