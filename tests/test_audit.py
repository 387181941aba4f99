"""The admin's screen and the audit log: accounts an admin makes and changes, and who created, changed or removed
accounts, courses, memberships, documents or data, and when."""

import io
import json
import sqlite3

import msgspec
import pytest
import sqlite_utils
from litestar.testing import TestClient

from appliance.classroom.accounts import Accounts
from appliance.classroom.passwords import hash_password
from appliance.cli import main as cli
from appliance.errors import Conflict
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


def _made_before(path, migration: str, monkeypatch) -> Database:
    """A database at `path` as it was made before `migration` came."""
    before = [fn.__name__ for fn in migrations.MIGRATIONS].index(migration)
    with monkeypatch.context() as old:
        old.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:before])
        return Database(path, None, alone=True, read_only=False)


def test_an_existing_database_gains_an_empty_last_sign_in_for_its_accounts(tmp_path, monkeypatch):
    """A database made before m010, with an account, is migrated on opening: the account has signed in "never"."""
    path = tmp_path / "ragbot.db"
    made = _made_before(path, "m010_last_sign_in", monkeypatch)
    Accounts(made).add("sam", PASSWORD)
    made.close()
    database = Database(path, None, alone=True, read_only=False)
    assert [user["last_sign_in_at"] for user in Accounts(database).list()] == [None]
    assert database.pending_migrations() == 0
    database.close()
    again = sqlite_utils.Database(path)
    migrations.m010_last_sign_in(again)  # `ragbot doctor --repair` may apply it again
    again.close()


def test_a_username_is_one_account_in_any_case(tmp_path):
    """ "sam" and "SAM" could both be made (an ops walkthrough's): one student passing for another in the teacher's
    lists and the audit log. Now a name is taken in any case, and signs in in any case."""
    database = Database(tmp_path / "ragbot.db", None, alone=True, read_only=False)
    accounts = Accounts(database)
    sam = accounts.add("sam", PASSWORD)
    with pytest.raises(Conflict, match="the username 'SAM' is taken"):
        accounts.add("SAM", PASSWORD)
    assert accounts.authenticate("Sam", PASSWORD)["id"] == sam["id"]
    with pytest.raises(sqlite3.IntegrityError):  # the database holds to it too, whoever writes
        database._db.execute("INSERT INTO users (username, password_hash, role) VALUES ('SaM', 'x', 'student')")
    database.close()


def test_accounts_made_before_that_differ_only_in_case_keep_their_own_sign_in(tmp_path, monkeypatch):
    """A database with "sam" and "SAM" from before m011 opens: each signs in to its own account by its own spelling."""
    path = tmp_path / "ragbot.db"
    _made_before(path, "m011_usernames_in_any_case", monkeypatch).close()
    raw = sqlite_utils.Database(path)
    hashed = hash_password(PASSWORD)
    for name in ("sam", "SAM"):
        raw.table("users").insert({"username": name, "password_hash": hashed, "role": "student", "disabled": 0})
    raw.close()
    database = Database(path, None, alone=True, read_only=False)
    accounts = Accounts(database)
    assert [accounts.authenticate(name, PASSWORD)["username"] for name in ("sam", "SAM")] == ["sam", "SAM"]
    assert database.pending_migrations() == 0
    database.close()


def test_chunks_stored_before_table_leads_are_given_the_header_of_the_table_they_start_inside(tmp_path, monkeypatch):
    """A store made before m015 opens with each chunk that starts below a table's header given that header, found in
    its page; a chunk starting at the header, or in prose, gets none."""
    path = tmp_path / "ragbot.db"
    _made_before(path, "m015_table_leads", monkeypatch).close()
    page = "Loans\n\n| item | code |\n| --- | --- |\n| Multimeter | MM-7 |\n| Tether | TET-25 |\n"
    raw = sqlite_utils.Database(path)
    raw.table("documents").insert({"id": "d", "source": "loans.csv", "filename": "loans.csv", "course_id": 1})
    raw.table("pages").insert({"document_id": "d", "number": 1, "label": None, "text": page})
    for n, start in enumerate((0, page.index("| item"), page.index("| Multimeter"), page.index("| Tether"))):
        raw.table("chunks").insert(
            {"id": f"d:{n}", "document_id": "d", "ordinal": n, "page": None, "start": start, "end": len(page)}
            | {"page_label": None, "heading": "Loans", "tokens": 9, "text": page[start:]}
        )
    raw.close()
    database = Database(path, None, alone=True, read_only=False)
    leads = [row["lead"] for row in database.document_chunks(["d"])]
    assert leads == ["", "", "item | code", "item | code"]
    assert database.pending_migrations() == 0
    database.close()
    again = sqlite_utils.Database(path)
    migrations.m015_table_leads(again)  # `ragbot doctor --repair` may apply it again
    again.close()


