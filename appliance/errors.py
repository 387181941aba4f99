"""The appliance's error hierarchy; web/app.py maps it to HTTP statuses in one place."""

import errno
import math
import os
import pwd
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class RagbotError(Exception):
    """Base of every error the appliance raises on purpose; its message is safe to show."""

    status = 500

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class ConfigError(RagbotError):
    """A setting, config file or model manifest is invalid."""


class InvalidInput(RagbotError):
    """A request, file or argument is malformed."""

    status = 400


class UnsupportedFile(InvalidInput):
    """A file's content is of a type the appliance cannot read."""

    status = 415


class TooLarge(InvalidInput):
    """An upload exceeds the configured size limit."""

    status = 413


MB = 1024 * 1024  # max_upload_mb's unit


def upload_too_large(size: int | None, limit_mb: int) -> TooLarge:
    """The 413 a teacher can act on: the upload's size (None: unknown), the limit, and who can raise it."""
    # Rounded up, so that an upload just over the limit does not read as the limit itself.
    told = f"the upload is {math.ceil(size * 10 / MB) / 10} MB, more than" if size else "the upload is larger than"
    return TooLarge(
        f"{told} the {limit_mb} MB this appliance accepts; make the file smaller, or ask the lab admin to raise the "
        "limit (setting max_upload_mb)"
    )


class NotFound(RagbotError):
    """The requested document, job or model does not exist."""

    status = 404


class Busy(RagbotError):
    """The model queue is full; try again later."""

    status = 503


class Unavailable(RagbotError):
    """A component (database, vector store, model) is not working."""

    status = 503


class Damaged(Unavailable):
    """A store's files are damaged; `ragbot doctor` names which and rebuilds or restores it."""


class DiskFull(Unavailable):
    """The data disk is full: what was being written was not stored."""

    status = 507


def damaged_database(
    error: BaseException, path: object, hint: str = "`ragbot doctor` says what to do"
) -> Damaged | None:
    """The Damaged an SQLite error amounts to (a damaged page, or a file that is no database), or None: every
    command, and the service at start, ended in a traceback, "sqlite3.DatabaseError: file is not a database"."""
    if getattr(error, "sqlite_errorcode", None) not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return None
    return Damaged(f"the database {path} is damaged ({error}); {hint}")


def disk_full(error: BaseException) -> DiskFull | None:
    """The DiskFull an error amounts to (ENOSPC or EDQUOT from the OS, SQLITE_FULL, either wrapped), or None."""
    cause: BaseException | None = error
    while cause is not None:
        if (
            (isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT))
            or getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or "disk is full" in str(cause)  # Chroma's Rust core reports SQLite's error as text
        ):
            return DiskFull(
                "the appliance's disk is full, so nothing was stored; free some space "
                "(`ragbot doctor` shows how much is left) and try again"
            )
        cause = cause.__cause__ or cause.__context__
    return None


# What to do when the OS refuses a file of the data folder: a command run as another user than its owner (an admin
# without sudo on a machine install), or its owner or modes changed by hand.
DATA_HINT = (
    "run ragbot as the data folder's owner (`sudo ragbot ...` on a machine install); `ragbot doctor`, run so, says "
    "what is wrong with its owner and permissions"
)


def running_user() -> str:
    """The account this process runs as: the machine install's `sudo ragbot ...` runs as ragbot, not root."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a container's uid with no passwd entry
        return f"uid {os.geteuid()}"


def in_the_way(path: Path) -> Path | None:
    """The first part of `path` that is a file where a folder is needed ("Not a directory" names the whole path)."""
    parts = [*reversed(path.parents), path]
    return next((part for part in parts if os.path.exists(part) and not os.path.isdir(part)), None)


def _os_words(error: OSError) -> str:
    """What an OS error means, in words naming its file: "[Errno 13] Permission denied: '/root/.backup-x'" did not."""
    if not isinstance(error.filename, str):
        return error.strerror or str(error)
    path = Path(error.filename)
    if error.errno in (errno.EACCES, errno.EPERM):
        # A file that cannot be seen was being made, or sits in a folder closed to us: that folder is the refusal.
        where = f"open {path}" if os.path.lexists(path) else f"use the folder {path.parent}"
        return f"permission denied: the user {running_user()}, whom this command runs as, may not {where}"
    # mkdir's "File exists" (exist_ok takes only a folder) and "Not a directory" both mean a file stands in the way.
    if error.errno == errno.ENOTDIR or (error.errno == errno.EEXIST and not path.is_dir()):
        return f"{in_the_way(path) or path} is a file, where a folder is needed"
    if error.errno == errno.EROFS:  # a file being made (a backup's staging folder): the folder it was made in
        return f"{path if os.path.lexists(path) else path.parent} is on a read-only disk"
    if error.errno == errno.ENOENT:
        return f"{path}: no such file or folder"
    return f"{path}: {error.strerror}"


def os_refusal(error: OSError, hint: str = "") -> RagbotError:
    """An OS error as a RagbotError in plain words, with what to do (`hint`); a full disk says how to free it."""
    words = _os_words(error)
    return disk_full(error) or RagbotError(f"{words}; {hint}" if hint else words)


@contextmanager
def os_errors_told(hint: Callable[[Path | None], str]) -> Iterator[None]:
    """Raise an OSError inside as os_refusal, its hint chosen by the file that failed (None: no file named)."""
    try:
        yield
    except OSError as error:
        failed = Path(error.filename) if isinstance(error.filename, str) else None
        raise os_refusal(error, hint(failed)) from error


class Unauthorized(RagbotError):
    """Missing, wrong or expired credentials."""

    status = 401


class Forbidden(RagbotError):
    """Signed in, but this role or course may not do that."""

    status = 403


class Conflict(InvalidInput):
    """The request clashes with what exists (a taken username)."""

    status = 409


class TooManyRequests(RagbotError):
    """A rate limit was hit; retry_after says when to try again."""

    status = 429
