"""Backup while serving, restore, and refusal of bad archives; Chroma on disk, fake models for speed."""

import errno
import gzip
import hashlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from appliance import services as services_module
from appliance.cli import main as cli
from appliance.errors import InvalidInput, Unavailable, os_refusal, running_user
from appliance.ops import backup, doctor
from appliance.settings import load_settings
from tests.conftest import FakeEmbedder, FakeModel, obeying_modes

NOTES = {
    f"week{n}.md": f"# Week {n}\n\n"
    + "\n\n".join(
        f"## Topic {n}.{t}\n\nThe {word} actuator in lab {n} runs at {n * 10 + t} volts and weighs {t} kilograms."
        for t, word in enumerate(("servo", "stepper", "piston", "solenoid", "linear"), 1)
    )
    for n in range(1, 6)
}
QUERIES = ["stepper actuator volts", "solenoid in lab 3", "how heavy is the linear actuator", "week 5 piston"]


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        environ={}, data_dir=str(tmp_path / "data"), ingest_sample=False, min_similarity=0.05, backup_keep=2
    )


def build(settings):
    """The appliance on Chroma on disk (so the backup copies a real vector store) and fake models."""
    return services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel())


def state(app) -> tuple:
    """What a user sees: the documents, and the search results with their scores."""
    documents = sorted((d["id"], d["filename"], d["chunks"]) for d in app.database.documents())
    results = [[(p.chunk_id, p.score, p.similarity) for p in app.retriever.search(q, 5)] for q in QUERIES]
    return documents, results


def fill(app, folder, names) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(NOTES[name])
        services_module.ingest_path(app, folder / name)


def test_backup_while_serving_then_restore_gives_the_same_documents_and_results(settings, tmp_path):
    app = build(settings)
    fill(app, tmp_path / "notes", list(NOTES)[:4])
    before = state(app)
    failures, stop = [], threading.Event()

    def serve_searches():
        while not stop.is_set():
            try:
                assert len(app.retriever.search("actuator volts", 5)) == 5
            except Exception as error:  # reported below, not lost in the thread
                failures.append(error)

    searcher = threading.Thread(target=serve_searches)
    searcher.start()
    try:
        written = backup.backup(settings, None)
    finally:
        stop.set()
        searcher.join()
    assert failures == []
    assert written.documents == 4
    assert written.path.parent == settings.data_path / "backups"
    app.close()

    kept = shutil.move(written.path, tmp_path / written.path.name)  # as if copied to another disk
    shutil.rmtree(settings.data_path)
    backup.restore(settings, Path(kept), None)
    restored = build(settings)
    try:
        assert state(restored) == before
        assert restored.database.chunk_ids() == restored.vectors.ids()
    finally:
        restored.close()


def test_backup_during_ingestion_restores_to_consistent_stores(settings, tmp_path):
    app = build(settings)
    fill(app, tmp_path / "notes", ["week1.md"])
    writer = threading.Thread(target=fill, args=(app, tmp_path / "notes", list(NOTES)[1:]))
    writer.start()
    written = backup.backup(settings, None)
    writer.join()
    app.close()
    backup.restore(settings, written.path, None)
    restored = build(settings)  # start-up repair reconciles the two snapshots
    try:
        documents = restored.database.documents()
        assert 1 <= len(documents) <= len(NOTES)
        assert documents == sorted(documents, key=lambda d: d["created_at"], reverse=True)
        assert sum(d["chunks"] for d in documents) == len(restored.database.chunk_ids())
        assert restored.database.chunk_ids() == restored.vectors.ids()
    finally:
        restored.close()


def test_restore_is_refused_while_the_appliance_runs(settings, tmp_path):
    app = build(settings)
    fill(app, tmp_path / "notes", ["week1.md"])
    written = backup.backup(settings, None)
    try:
        with pytest.raises(Unavailable, match="stop it first"):
            backup.restore(settings, written.path, None)
        assert len(app.database.documents()) == 1
    finally:
        app.close()


