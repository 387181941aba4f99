"""The `ragbot` command for real: packaged models, Chroma and SQLite on disk, in a child process."""

import json
import os
import re
import subprocess
import sys

import pytest

from appliance import services
from appliance.classroom.accounts import Accounts
from appliance.classroom.courses import Courses
from appliance.cli import main as cli_main
from appliance.errors import InvalidInput, RagbotError, Unauthorized, running_user
from appliance.settings import load_settings
from appliance.store.database import open_database
from tests.conftest import closed_to_the_test

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def ragbot(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "RAGBOT_DATA_DIR": str(data),
        "RAGBOT_INGEST_SAMPLE": "false",
        "RAGBOT_MAX_ANSWER_TOKENS": "24",
    }

    def run(*args, check_status: int | None = 0, stdin: str | None = None):
        result = subprocess.run(
            [sys.executable, "-m", "appliance", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            input=stdin,
        )
        if check_status is not None:
            assert result.returncode == check_status, result.stderr
        return result

    run.data = data  # type: ignore[attr-defined]
    return run


def test_ingest_search_ask_list_and_remove(ragbot, tmp_path):
    course = tmp_path / "course"
    (course / "week1").mkdir(parents=True)
    (course / "week1" / "grippers.md").write_text(
        "# Grippers\n\nThe Zorblax-7 gripper has a grip force of 42 newtons.\n"
    )
    (course / "notes.txt").write_text("Mecanum wheels let the Quillon rover drive sideways.\n")
    (course / "broken.pdf").write_bytes(b"not really a pdf")
    result = ragbot("ingest", str(course), check_status=1)
    assert "2 of 3 files ingested" in result.stderr
    assert "added     course/week1/grippers.md" in result.stdout
    assert "not a PDF" in result.stdout

    again = ragbot("ingest", str(course / "notes.txt"))
    assert "unchanged" in again.stdout

    hits = json.loads(ragbot("search", "Zorblax grip force", "--k", "2", "--json").stdout)["results"]
    assert hits[0]["filename"] == "course/week1/grippers.md"
    text = ragbot("search", "sideways driving").stdout
    assert "[1] course/notes.txt" in text

    answer = json.loads(ragbot("ask", "What is the grip force of the Zorblax-7 gripper?", "--json").stdout)
    assert "42" in answer["answer"]
    assert answer["sources"][0]["filename"] == "course/week1/grippers.md"
    streamed = ragbot("ask", "What is the grip force of the Zorblax-7 gripper?").stdout
    assert "42" in streamed
    assert "[1] course/week1/grippers.md" in streamed

    listing = ragbot("documents", "list").stdout.splitlines()
    assert len(listing) == 2
    removed = next(line.split()[0] for line in listing if "grippers" in line)
    ragbot("documents", "rm", removed)
    assert len(ragbot("documents", "list").stdout.splitlines()) == 1
    assert "no document" in ragbot("documents", "rm", removed, check_status=1).stderr


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["search", "x", "--k", "0"], 2, "must be at least 1"),
        (["search", "x", "--k", "ten"], 2, "--k: must be a whole number, got 'ten'"),
        (["audit", "--limit", "99999999999999999999"], 2, "--limit: must be at most"),
        (["keys", "revoke", "99999999999999999999"], 2, "ID: must be at most"),
        (["search", "x", "--mode", "fuzzy"], 2, "invalid choice"),
        (["search", "  "], 1, "the query is empty"),  # passages of nothing in particular, as if found
        (["ingest", "/no/such/path"], 1, "no such file or folder"),
        (["--config", "/no/such.toml", "documents", "list"], 1, "does not exist"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_bad_arguments_are_clear_errors(ragbot, args, status, message):
    result = ragbot(*args, check_status=status)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_setup_makes_secret_first_admin_and_checks_generation(tmp_path):
    env = {**os.environ, "RAGBOT_DATA_DIR": str(tmp_path), "RAGBOT_ADMIN_PASSWORD": "first admin password"}
    run = [sys.executable, "-m", "appliance", "setup"]
    first = subprocess.run(run, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "first account: admin" in first.stdout
    assert "generation works" in first.stdout
    assert re.search(r"synonyms: \d{5} words from WordNet", first.stdout)
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    again = subprocess.run(run, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0
    assert "first account" not in again.stdout


def test_an_empty_admin_password_variable_shows_the_generated_password(tmp_path, monkeypatch, capsys):
    # `export RAGBOT_ADMIN_PASSWORD=` made a password and printed "(from RAGBOT_ADMIN_PASSWORD)": nobody could sign in.
    from appliance.cli.commands import _first_admin

    monkeypatch.setenv("RAGBOT_ADMIN_PASSWORD", "")
    settings = load_settings(environ={}, data_dir=str(tmp_path))
    _first_admin(settings)
    password = re.search(r"first account: admin / (\S+)", capsys.readouterr().out)
    assert password and password[1] != "(from"
    database = open_database(settings.data_path)
    assert Accounts(database).authenticate("admin", password[1])["role"] == "admin"
    database.close()


def test_an_admin_password_variable_too_short_is_named(tmp_path, monkeypatch):
    # `RAGBOT_ADMIN_PASSWORD=short ragbot setup` (or install.sh) said only "passwords need at least 8 characters".
    from appliance.cli.commands import _first_admin

    monkeypatch.setenv("RAGBOT_ADMIN_PASSWORD", "short")
    settings = load_settings(environ={}, data_dir=str(tmp_path))
    with pytest.raises(InvalidInput, match=r"RAGBOT_ADMIN_PASSWORD is refused \(passwords need at least 8 .*unset it"):
        _first_admin(settings)
    database = open_database(settings.data_path)
    assert Accounts(database).list() == []
    database.close()


def test_users_and_courses(ragbot, tmp_path):
    ragbot("users", "add", "carol", "--role", "teacher", "--password-stdin", stdin="a long enough password\n")
    assert "at least 8" in ragbot("users", "add", "dan", "--password-stdin", stdin="short\n", check_status=1).stderr
    # Nothing piped in (a script's forgotten `<`) was "passwords need at least 8 characters" too.
    empty = ragbot("users", "add", "dan", "--password-stdin", stdin="", check_status=1).stderr
    assert "--password-stdin read nothing: give the password on standard input" in empty
    assert (
        "taken"
        in ragbot("users", "add", "carol", "--password-stdin", stdin="another password\n", check_status=1).stderr
    )
    assert "invalid choice" in ragbot("users", "add", "erin", "--role", "owner", check_status=2).stderr
    ragbot("users", "passwd", "carol", "--password-stdin", stdin="a brand new password\n")
    assert "carol is now a student" in ragbot("users", "role", "carol", "student").stdout
    assert "invalid choice" in ragbot("users", "role", "carol", "owner", check_status=2).stderr
    assert "no user named 'zed'" in ragbot("users", "role", "zed", "teacher", check_status=1).stderr
    ragbot("users", "disable", "carol")
    assert "carol                    student  disabled last sign-in never" in ragbot("users", "list").stdout
    notes = tmp_path / "only-course-one.txt"
    notes.write_text("Default course notes about servo horns.")
    assert "no course with id 9" in ragbot("ingest", str(notes), "--course", "9", check_status=1).stderr
    ragbot("ingest", str(notes), "--course", "1")
    assert "only-course-one.txt" in ragbot("documents", "list", "--course", "1").stdout


def test_the_only_admin_cannot_be_demoted_or_disabled_until_there_is_another(ragbot):
    """`ragbot users role admin teacher` on a box with one admin left nobody to manage accounts or models."""
    ragbot("users", "add", "boss", "--role", "admin", "--password-stdin", stdin="a long enough password\n")
    for command in (("role", "boss", "teacher"), ("disable", "boss")):
        refused = ragbot("users", *command, check_status=1).stderr
        assert refused.startswith("ragbot: error: boss is the only admin: make another account an admin first")
    assert "boss                     admin    active" in ragbot("users", "list").stdout
    ragbot("users", "add", "deputy", "--role", "admin", "--password-stdin", stdin="a long enough password\n")
    ragbot("users", "disable", "deputy")  # a disabled admin is no admin to sign in as
    assert "only admin" in ragbot("users", "role", "boss", "teacher", check_status=1).stderr
    ragbot("users", "enable", "deputy")
    assert "boss is now a teacher" in ragbot("users", "role", "boss", "teacher").stdout
    assert "only admin" in ragbot("users", "disable", "deputy", check_status=1).stderr


def test_adding_a_user_to_a_missing_course_is_refused_and_makes_no_account(ragbot):
    """`users add --course 99` said "added student stu9" and audited it, leaving a student in no course."""
    result = ragbot(
        "users", "add", "stu9", "--course", "99", "--password-stdin", stdin="Student-Pass-01\n", check_status=1
    )
    assert result.stderr == "ragbot: error: no course with id 99\n"
    assert result.stdout == ""
    assert "stu9" not in ragbot("users", "list").stdout
    assert "stu9" not in ragbot("audit").stdout


def test_an_admin_at_the_box_makes_a_course_reads_its_join_code_and_puts_students_in_it(ragbot):
    """A course, and its join code, could only be made in the web app: the CLI had `users add --course N` but no N."""
    ragbot("users", "add", "mrsdoe", "--role", "teacher", "--password-stdin", stdin="a long enough password\n")
    made = ragbot("courses", "add", "Fluid Lab 101", "--teacher", "mrsdoe").stdout
    found = re.fullmatch(r"added course (\d+) \(Fluid Lab 101\), join code ([0-9A-Z]{5}-[0-9A-Z]{5})\n", made)
    assert found, made
    ragbot("users", "add", "stu42", "--course", found[1], "--password-stdin", stdin="Student-Pass-01\n")
    listed = [line.split() for line in ragbot("courses", "list").stdout.splitlines()]
    assert [found[1], found[2], "2", "members", "0", "documents", "Fluid", "Lab", "101"] in listed
    assert "course.create" in ragbot("audit").stdout
    again = ragbot("courses", "add", "fluid lab 101", check_status=1).stderr
    assert again.startswith("ragbot: error: there is already a course 'Fluid Lab 101'")
    assert "no user named 'zed'" in ragbot("courses", "add", "Optics", "--teacher", "zed", check_status=1).stderr
    assert "is a student" in ragbot("courses", "add", "Optics", "--teacher", "stu42", check_status=1).stderr
    assert "Optics" not in ragbot("courses", "list").stdout


def test_an_admin_at_the_box_removes_a_member_but_not_a_course_s_last_teacher_unless_told(ragbot):
    ragbot("users", "add", "mrlee", "--role", "teacher", "--password-stdin", stdin="a long enough password\n")
    course = ragbot("courses", "add", "Optics 2", "--teacher", "mrlee").stdout.split()[2]
    ragbot("users", "add", "stu77", "--course", course, "--password-stdin", stdin="Student-Pass-01\n")
    removed = ragbot("courses", "remove-member", course, "stu77").stdout
    assert removed == f"removed stu77 (student) from course {course} (Optics 2)\n"
    again = ragbot("courses", "remove-member", course, "stu77", check_status=1).stderr
    assert again == f"ragbot: error: stu77 is not a member of course {course} (Optics 2)\n"
    last = ragbot("courses", "remove-member", course, "mrlee", check_status=1).stderr
    assert "mrlee is the last teacher" in last and "--last-teacher" in last
    assert "teacher" in ragbot("courses", "remove-member", course, "mrlee", "--last-teacher").stdout
    assert "must be a whole number" in ragbot("courses", "remove-member", "x", "mrlee", check_status=2).stderr
    assert "no course with id 999" in ragbot("courses", "remove-member", "999", "mrlee", check_status=1).stderr
    assert ragbot("audit").stdout.count("membership.remove") == 2


def test_an_admin_at_the_box_renames_archives_and_unarchives_a_course(ragbot, tmp_path):
    course = ragbot("courses", "add", "Statics").stdout.split()[2]
    assert ragbot("courses", "rename", course, "Statics 2026").stdout == f"course {course} (Statics 2026) is open\n"
    assert ragbot("courses", "archive", course).stdout == f"course {course} (Statics 2026) is archived\n"
    again = ragbot("courses", "archive", course).stdout
    assert again == f"course {course} (Statics 2026) is archived, as it already was\n"
    assert "Statics 2026 (archived)" in ragbot("courses", "list").stdout
    notes = tmp_path / "late-notes.txt"
    notes.write_text("Notes that came after the term.")
    late = ragbot("ingest", str(notes), "--course", course, check_status=1).stderr
    assert late.startswith(f"ragbot: error: course {course} (Statics 2026) is archived: it takes no uploads")
    assert ragbot("courses", "unarchive", course).stdout == f"course {course} (Statics 2026) is open\n"
    assert "a course name is 1–120 characters" in ragbot("courses", "rename", course, " ", check_status=1).stderr
    assert "must be at least 1" in ragbot("courses", "archive", "0", check_status=2).stderr
    audit = ragbot("audit").stdout
    assert all(action in audit for action in ("course.rename", "course.archive", "course.unarchive"))


def test_an_admin_at_the_box_deletes_a_course_by_its_name_with_its_material(ragbot, tmp_path):
    """A course ended only archived: its material, vectors and join code stayed for good."""
    ragbot("users", "add", "mrsvale", "--role", "teacher", "--password-stdin", stdin="a long enough password\n")
    course = ragbot("courses", "add", "Acoustics 2025", "--teacher", "mrsvale").stdout.split()[2]
    notes = tmp_path / "waves.md"
    notes.write_text("# Waves\n\nThe Tarrow horn resonates at 340 hertz.\n")
    ragbot("ingest", str(notes), "--course", course)
    asked = ragbot("courses", "delete", "acoustics 2025", check_status=1).stderr
    assert asked == "ragbot: error: no terminal to ask on; give --yes to delete\n"
    deleted = ragbot("courses", "delete", "acoustics 2025", "--yes").stdout
    assert deleted == (
        f"deleted course {course} (Acoustics 2025) (1 documents, 0 conversations, 0 interactions, 1 memberships); "
        "the audit log keeps its name\n"
    )
    assert "Acoustics" not in ragbot("courses", "list").stdout
    assert "waves.md" not in ragbot("documents", "list").stdout
    assert "Tarrow" not in ragbot("search", "Tarrow horn resonance").stdout
    assert re.search(rf"course\.delete +course {course} \(Acoustics 2025\)  documents=1 ", ragbot("audit").stdout)
    again = ragbot("courses", "delete", "Acoustics 2025", "--yes", check_status=1).stderr
    assert again == "ragbot: error: no course named 'Acoustics 2025': `ragbot courses list` names each\n"
    default = ragbot("courses", "delete", "Default course", "--yes", check_status=1).stderr
    assert "is the default course" in default
    database = open_database(ragbot.data)
    try:
        vectors = services.open_vectors(load_settings(environ={}, data_dir=str(ragbot.data)))
        assert vectors.ids() == database.chunk_ids()
        vectors.close()
    finally:
        database.close()


def test_an_admin_exports_a_course_s_questions_to_a_file_or_standard_output(ragbot, tmp_path):
    course = ragbot("courses", "add", "Hydraulics").stdout.split()[2]
    database = open_database(ragbot.data)
    student = Accounts(database).add("stu91", "Student-Pass-01", "student")
    Courses(database).add_member(int(course), student)
    row = {
        "id": "i1",
        "conversation_id": None,
        "user_id": student["id"],
        "course_id": int(course),
        "level": "",
        "question": 'Why, "exactly"?',
        "search_query": "Why?",
        "answer": "Because.",
        "covered": 0,
        "cached": 0,
        "sources": "[]",
        "created_at": "2026-12-01T10:00:00+00:00",
        "mode": "grounded",
    }
    database._db.table("interactions").insert(row)
    database.close()
    expected = (
        "asked_at,user,question,covered,model_busy,sources_cited\r\n"
        '2026-12-01T10:00:00+00:00,stu91,"Why, ""exactly""?",0,0,\r\n'
    )
    assert ragbot("courses", "export-questions", course).stdout == expected.replace("\r\n", "\n")  # text mode
    written = tmp_path / "questions.csv"
    told = ragbot("courses", "export-questions", course, "--output", str(written)).stderr
    assert told == f"wrote the questions of course {course} to {written}\n"
    assert written.read_bytes() == expected.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["questions.csv"]  # nothing left beside it
    assert "no course with id 999" in ragbot("courses", "export-questions", "999", check_status=1).stderr
    missing = ragbot("courses", "export-questions", course, "--output", str(tmp_path / "no" / "q.csv"), check_status=1)
    assert missing.stderr == f"ragbot: error: there is no folder {tmp_path / 'no'} to write q.csv in\n"
    assert "is empty" in ragbot("courses", "export-questions", course, "--output", "", check_status=2).stderr


def test_search_and_ask_in_one_course_name_each_sources_course(ragbot, tmp_path):
    """`ragbot search` and `ragbot ask` mixed every course and could not be scoped."""
    database = open_database(ragbot.data)
    try:
        course = Courses(database).create("RX-214 Robotics Lab", None)["id"]
    finally:
        database.close()
    (tmp_path / "rx-arm.md").write_text("# Arm\n\nThe Vexlor arm has a reach of 812 millimetres.\n")
    (tmp_path / "lab-arm.md").write_text("# Arm\n\nThe Vexlor arm of the default lab reaches 300 millimetres.\n")
    ragbot("ingest", str(tmp_path / "rx-arm.md"), "--course", str(course))
    ragbot("ingest", str(tmp_path / "lab-arm.md"))
    scoped = ragbot("search", "Vexlor arm reach", "--course", str(course)).stdout
    assert f"[1] rx-arm.md — Arm — course {course} (RX-214 Robotics Lab) (score" in scoped
    assert "lab-arm.md" not in scoped
    assert "lab-arm.md — Arm — course 1 (" in ragbot("search", "Vexlor arm reach").stdout
    for command in ("search", "ask"):
        refused = ragbot(command, "Vexlor arm reach", "--course", "99", check_status=1)
        # `ask` has loaded the model by then, and llama.cpp says so on standard error first.
        assert refused.stderr.endswith("\nragbot: error: no course with id 99\n") or refused.stderr == (
            "ragbot: error: no course with id 99\n"
        ), command


def test_a_disabled_account_is_enabled_again_and_only_password_commands_read_one(ragbot):
    """An account disabled by mistake had no way back: neither a new password nor a new account with its name."""
    ragbot("users", "add", "mrbeck", "--role", "teacher", "--password-stdin", stdin="a long enough password\n")
    ragbot("users", "disable", "mrbeck")
    assert ragbot("users", "enable", "mrbeck").stdout == "enabled mrbeck; they can sign in again\n"
    assert "mrbeck                   teacher  active" in ragbot("users", "list").stdout
    database = open_database(ragbot.data)
    try:
        assert Accounts(database).authenticate("mrbeck", "a long enough password")["username"] == "mrbeck"
    finally:
        database.close()
    assert "no user named 'nobody'" in ragbot("users", "enable", "nobody", check_status=1).stderr
    assert "account.enable" in ragbot("audit").stdout
    for command, reads in (("add", True), ("passwd", True), ("disable", False), ("enable", False), ("list", False)):
        assert ("--password-stdin" in ragbot("users", command, "--help").stdout) is reads, command


def test_a_password_prompt_without_a_terminal_is_a_clear_error(ragbot):
    """Run from a script with no terminal, `users add` printed getpass's traceback (termios.error, EOFError)."""
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "users", "add", "nina", "--role", "teacher"],
        capture_output=True,
        text=True,
        env={**os.environ, "RAGBOT_DATA_DIR": str(ragbot.data), "RAGBOT_INGEST_SAMPLE": "false"},
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # no controlling terminal, so no /dev/tty to prompt on
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == "ragbot: error: no terminal to read the password from; pipe it with --password-stdin\n"
    assert "nina" not in ragbot("users", "list").stdout


def test_api_keys_are_printed_once_listed_without_the_key_revoked_and_audited(ragbot):
    ragbot("users", "add", "frank", "--password-stdin", stdin="a long enough password\n")
    made = ragbot("keys", "create", "frank", "--label", "Moodle").stdout
    found = re.search(r"API key (\d+) for frank .*\n(rbk_\S+)", made)
    assert found, made
    key_id, key = found.groups()
    listing = ragbot("keys", "list", "frank").stdout
    assert "Moodle" in listing and key[:10] in listing and key not in listing
    database = open_database(ragbot.data)
    try:
        keys = services.api_keys(load_settings(environ={}, data_dir=str(ragbot.data)), database)
        assert keys.user(key)["username"] == "frank"
        assert "no user named 'nobody'" in ragbot("keys", "create", "nobody", check_status=1).stderr
        assert f"revoked API key {key_id} (Moodle)" in ragbot("keys", "revoke", key_id).stdout
        with pytest.raises(Unauthorized):
            keys.user(key)
    finally:
        database.close()
    # Revoked twice: "no API key with id 3" sent its owner looking for a key that exists.
    assert (
        f"API key {key_id} (Moodle) was already revoked on" in ragbot("keys", "revoke", key_id, check_status=1).stderr
    )
    assert "no API key with id 999" in ragbot("keys", "revoke", "999", check_status=1).stderr
    ragbot("users", "add", "grace", "--password-stdin", stdin="a long enough password\n")
    none = ragbot("keys", "list", "grace")
    assert (none.stdout, none.stderr.strip()) == ("", "no API keys of grace")
    audit = ragbot("audit").stdout
    assert "api_key.create" in audit and "api_key.revoke" in audit


def test_bad_setting_in_environment_names_it(tmp_path):
    env = {**os.environ, "RAGBOT_PORT": "eighty"}
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "documents", "list"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert "setting 'port' = 'eighty'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rm_of_several_ids_one_of_them_wrong_removes_none(ragbot, tmp_path):
    # `ragbot documents rm GOOD TYPO` removed GOOD, then said "no document with id 'TYPO'": half of what was asked;
    # and `rm ID ID` removed it, then failed on the second.
    notes = tmp_path / "orrin.md"
    notes.write_text("# Valves\n\nThe Orrin valve opens at 111 kilopascals.\n")
    ragbot("ingest", str(notes))
    before = ragbot("documents", "list").stdout
    good = next(line.split()[0] for line in before.splitlines() if "orrin.md" in line)
    refused = ragbot("documents", "rm", good, "nope", check_status=1)
    assert "no document with id 'nope', so nothing was removed: `ragbot documents list` shows" in refused.stderr
    assert ragbot("documents", "list").stdout == before
    assert ragbot("documents", "rm", good, good).stdout == f"removed {good}\n"


def test_ingest_and_rm_are_refused_while_another_process_has_the_embedded_stores_open(ragbot, tmp_path):
    """The service's copy of Chroma's files failed every search ("Error finding id") after `ragbot ingest` wrote them
    beside it; the admin is told to upload in the web app or stop the service, and nothing is written."""
    notes = tmp_path / "late.md"
    notes.write_text("# Late work\n\nThe Vexorin lab closes at 18:00.\n")
    before = ragbot("documents", "list").stdout
    hold = "import sys, pathlib; from appliance.store import locks; locks.use_data(pathlib.Path(sys.argv[1]))"
    holder = subprocess.Popen(  # the service, as far as the data lock tells
        [sys.executable, "-c", hold + "; print('held', flush=True); input()", str(ragbot.data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline() == "held\n"
        # `documents rm` was told to "upload in the web app instead"
        for args, instead in (("ingest", str(notes)), "upload"), (("documents", "rm", "whatever"), "delete it"):
            result = ragbot(*args, check_status=1)
            assert "ragbot is running on" in result.stderr and f"{instead} in the web app" in result.stderr
            assert "Traceback" not in result.stderr
        assert ragbot("search", "Vexorin", "--mode", "keyword").stdout.count("late.md") == 0
    finally:
        holder.communicate("\n", timeout=30)
    assert ragbot("documents", "list").stdout == before
    ragbot("ingest", str(notes))  # alone again: it goes in
    assert "late.md" in ragbot("documents", "list").stdout


def test_a_change_to_what_an_account_already_is_changes_and_logs_nothing(ragbot):
    # `users enable` of an active account said "enabled noor; they can sign in again" and was logged as enabling
    # it, as was `users role noor student` of a student: the admin screen logs only what changed.
    ragbot("users", "add", "noor", "--password-stdin", stdin="a long enough password\n")
    before = ragbot("audit", "--json", "--limit", "1").stdout
    assert ragbot("users", "enable", "noor").stdout == "noor is already active, able to sign in; nothing changed\n"
    assert ragbot("users", "role", "Noor", "student").stdout == "noor is already a student; nothing changed\n"
    assert ragbot("audit", "--json", "--limit", "1").stdout == before
    ragbot("users", "disable", "noor")
    assert ragbot("users", "disable", "noor").stdout == "noor is already disabled; nothing changed\n"
    assert [e["action"] for e in json.loads(ragbot("audit", "--json", "--limit", "2").stdout)] == [
        "account.disable",
        "account.create",
    ]


def test_an_account_typed_in_another_case_is_named_and_audited_as_it_is_spelt(ragbot):
    """`users disable SAMIRA` said "disabled SAMIRA" and logged "user SAMIRA": the log had two names for one account."""
    ragbot("users", "add", "samira", "--password-stdin", stdin="a long enough password\n")
    assert ragbot("users", "disable", "SAMIRA").stdout == "disabled samira\n"
    assert ragbot("users", "role", "Samira", "teacher").stdout == "samira is now a teacher\n"
    entries = json.loads(ragbot("audit", "--limit", "2", "--json").stdout)
    assert [e["target"] for e in entries] == ["user samira", "user samira"]
    assert re.match(r"API key \d+ for samira \(API key\)", ragbot("keys", "create", "SAMIRA").stdout)
    assert json.loads(ragbot("audit", "--limit", "1", "--json").stdout)[0]["detail"]["user"] == "samira"


def test_output_piped_into_a_reader_that_stops_ends_quietly(ragbot):
    """`ragbot audit | head` ended with "ragbot: error: [Errno 32] Broken pipe" (or Python's "Exception ignored")."""
    ragbot("users", "add", "pipa", "--password-stdin", stdin="a long enough password\n")  # something to print
    env = {**os.environ, "RAGBOT_DATA_DIR": str(ragbot.data), "RAGBOT_INGEST_SAMPLE": "false"}
    for command in (["audit"], ["users", "list"], ["courses", "list"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "appliance", *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        assert process.stdout and process.stderr
        process.stdout.close()  # the reader is gone before a line is written
        assert process.stderr.read() == b"", command
        assert process.wait(timeout=60) == 141


def test_a_file_that_cannot_be_read_fails_alone_and_the_rest_is_ingested(ragbot, tmp_path):
    """The first unreadable file (a teacher's 0600 one, a bad sector) ended the run with "[Errno 13] ..." or
    "[Errno 5] ...", naming no file, and the files after it were never ingested."""
    folder = tmp_path / "week9"
    folder.mkdir()
    (folder / "a.md").write_text("# Oscilloscopes\n\nThe Trellix scope samples at 2 GS/s.\n")
    (folder / "b.md").symlink_to("/proc/self/mem")  # a regular file whose every read fails (EIO)
    (folder / "c.md").write_text("# Probes\n\nThe Quendra probe attenuates ten times.\n")
    result = ragbot("ingest", str(folder), check_status=1)
    assert "failed    week9/b.md: cannot read it (Input/output error)" in result.stdout
    assert "added     week9/a.md" in result.stdout and "added     week9/c.md" in result.stdout
    assert "2 of 3 files ingested" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_with_nothing_to_ingest_or_closed_to_the_user_or_no_file_is_refused(ragbot, tmp_path):
    # `ragbot ingest FOLDER` of an empty folder, or of one this user may not read (a teacher's 0700 home folder,
    # `sudo ragbot` running as ragbot), said "0 of 0 files ingested" and succeeded; `ingest /dev/null` said
    # "no such file or folder".
    empty = tmp_path / "empty"
    (empty / ".git").mkdir(parents=True)
    (empty / ".git" / "config").write_text("[core]\n")
    said = ragbot("ingest", str(empty), check_status=1).stderr
    assert f"{empty} holds no files to ingest (those whose names start with a dot are left out)" in said
    assert "is neither a file nor a folder (a device or a pipe)" in ragbot("ingest", "/dev/null", check_status=1).stderr
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "notes.md").write_text("# Notes\n\nThe Orrin valve opens at 111 kilopascals.\n")
    prefix = closed_to_the_test(closed)
    try:
        refused = subprocess.run(
            [*prefix, sys.executable, "-m", "appliance", "ingest", str(closed)],
            capture_output=True,
            text=True,
            env={**os.environ, "RAGBOT_DATA_DIR": str(ragbot.data)},
            timeout=300,
        )
    finally:
        closed.chmod(0o700)
    assert refused.returncode == 1, refused.stderr
    assert f"the user {running_user()}, whom this command runs as, may not open {closed}" in refused.stderr


@pytest.mark.parametrize("command", [["users", "list"], ["documents", "list"], ["audit"], ["search", "valve"]])
def test_a_command_that_only_reads_names_a_data_folder_that_is_not_there(tmp_path, command):
    # A typo in RAGBOT_DATA_DIR made a new data folder, with the sample course and no accounts: `users list` printed
    # nothing, `documents list` the sample, as if every account and document were gone.
    typo = tmp_path / "ragbto"
    said = subprocess.run(
        [sys.executable, "-m", "appliance", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "RAGBOT_DATA_DIR": str(typo)},
        timeout=300,
    )
    assert said.returncode == 1
    assert said.stderr == (
        f"ragbot: error: there is no data folder at {typo}: check RAGBOT_DATA_DIR, or data_dir in the config file "
        "(`ragbot doctor` names the file); a new appliance starts with `ragbot setup`\n"
    )
    assert not typo.exists()


def test_ask_in_a_course_that_does_not_exist_is_refused_before_the_model_loads(tmp_path, monkeypatch, capsys):
    # `ragbot ask ... --course 9` loaded the model (a minute for a big one) only to say "no course with id 9".
    from appliance.cli import commands

    open_database(tmp_path).close()
    monkeypatch.setenv("RAGBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(commands.services, "build", lambda *_, **__: pytest.fail("the model was loaded"))
    with pytest.raises(SystemExit) as exit:
        cli_main.main(["ask", "How far can the Wren-7 reach?", "--course", "9"])
    assert exit.value.code == 1
    assert capsys.readouterr().err == "ragbot: error: no course with id 9\n"


def test_a_key_made_for_a_disabled_account_says_it_works_only_once_enabled(ragbot):
    # `ragbot keys create moodle` of a disabled account printed the key as any other: Moodle's requests were refused
    # (401, "invalid API key") with no word why.
    ragbot("users", "add", "moodle-off", "--password-stdin", stdin="a long enough password\n")
    ragbot("users", "disable", "moodle-off")
    made = ragbot("keys", "create", "moodle-off", "--label", "Moodle")
    assert "it is shown only now" in made.stdout
    assert made.stderr == "note: moodle-off is disabled: the key works once `ragbot users enable moodle-off`\n"
    ragbot("users", "enable", "moodle-off")
    assert ragbot("keys", "create", "moodle-off").stderr == ""


def test_a_list_with_nothing_in_it_says_so_on_stderr(tmp_path, monkeypatch, capsys):
    # `ragbot users list` on a data folder without accounts printed nothing at all: broken, or empty?
    open_database(tmp_path).close()
    monkeypatch.setenv("RAGBOT_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as exit:
        cli_main.main(["users", "list"])
    assert exit.value.code == 0
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", "no accounts yet: make one with `ragbot users add NAME --role admin`\n")


def test_a_write_after_another_process_wrote_waits_its_turn_instead_of_failing(tmp_path, monkeypatch):
    # Twelve `ragbot users add` at once (or one beside the service signing students in): most failed with a
    # "database is locked" traceback. Each read the database, another process wrote, and the reader's write could not
    # wait: SQLite refuses a write on a snapshot gone stale, busy_timeout or not.
    import sqlite3
    import threading

    mine, other = open_database(tmp_path), open_database(tmp_path)
    accounts, insert_row = Accounts(mine), mine.insert_row
    meanwhile = threading.Thread(target=lambda: Accounts(other).add("other", "a long password"))

    def read_then_let_the_other_write(table, row):
        mine._db.execute("PRAGMA table_info(users)").fetchall()  # as sqlite-utils reads before it inserts
        meanwhile.start()
        meanwhile.join(1)  # done at once while this transaction holds no lock; else waits for it to commit
        return insert_row(table, row)

    monkeypatch.setattr(mine, "insert_row", read_then_let_the_other_write)
    try:
        accounts.add("mine", "a long password")
    except sqlite3.OperationalError as error:
        pytest.fail(f"the second write failed: {error}")
    finally:
        meanwhile.join()
    assert {u["username"] for u in Accounts(mine).list()} == {"mine", "other"}
    mine.close()
    other.close()


def test_a_students_account_and_data_are_deleted_on_request(ragbot):
    # A parent asks for a student's data to go: there was no command but `disable`, which kept every question.
    import sqlite3

    ragbot("users", "add", "leaver", "--password-stdin", stdin="a long enough password\n")
    ragbot("keys", "create", "leaver")
    with sqlite3.connect(ragbot.data / "ragbot.db") as db:
        uid = db.execute("SELECT id FROM users WHERE username = 'leaver'").fetchone()[0]
        db.execute("INSERT INTO conversations (id, user_id, course_id, title) VALUES ('c-leaver', ?, 1, 'q')", [uid])
        db.execute(
            "INSERT INTO interactions (id, conversation_id, user_id, course_id, question) "
            "VALUES ('i-leaver', 'c-leaver', ?, 1, 'my question')",
            [uid],
        )
    assert "give --yes" in ragbot("users", "delete", "leaver", check_status=1).stderr  # no terminal to ask on
    done = ragbot("users", "delete", "LEAVER", "--yes").stdout
    assert "deleted leaver (1 conversations, 1 interactions, 1 api keys)" in done
    with sqlite3.connect(ragbot.data / "ragbot.db") as db:
        for table in ("users", "conversations", "interactions", "api_keys", "memberships", "refresh_tokens"):
            column = "id" if table == "users" else "user_id"
            assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [uid]).fetchone()[0] == 0, table
    assert "account.delete" in ragbot("audit", "--limit", "1").stdout
    assert "no user named 'leaver'" in ragbot("users", "delete", "leaver", "--yes", check_status=1).stderr


def test_the_only_admin_is_not_deleted(tmp_path):
    database = open_database(tmp_path)
    accounts = Accounts(database)
    admin = accounts.add("head", "a long enough password", "admin")
    with pytest.raises(RagbotError, match="head is the only admin"):
        accounts.delete(admin["id"])
    assert accounts.named("head")
    database.close()


@pytest.mark.parametrize(
    "args", [["tls", "init", "--dir", ""], ["restore", ""], ["models", "add", " "], ["--config", "", "users", "list"]]
)
def test_an_empty_path_argument_is_refused(args, tmp_path, monkeypatch, capsys):
    # `ragbot tls init --dir "$TLS"` with TLS unset wrote the CA's private key into the current folder; `restore ""`
    # said ". is a folder" and `--config ""` read the built-in settings.
    monkeypatch.setenv("RAGBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(args)
    assert stopped.value.code == 2 and "is empty: give a file or folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_tls_init_prints_settings_the_settings_file_takes(tmp_path, monkeypatch, capsys):
    # `tls init --dir tls` printed tls_cert_file = "tls/server.crt", a relative path the settings file refuses.
    monkeypatch.setenv("RAGBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(["tls", "init", "--dir", "tls", "--name", "localhost"])
    assert stopped.value.code == 0
    printed = capsys.readouterr().out
    assert f'tls_cert_file = "{tmp_path}/tls/server.crt"' in printed
    settings_file = tmp_path / "ragbot.toml"
    settings_file.write_text("\n".join(line for line in printed.splitlines() if line.startswith("tls_")) + "\n")
    assert load_settings(settings_file, environ={}).tls_cert_file == f"{tmp_path}/tls/server.crt"


def test_documents_list_of_a_course_that_is_not_there_says_so(tmp_path, monkeypatch, capsys):
    # `documents list --course 999` printed nothing and exited 0, as if course 999 were there with no documents.
    open_database(tmp_path).close()
    monkeypatch.setenv("RAGBOT_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(["documents", "list", "--course", "999"])
    assert stopped.value.code == 1 and capsys.readouterr().err == "ragbot: error: no course with id 999\n"
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(["documents", "list", "--course", "1"])
    assert stopped.value.code == 0 and "no documents in course 1 yet" in capsys.readouterr().err


def test_an_empty_audit_log_says_so(tmp_path, monkeypatch, capsys):
    # `ragbot audit` on a new box printed nothing at all; the other lists say they are empty.
    open_database(tmp_path).close()
    monkeypatch.setenv("RAGBOT_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        cli_main.main(["audit"])
    printed = capsys.readouterr()
    assert stopped.value.code == 0 and printed.out == "" and "no audit entries yet" in printed.err
