"""An installed wheel carries the default config and the bundled model manifests, and finds them there."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with only the ragbot wheel in it; its dependencies come from this interpreter's."""
    tmp = tmp_path_factory.mktemp("wheel")
    run = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp), "."]
    subprocess.run(run, cwd=CHECKOUT, check=True)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    wheel = next(tmp.glob("ragbot-*.whl"))
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)]
    # Not this process's PYTHONPATH: it may put the checkout, and its ragbot, on the venv's path.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run(install, env=clean, check=True)
    # The heavy dependencies are already here: reuse them rather than download them again. Written after
    # the install, or pip would take this checkout's editable ragbot for the wheel.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def installed(venv: Path, *argv: str, home: Path) -> str:
    """What a command of the installed venv prints, run outside the checkout with a scratch home."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(argv, cwd=home, env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.real
def test_the_wheel_finds_its_default_config_in_site_packages(venv, tmp_path):
    code = "from appliance.settings import DEFAULT_CONFIG; print(DEFAULT_CONFIG.resolve())"
    config = Path(installed(venv, str(venv / "bin" / "python"), "-c", code, home=tmp_path).strip())
    assert config.is_relative_to(venv)


@pytest.mark.real
def test_the_wheel_lists_the_bundled_manifests(venv, tmp_path):
    listing = installed(venv, str(venv / "bin" / "ragbot"), "models", "list", home=tmp_path)
    assert "gemma3-270m-q4-k-m" in listing