@pytest.fixture
def archive(settings, tmp_path):
    """A closed appliance with two documents, its archive, and a fingerprint of its data directory."""
    app = build(settings)
    fill(app, tmp_path / "notes", ["week1.md", "week2.md"])
    written = backup.backup(settings, None)
    app.close()
    return written.path


def fingerprint(folder) -> dict:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "backups" not in p.parts
    }


def corrupt_middle(path):
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 2, len(data) // 2 + 64):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def tamper_member(path):
    """A well-formed archive whose database differs from the manifest's checksum."""
    with tarfile.open(path) as tar:
        members = [(m, backup.member_bytes(tar, m)) for m in tar.getmembers()]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member, body in members:
            if member.name == "data/ragbot.db":
                body = body[:-1] + bytes([body[-1] ^ 1])
            tar.addfile(member, io.BytesIO(body))
    path.write_bytes(out.getvalue())


def unlisted_member(path):
    with tarfile.open(path) as tar:
        members = [(m, backup.member_bytes(tar, m)) for m in tar.getmembers()]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member, body in [*members, (tarfile.TarInfo("data/extra.txt"), b"surprise")]:
            member.size = len(body)
            tar.addfile(member, io.BytesIO(body))
    path.write_bytes(out.getvalue())


def _zipped() -> bytes:
    """A ZIP archive's bytes, as an admin who zipped the data folder by hand would give."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/ragbot.db", b"a database")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "truncated or corrupted"),
        (lambda p: p.write_bytes(p.read_bytes()[:-200]), "truncated or corrupted"),
        (corrupt_middle, "truncated or corrupted|checksum"),
        (tamper_member, "does not match its checksum"),
        (unlisted_member, "not in the manifest"),
        (lambda p: p.write_bytes(gzip.compress(b"just text")), "truncated or corrupted|not a ragbot backup"),
        # A file that is no archive at all was "truncated or corrupted (truncated header)": the admin looked for a
        # better copy of it, not for the right file.
        (lambda p: p.write_text("not even gzip"), "not a ragbot backup, the .tar.gz `ragbot backup` writes: it is no"),
        (lambda p: p.write_bytes(_zipped()), "not a ragbot backup, .* it is a ZIP archive \\(.zip\\)$"),
    ],
)
def test_damaged_archive_is_refused_and_changes_nothing(settings, archive, damage, message):
    before = fingerprint(settings.data_path)
    damage(archive)
    with pytest.raises(InvalidInput, match=message):
        backup.restore(settings, archive, None)
    assert fingerprint(settings.data_path) == before
    assert not [p for p in settings.data_path.iterdir() if p.name.startswith(".restore-")]


def edit_manifest(path, change) -> None:
    with tarfile.open(path) as tar:
        members = [(m, backup.member_bytes(tar, m)) for m in tar.getmembers()]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member, body in members:
            if member.name == backup.MANIFEST:
                body = json.dumps(change(json.loads(body))).encode()
                member.size = len(body)
            tar.addfile(member, io.BytesIO(body))
    path.write_bytes(out.getvalue())


def test_archive_from_a_newer_schema_is_refused(settings, archive):
    edit_manifest(archive, lambda manifest: manifest | {"schema": 999})
    with pytest.raises(InvalidInput, match="newer ragbot"):
        backup.restore(settings, archive, None, check_only=True)


def test_manifest_entry_without_size_is_refused(settings, archive):
    edit_manifest(archive, lambda m: m | {"files": {name: {"sha256": e["sha256"]} for name, e in m["files"].items()}})
    with pytest.raises(InvalidInput, match="without size and checksum"):
        backup.restore(settings, archive, None, check_only=True)


def test_restore_onto_a_full_disk_is_refused_up_front_and_changes_nothing(settings, archive, monkeypatch):
    before = fingerprint(settings.data_path)
    real = shutil.disk_usage
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: real(path)._replace(free=4096))
    with pytest.raises(backup.RagbotError, match=r"not enough space.*nothing was changed"):
        backup.restore(settings, archive, None)
    assert fingerprint(settings.data_path) == before
    assert not [p for p in settings.data_path.iterdir() if p.name.startswith(".restore-")]


def test_secret_stays_out_unless_asked_and_restore_keeps_the_current_one(settings, archive, tmp_path):
    settings.secret_path.write_text("current-secret")
    plain = backup.backup(settings, None, tmp_path / "plain.tar.gz")
    with tarfile.open(plain.path) as tar:
        names = tar.getnames()
    assert backup.SECRET_MEMBER not in names
    assert "data/secret.key" not in names
    with_secret = backup.backup(settings, None, tmp_path / "secret.tar.gz", with_secrets=True)
    with tarfile.open(with_secret.path) as tar:
        assert backup.member_bytes(tar, tar.getmember(backup.SECRET_MEMBER)) == b"current-secret"
    backup.restore(settings, plain.path, None)
    assert settings.secret_path.read_text() == "current-secret"


def test_the_boxs_ca_key_stays_out_unless_asked_and_restore_keeps_the_current_certificates(settings, archive, tmp_path):
    # `ragbot tls init` keeps the CA in DATA_DIR/tls: every nightly archive held its private key, and a restore
    # put an older CA (or none) in place of the one students' devices trust.
    tls = settings.data_path / "tls"
    tls.mkdir()
    (tls / "ca.key").write_text("the CA key")
    (tls / "ca.key").chmod(0o600)
    plain = backup.backup(settings, None, tmp_path / "plain.tar.gz")
    with tarfile.open(plain.path) as tar:
        assert not [name for name in tar.getnames() if name.startswith("data/tls/")]
    with_secrets = backup.backup(settings, None, tmp_path / "secrets.tar.gz", with_secrets=True)
    (tls / "ca.key").write_text("a renewed CA key")
    backup.restore(settings, with_secrets.path, None)
    assert (tls / "ca.key").read_text() == "a renewed CA key"
    shutil.rmtree(tls)  # a new box, recovering the old one's data and CA
    backup.restore(settings, with_secrets.path, None)
    assert (tls / "ca.key").read_text() == "the CA key"
    assert stat.S_IMODE((tls / "ca.key").stat().st_mode) == 0o600  # as private as it was, not the umask's 0640


def test_a_folder_given_to_backup_gets_a_new_archive_and_one_given_to_restore_is_named(settings, archive, tmp_path):
    # `ragbot backup --to /media/usb` said "[Errno 21] Is a directory", and `ragbot restore /media/usb` "no such file".
    stick = tmp_path / "usb"
    stick.mkdir()
    written = backup.backup(settings, None, stick)
    assert written.path.parent == stick and written.path.name.startswith(backup.PREFIX)
    assert backup.restore(settings, written.path, None, check_only=True).manifest["documents"] == 2
    with pytest.raises(InvalidInput, match=r"is a folder: give the archive \(ragbot-....tar.gz\) in it"):
        backup.restore(settings, stick, None)


def test_a_folder_yet_to_be_made_given_with_a_slash_gets_a_new_archive_in_it(settings, archive, tmp_path, capsys):
    # `ragbot backup --to /media/usb/ragbot/` wrote a file named "ragbot" on the stick.
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    folder = tmp_path / "usb" / "ragbot"
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "backup", "--to", f"{folder}/"])
    assert exit.value.code == 0
    assert folder.is_dir()
    [written] = folder.iterdir()
    assert written.name.startswith(backup.PREFIX) and f"wrote {written} " in capsys.readouterr().out


@pytest.mark.parametrize("name", ["ragbot.zip", "Nightly.TAR", "ragbot.tar.xz"])
def test_a_name_promising_another_kind_of_archive_is_refused_and_nothing_written(settings, tmp_path, name, capsys):
    # `ragbot backup --to ragbot.zip` wrote a gzip-compressed tar under a zip's name: no zip tool opened it.
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    build(settings).close()  # a data folder with its database
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "backup", "--to", str(tmp_path / name)])
    assert exit.value.code == 1
    said = capsys.readouterr().err
    assert "a backup is a gzip-compressed tar archive" in said and f"name it {name.split('.')[0]}.tar.gz" in said
    assert not (tmp_path / name).exists()


def test_a_file_that_is_no_ragbot_backup_is_not_replaced_by_one(settings, tmp_path):
    """`ragbot backup --to ~/thesis.tar.gz`, a thesis of that name there already, replaced it without a word."""
    build(settings).close()  # a data folder with its database
    thesis = tmp_path / "thesis.tar.gz"
    thesis.write_bytes(gzip.compress(b"chapter one"))
    notes = tmp_path / "notes.tar.gz"
    notes.write_text("not even gzip")
    for kept in (thesis, notes):
        before = kept.read_bytes()
        with pytest.raises(InvalidInput, match=f"{kept} exists and is not a ragbot backup; .* give another name"):
            backup.backup(settings, None, kept)
        assert kept.read_bytes() == before
    # An earlier backup of that name is replaced, as a nightly `--to` of one name expects.
    nightly = tmp_path / "nightly.tar.gz"
    first = backup.backup(settings, None, nightly)
    assert backup.backup(settings, None, nightly).path == first.path == nightly.resolve()


def test_a_second_archive_of_the_same_second_is_the_newer_one(tmp_path):
    # The nightly timer and an admin's `ragbot backup` in one second: "...Z-1.tar.gz" sorted first by name, so a
    # prune deleted it, the newest, and doctor offered the older one to restore.
    names = ["ragbot-20261204T010000Z.tar.gz", "ragbot-20261204T023000Z.tar.gz", "ragbot-20261204T023000Z-1.tar.gz"]
    for name in names:
        (tmp_path / name).write_bytes(b"archive")
    assert [p.name for p in backup.archives(tmp_path)] == names
    assert [p.name for p in backup.prune(tmp_path, 1)] == names[:2]
    assert [p.name for p in tmp_path.iterdir()] == names[2:]


def test_cli_backup_prunes_and_restore_reports_bad_archives_without_traceback(settings, tmp_path, capsys):
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\nbackup_keep = 2\n')
    build(settings).close()
    for _ in range(3):
        with pytest.raises(SystemExit) as exit:
            cli.main(["--config", str(config), "backup"])
        assert exit.value.code == 0
    archives = sorted((settings.data_path / "backups").glob("ragbot-*.tar.gz"))
    assert len(archives) == 2
    assert "pruned" in capsys.readouterr().out
    with tarfile.open(archives[-1]) as tar:
        assert backup.member_bytes(tar, tar.getmember(backup.CONFIG_MEMBER)) == config.read_bytes()

    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "restore", "--check", str(archives[-1])])
    assert exit.value.code == 0
    assert "every checksum matches" in capsys.readouterr().out
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(archives[-1].read_bytes()[:1000])
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "restore", str(bad)])
    err = capsys.readouterr().err
    assert exit.value.code == 1
    assert "truncated or corrupted" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "restore", str(tmp_path / "missing.tar.gz")])
    assert exit.value.code == 1
    assert "no such file" in capsys.readouterr().err


def add_member(path, name: str, body: bytes, listed_size: int | None = None) -> None:
    """Add a member the manifest lists with its true checksum (and its true size unless `listed_size`)."""
    with tarfile.open(path) as tar:
        members = [(m, file.read()) for m in tar.getmembers() if (file := tar.extractfile(m))]
    entry = {"size": len(body) if listed_size is None else listed_size, "sha256": hashlib.sha256(body).hexdigest()}
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member, content in [*members, (tarfile.TarInfo(name), body)]:
            if member.name == backup.MANIFEST:
                manifest = json.loads(content)
                manifest["files"][name] = entry
                content = json.dumps(manifest).encode()
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    path.write_bytes(out.getvalue())


def test_member_overwriting_the_secret_is_refused(settings, archive):
    settings.secret_path.write_text("current-secret")
    add_member(archive, "data/secret.key", b"attacker-chosen-secret")
    with pytest.raises(InvalidInput, match="would replace a file a restore keeps"):
        backup.restore(settings, archive, None)


def test_refused_secret_member_leaves_the_secret_alone(settings, archive):
    settings.secret_path.write_text("current-secret")
    add_member(archive, "data/secret.key", b"attacker-chosen-secret")
    with pytest.raises(InvalidInput):
        backup.restore(settings, archive, None)
    assert settings.secret_path.read_text() == "current-secret"


def test_member_larger_than_its_manifest_entry_is_refused(settings, archive):
    add_member(archive, "data/uploads/big.bin", b"x" * 4096, listed_size=10)
    with pytest.raises(InvalidInput, match="not the size its manifest says"):
        backup.restore(settings, archive, None, check_only=True)


def test_sigkill_during_backup_leaves_no_archive_that_looks_valid(settings, tmp_path):
    """`ragbot backup` killed while it writes: no ragbot-*.tar.gz appears, and its partial file is refused."""
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    app = build(settings)
    fill(app, tmp_path / "notes", ["week1.md"])
    app.close()
    # Incompressible bytes, so that gzip takes seconds over them and the kill lands mid-archive.
    (settings.data_path / "uploads" / "bulk").write_bytes(os.urandom(96 << 20))
    folder = settings.data_path / "backups"
    command = [sys.executable, "-m", "appliance", "--config", str(config), "backup"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = _growing_partial(folder, process)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert list(folder.glob(f"{backup.PREFIX}*")) == []
    copy = tmp_path / "partial.tar.gz"
    shutil.copyfile(partial, copy)
    with pytest.raises(InvalidInput, match="truncated or corrupted"):
        backup.restore(settings, copy, None, check_only=True)
    listed, left = [f for f in doctor.run(settings, config) if f.check == "backups"]
    assert "none yet" in listed.detail
    # Its staging folder, a hidden copy of the data, was left in the backups folder and named nowhere.
    assert left.problem and f"(e.g. {partial.parent})" in left.detail and "--repair" in left.fix
    assert "backups" in {f.check for f in doctor.run(settings, config, repair=True) if f.fixed}
    assert list(folder.iterdir()) == []


def _growing_partial(folder: Path, process: subprocess.Popen, timeout: float = 120) -> Path:
    """The archive a running backup is writing, once it holds more than its first megabyte."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert process.poll() is None, "the backup finished before it could be killed"
        partials = [p for p in folder.glob(".backup-*/archive.partial") if p.stat().st_size > 1 << 20]
        if partials:
            return partials[0]
        time.sleep(0.05)
    raise TimeoutError("the backup never started writing its archive")