def test_chunks_stored_before_column_names_are_given_the_rows_naming_their_table_s_columns(tmp_path, monkeypatch):
    """A store made before m018 opens with each chunk starting below the "What it is" row of a table whose columns
    are things given that row after the header in its lead; a chunk of a table of another shape keeps its header."""
    path = tmp_path / "ragbot.db"
    _made_before(path, "m018_table_column_names", monkeypatch).close()
    kit = "| | HK-60 | GC-3 |\n|---|---|---|\n| What it is | kettle | glycol chiller |\n| Weight | 41 kg | 62 kg |\n"
    loans = "| item | code |\n| --- | --- |\n| Multimeter | MM-7 |\n"
    page = f"Kit\n\n{kit}\nLoans\n\n{loans}"
    raw = sqlite_utils.Database(path)
    raw.table("documents").insert({"id": "d", "source": "kit.md", "filename": "kit.md", "course_id": 1})
    raw.table("pages").insert({"document_id": "d", "number": 1, "label": None, "text": page})
    for n, start in enumerate((page.index("| Weight"), page.index("| Multimeter"))):
        raw.table("chunks").insert(
            {"id": f"d:{n}", "document_id": "d", "ordinal": n, "page": None, "start": start, "end": len(page)}
            | {"page_label": None, "heading": "Kit", "tokens": 9, "text": page[start:], "lead": "stale"}
        )
    raw.close()
    database = Database(path, None, alone=True, read_only=False)
    leads = [row["lead"] for row in database.document_chunks(["d"])]
    assert leads == ["HK-60 | GC-3\n| What it is | kettle | glycol chiller |", "item | code"]
    assert database.pending_migrations() == 0
    database.close()


def test_jobs_from_before_job_kinds_have_none(tmp_path, monkeypatch):
    """A store made before m016 opens with its jobs' kind null (the web app then says pages), new jobs with theirs."""
    path = tmp_path / "ragbot.db"
    _made_before(path, "m016_job_kind", monkeypatch).close()
    raw = sqlite_utils.Database(path)
    raw.table("jobs").insert({"id": "old", "filename": "deck.pptx", "status": "done", "pages_total": 2})
    raw.close()
    database = Database(path, None, alone=True, read_only=False)
    database.create_job("new", "deck.pptx", kind="pptx")
    assert [database.job(job)["kind"] for job in ("old", "new")] == [None, "pptx"]
    assert database.pending_migrations() == 0
    database.close()
    again = sqlite_utils.Database(path)
    migrations.m016_job_kind(again)  # `ragbot doctor --repair` may apply it again
    again.close()


