"""Backup and restore: one tar archive of the database, vector store, uploads and config, with checksums."""

import gzip
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from appliance import __version__
from appliance.errors import (
    DATA_HINT,
    Damaged,
    InvalidInput,
    RagbotError,
    damaged_database,
    os_errors_told,
    running_user,
)
from appliance.inference.manifests import sha256_file
from appliance.settings import Settings
from appliance.store import files, locks, migrations
from appliance.store.database import DATABASE_FILE, RESTORE_ASIDE
from appliance.web import secret

FORMAT = "ragbot-backup"
VERSION = 1
MANIFEST = "MANIFEST.json"

CHROMA = "chroma"
PREFIX = "ragbot-"
SUFFIX = ".tar.gz"
STAMP = "%Y%m%dT%H%M%SZ"
STAMPED = re.compile(rf"{PREFIX}(\d{{8}}T\d{{6}}Z)(?:-(\d+))?{re.escape(SUFFIX)}")  # the names _archive_name gives
GZIP_MAGIC = b"\x1f\x8b"
NO_DISK = "is on no disk (a kernel file system, as /proc and /sys are)"
# Names that promise another kind of archive than the one written (.tar.gz and .tgz are what it is).
OTHER_KINDS = (".zip", ".7z", ".rar", ".tar.xz", ".tar.bz2", ".tar.zst", ".tar")
# Archive names of the config file and of the token secret (only with --with-secrets).
CONFIG_MEMBER = "config/ragbot.toml"
SECRET_MEMBER = "config/secret.key"
# Never copied: SQLite side files (the online backup API reads through them), locks, our own staging.
SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal")
STAGING = (".backup-", ".restore-")
# Ragbot's own names in the data folder, which a restore replaces: the database and its side files, the vector
# store, uploads waiting for their job and the sample's marker (services.py); the secret, locks, backups, models and
# certificates stay (_kept). Anything else there, an admin's notes.txt or the service user's dot-files (the folder
# is its home), is not ragbot's and stays as it is (a restore deleted it with the old data).
OWNED = {DATABASE_FILE, *(DATABASE_FILE + suffix for suffix in SKIPPED_SUFFIXES), CHROMA, "uploads", ".sample-ingested"}


@dataclass
class Written:
    """An archive `backup` wrote, and the older ones it pruned."""

    path: Path
    files: int
    documents: int
    chunks: int
    pruned: list[Path]


def backup_dir(settings: Settings) -> Path:
    """Where `ragbot backup` puts archives when not given --to."""
    return Path(settings.backup_dir).expanduser() if settings.backup_dir else settings.data_path / "backups"


def _walk(source: Path, skip: set[Path]):
    """Regular files under `source`, leaving out locks, SQLite side files, staging and `skip`."""

    def skipped(path: Path) -> bool:
        return (
            path.name in locks.LOCKS
            or path.name.endswith(SKIPPED_SUFFIXES)
            or path.name.startswith(STAGING)
            or path.resolve() in skip
        )

    for root, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not skipped(Path(root) / d))
        for name in sorted(names):
            path = Path(root) / name
            if not skipped(path) and path.is_file() and not path.is_symlink():
                yield path


def _copy_tree(source: Path, target: Path, skip: set[Path]) -> None:
    """Copy the files under `source` with their modes (a key's 0600 is archived as such); one that vanishes
    meanwhile (a finished upload) is left out."""
    for path in _walk(source, skip):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy(path, destination)
        except FileNotFoundError:
            continue


def _snapshot_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database through its online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        if (result := _copied(src, dst)) != "ok":
            raise Damaged(
                f"the database {source} is damaged ({result}), and a backup would keep the damage: none was written "
                "(the backups there are kept); `ragbot doctor` says what to do"
            )
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _copied(src: sqlite3.Connection, dst: sqlite3.Connection) -> str:
    """Copy `src` into `dst`; "ok", or what damage the copy found (a damaged page ended the backup with a traceback,
    "sqlite3.DatabaseError: database disk image is malformed")."""
    try:
        src.backup(dst)
        return dst.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        if not damaged_database(error, ""):
            raise  # a full disk or a lock is no damage
        return str(error)


def _counts(database: Path) -> tuple[int, int, int]:
    """Schema version, documents and chunks of a database snapshot."""
    with sqlite3.connect(database) as db:
        schema = db.execute("SELECT coalesce(max(number), 0) FROM migrations").fetchone()[0]
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    db.close()
    return schema, documents, chunks