def test_a_folder_the_user_may_not_write_or_an_archive_it_may_not_read_is_said_in_words(settings, archive, tmp_path):
    # `sudo ragbot backup --to /root/x` (the machine install runs it as ragbot) said only "[Errno 13] Permission
    # denied: '/root/.backup-...'", and a restore of an archive ragbot could not read the same.
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o500)
    unreadable = tmp_path / "unreadable.tar.gz"
    shutil.copy(archive, unreadable)
    unreadable.chmod(0)
    ragbot = [*obeying_modes(), sys.executable, "-m", "appliance", "--config", str(config)]
    said = {
        what: subprocess.run([*ragbot, *what.split()], capture_output=True, text=True, timeout=120)
        for what in (f"backup --to {closed}/x.tar.gz", f"restore {unreadable}", f"restore --check {unreadable}")
    }
    user = running_user()
    backup_said, *restore_said = said.values()
    assert backup_said.returncode == 1 and "Errno" not in backup_said.stderr
    assert f"the user {user}, whom this command runs as, may not use the folder {closed}; give --to a folder" in (
        backup_said.stderr
    )
    for refused in restore_said:
        assert refused.returncode == 1 and "Errno" not in refused.stderr
        assert f"may not open {unreadable}; put the archive where the user {user} can read it" in refused.stderr
    assert list(closed.iterdir()) == []


