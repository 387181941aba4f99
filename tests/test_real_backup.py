"""Backup while the real appliance answers over HTTP, wipe, restore, serve again: same documents, same results."""

import shutil
import subprocess
import sys
import threading
import time

import httpx
import pytest

from appliance.settings import load_settings
from tests.conftest import parse_sse, sign_in
from tests.pdfmaker import make_pdf
from tests.realserver import no_network, serve, wait_job

pytestmark = pytest.mark.real

PAGES = [
    "Lab 1: Grippers\nThe Zorblax-7 gripper has a maximum grip force of 42 newtons and weighs 310 grams.",
    "Lab 2: Wheels\nThe Quillon rover uses mecanum wheels with a diameter of 97 millimetres.",
    "Lab 3: Sensors\nThe Vantis lidar sweeps 360 degrees ten times a second with a range of 12 metres.",
]
QUERIES = ["grip force of the gripper", "mecanum wheel diameter", "lidar range", "robot"]


def seen(client: httpx.Client) -> tuple:
    """What a user sees: the documents, and the search results in order with their scores."""
    documents = sorted(
        (d["id"], d["filename"], d["chunks"]) for d in client.get("/api/v1/documents").json()["documents"]
    )
    results = [
        [
            (r["chunk_id"], round(r["score"], 6))
            for r in client.post("/api/v1/search", json={"query": q, "k": 5}).json()["results"]
        ]
        for q in QUERIES
    ]
    return documents, results


def test_backup_while_answering_then_restore_serves_the_same(tmp_path):
    data = tmp_path / "data"
    config = tmp_path / "ragbot.toml"
    # The weights live outside the data folder, as a restore leaves them (and so they are not assembled twice).
    config.write_text(
        f'data_dir = "{data}"\nmodels_dir = "{tmp_path / "models"}"\nmax_answer_tokens = 24\ntemperature = 0.0\n'
    )
    settings = load_settings(config, environ={})
    ragbot = [sys.executable, "-m", "appliance", "--config", str(config)]
    with no_network() as attempts:
        with serve(settings) as running, httpx.Client(base_url=running.base_url, timeout=300) as client:
            client.headers.update(sign_in(client, running.services, "teacher", "teacher"))
            upload = client.post(
                "/api/v1/documents", files=[("files", ("labs.pdf", make_pdf(PAGES), "application/pdf"))]
            )
            assert wait_job(client, upload.json()["jobs"][0]["id"])["status"] == "done"
            before = seen(client)
            answers = []

            def ask():
                with client.stream(
                    "POST", "/api/v1/chat", json={"message": "How strong is the Zorblax-7 gripper?", "stream": True}
                ) as r:
                    answers.append((r.status_code, parse_sse(r.iter_lines()), time.monotonic()))

            asking = threading.Thread(target=ask)
            asking.start()
            # A separate process, as the nightly timer runs it, while the answer streams.
            launched = time.monotonic()
            made = subprocess.run([*ragbot, "backup"], capture_output=True, text=True, timeout=300)
            asking.join(300)
            assert made.returncode == 0, made.stderr
            status, events, finished = answers[0]
            assert status == 200
            assert events[-1][0] == "done"
            assert finished > launched
        archive = next((data / "backups").glob("ragbot-*.tar.gz"))
        kept = shutil.move(archive, tmp_path / archive.name)
        shutil.rmtree(data)

        restored = subprocess.run([*ragbot, "restore", str(kept)], capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stderr
        with (
            serve(load_settings(config, environ={})) as running,
            httpx.Client(base_url=running.base_url, timeout=300) as client,
        ):
            client.headers.update(sign_in(client, running.services, "teacher2", "teacher"))
            assert seen(client) == before
            assert len(before[0]) == 2
    assert attempts == [], f"the appliance tried to reach the network: {attempts}"