def test_documents_from_before_added_at_were_added_with_their_names_first_upload_if_they_replaced_one(
    tmp_path, monkeypatch
):
    """A store made before m017 opens with each document's first version's date: the earliest upload of its name to
    its course for a version its job records as replacing one, else its own."""
    path = tmp_path / "ragbot.db"
    _made_before(path, "m017_document_added_at", monkeypatch).close()
    raw = sqlite_utils.Database(path)
    for name, created in (("notes.md", "2026-12-04T10:00:00+00:00"), ("rules.md", "2026-12-03T10:00:00+00:00")):
        raw.table("documents").insert(
            {"id": name, "source": name, "filename": name, "course_id": 1, "created_at": created}
        )
    jobs = [
        ("1", "notes.md", "2026-11-02T09:00:00+00:00", "gone", "added"),
        ("2", "notes.md", "2026-12-04T10:00:00+00:00", "notes.md", "replaced"),
        ("3", "rules.md", "2026-12-03T10:00:00+00:00", "rules.md", "added"),
    ]
    for job_id, name, created, document, outcome in jobs:
        row = {"id": job_id, "filename": name, "status": "done", "document_id": document, "outcome": outcome}
        raw.table("jobs").insert(row | {"course_id": 1, "created_at": created})
    raw.close()
    database = Database(path, None, alone=True, read_only=False)
    assert {d["id"]: d["added_at"] for d in database.documents()} == {
        "notes.md": "2026-11-02T09:00:00+00:00",
        "rules.md": "2026-12-03T10:00:00+00:00",
    }
    database.close()
    again = sqlite_utils.Database(path)
    migrations.m017_document_added_at(again)  # `ragbot doctor --repair` may apply it again
    again.close()


def _made(client, heads, **body) -> dict:
    response = client.post("/api/v1/users", json=body, headers=heads["admin"])
    assert response.status_code == 201, response.text
    return response.json()


def _login(client, username: str, password: str):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_an_admin_makes_an_account_whose_one_time_password_signs_in_once_shown(admin):
    client, heads, services = admin
    course = services.courses.create("Robotics 1", None)
    made = _made(client, heads, username="nora", role="teacher", course_id=course["id"])
    assert (made["user"]["username"], made["user"]["role"], made["user"]["last_sign_in_at"]) == (
        "nora",
        "teacher",
        None,
    )
    password = made["password"]
    assert len(password) >= 16 and password != _made(client, heads, username="olaf")["password"]
    # Stored hashed only, and it signs in.
    assert password not in json.dumps(services.database.user_named("nora"))
    assert _login(client, "nora", password).status_code == 201
    # A teacher of the course asked for; a student made without a course joins the default course.
    assert [(m["username"], m["role"]) for m in services.courses.members(course["id"])] == [("nora", "teacher")]
    assert "olaf" in {m["username"] for m in services.courses.members(1)}
    entry = _newest(client, heads, "account.create")
    assert (entry["actor"], entry["target"], entry["detail"]) == ("root", "user olaf", {"role": "student", "course": 1})
    assert password not in json.dumps(_log(client, heads))


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"username": "tina"}, 409, "taken"),
        ({"username": "a b"}, 400, "a username is"),
        ({"username": "x"}, 400, "a username is"),
        ({"username": "ann", "role": "owner"}, 400, "role"),
        ({"username": "ann", "course_id": 999}, 404, "course"),
        ({"username": "ann", "course_id": 0}, 400, "course_id"),
        ({"username": "ann", "password": "chosen-by-admin"}, 400, "password"),
        ({}, 400, "username"),
    ],
)
def test_an_account_the_admin_cannot_make_is_refused_with_why_and_nothing_is_made(admin, body, status, says):
    client, heads, services = admin
    before = services.accounts.list()
    response = client.post("/api/v1/users", json=body, headers=heads["admin"])
    assert (response.status_code, response.json()["status"]) == (status, status)
    assert says in response.json()["error"]
    assert services.accounts.list() == before
    assert not [e for e in _log(client, heads) if e["action"] == "account.create" and e["target"] == "user ann"]