def test_a_file_where_the_backup_folder_should_be_is_named(settings, archive, tmp_path, capsys):
    # `ragbot backup --to notes.txt/x.tar.gz` said "[Errno 17] File exists: 'notes.txt'".
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    (tmp_path / "notes.txt").write_text("a file")
    for to in ("notes.txt/x.tar.gz", "notes.txt/sub/"):
        with pytest.raises(SystemExit) as exit:
            cli.main(["--config", str(config), "backup", "--to", str(tmp_path / to)])
        assert exit.value.code == 1
        said = capsys.readouterr().err
        assert f"{tmp_path / 'notes.txt'} is a file, where a folder is needed; give --to a folder" in said, said
        assert "Errno" not in said


def test_restore_replaces_only_ragbots_own_files_and_leaves_an_admins_as_they_are(settings, tmp_path):
    # `ragbot restore` deleted every other file in the data folder's root: an admin's notes.txt kept there, and the
    # service user's dot-files (the folder is its home).
    app = build(settings)
    fill(app, tmp_path / "notes", ["week1.md"])
    data = settings.data_path
    (data / "notes.txt").write_text("the admin's notes, as backed up")
    (data / "gone-since.txt").write_text("backed up, deleted since")
    written = backup.backup(settings, None, tmp_path / "x.tar.gz")
    fill(app, tmp_path / "notes", ["week2.md"])
    app.close()
    (data / "notes.txt").write_text("the admin's notes, newer")
    (data / "gone-since.txt").unlink()
    (data / ".config").mkdir()
    (data / ".config" / "tool.ini").write_text("[tool]")
    backup.restore(settings, written.path, None)
    assert (data / "notes.txt").read_text() == "the admin's notes, newer"
    assert (data / ".config" / "tool.ini").read_text() == "[tool]"
    assert (data / "gone-since.txt").read_text() == "backed up, deleted since"  # not there: as it was backed up
    restored = build(settings)
    try:
        assert [d["filename"] for d in restored.database.documents()] == ["week1.md"]
    finally:
        restored.close()