def _excluded(settings: Settings, with_models: bool, with_secrets: bool) -> set[Path]:
    """Left out of the data: archives, the secret (see SECRET_MEMBER), model weights unless asked, and the box's
    certificates (`ragbot tls init`'s CA key, which can vouch for any name on the LAN) unless secrets are asked."""
    skip = {backup_dir(settings).resolve(), settings.secret_path.resolve()}
    if not with_secrets:
        skip.add(settings.tls_path.resolve())
    models = settings.models_path
    if not with_models and models.is_dir():
        skip |= {p.resolve() for p in models.iterdir() if p.suffix != ".toml"}
    return skip


def _stage(settings: Settings, config: Path | None, staging: Path, with_secrets: bool, skip: set[Path]) -> None:
    """Copy everything into `staging`: SQLite first, then plain files, then Chroma with its writes paused.

    SQLite is the source of truth and the vector store is derived from it. Each copy is consistent in
    itself; the two may differ by the writes between them, which is exactly what the consistency
    repair at start-up (repair.py) fixes: stray vectors are dropped, missing ones re-embedded.
    """
    data, models = settings.data_path, settings.models_path
    target = staging / "data"
    _snapshot_sqlite(data / DATABASE_FILE, target / DATABASE_FILE)
    _copy_tree(data, target, skip | {(data / DATABASE_FILE).resolve(), (data / CHROMA).resolve()})
    if models.is_dir() and not models.resolve().is_relative_to(data.resolve()):
        _copy_tree(models, target / "models", skip)
    chroma = data / CHROMA
    if chroma.is_dir():
        with locks.locked(data / locks.VECTORS_LOCK, shared=False):
            databases = {p.resolve() for p in chroma.rglob("*.sqlite3")}
            for path in databases:
                _snapshot_sqlite(path, target / CHROMA / path.relative_to(chroma.resolve()))
            _copy_tree(chroma, target / CHROMA, skip | databases)
    (staging / "config").mkdir()
    if config and config.is_file():
        shutil.copyfile(config, staging / CONFIG_MEMBER)
    if with_secrets and settings.secret_path.is_file():
        shutil.copyfile(settings.secret_path, staging / SECRET_MEMBER)


def _need_room(folder: Path, needed: int, what: str, hint: str) -> None:
    """Refuse up front, rather than fail half-way through writing, when `folder`'s disk is too full."""
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise RagbotError(
            f"not enough space in {folder}: {what} needs up to {amount(needed)}, {amount(free)} free; {hint}"
        )


def amount(size: int) -> str:
    """A size in MB, or in KB below one (rounded up): a small appliance's backup "needs up to 0 MB, 0 MB free"."""
    return f"{size >> 20} MB" if size >= 1 << 20 else f"{-(-size >> 10)} KB"


def on_no_disk(folder: Path) -> bool:
    """Whether `folder` is on a file system without blocks (the kernel's /proc and /sys), which holds no archive
    however much is freed: "not enough space in /proc: a backup needs up to 0 MB, 0 MB free; free some space"."""
    return shutil.disk_usage(folder).total == 0


def _refuse_no_disk(folder: Path, to: Path | str | None) -> None:
    if on_no_disk(folder):
        fix = "give --to a folder on a disk" if to else "set backup_dir to a folder on a disk (or give --to one)"
        raise InvalidInput(f"{folder} {NO_DISK}: {fix}")


def _archive_name(folder: Path) -> Path:
    """A name after every archive of this second: after a prune of "...Z" the next was "...Z" again, sorted before
    the "...Z-1" left, so pruned at once (backups in a loop)."""
    stamp = datetime.now(UTC).strftime(STAMP)
    numbers = [int(m[2] or 0) for p in folder.iterdir() if (m := STAMPED.fullmatch(p.name)) and m[1] == stamp]
    n = max(numbers, default=-1) + 1
    return folder / f"{PREFIX}{stamp}{f'-{n}' if n else ''}{SUFFIX}"


def archives(folder: Path) -> list[Path]:
    """The archives `backup` named in `folder` (ragbot-<time>[-n].tar.gz), oldest first: by their time, then their
    number, for a second archive of the same second ("-1") sorted before the first by name, so a prune deleted the
    newer one. A name of an admin's own (ragbot-before-upgrade.tar.gz) is none of them: it sorted as the newest, so
    every new backup was pruned as soon as written, and it was never pruned."""
    if not folder.is_dir():
        return []
    # Not glob, which reads a folder this user may not list as empty: doctor said "none yet" of seven backups.
    named = {p: STAMPED.fullmatch(p.name) for p in folder.iterdir()}
    made = {p: (m[1], int(m[2] or 0)) for p, m in named.items() if m and p.is_file()}
    return sorted(made, key=made.__getitem__)


