"""Faults: the data disk fills up during ingestion (a small tmpfs as the data folder, in a private mount namespace).

The other faults are tested beside what they hit: SIGKILL during a backup in tests/test_backup.py, a damaged
vector store in tests/test_doctor.py, a stuck service in tests/test_server.py and tests/test_install.py.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
FULL = "the appliance's disk is full, so nothing was stored"


def _small_filesystem_unavailable() -> str:
    """Why a size-limited tmpfs cannot be mounted here, or '' when it can."""
    if os.geteuid() != 0:
        return "mounting a size-limited tmpfs needs root"
    if not shutil.which("unshare"):
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=1m probe /mnt"],
        capture_output=True,
        text=True,
    )
    return "" if probe.returncode == 0 else f"cannot mount a tmpfs in a private mount namespace: {probe.stderr}"


def test_disk_full_during_ingestion_fails_the_job_clearly_and_loses_nothing(tmp_path):
    reason = _small_filesystem_unavailable()
    if reason:
        pytest.skip(reason)
    mount = tmp_path / "small"
    mount.mkdir()
    script = f'mount -t tmpfs -o size=24m ragbot-full "{mount}" && exec "$0" -m tests.diskfull "{mount}/data"'
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, sys.executable],
        capture_output=True,
        text=True,
        cwd=CHECKOUT,
        env=os.environ | {"PYTHONPATH": str(CHECKOUT)},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["kept"]["job"]["status"] == "done"
    # No room even for the upload: refused at once with the reason, no job left queued.
    assert found["full_upload"]["status"] == 507
    assert found["full_upload"]["error"].startswith(FULL)
    # Room for the upload but not for what it becomes: a failed job that says why.
    assert found["full_ingest"]["job"]["status"] == "failed"
    assert "disk is too full to store this file" in found["full_ingest"]["job"]["error"]
    # Nothing lost, no half document, and the service answered throughout.
    assert found["documents"] == ["grip.md"]
    assert found["search"] == ["grip.md"]
    assert found["chunks"] == 1
    assert found["stray_vectors"] == found["missing_vectors"] == 0
    assert found["health"] == 200 and found["health_seconds"] < 1
    # Once there is room again, the same file goes in.
    assert found["after"]["job"]["status"] == "done"
