"""install.sh --system into a scratch root: layout, owners and modes; the service runs as ragbot, also under a
live systemd manager; upgrade; uninstall."""

import errno
import os
import re
import shutil
import signal
import sqlite3
import ssl
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests import livesystemd
from tests.conftest import free_port, wait_until_up

CHECKOUT = Path(__file__).resolve().parents[1]
UNITS = ("ragbot.service", "ragbot-backup.service", "ragbot-backup.timer")
SCRATCH = Path("/srv")

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(os.geteuid() != 0, reason="install.sh --system creates a user and sets owners: needs root"),
    pytest.mark.skipif(not shutil.which("useradd"), reason="useradd (passwd package) is not installed"),
    pytest.mark.skipif(
        not os.access("/usr/bin/python3.11", os.X_OK),
        reason="the system install needs the distribution's python3.11 (apt-get install python3.11-venv)",
    ),
    pytest.mark.skipif(
        not list((CHECKOUT / ".wheels").glob("llama_cpp_python-*.whl")),
        reason="no llama-cpp-python wheel in .wheels/ (./install.sh builds it; 15 minutes)",
    ),
]


def install(*args: str) -> str:
    result = subprocess.run(
        [str(CHECKOUT / "install.sh"), *args],
        capture_output=True,
        text=True,
        timeout=1500,
        env=os.environ | {"RAGBOT_ADMIN_PASSWORD": "correct horse battery"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def ids(root: Path) -> tuple[int, int] | None:
    for line in (root / "etc/passwd").read_text().splitlines():
        name, _, uid, gid, *_ = line.split(":")
        if name == "ragbot":
            return int(uid), int(gid)
    return None


def ragbot_ids(root: Path) -> tuple[int, int]:
    """The ragbot user's uid and gid, which the install must have made."""
    found = ids(root)
    assert found is not None, "the install made no ragbot user"
    return found


def output(process: subprocess.Popen) -> str:
    """What a process started with stdout=PIPE has written."""
    return process.stdout.read().decode() if process.stdout else ""


def mode_owner(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return oct(stat.S_IMODE(info.st_mode))[2:], info.st_uid, info.st_gid


def as_ragbot(root: Path, *command: str, **kwargs) -> subprocess.Popen:
    """Run a command of the installed venv as the ragbot user of the scratch root (it has no name on this host)."""
    uid, gid = ragbot_ids(root)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(root / "var/lib/ragbot"),
        "LANG": "C.UTF-8",
        "RAGBOT_CONFIG": str(root / "etc/ragbot/ragbot.toml"),
        "RAGBOT_PORT": str(kwargs.pop("port", 8000)),
        "RAGBOT_HTTP_REDIRECT_PORT": str(kwargs.pop("redirect_port", 0)),
    }
    return subprocess.Popen(
        [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={gid}",
            "--clear-groups",
            str(root / "opt/ragbot/venv/bin/ragbot"),
            *command,
        ],
        env=env,
        **kwargs,
    )


@pytest.fixture(scope="module")
def root():
    """A scratch root the ragbot user can reach (pytest's own temporary folders are private to root), and
    not under /tmp: the service's PrivateTmp= would hide it from the service itself."""
    SCRATCH.mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="ragbot-sysroot-", dir=SCRATCH))
    root.chmod(0o755)
    first = install("--root", str(root))  # as root, plain ./install.sh is the machine install
    assert "creating system user ragbot" in first
    assert "writing settings" in first
    yield root
    shutil.rmtree(root, ignore_errors=True)