def test_every_file_the_appliance_keeps_in_its_data_folder_is_one_a_restore_knows(settings, tmp_path):
    # A restore replaces only the names it knows as ragbot's: a new one the appliance wrote would be left stale.
    from appliance.ops import tls
    from appliance.web import secret

    app = build(load_settings(environ={}, data_dir=str(settings.data_path), ingest_sample=True))
    fill(app, tmp_path / "notes", ["week1.md"])
    app.close()
    secret.load_or_create(settings.secret_path)
    tls.ensure(settings.tls_path, ["ragbot.local"])
    written = backup.backup(settings, None)
    known = backup.OWNED | backup._kept(settings, written.path) | {settings.tls_path.name}
    assert {p.name for p in settings.data_path.iterdir()} - known == set()


def test_a_restore_onto_a_box_with_another_secret_says_which_api_keys_stop_working(settings, tmp_path, capsys):
    # Moved to a new box (whose install made a secret of its own), Moodle's API key was refused, with no word of why:
    # keys are hashed with a key derived from the secret, which an archive holds only with --with-secrets.
    app = build(settings)
    app.api_keys.create(app.accounts.add("moodle", "a long enough password", "student"), "Moodle")
    app.close()
    settings.secret_path.write_text("the old box's secret, long enough to be one")
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\n')
    plain = backup.backup(settings, config, tmp_path / "plain.tar.gz")
    with_secrets = backup.backup(settings, config, tmp_path / "secrets.tar.gz", with_secrets=True)
    assert backup.restore(settings, plain.path, config).lost_keys == 0  # the same box
    settings.secret_path.write_text("the new box's own secret, long enough too")
    assert backup.restore(settings, plain.path, config, check_only=True).lost_keys == 0  # nothing restored yet
    assert backup.restore(settings, plain.path, config).lost_keys == 1
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "restore", str(plain.path)])
    assert exit.value.code == 0
    said = capsys.readouterr().err
    assert f"note: {plain.path} was made on a box with another token secret: its 1 API keys" in said
    assert "restore an archive made with `ragbot backup --with-secrets`, with --with-config" in said
    assert backup.restore(settings, with_secrets.path, config, with_config=True).lost_keys == 0
    assert settings.secret_path.read_text() == "the old box's secret, long enough to be one"


