"""The audit log: account, course, membership, document and restore actions, with who and when, for admins."""

import io
import json

import msgspec
import pytest
import sqlite_utils
from litestar.testing import TestClient

from appliance.classroom.accounts import Accounts
from appliance.cli import main as cli
from appliance.ops import backup
from appliance.store import migrations
from appliance.store.database import Database
from appliance.web.app import create_app
from tests.conftest import PASSWORD, sign_in


@pytest.fixture
def admin(settings, services):
    """A client signed in as admin, one as a teacher, and the services behind them."""
    settings = msgspec.structs.replace(settings, signup="open", login_attempts_per_minute=10000)
    services.settings = settings
    with TestClient(create_app(settings, services)) as client:
        heads = {
            "admin": sign_in(client, services, "root", "admin"),
            "teacher": sign_in(client, services, "tina", "teacher"),
        }
        yield client, heads, services


def _log(client, heads) -> list[dict]:
    return client.get("/api/v1/audit", headers=heads["admin"]).json()["entries"]


def _newest(client, heads, action: str) -> dict:
    return next(e for e in _log(client, heads) if e["action"] == action)


def test_course_creation_names_who_and_what(admin):
    client, heads, _ = admin
    course = client.post("/api/v1/courses", json={"name": "Robotics"}, headers=heads["teacher"]).json()
    entry = _newest(client, heads, "course.create")
    # The admin screen shows the target, not the detail: "course 2" alone said nothing of which course.
    assert (entry["actor"], entry["target"], entry["detail"]) == (
        "tina",
        f"course {course['id']} (Robotics)",
        {"name": "Robotics"},
    )


def test_adding_a_member_is_recorded(admin):
    client, heads, services = admin
    services.accounts.add("sam", PASSWORD, "student")
    course = client.post("/api/v1/courses", json={"name": "Robotics"}, headers=heads["teacher"]).json()
    client.post(f"/api/v1/courses/{course['id']}/members", json={"username": "sam"}, headers=heads["teacher"])
    entry = _newest(client, heads, "membership.add")
    assert (entry["target"], entry["detail"]) == (f"course {course['id']} (Robotics)", {"user": "sam"})
    student = sign_in(client, services, "sid", "student")
    client.post("/api/v1/courses/join", json={"join_code": course["join_code"]}, headers=student)
    assert _newest(client, heads, "membership.add")["target"] == f"course {course['id']} (Robotics)"


def test_adding_a_member_again_says_so_and_is_recorded_once(admin):
    """Adding by username a student already in the course said "sam is now in ..." again and logged a second add,
    where a join code entered again answers `already_member` and logs nothing."""
    client, heads, services = admin
    services.accounts.add("sam", PASSWORD, "student")
    course = client.post("/api/v1/courses", json={"name": "Robotics"}, headers=heads["teacher"]).json()
    route = f"/api/v1/courses/{course['id']}/members"
    answers = [client.post(route, json={"username": "sam"}, headers=heads["teacher"]).json() for _ in range(2)]
    assert [a["already_member"] for a in answers] == [False, True]
    assert answers[0]["members"] == answers[1]["members"]
    assert [e["detail"] for e in _log(client, heads) if e["action"] == "membership.add"] == [{"user": "sam"}]


def test_signing_up_is_recorded_as_the_new_account(admin):
    client, heads, _ = admin
    client.post("/api/v1/auth/signup", json={"username": "newbie", "password": PASSWORD})
    assert _newest(client, heads, "account.create")["actor"] == "newbie"


def test_upload_and_delete_of_a_document_are_recorded(admin):
    client, heads, services = admin
    files = [("files", ("notes.txt", io.BytesIO(b"Servo motors hold a position."), "text/plain"))]
    client.post("/api/v1/documents", files=files, data={"course_id": "1"}, headers=heads["admin"])
    services.jobs.wait(30)
    document = services.database.documents([1])[0]
    client.delete(f"/api/v1/documents/{document['id']}", headers=heads["admin"])
    actions = [e["action"] for e in _log(client, heads)]
    assert actions[:2] == ["document.delete", "document.upload"]


def test_a_copy_of_a_document_already_there_is_not_logged_as_an_upload(admin):
    """A copy under another name is "already in the library as kits.txt, not added again": nothing changed."""
    client, heads, services = admin
    text = b"Servo motors hold a position."
    for name in ("kits.txt", "copy of kits.txt"):
        files = [("files", (name, io.BytesIO(text), "text/plain"))]
        assert client.post("/api/v1/documents", files=files, headers=heads["admin"]).status_code == 202
        services.jobs.wait(30)
    uploads = [e for e in _log(client, heads) if e["action"].startswith("document.")]
    assert [(e["action"], e["target"], e["detail"]["outcome"]) for e in uploads] == [
        ("document.upload", "kits.txt", "added")
    ]
    assert uploads[0]["actor"] == "root"


