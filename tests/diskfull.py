"""The appliance on a data folder that fills up mid-ingestion; run by tests/test_faults.py on a small filesystem.

`python -m tests.diskfull DATA_DIR` prints one JSON object: what each step answered.
"""

import json
import os
import sys
import time
from pathlib import Path

import httpx

from appliance import services as services_module
from appliance.ops import consistency
from appliance.settings import load_settings
from tests.conftest import FakeEmbedder, FakeModel, sign_in
from tests.realserver import serve, wait_job

KEPT = b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n"
# 150 KB that fits on the disk as an upload, but whose chunks, vectors and index do not fit beside it.
BIG = "".join(f"## Part {n}\n\nThe Quillon rover part {n} weighs {n} grams and moves {n} mm.\n\n" for n in range(2000))


def fill(folder: Path) -> Path:
    """A file that takes every free byte of the filesystem under `folder`."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 16))
                handle.flush()
        except OSError:
            pass
    return filler


def upload(client: httpx.Client, name: str, body: bytes) -> dict:
    response = client.post("/api/v1/documents", files=[("files", (name, body, "text/markdown"))])
    jobs = response.json().get("jobs") or [{}]
    job = wait_job(client, jobs[0]["id"]) if response.status_code == 202 else jobs[0]
    return {"status": response.status_code, "error": response.json().get("error"), "job": job}


def main(data: Path) -> dict:
    settings = load_settings(environ={}, data_dir=str(data), ingest_sample=False, min_similarity=0.05, min_free_mb=1)
    services = services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel())
    found: dict = {}
    try:
        with (
            serve(settings, services=services) as running,
            httpx.Client(base_url=running.base_url, timeout=60) as client,
        ):
            client.headers.update(sign_in(client, services, "teacher", "teacher"))
            found["kept"] = upload(client, "grip.md", KEPT)
            filler = fill(data)
            found["full_upload"] = upload(client, "rover.md", BIG.encode())
            filler.unlink()
            filler = fill(data)
            os.truncate(filler, filler.stat().st_size - (1200 << 10))  # room for the upload, not for its chunks
            found["full_ingest"] = upload(client, "rover.md", BIG.encode())
            started = time.monotonic()
            found["health"] = client.get("/api/health").status_code
            found["health_seconds"] = time.monotonic() - started
            found["documents"] = [d["filename"] for d in client.get("/api/v1/documents").json()["documents"]]
            hits = client.post("/api/v1/search", json={"query": "Zorblax gripper force", "k": 3}).json()
            found["search"] = [h["filename"] for h in hits["results"]]
            report = consistency.check(services.database, services.vectors, repair=False)
            found["stray_vectors"], found["missing_vectors"] = report.stray_vectors, report.missing_vectors
            found["chunks"] = len(services.database.chunk_ids())
            filler.unlink()
            found["after"] = upload(client, "rover.md", BIG.encode())
    finally:
        services.close()
    return found


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