def test_a_folder_on_a_read_only_disk_is_named_not_the_staging_folder_it_refused(tmp_path):
    # `ragbot backup --to /media/usb/` on a stick mounted read-only said "/media/usb/.backup-8w9zoedl is on a
    # read-only disk", naming a folder the admin never saw.
    refused = OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".backup-8w9zoedl"))
    assert os_refusal(refused).message == f"{tmp_path} is on a read-only disk"
    (tmp_path / "kept.tar.gz").write_bytes(b"an archive")
    refused = OSError(errno.EROFS, "Read-only file system", str(tmp_path / "kept.tar.gz"))
    assert os_refusal(refused).message == f"{tmp_path / 'kept.tar.gz'} is on a read-only disk"


def test_keep_prunes_the_folder_given_and_is_refused_for_one_archive(settings, archive, tmp_path, capsys):
    # `ragbot backup --to /media/usb/ --keep 3` kept every archive on the stick, and with `--to FILE` --keep did
    # nothing: both without a word.
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    stick = tmp_path / "usb"
    for _ in range(3):
        with pytest.raises(SystemExit) as exit:
            cli.main(["--config", str(config), "backup", "--to", f"{stick}/", "--keep", "2"])
        assert exit.value.code == 0
    assert len(backup.archives(stick)) == 2 and "pruned" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "backup", "--to", str(tmp_path / "one.tar.gz"), "--keep", "2"])
    assert exit.value.code == 1
    assert "--keep prunes a folder's archives, and " in capsys.readouterr().err
    assert not (tmp_path / "one.tar.gz").exists()


