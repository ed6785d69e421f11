"""Schemathesis against the OpenAPI spec: generated and mutated requests to every /v1 endpoint
never get a 5xx, and every answer is one the spec documents.

Driven through Hypothesis directly (operation strategies) rather than schemathesis' pytest
plugin, whose hooks do not follow the pytest release this project runs.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from case2code.api import Settings, create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15
OPERATIONS = [
    "POST /v1/code",
    "POST /v1/batch",
    "POST /v1/check",
    "GET /v1/codes/{code}",
    "GET /v1/search",
    "POST /v1/feedback",
    "GET /v1/codings/{coding_id}",
    "GET /healthz",
    "GET /readyz",
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    db = tmp_path_factory.mktemp("schemathesis") / "audit.db"
    app = create_app(Settings(db_url=f"sqlite:///{db}", max_note_bytes=20_000))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_spec_has_every_endpoint(api_schema):
    labels = {op.label for op in _operations(api_schema)}
    assert {
        "POST /v1/code",
        "POST /v1/batch",
        "POST /v1/check",
        "GET /v1/codes/{code}",
        "GET /v1/search",
        "POST /v1/feedback",
        "GET /v1/codings/{coding_id}",
    } <= labels


@pytest.mark.parametrize(
    ("label", "mode"),
    [(op, GenerationMode.POSITIVE) for op in OPERATIONS]
    + [
        (op, GenerationMode.NEGATIVE)
        for op in OPERATIONS
        if op not in ("GET /healthz", "GET /readyz")
    ],
)
def test_api_never_fails_and_answers_as_documented(api_schema, label, mode):
    """Positive cases fit the spec; negative ones break it and must get a documented 4xx."""
    operation = next(op for op in _operations(api_schema) if op.label == label)
    checks = CHECKS if mode is GenerationMode.POSITIVE else CHECKS[:3]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        case.call_and_validate(checks=checks)

    run()
