"""Schemathesis against the live OpenAPI document: every route, as every kind of caller, over real HTTP.

No request may get a 5xx (a 503 that the document promises, such as a degraded /api/health, aside), and every
response must match what the document says: its status, media type, headers and body schema. The models are
the deterministic fakes, so the run is bounded by FUZZ_EXAMPLES per route and caller (a release run raises it:
`RAGBOT_FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py`, see OPERATIONS.md).
"""

import os
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from appliance import services as services_module
from appliance.settings import load_settings
from tests.conftest import FakeEmbedder, FakeModel, FakeVectors, sign_in
from tests.realserver import serve, wait_job

FUZZ_EXAMPLES = int(os.environ.get("RAGBOT_FUZZ_EXAMPLES", "12"))
CALLERS = ("anonymous", "student", "teacher", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MATERIAL = b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n"


class Appliance:
    """The running appliance, its OpenAPI document loaded by schemathesis, and each caller's headers."""

    def __init__(self, base_url: str, headers: dict[str, dict[str, str]]):
        self.base_url = base_url
        self.headers = headers
        self.schema = schemathesis.openapi.from_url(f"{base_url}/api/docs/openapi.json")


@pytest.fixture(scope="module")
def appliance(tmp_path_factory) -> Iterator[Appliance]:
    """The appliance on fakes, with a student, a teacher and an admin signed in and one document ingested.

    Rate limits are raised out of the way: a 429 is documented, but it would stop the fuzzer reaching the route.
    """
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("fuzz") / "data"),
        ingest_sample=False,
        login_attempts_per_minute=10_000,
        student_questions_per_hour=0,
        teacher_questions_per_hour=0,
    )
    services = services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel(), vectors=FakeVectors())
    try:
        with serve(settings, services=services) as running, httpx.Client(base_url=running.base_url) as client:
            headers = {"anonymous": {}} | {role: sign_in(client, services, role, role) for role in CALLERS[1:]}
            upload = client.post(
                "/api/v1/documents",
                files=[("files", ("grip.md", MATERIAL, "text/markdown"))],
                headers=headers["teacher"],
            )
            client.headers.update(headers["teacher"])
            assert wait_job(client, upload.json()["jobs"][0]["id"])["status"] == "done"
            yield Appliance(running.base_url, headers)
    finally:
        services.close()


@pytest.mark.parametrize("caller", CALLERS)
def test_every_route_keeps_its_documented_promises(appliance, caller):
    """Positive and negative cases for each operation; the first failure is shrunk and reported."""
    operations = [result.ok() for result in appliance.schema.get_all_operations()]
    assert len(operations) >= 25, "the OpenAPI document lost routes"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(appliance, operation, mode, appliance.headers[caller])


def _fuzz(appliance: Appliance, operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    """FUZZ_EXAMPLES generated requests to one operation, each response checked against the document."""

    @seed(14)
    @hypothesis_settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        response = case.call(base_url=appliance.base_url, headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    run()
