"""Bad settings for the inference and vector servers (unreachable, wrong key, a model the server does not have)
stop `ragbot serve` at start with one line naming the setting, and `ragbot doctor` names them too."""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import msgspec
import pytest

from appliance.errors import ConfigError
from appliance.ops import doctor
from appliance.store.database import open_database
from appliance.store.vectors import ChromaHttpStore
from tests.conftest import free_port
from tests.fake_openai import FakeInferenceServer


class RefusingChroma(BaseHTTPRequestHandler):
    """What a Chroma server with token authentication answers a wrong token, on every route."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _refuse(self) -> None:
        body = json.dumps({"error": "AuthorizationError", "message": "Unauthorized"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _refuse


@contextmanager
def refusing_chroma() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingChroma)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def bad_setting(case: str) -> Iterator[tuple[dict, str]]:
    """The settings (as RAGBOT_ variables) of one kind of mistake, and the words that must name it."""
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    if case == "chroma_token":
        with refusing_chroma() as url:
            yield {"vector_backend": "chroma_http", "chroma_url": url, "chroma_token": "wrong"}, "refused chroma_token"
        return
    if case == "chroma_url":
        yield {"vector_backend": "chroma_http", "chroma_url": nowhere}, f"chroma_url {nowhere}: cannot use the Chroma"
        return
    if case == "llm_url":
        yield {"llm_backend": "openai", "llm_url": nowhere}, f"llm_url {nowhere}: cannot reach the inference server"
        return
    server = FakeInferenceServer(key="right", models=("tiny",))
    try:
        given = {"llm_backend": "openai", "llm_url": server.url, "llm_api_key": "right", "llm_server_model": "tiny"}
        if case == "llm_api_key":
            yield given | {"llm_api_key": "wrong"}, "the server refused llm_api_key (HTTP 401)"
        else:
            yield given | {"llm_server_model": "big"}, "llm_server_model 'big' is not served"
    finally:
        server.close()


CASES = ["llm_url", "llm_api_key", "llm_server_model", "chroma_url", "chroma_token"]


@pytest.mark.real
@pytest.mark.parametrize("case", CASES)
def test_serve_stops_at_start_naming_the_bad_setting(tmp_path, case):
    with bad_setting(case) as (values, words):
        env = os.environ | {f"RAGBOT_{k.upper()}": v for k, v in values.items()}
        env |= {"RAGBOT_DATA_DIR": str(tmp_path), "RAGBOT_PORT": str(free_port()), "RAGBOT_INGEST_SAMPLE": "false"}
        env |= {"RAGBOT_LLM_CONNECT_SECONDS": "2"}
        result = subprocess.run(
            [sys.executable, "-m", "appliance", "serve"], capture_output=True, text=True, env=env, timeout=300
        )
    assert result.returncode != 0
    said = [json.loads(line)["message"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert any(m.startswith("cannot start: ") and words in m for m in said), result.stdout[-3000:]
    # One line that says so, as OPERATIONS.md promises: uvicorn's copy of the traceback (60 lines) buried it.
    assert not [m for m in said if "Traceback" in m], result.stdout[-3000:]


@pytest.mark.parametrize("case", CASES)
def test_doctor_names_the_bad_setting(settings, tmp_path, case):
    open_database(settings.data_path).close()  # the stores are compared only once there is a database
    with bad_setting(case) as (values, words):
        bad = msgspec.structs.replace(settings, **values)
        checks = doctor.Doctor(bad, tmp_path / "none.toml", repair=False)
        found = [f for f in [*checks.check_inference(), *checks.check_stores()] if f.problem]
    assert len(found) == 1 and words in found[0].detail, found
    assert found[0].fix


def test_a_chroma_server_that_refuses_the_token_stops_start_up():
    with refusing_chroma() as url, pytest.raises(ConfigError, match="refused chroma_token"):
        ChromaHttpStore(url, "wrong")