def test_a_folder_on_no_disk_is_named_so_and_a_small_backup_is_measured_in_kb(settings, archive, tmp_path, monkeypatch):
    # `ragbot backup --to /proc/` said "not enough space in /proc: a backup needs up to 0 MB, 0 MB free; free some
    # space": no space freed ever lets an archive into /proc, and a small appliance's backup needs more than 0 MB.
    with pytest.raises(InvalidInput, match=r"^/proc is on no disk .*: give --to a folder on a disk$"):
        backup.backup(settings, None, "/proc/")
    real = shutil.disk_usage
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: real(path)._replace(free=4000))
    with pytest.raises(backup.RagbotError, match=r"a backup needs up to [1-9]\d* [KM]B, 4 KB free; free some space"):
        backup.backup(settings, None, tmp_path / "usb/")


def test_an_admins_own_files_in_the_backups_folder_are_neither_kept_as_backups_nor_pruned(settings, archive):
    # An admin kept a copy as backups/ragbot-before-upgrade.tar.gz: it sorted as the newest backup, so each night's
    # archive was pruned as soon as it was written ("wrote ...", "pruned ..." of the same file), none kept, and doctor
    # named it the newest backup.
    folder = backup.backup_dir(settings)
    archive.rename(folder / "ragbot-before-upgrade.tar.gz")
    (folder / "ragbot-notes.tar.gz").write_text("what changed in the upgrade")
    written = [backup.backup(settings, None) for _ in range(3)]
    assert [w.path for w in written[1:]] == backup.archives(folder)
    assert [p.name for p in written[-1].pruned] == [written[0].path.name]
    assert (folder / "ragbot-before-upgrade.tar.gz").is_file() and (folder / "ragbot-notes.tar.gz").is_file()


def test_backups_in_one_second_after_a_prune_keep_the_newest(settings, archive, monkeypatch):
    # Backups in a loop with --keep 1: once "...Z" was pruned the next was named "...Z" again, sorted before the
    # "...Z-1" kept, and pruned as soon as written.
    second = backup.datetime(2099, 12, 4, 2, 30, tzinfo=backup.UTC)  # after the fixture's archive
    monkeypatch.setattr(backup, "datetime", type("Frozen", (), {"now": staticmethod(lambda tz=None: second)}))
    written = [backup.backup(settings, None, keep=1) for _ in range(3)]
    assert backup.archives(backup.backup_dir(settings)) == [written[-1].path]


