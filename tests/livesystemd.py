"""A real systemd manager for tests, started here as PID 1 of its own namespaces on this machine's files.

These machines run no systemd (PID 1 is the sandbox's own init), so `Manager` starts /lib/systemd/systemd
--system inside new PID, mount, cgroup, UTS and IPC namespaces. It loads units only from a folder of
stub targets, journald and drop-ins, and from the folders under test (an installation's
etc/systemd/system, with its .wants links): nothing of the host's set-up (tmpfiles, udev, gettys) can run.
/run, the journal and /dev/console are private to it, its cgroups live in one subtree of this process's
cgroups (removed on stop), and the network is the host's, so a service's port is reachable from here.
"""

import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

SYSTEMD = Path("/lib/systemd/systemd")
JOURNALD = ("systemd-journald.service", "systemd-journald.socket")
# Every service depends on these (DefaultDependencies=yes); empty stand-ins keep the host's own out.
STUB_TARGETS = ("sysinit", "basic", "sockets", "timers", "network", "multi-user", "shutdown")
NAMESPACES = ("--pid", "--fork", "--mount", "--mount-proc", "--cgroup", "--uts", "--ipc")

# PID 1 of the new namespaces until it execs systemd: private mounts first. $1 is the work folder, $2 systemd.
# /dev/console is a file, so that the manager never writes to the machine's real console.
INSIDE = r"""
set -euo pipefail
work=$1
mount --make-rprivate /
source "$work/mount-cgroups.sh"
mount -t tmpfs -o mode=0755 run /run
if [ -d /var/log/journal ]; then mount -t tmpfs -o mode=2755 journal /var/log/journal; fi
touch "$work/console" && mount --bind "$work/console" /dev/console
source "$work/mounts.sh"
exec env -i container=ragbot-test SYSTEMD_UNIT_PATH="$(cat "$work/unit-path")" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    "$2" --system --unit=live.target --show-status=no
"""


def unavailable() -> str:
    """Why no systemd manager can run here, or "" when one can."""
    if os.geteuid() != 0:
        return "a systemd manager in new namespaces needs root"
    for tool in ("unshare", "nsenter"):
        if not shutil.which(tool):
            return f"{tool} (util-linux) is not installed"
    if not SYSTEMD.is_file():
        return f"{SYSTEMD} is missing: apt-get install systemd"
    if not cgroup_mounts():
        return "no cgroup file system is mounted under /sys/fs/cgroup"
    probe = subprocess.run(["unshare", *NAMESPACES, "true"], capture_output=True, text=True)
    if probe.returncode:
        return f"unshare {' '.join(NAMESPACES)} fails here: {probe.stderr.strip()}"
    return ""


def cgroup_mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, fstype, super options) of every cgroup file system under /sys/fs/cgroup."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields, rest = line.split(" - ")
        mountpoint, (fstype, _, options) = fields.split()[4], rest.split()
        if fstype in ("cgroup", "cgroup2") and mountpoint.startswith("/sys/fs/cgroup"):
            found.append((mountpoint, fstype, set(options.split(","))))
    return found


def own_cgroups() -> list[tuple[str, str, set[str], str]]:
    """Each cgroup mount with this process's cgroup in it: (mount point, fstype, options, path)."""
    lines = [line.split(":", 2) for line in Path("/proc/self/cgroup").read_text().splitlines()]
    mounts = []
    for mountpoint, fstype, options in cgroup_mounts():
        for _, controllers, path in lines:
            if (fstype == "cgroup2") == (controllers == "") and set(controllers.split(",")) <= options | {""}:
                mounts.append((mountpoint, fstype, options, path))
                break
    return mounts


def proc_status(pid: str) -> dict[str, str]:
    """/proc/PID/status as a dict: Uid, NoNewPrivs, Seccomp, CapEff..."""
    return dict(line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())


def mount_options(pid: str) -> dict[str, set[str]]:
    """Mount point → options, as the process sees its file systems (the last mount on a point wins)."""
    return {
        line.split()[4]: set(line.split()[5].split(","))
        for line in Path(f"/proc/{pid}/mountinfo").read_text().splitlines()
    }