def test_entries_carry_a_time(admin):
    client, heads, _ = admin
    client.post("/api/v1/courses", json={"name": "Robotics"}, headers=heads["teacher"])
    assert _newest(client, heads, "course.create")["at"][:2] == "20"


def test_teachers_cannot_read_the_log(admin):
    client, heads, _ = admin
    assert client.get("/api/v1/audit", headers=heads["teacher"]).status_code == 403


def _cli(config, *args) -> None:
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), *args])
    assert exit.value.code == 0


@pytest.fixture
def config(settings, services, tmp_path):
    path = tmp_path / "ragbot.toml"
    path.write_text(f'data_dir = "{settings.data_path}"\ningest_sample = false\n')
    return path


def test_cli_account_creation_and_restore_show_in_ragbot_audit(config, services, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    _cli(config, "users", "add", "carla", "--role", "teacher", "--password-stdin")
    archive = backup.backup(services.settings, None, tmp_path / "a.tar.gz").path
    services.close()
    _cli(config, "restore", str(archive))
    capsys.readouterr()
    _cli(config, "audit", "--json")
    entries = json.loads(capsys.readouterr().out)
    assert [(e["action"], e["actor"][:4]) for e in entries[:2]] == [
        ("data.restore", "cli:"),
        ("account.create", "cli:"),
    ]


def test_only_an_admin_may_list_the_accounts_and_read_the_audit_log(admin):
    """The admin screen's two routes answer 403 to a teacher and a student, whatever the web app shows them."""
    client, heads, services = admin
    heads["student"] = sign_in(client, services, "sami", "student")
    for route in ("/api/v1/users", "/api/v1/audit"):
        for role in ("teacher", "student"):
            response = client.get(route, headers=heads[role])
            assert (response.status_code, response.json()["status"]) == (403, 403), (route, role)
    users = {user["username"]: user for user in client.get("/api/v1/users", headers=heads["admin"]).json()["users"]}
    assert {name: user["role"] for name, user in users.items()} == {
        "root": "admin",
        "sami": "student",
        "tina": "teacher",
    }
    assert all(user["created_at"] and "password_hash" not in user for user in users.values())


def _last_sign_in(client, heads, username: str) -> str | None:
    users = client.get("/api/v1/users", headers=heads["admin"]).json()["users"]
    return next(user["last_sign_in_at"] for user in users if user["username"] == username)


def test_the_accounts_say_when_each_last_signed_in_with_its_password_not_when_it_refreshed(admin, monkeypatch):
    client, heads, services = admin
    services.accounts.add("sam", PASSWORD, "student")
    assert _last_sign_in(client, heads, "sam") is None
    signed = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}).json()
    first = _last_sign_in(client, heads, "sam")
    assert first and first[:2] == "20"
    # A refresh, however much later, is not a sign-in: the time stays the login's.
    later = "2999-01-01T00:00:00+00:00"
    monkeypatch.setattr("appliance.classroom.accounts.now", lambda: later)
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": signed["refresh_token"]})
    assert refreshed.status_code == 201 and _last_sign_in(client, heads, "sam") == first
    client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert _last_sign_in(client, heads, "sam") == later


def test_a_wrong_password_is_no_sign_in_and_signing_up_is_one(admin):
    client, heads, services = admin
    services.accounts.add("sam", PASSWORD, "student")
    client.post("/api/v1/auth/login", json={"username": "sam", "password": "not the password"})
    assert _last_sign_in(client, heads, "sam") is None
    client.post("/api/v1/auth/signup", json={"username": "newbie", "password": PASSWORD})
    assert _last_sign_in(client, heads, "newbie")


def test_an_existing_database_gains_an_empty_last_sign_in_for_its_accounts(tmp_path, monkeypatch):
    """A database made before m010, with an account, is migrated on opening: the account has signed in "never"."""
    path = tmp_path / "ragbot.db"
    before = [fn.__name__ for fn in migrations.MIGRATIONS].index("m010_last_sign_in")
    with monkeypatch.context() as old:
        old.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:before])
        made = Database(path, None, alone=True, read_only=False)
        Accounts(made).add("sam", PASSWORD)
        made.close()
    database = Database(path, None, alone=True, read_only=False)
    assert [user["last_sign_in_at"] for user in Accounts(database).list()] == [None]
    assert database.pending_migrations() == 0
    database.close()
    again = sqlite_utils.Database(path)
    migrations.m010_last_sign_in(again)  # `ragbot doctor --repair` may apply it again
    again.close()