def test_a_backup_written_after_the_clock_went_back_is_kept_and_doctor_says_why(settings, archive):
    # The clock went back (a dead clock battery, an NTP correction): each night's archive, named before the ones
    # written while it was ahead, was pruned as soon as written ("wrote X", "pruned X"), and doctor said all was well.
    from appliance.ops.doctor import Doctor

    folder = backup.backup_dir(settings)
    ahead = [folder / f"ragbot-2099120{day}T023000Z.tar.gz" for day in (1, 2)]
    for path in ahead:
        shutil.copy(archive, path)
    written = backup.backup(settings, None)
    assert written.path.is_file() and written.pruned == [archive, ahead[0]]
    assert backup.archives(folder) == [written.path, ahead[1]]
    findings = [f for f in Doctor(settings, Path("none.toml"), repair=False).check_backups() if f.problem]
    assert "1 backups in" in findings[0].detail and "are dated after now" in findings[0].detail


KILLED_SWAPPING = """
import os, signal, sys
from pathlib import Path
from appliance.ops import backup
from appliance.settings import load_settings

settings, moved, real = load_settings(sys.argv[1], environ={}), [], os.replace

def replace(source, target):  # SIGKILL once the database has gone aside, before the archive's is in
    moved.append(Path(target).name)
    if moved[-1] == "chroma" and "ragbot.db" in moved:
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)

backup.os.replace = replace
backup.restore(settings, Path(sys.argv[2]), None)
"""


def test_a_restore_killed_while_it_swapped_the_data_is_named_and_no_empty_appliance_is_made(
    settings, archive, tmp_path
):
    # A restore killed between moving the data aside and the archive's in: doctor said "ragbot.db does not exist;
    # start the service once", which made a new appliance with no accounts ("no accounts yet" in `users list`), the
    # real data hidden in .restore-old-....
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    killed = subprocess.run([sys.executable, "-c", KILLED_SWAPPING, str(config), str(archive)], timeout=120)
    assert killed.returncode == -signal.SIGKILL
    [aside] = settings.data_path.glob(".restore-old-*")
    assert (aside / "ragbot.db").is_file() and not (settings.data_path / "ragbot.db").exists()
    with pytest.raises(Unavailable, match=f"has no database: a restore was interrupted .* is in {aside}; with the"):
        build(settings)
    assert not (settings.data_path / "ragbot.db").exists()
    [found] = [f for f in doctor.run(settings, config) if f.check in ("restore", "database")]
    assert found.check == "restore" and found.detail.endswith(f"{aside}, and {settings.data_path} has no database")
    assert found.fix.startswith("with the service stopped, run the restore again (`ragbot restore ARCHIVE`)")
    backup.restore(settings, archive, None)  # as the fix says: the restore is finished
    app = build(settings)
    assert len(app.database.documents()) == 2
    app.close()


def test_a_backup_of_a_damaged_database_says_so_and_keeps_the_backups_there(settings, archive, tmp_path, capsys):
    # `ragbot backup` (and so the nightly timer) of a database with a damaged page ended in a traceback,
    # "sqlite3.DatabaseError: database disk image is malformed".
    config = tmp_path / "ragbot.toml"
    config.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    database = settings.data_path / "ragbot.db"
    with database.open("r+b") as handle:
        handle.seek(3 * 4096)
        handle.write(os.urandom(5 * 4096))
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), "backup", "--keep", "1"])
    assert exit.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ragbot: error: the database {database} is damaged (") and "Traceback" not in err
    assert "none was written (the backups there are kept); `ragbot doctor` says what to do" in err
    assert backup.archives(backup.backup_dir(settings)) == [archive]


def test_a_device_given_to_restore_is_named_as_one_not_as_missing(settings, archive):
    # `ragbot restore /dev/null` said "/dev/null: no such file" of a path that is there.
    with pytest.raises(InvalidInput, match=r"^/dev/null is no file but a device, pipe or socket: give the archive"):
        backup.restore(settings, Path("/dev/null"), None, check_only=True)
