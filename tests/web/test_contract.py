"""The OpenAPI contract, fuzzed with schemathesis: no request, however odd, gets a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from detente.jobs.ingest import ingest
from detente.store import Store
from detente.web.app import create_app

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "detente" / "samples" / "moscow-talks.txt"


@pytest.fixture(scope="module")
def operations(tmp_path_factory, nlp):
    store = Store.open(tmp_path_factory.mktemp("contract") / "c.duckdb")
    ingest(store, [str(SAMPLE)])
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store))
    yield {result.ok().label: result.ok() for result in schema.get_all_operations()}
    store.close()


def test_every_operation_is_fuzzed(operations):
    assert {"GET /api/events", "GET /api/events/{event_id}", "POST /api/reviews", "GET /api/panel"} <= set(operations)


@pytest.mark.parametrize(
    "label",
    ["GET /api/summary", "GET /api/events", "GET /api/events/{event_id}", "GET /api/articles",
     "GET /api/articles/{article_id}", "GET /api/actors", "GET /api/panel", "GET /api/series", "GET /api/network",
     "GET /api/map", "POST /api/reviews", "GET /api/reviews", "GET /api/reviews/gold"],
)
def test_no_request_makes_the_server_fail(operations, label):
    @given(operations[label].as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    def fuzz(case):
        case.validate_response(case.call(), checks=[schemathesis.checks.not_a_server_error])

    fuzz()
