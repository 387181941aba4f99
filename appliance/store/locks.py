"""Advisory file locks (flock) that keep the service, backups and restores out of each other's way."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from appliance.errors import Unavailable

# Held shared by every process that has the stores open (the service, `ragbot ingest`...);
# a restore or `doctor --repair` takes it exclusively. The kernel drops it when its process
# dies, even by SIGKILL, so it never goes stale the way a pid file does.
DATA_LOCK = ".ragbot.lock"
# Held shared around each vector store write; a backup takes it exclusively while it copies Chroma.
VECTORS_LOCK = ".vectors.lock"
# Held exclusively by `ragbot serve`: a second one on the same data folder (a test in a terminal on another port
# beside the service) started and took uploads too, though the folder's vector store takes one process's writes.
SERVE_LOCK = ".serve.lock"
LOCKS = (DATA_LOCK, VECTORS_LOCK, SERVE_LOCK)


class Lock:
    """One flock on its own open file: flock locks belong to the open file, not the process."""

    def __init__(self, path: Path, *, shared: bool, wait: bool):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
        except BaseException:
            os.close(fd)
            raise
        self._fd: int | None = fd

    def share(self) -> None:
        """Turn an exclusive lock into a shared one; not atomic, so a restore may take it in between."""
        if self._fd is None:
            raise ValueError("a released lock cannot be shared")
        fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)

    def note(self, text: str) -> None:
        """Write `text` into the lock file, for others to read while the lock is held."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, text.encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def use_data(data: Path) -> tuple[Lock, bool]:
    """The shared lock of a process that opens the stores (refused while a restore runs), and whether the
    process was alone when it took it: then whatever a previous run left in progress is over."""
    busy = Unavailable(
        f"{data} is being restored or repaired by another ragbot command; try again when it has finished"
    )
    try:
        lock = Lock(data / DATA_LOCK, shared=False, wait=False)
    except BlockingIOError:
        try:
            return Lock(data / DATA_LOCK, shared=True, wait=False), False
        except BlockingIOError:
            raise busy from None
    try:
        lock.share()
    except BlockingIOError:
        lock.release()
        raise busy from None
    return lock, True


def own_data(data: Path, doing: str) -> Lock:
    """The exclusive lock for `doing` (restore, repair); refused while anything else has the stores open."""
    return _exclusive(
        data / DATA_LOCK,
        f"cannot {doing}: ragbot is running on {data} (the service or another command); stop "
        "it first, e.g. `sudo systemctl stop ragbot`",
    )


def serving(data: Path, url: str) -> Lock:
    """The lock `ragbot serve` holds while it runs, noting the `url` it serves at (doctor asks that one, not the
    settings' port: `serve --port 9000` was "does not answer"); refused while another one serves the same folder."""
    lock = _exclusive(
        data / SERVE_LOCK,
        f"ragbot is already serving {data} (the service, or a `ragbot serve` in another terminal), and one "
        "data folder takes one service: stop the other first (e.g. `sudo systemctl stop ragbot`), or give "
        "this one a data folder of its own (RAGBOT_DATA_DIR)",
    )
    lock.note(url)
    return lock


def served_at(data: Path) -> str | None:
    """Where `ragbot serve` on `data` answers ("" if it did not say), or None when nothing serves it."""
    try:
        fd = os.open(data / SERVE_LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.pread(fd, 512, 0).decode(errors="replace").strip()
    finally:
        os.close(fd)
    return None


def _exclusive(path: Path, refused: str) -> Lock:
    """An exclusive lock on `path`, or Unavailable(`refused`) while another process holds it."""
    try:
        return Lock(path, shared=False, wait=False)
    except BlockingIOError:
        raise Unavailable(refused) from None


def in_use(data: Path) -> bool:
    """True when some process holds the data lock (the service is running, or a command is)."""
    try:  # read-only: `ragbot doctor` on a read-only disk, or as a user who may only read, failed right here
        fd = os.open(data / DATA_LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@contextmanager
def locked(path: Path, *, shared: bool) -> Iterator[None]:
    """Hold a lock on `path` for a block, waiting for it."""
    lock = Lock(path, shared=shared, wait=True)
    try:
        yield
    finally:
        lock.release()
