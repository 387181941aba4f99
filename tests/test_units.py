"""The systemd units: valid (`systemd-analyze verify`) and hardened (`systemd-analyze security` exposure <= 2.5)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[1] / "systemd"

pytestmark = pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")


def test_units_verify(tmp_path):
    # verify insists that ExecStart exists: point it at a stand-in, as an install would at the real venv.
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/ragbot/venv/bin/ragbot", "/bin/true"))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(map(str, tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("unit", ["ragbot.service", "ragbot-backup.service"])
def test_exposure_is_at_most_2_5(unit):
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--no-pager", str(UNITS / unit)],
        capture_output=True,
        text=True,
    )
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    print(f"{unit}: exposure {found.group(1)}")
    assert float(found.group(1)) <= 2.5