def check_layout(root: Path) -> None:
    uid, gid = ragbot_ids(root)
    data = root / "var/lib/ragbot"
    assert mode_owner(root / "opt/ragbot") == ("755", 0, 0)
    assert os.access(root / "opt/ragbot/venv/bin/ragbot", os.X_OK)
    assert mode_owner(root / "etc/ragbot/ragbot.toml") == ("640", 0, gid)
    config = (root / "etc/ragbot/ragbot.toml").read_text()
    assert f'data_dir = "{data}"' in config
    assert 'host = "0.0.0.0"' in config
    assert f'tls_cert_file = "{root / "etc/ragbot/tls/server.crt"}"' in config
    assert "port = 8443" in config
    assert mode_owner(root / "etc/ragbot/tls/ca.key") == ("600", 0, gid)
    assert mode_owner(root / "etc/ragbot/tls/server.key") == ("640", 0, gid)
    assert mode_owner(data) == ("750", uid, gid)
    assert mode_owner(data / "secret.key") == ("600", uid, gid)
    assert all(p.lstat().st_uid == uid and p.lstat().st_gid == gid for p in data.rglob("*"))
    assert (data / "models/gemma-3-270m-q4_k_m.gguf").is_file()
    assert (data / "backups").is_dir()
    with sqlite3.connect(data / "ragbot.db") as db:
        assert db.execute("SELECT username FROM users WHERE role = 'admin'").fetchall() == [("admin",)]
    for unit in UNITS:
        path = root / "etc/systemd/system" / unit
        assert mode_owner(path) == ("644", 0, 0)
        assert "/opt/ragbot" not in path.read_text().replace(str(root / "opt/ragbot"), "")
    if shutil.which("systemctl"):
        assert (root / "etc/systemd/system/multi-user.target.wants/ragbot.service").is_symlink()
        assert (root / "etc/systemd/system/timers.target.wants/ragbot-backup.timer").is_symlink()
    wrapper = (root / "usr/local/bin/ragbot").read_text()
    assert os.access(root / "usr/local/bin/ragbot", os.X_OK)
    assert str(root / "etc/ragbot/ragbot.toml") in wrapper


def test_layout_owners_and_modes(root):
    check_layout(root)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_installed_units_verify(root):
    units = [str(root / "etc/systemd/system" / unit) for unit in UNITS]
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr


def test_installed_service_runs_as_ragbot_and_doctor_is_clean(root):
    port, redirect = free_port(), free_port()
    service = as_ragbot(
        root, "serve", port=port, redirect_port=redirect, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    # HTTPS with the certificate the install generated, checked against the CA students install.
    secure = httpx.Client(verify=ssl.create_default_context(cafile=root / "etc/ragbot/tls/ca.crt"), timeout=5)
    try:
        wait_until_up(f"https://localhost:{port}/api/health", service, timeout=240, client=secure)
        moved = httpx.get(f"http://localhost:{redirect}/api/health", timeout=5)
        assert moved.headers["location"] == f"https://localhost:{port}/api/health"
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(60)
    doctor = as_ragbot(root, "doctor", port=free_port(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = doctor.communicate(timeout=300)[0].decode()
    assert doctor.returncode == 0, out


def test_upgrade_keeps_settings_data_and_secret(root):
    data = root / "var/lib/ragbot"
    config = root / "etc/ragbot/ragbot.toml"
    config.write_text(config.read_text() + "# changed by the admin\n")
    secret = (data / "secret.key").read_bytes()
    archive = as_ragbot(root, "backup", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert archive.wait(300) == 0, output(archive)
    backups = sorted((data / "backups").iterdir())

    out = install("--system", "--root", str(root))
    assert "already there" in out
    assert "kept" in out
    assert "upgraded" in out
    assert "first account" not in out
    assert config.read_text().endswith("# changed by the admin\n")
    assert (data / "secret.key").read_bytes() == secret
    assert sorted((data / "backups").iterdir()) == backups
    check_layout(root)


def account(root: Path, table: str, home: bool = False) -> str:
    """The ragbot line of the scratch root's passwd or group file; its home folder as seen from the host."""
    line = next(line for line in (root / "etc" / table).read_text().splitlines() if line.startswith("ragbot:"))
    if home:
        fields = line.split(":")
        fields[5] = str(root) + fields[5]
        line = ":".join(fields)
    return line


CA = "etc/ragbot/tls/ca.crt"  # the machine install's own certificate authority, under its root


def health(port: int, ca: Path) -> int:
    """The installed service's health status over HTTPS, verified against the install's CA; 0 if it does not answer."""
    try:
        return httpx.get(
            f"https://localhost:{port}/api/health", timeout=10, verify=ssl.create_default_context(cafile=ca)
        ).status_code
    except httpx.HTTPError:
        return 0


@pytest.fixture
def service_port() -> int:
    return free_port()


@pytest.fixture
def manager(root, tmp_path, service_port):
    """A live systemd (livesystemd.Manager) loading the installed units; a drop-in sets a free port."""
    reason = livesystemd.unavailable()
    if reason:
        pytest.skip(reason)
    drop_ins = {
        "ragbot.service.d/port.conf": f"[Service]\nEnvironment=RAGBOT_PORT={service_port}\n",
        # The unit's WatchdogSec=60s, shortened so that a stuck service is restarted within the test's patience.
        "ragbot.service.d/watchdog.conf": "[Service]\nWatchdogSec=10s\n",
    }
    manager = livesystemd.Manager(
        tmp_path / "manager",
        [root / "etc/systemd/system"],
        drop_ins,
        [account(root, "passwd", home=True)],
        [account(root, "group")],
    )
    try:
        manager.start()
        yield manager
    finally:
        manager.stop()


def test_units_under_a_live_systemd(root, manager, service_port):
    """systemd runs the units as installed: active only on READY=1, hardened, restarted after SIGKILL, backup."""
    port = service_port
    # As at boot: the .wants links install.sh made (`systemctl enable`) pull the units in with their targets.
    manager.systemctl("start", "--no-block", "multi-user.target", "timers.target")
    while (state := manager.show("ragbot.service", "ActiveState")["ActiveState"]) == "inactive":
        time.sleep(0.1)  # the start job is queued, not yet run
    # Still loading the models: systemd has not been told READY=1 and nothing answers yet.
    assert state == "activating"
    assert health(port, root / CA) == 0
    manager.systemctl("start", "ragbot.service")  # waits for the start job, i.e. for READY=1
    unit = manager.show("ragbot.service", "ActiveState", "SubState", "StatusText", "MainPID", "NRestarts")
    assert unit["ActiveState"] == "active", manager.journal()
    assert unit["SubState"] == "running", manager.journal()
    assert unit["StatusText"].startswith("answering on"), unit
    assert health(port, root / CA) == 200

    # Every hardening setting took effect: the manager warns of any it had to skip.
    assert "Started ragbot.service" in manager.journal("_PID=1")
    assert "ragbot" not in manager.journal("_PID=1", "-p", "warning")
    pid, (uid, gid) = manager.host_pid(unit["MainPID"]), ragbot_ids(root)
    status = livesystemd.proc_status(pid)
    assert status["Uid"].split()[0] == str(uid), status
    assert status["Gid"].split()[0] == str(gid), status
    assert status["NoNewPrivs"] == "1"
    assert status["Seccomp"] == "2"
    assert int(status["CapEff"], 16) == 0
    mounts = livesystemd.mount_options(pid)
    assert "ro" in mounts["/"]
    assert "rw" in mounts[str(root / "var/lib/ragbot")]
    seen = Path(f"/proc/{pid}/root")
    assert not (seen / manager.work.relative_to("/")).exists()  # PrivateTmp: the host's /tmp is not there
    assert not any(stat.S_ISBLK(dev.lstat().st_mode) for dev in (seen / "dev").iterdir())  # PrivateDevices
    assert manager.memory_limit("ragbot.service") == 8 << 30  # MemoryMax=8G
    # IPAddressDeny=any with loopback and the local networks allowed: 192.0.2.1 (TEST-NET-1) is refused.
    assert livesystemd.egress(manager.unified_cgroup("ragbot.service"), "127.0.0.1", "192.0.2.1") == [0, errno.EPERM]

    # Killed outright, it is restarted (Restart=on-failure) and becomes ready again.
    manager.systemctl("kill", "-s", "KILL", "ragbot.service")
    restarted = restarts(manager, 1)
    assert restarted != unit["MainPID"]
    assert health(port, root / CA) == 200
    # Stuck (stopped, so its event loop never answers): no WATCHDOG=1 within WatchdogSec, so systemd aborts
    # it and starts it again.
    os.kill(int(manager.host_pid(restarted)), signal.SIGSTOP)
    assert restarts(manager, 2) != restarted
    assert "Watchdog timeout" in manager.journal("_PID=1"), manager.journal("_PID=1")
    assert health(port, root / CA) == 200

    backups = root / "var/lib/ragbot/backups"
    before = set(backups.iterdir())
    manager.systemctl("start", "ragbot-backup.service")  # a oneshot: returns once the backup is written
    assert manager.show("ragbot-backup.service", "Result")["Result"] == "success"
    (archive,) = set(backups.iterdir()) - before
    assert mode_owner(archive) == ("600", uid, gid)
    timer = manager.show("ragbot-backup.timer", "ActiveState", "NextElapseUSecRealtime")
    assert timer["ActiveState"] == "active", timer
    assert timer["NextElapseUSecRealtime"], timer

    # A clean stop: SIGTERM, STOPPING=1, exit within TimeoutStopSec.
    manager.systemctl("stop", "ragbot.service")
    stopped = manager.show("ragbot.service", "ActiveState", "Result")
    assert stopped == {"ActiveState": "inactive", "Result": "success"}, manager.journal("-u", "ragbot.service")


def restarts(manager: livesystemd.Manager, count: int) -> str:
    """Wait until ragbot.service has been restarted `count` times and is active again; its new main PID."""
    deadline = time.monotonic() + 900
    while (now := manager.show("ragbot.service", "ActiveState", "NRestarts", "MainPID")) != {
        "ActiveState": "active",
        "NRestarts": str(count),
        "MainPID": now["MainPID"],
    }:
        assert time.monotonic() < deadline, manager.journal("-u", "ragbot.service")
        time.sleep(1)
    return now["MainPID"]


def test_uninstall_keeps_data_and_purge_removes_everything(root):
    install("--uninstall", "--root", str(root))
    for gone in (
        "opt/ragbot",
        "usr/local/bin/ragbot",
        *(f"etc/systemd/system/{u}" for u in UNITS),
        "etc/systemd/system/multi-user.target.wants/ragbot.service",
    ):
        assert not (root / gone).exists(), gone
        assert not (root / gone).is_symlink(), gone
    assert (root / "etc/ragbot/ragbot.toml").is_file()
    assert (root / "var/lib/ragbot/ragbot.db").is_file()
    assert ids(root) is not None
    install("--uninstall", "--purge", "--root", str(root))
    assert not (root / "etc/ragbot").exists()
    assert not (root / "var/lib/ragbot").exists()
    assert ids(root) is None


def refusal(*args: str, user: int = 0) -> subprocess.CompletedProcess:
    as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user else []
    return subprocess.run([*as_user, str(CHECKOUT / "install.sh"), *args], capture_output=True, text=True, timeout=60)


def test_bad_options_are_refused_with_a_message():
    for args, message in (
        (["--user", "--root", "/tmp/x"], "--root goes with the machine install"),
        (["--purge"], "--purge goes with"),
        (["--dev", "--system"], "--dev sets up this checkout"),
        (["--uninstall", "--wheelhouse", "/tmp/x"], "--wheelhouse does not go with --uninstall"),
        (["--dev", "--wheelhouse", "/tmp/x"], "does not go with --wheelhouse"),
        (["--bogus"], "unknown option"),
        (["--root"], "--root needs a value"),
    ):
        result = refusal(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)


def test_a_normal_user_gets_the_checkout_set_up_not_the_machine_install():
    # --root only goes with the machine install: refusing it shows which mode a bare ./install.sh chose.
    assert "--root goes with the machine install" in refusal("--root", "/tmp/x", user=65534).stderr
    result = refusal("--system", user=65534)
    assert result.returncode == 1
    assert "--system needs root" in result.stderr
    assert "--user" in result.stderr


def test_package_installs_wait_for_the_package_lock():
    """Every apt-get that changes the system waits for dpkg's lock, which a new box's updater often holds."""
    script = (CHECKOUT / "install.sh").read_text()
    apt_calls = [line for line in script.splitlines() if "apt" in line and re.search(r"\b(update|install -y)\b", line)]
    assert len(apt_calls) == 2
    assert all("apt_get[@]" in line for line in apt_calls), apt_calls
    assert "apt_get=(apt-get -o DPkg::Lock::Timeout=" in script