# Joins the cgroup named by argv[1], then sends one UDP datagram to each address: the errno, or 0 when sent.
EGRESS = """
import os, socket, sys
open(sys.argv[1] + "/cgroup.procs", "w").write(str(os.getpid()))
for address in sys.argv[2:]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(b"probe", (address, 9))
            print(0)
        except OSError as error:
            print(error.errno)
"""


def egress(cgroup: Path, *addresses: str) -> list[int]:
    """What sending from inside a unit's cgroup to each address gives (IPAddressDeny= is a BPF filter there)."""
    result = subprocess.run([sys.executable, "-c", EGRESS, str(cgroup), *addresses], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [int(code) for code in result.stdout.split()]


class Manager:
    """systemd as PID 1 of new namespaces, loading units from `unit_dirs` and no other folder of this machine;
    `dropins` maps e.g. "x.service.d/y.conf" to its text; `users` and `groups` are lines added to passwd, group
    (bind-mounted copies); `mounts` are shell lines run in its mount namespace before systemd starts."""

    def __init__(
        self,
        work: Path,
        unit_dirs: list[Path],
        dropins: dict[str, str],
        users: Sequence[str] = (),
        groups: Sequence[str] = (),
        mounts: Sequence[str] = (),
    ):
        self.work, self.unit_dirs, self.dropins, self.users, self.groups = work, unit_dirs, dropins, users, groups
        self.mounts = mounts
        self.cgroups: list[Path] = []
        self.launcher: subprocess.Popen | None = None
        self.pid = 0

    def prepare(self) -> None:
        unit_dir = self.work / "units"
        unit_dir.mkdir(parents=True)
        for target in STUB_TARGETS:
            (unit_dir / f"{target}.target").write_text(f"[Unit]\nDescription=stand-in {target}.target\n")
        (unit_dir / "live.target").write_text("[Unit]\nDescription=live test\nWants=" + " ".join(JOURNALD) + "\n")
        for name in JOURNALD:
            (unit_dir / name).symlink_to(Path("/lib/systemd/system") / name)
        for name, text in self.dropins.items():
            (unit_dir / name).parent.mkdir(exist_ok=True)
            (unit_dir / name).write_text(text)
        (self.work / "unit-path").write_text(":".join(map(str, [unit_dir, *self.unit_dirs])))
        mounts = list(self.mounts)
        for table, lines in (("passwd", self.users), ("group", self.groups)):
            if lines:  # only then: a file bind-mounted over cannot be replaced (useradd's rename gets EBUSY)
                (self.work / table).write_text(Path("/etc", table).read_text() + "".join(f"{x}\n" for x in lines))
                mounts.append(f"mount --bind {self.work / table} /etc/{table}")
        (self.work / "mounts.sh").write_text("".join(f"{line}\n" for line in mounts))
        self.work.chmod(0o755)

    def cgroup_script(self) -> tuple[str, str]:
        """Shell lines that move the launcher into a fresh child cgroup of each hierarchy, and lines that
        mount the hierarchies again inside the cgroup namespace (so that they are rooted at that child)."""
        join, mount = [], []
        layered = any(mountpoint != "/sys/fs/cgroup" for mountpoint, *_ in cgroup_mounts())
        if layered:
            mount.append("mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup")
        for mountpoint, fstype, options, path in own_cgroups():
            child = Path(mountpoint + path) / f"ragbot-live-{os.getpid()}"
            child.mkdir()
            self.cgroups.append(child)
            if "cpuset" in options:  # a new v1 cpuset starts with no CPUs and no memory nodes
                for name in ("cpuset.cpus", "cpuset.mems"):
                    (child / name).write_text((child.parent / name).read_text())
            join.append(f"echo $$ > {child}/cgroup.procs")
            kept = ",".join(sorted(options - {"rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec"}))
            if layered:
                mount.append(f"mkdir -p {mountpoint}")
            mount.append(f"mount -t {fstype} {'-o ' + kept if kept else ''} cgroup {mountpoint}")
        if layered:
            mount.append("mount -o remount,ro -t tmpfs cgroup /sys/fs/cgroup")
        return "\n".join(join), "\n".join(mount)

    def start(self, timeout: float = 60) -> None:
        self.prepare()
        join, mount = self.cgroup_script()
        (self.work / "mount-cgroups.sh").write_text(mount + "\n")
        (self.work / "inside.sh").write_text(INSIDE)
        launch = f'{join}\nexec unshare {" ".join(NAMESPACES)} bash "$0/inside.sh" "$0" {SYSTEMD}'
        with open(self.work / "launcher.log", "wb") as log:
            self.launcher = subprocess.Popen(["bash", "-c", launch, str(self.work)], stdout=log, stderr=log)
        deadline, state = time.monotonic() + timeout, "not started"
        while True:
            assert self.launcher.poll() is None, (self.work / "launcher.log").read_text()
            children = Path(f"/proc/{self.launcher.pid}/task/{self.launcher.pid}/children")
            pids = children.read_text().split() if children.exists() else []
            if pids and Path(f"/proc/{pids[0]}/comm").read_text().strip() == "systemd":
                self.pid = int(pids[0])
                state = self.systemctl("is-system-running", check=False).stdout.strip()
                if state in ("running", "degraded"):
                    return
            assert time.monotonic() < deadline, f"the manager is {state}: {(self.work / 'console').read_text()}"
            time.sleep(0.2)

    def run(self, *command: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run a command in the manager's namespaces (where /run/systemd/private is)."""
        result = subprocess.run(
            ["nsenter", "-t", str(self.pid), "-m", "-p", *command], capture_output=True, text=True, timeout=timeout
        )
        assert not check or result.returncode == 0, f"{command}: {result.stdout}{result.stderr}\n{self.journal()}"
        return result

    def systemctl(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        return self.run("systemctl", "--no-pager", *args, check=check, timeout=timeout)

    def show(self, unit: str, *properties: str) -> dict[str, str]:
        out = self.systemctl("show", unit, "-p", ",".join(properties)).stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def host_pid(self, pid: str) -> str:
        """This side's number for a process the manager calls `pid` (MainPID is in the manager's PID namespace)."""
        namespace = os.readlink(f"/proc/{self.pid}/ns/pid")
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and os.readlink(proc / "ns/pid") == namespace:
                    status = (proc / "status").read_text()
                    if status.split("NSpid:")[1].split("\n")[0].split()[-1] == pid:
                        return proc.name
            except OSError:  # gone meanwhile, or not ours to inspect
                continue
        raise AssertionError(f"no process {pid} in the manager's PID namespace")

    def unit_cgroups(self, unit: str) -> list[Path]:
        """The unit's cgroup folder in every hierarchy, as this side sees them."""
        cgroup = self.show(unit, "ControlGroup")["ControlGroup"].lstrip("/")
        return [top / cgroup for top in self.cgroups if (top / cgroup).is_dir()]

    def memory_limit(self, unit: str) -> int:
        """The memory limit the kernel enforces on a unit's cgroup (v1 memory controller or v2 memory.max)."""
        for folder in self.unit_cgroups(unit):
            for name in ("memory.limit_in_bytes", "memory.max"):
                if (folder / name).exists():
                    return int((folder / name).read_text())
        raise AssertionError(f"no memory controller for {unit} under {self.cgroups}")

    def unified_cgroup(self, unit: str) -> Path:
        """The unit's cgroup v2 folder: where systemd attaches its BPF programs (IPAddressDeny=)."""
        return next(folder for folder in self.unit_cgroups(unit) if (folder / "cgroup.controllers").exists())

    def journal(self, *args: str) -> str:
        if not self.pid:
            return ""
        return self.run("journalctl", "--no-pager", "-o", "short-monotonic", *args, check=False).stdout[-6000:]

    def stop(self) -> None:
        """SIGKILL to PID 1 ends the whole PID namespace; then the emptied cgroups can go."""
        if self.pid:
            os.kill(self.pid, 9)
        if self.launcher:
            self.launcher.wait(60)
        for top in self.cgroups:
            for cgroup in [*sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True), top]:
                if cgroup.is_dir():
                    remove_cgroup(cgroup)


def remove_cgroup(cgroup: Path, timeout: float = 30) -> None:
    """rmdir, once the killed processes in it have finished exiting."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return cgroup.rmdir()
        except OSError as error:
            if error.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