def from_the_future(folder: Path, now: datetime | None = None) -> list[Path]:
    """The archives in `folder` whose names date them after now: written while the clock was ahead, or it is behind."""
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    return [p for p in archives(folder) if (m := STAMPED.fullmatch(p.name)) and m[1] > stamp]


def leftovers(settings: Settings) -> list[Path]:
    """Staging folders a backup or restore killed midway left (a power cut during the nightly backup), each about
    as big as the data; for a caller that knows no backup or restore runs. The old data a restore moves aside
    (.restore-old-) is never one, nor is anything while the data folder has no database: a restore stopped
    between moving the old data out and the new in has the only copies there."""
    data, folder = settings.data_path, backup_dir(settings)
    found = sorted(folder.glob(f"{STAGING[0]}*")) if folder.is_dir() else []
    if (data / DATABASE_FILE).is_file():
        found += [p for p in sorted(data.glob(f"{STAGING[1]}*")) if not p.name.startswith(RESTORE_ASIDE)]
    return [p for p in found if p.is_dir()]


def prune(folder: Path, keep: int, written: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` of the archives `backup` named in `folder`, `written` counted the newest: after
    the clock went back (a dead clock battery, an NTP correction) its name sorted before the older ones, and the
    archive just written was pruned at once, each night."""
    found = [p for p in archives(folder) if p != written] + ([written] if written else [])
    old = found[:-keep] if keep else found
    for path in old:
        path.unlink()
    return old


def _refuse_other_kinds(to: Path) -> None:
    """`--to ragbot.zip` wrote a gzip-compressed tar under a name that says zip: no zip tool opens it."""
    other = next((suffix for suffix in OTHER_KINDS if to.name.lower().endswith(suffix)), None)
    if other:
        named = to.name[: -len(other)] + SUFFIX
        raise InvalidInput(f"{to.name}: a backup is a gzip-compressed tar archive, not {other}; name it {named}")


def _refuse_replacing(to: Path) -> None:
    """`--to ~/thesis.tar.gz` replaced the thesis without a word: only a ragbot backup is written over."""
    if not to.exists():
        return
    try:
        with tarfile.open(to, mode="r|gz") as tar:
            first = tar.next()
        ours = first is not None and first.name == MANIFEST
    except (tarfile.TarError, OSError, EOFError):  # not gzip, not tar, cut short: no backup of ours
        ours = False
    if not ours:
        raise InvalidInput(f"{to} exists and is not a ragbot backup; a backup does not replace it: give another name")


def backup(
    settings: Settings,
    config: Path | None,
    to: Path | str | None = None,
    *,
    keep: int | None = None,
    with_secrets: bool = False,
    with_models: bool = False,
) -> Written:
    """Write one archive (to `to`, a new timestamped file in `to` if it is a folder or ends in "/", or one in the
    backup folder, pruned to `keep`)."""
    data = settings.data_path
    with os_errors_told(lambda failed: _backup_hint(settings, to, failed)):
        if not (data / DATABASE_FILE).is_file():
            raise InvalidInput(f"nothing to back up: {data} has no database ({DATABASE_FILE})")
        folder, destination = _destination(settings, to, keep)
        _refuse_no_disk(folder, to)
        skip = _excluded(settings, with_models, with_secrets) | {destination}
        # Room for the staged copy plus the archive, at worst as big as the data.
        _need_room(
            folder,
            2 * sum(p.stat().st_size for p in _walk(data, skip)),
            "a backup",
            "free some space or use --to on another disk",
        )
        count, documents, chunks = _write_archive(settings, config, destination, with_secrets, skip)
        # `--to /media/usb/ --keep 3` kept every archive on the stick: --keep prunes the folder given too.
        keeping = settings.backup_keep if to is None and keep is None else keep
        pruned = prune(folder, keeping, destination) if keeping else []
    return Written(destination, count, documents, chunks, pruned)


def _destination(settings: Settings, to: Path | str | None, keep: int | None) -> tuple[Path, Path]:
    """The folder the archive goes in (made if need be) and the archive's own path."""
    # A folder (a USB stick's) was taken for the archive's own name: "[Errno 21] Is a directory"; and one yet to be
    # made, `--to /media/usb/ragbot/`, became a file named "ragbot" (a Path drops the "/" that says it is a folder).
    folder_meant = str(to).endswith(os.sep)
    to = Path(to) if to else None
    into = to if to and (folder_meant or to.is_dir()) else None
    if to and not into:
        _refuse_other_kinds(to)
        _refuse_replacing(to)
        if keep is not None:  # it pruned nothing, and said nothing of it
            raise InvalidInput(f"--keep prunes a folder's archives, and {to} names one archive: give --to a folder")
    folder = (into or (to.parent if to else backup_dir(settings))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder, to.resolve() if to and not into else _archive_name(folder)


def _backup_hint(settings: Settings, to: Path | str | None, failed: Path | None) -> str:
    """What to do when the OS refused `failed`: another --to, or the data folder's owner and permissions."""
    user = running_user()
    if failed is None or files.within(failed, settings.data_path):
        return DATA_HINT
    if to:
        return f"give --to a folder the user {user} can write, or leave it out (archives go to {backup_dir(settings)})"
    return f"let the user {user} write {backup_dir(settings)} (setting backup_dir), or give --to a folder it can write"


def _write_archive(
    settings: Settings, config: Path | None, destination: Path, with_secrets: bool, skip: set[Path]
) -> tuple[int, int, int]:
    """Stage a consistent copy beside `destination`, archive it there with its manifest; files, documents, chunks."""
    data = settings.data_path
    lock, _ = locks.use_data(data)
    try:
        with tempfile.TemporaryDirectory(prefix=STAGING[0], dir=destination.parent) as tmp:
            staging = Path(tmp)
            _stage(settings, config, staging, with_secrets, skip)
            schema, documents, chunks = _counts(staging / "data" / DATABASE_FILE)
            listed = {
                p.relative_to(staging).as_posix(): {"size": p.stat().st_size, "sha256": sha256_file(p)}
                for p in sorted(staging.rglob("*"))
                if p.is_file()
            }
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "ragbot": __version__,
                "schema": schema,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "data_dir": str(data),
                "documents": documents,
                "chunks": chunks,
                "secret": secret.fingerprint(settings.secret_path),
                "files": listed,
            }
            partial = staging / "archive.partial"
            _write_tar(partial, staging, manifest)
            os.replace(partial, destination)
    finally:
        lock.release()
    return len(listed), documents, chunks


def _write_tar(path: Path, staging: Path, manifest: dict) -> None:
    """The manifest first, then every staged file; private (0600) and synced before it is renamed into place."""
    body = json.dumps(manifest, indent=1).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            for name in manifest["files"]:
                member = tar.gettarinfo(staging / name, arcname=name)
                member.uid = member.gid = 0
                member.uname = member.gname = ""
                with (staging / name).open("rb") as handle:
                    tar.addfile(member, handle)
        raw.flush()
        os.fsync(raw.fileno())


# Restore ----------------------------------------------------------------------------------------


@dataclass
class Restored:
    """What `restore` found in (and, unless checking only, put back from) an archive."""

    manifest: dict
    config_restored: list[Path]
    lost_keys: int = 0  # API keys that stop working: the archive's were hashed with another box's secret


def _member_path(name: str) -> PurePosixPath:
    """A member name as a safe relative path under data/ or config/, or InvalidInput."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] not in ("data", "config"):
        raise InvalidInput(f"the archive holds an unexpected path {name!r}; it was not written by `ragbot backup`")
    return path


def member_bytes(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    """The contents of a regular file in an archive."""
    stream = tar.extractfile(member)
    if stream is None:
        raise InvalidInput(f"{member.name} in the archive is not a regular file")
    return stream.read()


def _read_manifest(tar: tarfile.TarFile, name: Path) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile() or first.size > 64 << 20:
        raise InvalidInput(f"{name} is not a ragbot backup: it does not start with {MANIFEST}")
    try:
        manifest = json.loads(member_bytes(tar, first))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput(f"{name}: its {MANIFEST} is not valid JSON; the archive is corrupted") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise InvalidInput(f"{name} is not a ragbot backup (its manifest has no format '{FORMAT}')")
    if manifest.get("version") != VERSION:
        raise InvalidInput(
            f"{name} is a backup in format version {manifest.get('version')}; this ragbot reads {VERSION}"
        )
    if not isinstance(manifest.get("schema"), int) or manifest["schema"] > len(migrations.MIGRATIONS):
        raise InvalidInput(
            f"{name} was made by a newer ragbot (database schema {manifest.get('schema')}, this one "
            f"knows {len(migrations.MIGRATIONS)}); upgrade ragbot first"
        )
    if not all(
        isinstance(e, dict) and isinstance(e.get("size"), int) and isinstance(e.get("sha256"), str)
        for e in manifest["files"].values()
    ):
        raise InvalidInput(f"{name}: its manifest lists a file without size and checksum; the archive is corrupted")
    if "data/" + DATABASE_FILE not in manifest["files"]:
        raise InvalidInput(f"{name}: the manifest lists no database; the archive is incomplete")
    return manifest


def _refuse_other_files(archive: Path) -> None:
    """A file that is no tar archive at all (a .zip, a text) was "truncated or corrupted (truncated header)", which
    sent the admin looking for a better copy of it rather than for the right file."""
    with archive.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(GZIP_MAGIC) or head[257:262] == b"ustar":
        return
    from appliance.ingest.parse import known_kind

    what = "empty" if not head else known_kind(head) or "no archive"
    raise InvalidInput(f"{archive} is not a ragbot backup, the .tar.gz `ragbot backup` writes: it is {what}")


def _extract(archive: Path, staging: Path, kept: set[str]) -> dict:
    """Unpack into `staging`, checking every file against the manifest; any doubt raises InvalidInput.

    `kept` names what a restore leaves in the data folder (the secret, locks, backups): a member
    that would land on one of those is refused, since no archive `ragbot backup` writes holds one.
    """
    _refuse_other_files(archive)
    try:
        with tarfile.open(archive, mode="r|*") as tar:
            manifest = _read_manifest(tar, archive)
            expected, seen = manifest["files"], set()
            # The unpacked data lands beside the current data before the swap: both must fit at once.
            _need_room(
                staging,
                sum(entry["size"] for entry in expected.values()),
                f"restoring {archive.name}",
                "free some space; nothing was changed",
            )
            while (member := tar.next()) is not None:
                path = _member_path(member.name)
                if not member.isfile():
                    raise InvalidInput(f"{archive}: member {member.name!r} is not a regular file")
                if member.name not in expected or member.name in seen:
                    raise InvalidInput(f"{archive}: member {member.name!r} is not in the manifest")
                if path.parts[0] == "data" and len(path.parts) > 1 and path.parts[1] in kept:
                    raise InvalidInput(f"{archive}: member {member.name!r} would replace a file a restore keeps")
                if member.size != expected[member.name]["size"]:
                    # Checked before writing: a member larger than the manifest says could fill the disk.
                    raise InvalidInput(f"{archive}: {member.name} is not the size its manifest says")
                target = staging.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = files.copy_hashing(tar.extractfile(member), target)
                # As private as it was archived (a CA key's 0600), never more open than the data's 0640.
                os.chmod(target, member.mode & 0o640)
                if digest != expected[member.name]["sha256"]:
                    raise InvalidInput(
                        f"{archive}: {member.name} does not match its checksum; the archive is corrupted"
                    )
                seen.add(member.name)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise InvalidInput(f"{archive} is truncated or corrupted ({error}); nothing was changed") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise InvalidInput(
            f"{archive} is incomplete: {len(missing)} files of the manifest are missing "
            f"(first: {missing[0]}); nothing was changed"
        )
    return manifest


def _swap(data: Path, staged: Path, keep: set[str]) -> list[Path]:
    """Move ragbot's current data aside and the restored data in; on any failure put the old data back.

    What is not ragbot's stays as it is; one such file in the archive (a backup takes the whole folder) comes back
    only where the folder has none of that name.
    """
    aside = Path(tempfile.mkdtemp(prefix=RESTORE_ASIDE, dir=data))
    moved_out, moved_in = [], []
    try:
        for entry in sorted(data.iterdir()):
            if entry.name in OWNED and entry.name not in keep:
                os.replace(entry, aside / entry.name)
                moved_out.append(entry.name)
        for entry in sorted(staged.iterdir()):
            if entry.name in OWNED or not os.path.lexists(data / entry.name):
                os.replace(entry, data / entry.name)
                moved_in.append(entry.name)
    except BaseException:
        for name in moved_in:
            os.replace(data / name, staged / name)
        for name in moved_out:
            os.replace(aside / name, data / name)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    return [data / name for name in moved_in]


def _merge(source: Path, target: Path) -> list[Path]:
    """Move files from `source` into `target`, replacing same-named ones and keeping the others."""
    target.mkdir(parents=True, exist_ok=True)
    moved = []
    for path in sorted(source.iterdir()):
        os.replace(path, target / path.name)
        moved.append(target / path.name)
    source.rmdir()
    return moved


def restore(
    settings: Settings, archive: Path, config: Path | None, *, check_only: bool = False, with_config: bool = False
) -> Restored:
    """Verify an archive completely, then (unless `check_only`) swap its data in for the current data.

    Refused while any process has the data open (see locks.py); nothing changes unless every file
    of the manifest is present and matches its checksum.
    """
    with os_errors_told(lambda failed: _restore_hint(settings, archive, failed)):
        files.need_file(archive, "archive (ragbot-....tar.gz)")
        data = settings.data_path
        data.mkdir(parents=True, exist_ok=True)
        lock = None if check_only else locks.own_data(data, "restore")
        try:
            return _unpack(settings, archive.resolve(), config, check_only, with_config)
        finally:
            if lock:
                lock.release()


def _restore_hint(settings: Settings, archive: Path, failed: Path | None) -> str:
    """What to do when the OS refused `failed`: put the archive where it can be read, or see to the data folder."""
    # The archive, or a folder on its way to it (not the data folder, where the archive may be kept).
    if failed is not None and files.within(archive, failed) and not files.within(settings.data_path, failed):
        user = running_user()
        return f"put the archive where the user {user} can read it (e.g. into {backup_dir(settings)}, owned by {user})"
    return DATA_HINT


def _unpack(settings: Settings, archive: Path, config: Path | None, check_only: bool, with_config: bool) -> Restored:
    """Unpack and verify beside the data, then (unless `check_only`) swap it in."""
    data = settings.data_path
    with tempfile.TemporaryDirectory(prefix=STAGING[1], dir=data) as tmp:
        staging = Path(tmp)
        keep = _kept(settings, archive)
        manifest = _extract(archive, staging, keep - {"models"})
        if check_only:
            return Restored(manifest, [])
        # Model manifests (and weights, if archived) join the models folder instead of replacing it.
        models = staging / "data" / "models"
        if models.is_dir():
            models = models.rename(staging / "models")
        # The box's certificates stay, as its secret does: students' devices trust this CA. An archive's
        # (older backups held one) comes in only where there is none, a new box recovering the old one's.
        if settings.tls_path.is_dir():
            shutil.rmtree(staging / "data" / settings.tls_path.name, ignore_errors=True)
            keep.add(settings.tls_path.name)
        restored = _swap(data, staging / "data", keep)
        if models.is_dir():
            restored += _merge(models, settings.models_path)
        files.match_owner(restored, data)
        config_restored = _restore_config(settings, staging, config) if with_config else []
        return Restored(manifest, config_restored, _lost_keys(settings, manifest))


def _lost_keys(settings: Settings, manifest: dict) -> int:
    """The restored API keys this box cannot check: a new box has a secret of its own (its install made one), and
    Moodle's key stopped working after a move with no word of why. 0 for an archive that recorded no secret."""
    made_with = manifest.get("secret")
    if not made_with or made_with == secret.fingerprint(settings.secret_path):
        return 0
    with sqlite3.connect(settings.data_path / DATABASE_FILE) as db:
        live = db.execute("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0]
    db.close()
    return live


def _kept(settings: Settings, archive: Path) -> set[str]:
    """Names in the data folder a restore leaves in place."""
    data = settings.data_path
    # Our lock, the backups (maybe the very archive being restored) and weights.
    keep = {*locks.LOCKS, "models"}
    keep |= {p.name for p in data.iterdir() if archive.is_relative_to(p.resolve())}
    # The current secret stays (an archive holds one only with --with-secrets, restored by --with-config).
    keep |= {p.name for p in (backup_dir(settings), settings.secret_path) if p.parent.resolve() == data.resolve()}
    return keep


def _restore_config(settings: Settings, staging: Path, config: Path | None) -> list[Path]:
    """Put the archived config file (and the secret, if archived) back where the current ones live."""
    targets = {CONFIG_MEMBER: (config, 0o640), SECRET_MEMBER: (settings.secret_path, 0o600)}
    written = []
    for member, (target, mode) in targets.items():
        if (staging / member).is_file() and target is not None:
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(staging / member, partial)
            files.replace_keeping_owner(partial, target, mode)
            written.append(target)
    if not written:
        raise InvalidInput("the archive holds no config to restore; the data was restored")
    return written