def test_an_admin_changes_a_role_and_disabling_ends_every_session_and_key_until_enabled(admin):
    client, heads, services = admin
    made = _made(client, heads, username="sid")
    user_id, password = made["user"]["id"], made["password"]
    session = _login(client, "sid", password).json()
    own = {"Authorization": f"Bearer {session['access_token']}"}
    _, key = services.api_keys.create(services.accounts.named("sid"), "Moodle")

    promoted = client.patch(f"/api/v1/users/{user_id}", json={"role": "teacher"}, headers=heads["admin"])
    assert (promoted.status_code, promoted.json()["role"]) == (200, "teacher")
    # The role is the account's as it is now: the teacher's routes open at once, with the same token.
    assert client.post("/api/v1/courses", json={"name": "Sid's"}, headers=own).status_code == 201
    assert _newest(client, heads, "account.role")["detail"] == {"role": "teacher", "was": "student"}

    disabled = client.patch(f"/api/v1/users/{user_id}", json={"disabled": True}, headers=heads["admin"])
    assert (disabled.status_code, disabled.json()["disabled"]) == (200, True)
    assert client.get("/api/v1/me", headers=own).status_code == 401
    assert client.get("/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    refused = _login(client, "sid", password)
    assert refused.status_code == 401 and "disabled" in refused.json()["error"]
    assert _newest(client, heads, "account.disable")["target"] == "user sid"

    enabled = client.patch(f"/api/v1/users/{user_id}", json={"disabled": False}, headers=heads["admin"])
    assert (enabled.status_code, enabled.json()["disabled"]) == (200, False)
    assert _login(client, "sid", password).status_code == 201
    assert _newest(client, heads, "account.enable")["target"] == "user sid"


def test_a_reset_password_replaces_the_old_one_and_signs_the_account_out(admin):
    client, heads, _ = admin
    made = _made(client, heads, username="rae")
    old = _login(client, "rae", made["password"]).json()
    reset = client.post(f"/api/v1/users/{made['user']['id']}/password", headers=heads["admin"])
    assert reset.status_code == 201
    assert reset.json()["password"] != made["password"]
    assert _login(client, "rae", made["password"]).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": old["refresh_token"]}).status_code == 401
    assert _login(client, "rae", reset.json()["password"]).status_code == 201
    entry = _newest(client, heads, "account.password")
    assert (entry["actor"], entry["target"]) == ("root", "user rae")
    assert reset.json()["password"] not in json.dumps(_log(client, heads))


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("PATCH", "/api/v1/users/{own}", {"role": "student"}, 409, "own"),
        ("PATCH", "/api/v1/users/{own}", {"disabled": True}, 409, "own"),
        ("POST", "/api/v1/users/{own}/password", None, 409, "own"),
        ("PATCH", "/api/v1/users/{other}", {}, 400, "say what to change"),
        ("PATCH", "/api/v1/users/{other}", {"role": "owner"}, 400, "role"),
        ("PATCH", "/api/v1/users/{other}", {"disabled": "yes"}, 400, "disabled"),
        ("PATCH", "/api/v1/users/{other}", {"username": "new"}, 400, "username"),
        ("PATCH", "/api/v1/users/99999", {"role": "teacher"}, 404, "no user"),
        ("POST", "/api/v1/users/99999/password", None, 404, "no user"),
        ("PATCH", "/api/v1/users/0", {"role": "teacher"}, 400, "user_id"),
    ],
)
def test_a_change_the_admin_cannot_make_is_refused_with_why_and_nothing_changes(
    admin, method, path, body, status, says
):
    """Not their own account (the appliance would be left with no admin), nothing unsaid, nothing unknown."""
    client, heads, services = admin
    own, other = services.accounts.named("root")["id"], services.accounts.named("tina")["id"]
    before, log = services.accounts.list(), _log(client, heads)
    url = path.format(own=own, other=other)
    response = client.request(method, url, json=body, headers=heads["admin"])
    assert (response.status_code, response.json()["status"]) == (status, status), response.text
    assert says in response.json()["error"]
    assert services.accounts.list() == before and _log(client, heads) == log
    assert _login(client, "root", PASSWORD).status_code == 201


def test_a_command_run_through_sudo_names_who_ran_it(config, services, monkeypatch, capsys):
    # The machine install's wrapper runs every command as ragbot: each entry said "cli:ragbot", whoever typed it.
    monkeypatch.setenv("LOGNAME", "ragbot")
    monkeypatch.setenv("SUDO_USER", "alice")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    _cli(config, "users", "add", "dora", "--password-stdin")
    monkeypatch.setenv("SUDO_USER", "ragbot")  # sudo by the same user adds nothing
    _cli(config, "users", "disable", "dora")
    capsys.readouterr()
    _cli(config, "audit", "--json")
    assert [e["actor"] for e in json.loads(capsys.readouterr().out)[:2]] == ["cli:ragbot", "cli:ragbot (sudo alice)"]
