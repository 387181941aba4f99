"""sudo ./install.sh on the real paths, run inside a live systemd's namespaces: its own systemctl calls enable, start,
restart on upgrade and remove the units, while the machine's /etc, /opt, /var/lib and /usr/local/bin stay untouched."""

import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from tests import livesystemd
from tests.test_install import CA, CHECKOUT, SCRATCH, free_port, health, pytestmark  # noqa: F401 (marks apply here too)

# Overlays whose upper folders are scratch: the installation writes there, seeing the machine's files below.
OVERLAID = ("/etc", "/opt", "/var/lib", "/usr/local/bin")
INSTALLED = (
    "/opt/ragbot",
    "/etc/ragbot",
    "/var/lib/ragbot",
    "/usr/local/bin/ragbot",
    "/etc/systemd/system/ragbot.service",
)


@pytest.fixture
def scratch():
    """Upper folders for the overlays, and the empty /etc/systemd/system (the machine's has links to other units)."""
    if any(Path(path).exists() for path in INSTALLED):
        pytest.skip("ragbot is installed on this machine: its files would show through the overlays")
    SCRATCH.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ragbot-live-", dir=SCRATCH))
    scratch.chmod(0o755)
    yield scratch
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def manager(scratch, tmp_path, port):
    """A live systemd whose mount namespace has the overlays; it loads units from /etc/systemd/system, so that
    `systemctl enable` writes its links where the manager finds them."""
    reason = livesystemd.unavailable()
    if reason:
        pytest.skip(reason)
    mounts = []
    for real in OVERLAID:
        upper, work = scratch / "upper" / real.lstrip("/"), scratch / "work" / real.lstrip("/")
        upper.mkdir(parents=True)
        work.mkdir(parents=True)
        mounts.append(f"mount -t overlay -o lowerdir={real},upperdir={upper},workdir={work} overlay {real}")
    (scratch / "units").mkdir()
    mounts.append(f"mount --bind {scratch / 'units'} /etc/systemd/system")
    ports = f"RAGBOT_PORT={port} RAGBOT_HTTP_REDIRECT_PORT={port + 1}"  # HTTPS, and plain HTTP redirecting to it
    dropin = {"ragbot.service.d/port.conf": f"[Service]\nEnvironment={ports}\n"}
    manager = livesystemd.Manager(tmp_path / "manager", [Path("/etc/systemd/system")], dropin, mounts=mounts)
    try:
        manager.start()
        yield manager
    finally:
        manager.stop()


def service(manager: livesystemd.Manager) -> dict[str, str]:
    return manager.show("ragbot.service", "LoadState", "ActiveState", "UnitFileState", "FragmentPath", "MainPID")


def test_install_upgrade_and_uninstall_drive_the_live_manager(manager, scratch, port):
    def install(*args: str) -> str:
        return manager.run(
            "env", "RAGBOT_ADMIN_PASSWORD=correct horse battery", str(CHECKOUT / "install.sh"), *args, timeout=1500
        ).stdout

    out = install()
    assert "creating system user ragbot" in out
    assert "enabling and (re)starting" in out
    first = service(manager)
    assert first == {
        "LoadState": "loaded",
        "ActiveState": "active",
        "UnitFileState": "enabled",
        "FragmentPath": "/etc/systemd/system/ragbot.service",
        "MainPID": first["MainPID"],
    }, manager.journal()
    assert health(port, scratch / "upper" / CA) == 200
    # Plain HTTP only redirects to HTTPS.
    moved = httpx.get(f"http://localhost:{port + 1}/api/health", timeout=10)
    assert moved.headers["location"] == f"https://localhost:{port}/api/health"
    assert (scratch / "units/multi-user.target.wants/ragbot.service").is_symlink()
    assert manager.show("ragbot-backup.timer", "ActiveState", "UnitFileState") == {
        "ActiveState": "active",
        "UnitFileState": "enabled",
    }
    assert any(line.startswith("ragbot:") for line in (scratch / "upper/etc/passwd").read_text().splitlines())
    data = scratch / "upper/var/lib/ragbot"
    secret = (data / "secret.key").read_bytes()

    out = install()
    assert "stopping ragbot.service for the upgrade" in out
    assert "upgraded" in out
    again = service(manager)
    assert again == first | {"MainPID": again["MainPID"]}
    assert again["MainPID"] != first["MainPID"]
    assert "Stopped ragbot.service" in manager.journal("_PID=1")
    assert health(port, scratch / "upper" / CA) == 200
    assert (data / "secret.key").read_bytes() == secret

    out = install("--uninstall")
    assert "kept the settings" in out
    for unit in ("ragbot.service", "ragbot-backup.timer"):
        assert manager.show(unit, "LoadState", "ActiveState") == {"LoadState": "not-found", "ActiveState": "inactive"}
    assert health(port, scratch / "upper" / CA) == 0
    assert not list((scratch / "units").rglob("ragbot*"))
    assert not (scratch / "upper/opt/ragbot").exists()
    assert not (scratch / "upper/usr/local/bin/ragbot").exists()
    assert (data / "secret.key").read_bytes() == secret
    assert (data / "ragbot.db").is_file()
    assert (scratch / "upper/etc/ragbot/ragbot.toml").is_file()

    # Everything went to the scratch folders: nothing of it reached the machine's own.
    assert not any(Path(path).exists() for path in INSTALLED)
    assert "ragbot:" not in Path("/etc/passwd").read_text()
    assert "ragbot:" not in Path("/etc/group").read_text()
