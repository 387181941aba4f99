"""The `ragbot` command: serve, ingest, search, ask, documents, setup."""

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from appliance.errors import DATA_HINT, RagbotError, damaged_database, os_refusal
from appliance.runtime import configure_process
from appliance.settings import load_settings
from appliance.store import files
from appliance.vocabulary import DEFAULT_COURSE, ROLES, SEARCH_MODES

# SQLite's largest integer: a bigger count or id overflowed in the database query, with a traceback.
LARGEST = 2**63 - 1


def _positive(text: str) -> int:
    """A whole number from 1 up; argparse's own message would name this function ("invalid _positive value")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    if value > LARGEST:
        raise argparse.ArgumentTypeError(f"must be at most {LARGEST}, got {value}")
    return value


def _given(text: str) -> str:
    """A path as given, never empty: `--dir ""` (an unset shell variable) was the current folder, and `tls init`
    left the CA's private key there."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give a file or folder")
    return text


def _path(text: str) -> Path:
    """A non-empty path."""
    return Path(_given(text))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ragbot", description="Offline question answering over course material.")
    top.add_argument("--config", type=_given, metavar="FILE", help="TOML settings file (default: config/ragbot.toml)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app and API")
    serve.add_argument("--host", help="listen address (overrides the setting)")
    serve.add_argument("--port", type=int, help="listen port (overrides the setting)")

    ingest = commands.add_parser("ingest", help="add files or folders to the course material")
    ingest.add_argument("paths", nargs="+", type=_path, metavar="PATH")
    ingest.add_argument(
        "--course", type=_positive, default=DEFAULT_COURSE, help="course to add to (default: the default course)"
    )

    search = commands.add_parser("search", help="find passages")
    search.add_argument("query")
    search.add_argument("--k", type=_positive, default=None, help="how many passages")
    search.add_argument("--mode", choices=SEARCH_MODES, default="hybrid")
    search.add_argument("--json", action="store_true", help="print JSON")

    ask = commands.add_parser("ask", help="answer a question, streaming to the terminal")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    for command in (search, ask):
        command.add_argument("--course", type=_positive, default=None, help="only this course (default: every one)")

    docs = commands.add_parser("documents", help="list or remove documents")
    docs_commands = docs.add_subparsers(dest="action", required=True)
    listing = docs_commands.add_parser("list", help="list documents")
    listing.add_argument("--course", type=_positive, default=None, help="only this course")
    remove = docs_commands.add_parser("rm", help="remove documents")
    remove.add_argument("ids", nargs="+", metavar="ID")

    users = commands.add_parser("users", help="manage accounts")
    users_commands = users.add_subparsers(dest="action", required=True)
    add = users_commands.add_parser("add", help="create an account (password prompted or --password-stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="student")
    add.add_argument("--course", type=_positive, default=1, help="course to join (default: the default course)")
    users_commands.add_parser("list", help="list accounts")
    passwd = users_commands.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    disable = users_commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("name")
    enable = users_commands.add_parser("enable", help="let a disabled account sign in again")
    enable.add_argument("name")
    delete = users_commands.add_parser(
        "delete", help="delete an account with its sessions, keys, conversations and questions (asks first)"
    )
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    role = users_commands.add_parser("role", help="change an account's role (it applies to its next request)")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    for command in (add, passwd):  # only these read a password
        command.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    courses = commands.add_parser("courses", help="list, add and manage courses and their members")
    courses_commands = courses.add_subparsers(dest="action", required=True)
    courses_commands.add_parser(
        "list", help="every course: id, join code, members, documents, name (archived ones marked)"
    )
    new_course = courses_commands.add_parser("add", help="make a course and print its join code")
    new_course.add_argument("name")
    new_course.add_argument("--teacher", metavar="USER", help="an account to teach it (default: none yet)")
    rename = courses_commands.add_parser("rename", help="give a course a new name (its join code stays)")
    rename.add_argument("course", type=_positive, help="the course's id (from `ragbot courses list`)")
    rename.add_argument("name", help="1–120 characters, unlike any other course's")
    archive = courses_commands.add_parser(
        "archive",
        help="end a course's term: its members still read its material and conversations, but it takes no new "
        "questions, uploads or members, and leaves the course picker for asking",
    )
    unarchive = courses_commands.add_parser("unarchive", help="open an archived course again")
    for command in (archive, unarchive):
        command.add_argument("course", type=_positive, help="the course's id (from `ragbot courses list`)")
    export = courses_commands.add_parser(
        "export-questions",
        help="every question the course's students asked, as CSV (when, who, question, covered, model busy, "
        "sources cited); archived courses too",
    )
    export.add_argument("course", type=_positive, help="the course's id (from `ragbot courses list`)")
    export.add_argument("--output", type=_path, metavar="FILE", help="write to FILE (default: standard output)")
    leave = courses_commands.add_parser(
        "remove-member",
        help="take an account out of a course: it can no longer ask in or read it; its past questions stay in the "
        "course's figures",
    )
    leave.add_argument("course", type=_positive, help="the course's id (from `ragbot courses list`)")
    leave.add_argument("username")
    leave.add_argument(
        "--last-teacher", action="store_true", help="remove the course's last teacher too (refused without it)"
    )

    drop = courses_commands.add_parser(
        "delete",
        help="delete a course for good, with its documents, conversations, questions, join code and memberships "
        "(asks first; not the default course)",
    )
    drop.add_argument("name", help="the course's name (from `ragbot courses list`), which confirms which goes")
    drop.add_argument("--yes", action="store_true", help="do not ask")

    keys = commands.add_parser("keys", help="API keys for the OpenAI-compatible endpoint (/v1)")
    keys_commands = keys.add_subparsers(dest="action", required=True)
    create_key = keys_commands.add_parser("create", help="make a key for an account (printed once, stored hashed)")
    create_key.add_argument("name", metavar="USER")
    create_key.add_argument("--label", default="API key", help="what the key is for, e.g. Moodle")
    list_keys = keys_commands.add_parser("list", help="live keys (never the keys themselves)")
    list_keys.add_argument("name", nargs="?", metavar="USER", help="only this account's keys")
    revoke_key = keys_commands.add_parser("revoke", help="revoke a key by its id (from `ragbot keys list`)")
    revoke_key.add_argument("id", type=_positive, metavar="ID")

    backup = commands.add_parser("backup", help="write a backup archive (safe while the service runs)")
    backup.add_argument(
        "--to",
        type=_given,
        metavar="FILE",  # a string: a Path drops the trailing "/" that says a folder is meant
        help="archive to write, or a folder (existing, or ending in /) to write a new timestamped one in "
        "(default: a new timestamped file in backup_dir, old ones pruned)",
    )
    backup.add_argument(
        "--keep",
        type=_positive,
        metavar="N",
        help="archives to keep in backup_dir, or in the folder --to gives (default: backup_keep in backup_dir; all in "
        "another folder)",
    )
    backup.add_argument("--with-secrets", action="store_true", help="include the token secret (keep the archive safe)")
    backup.add_argument("--with-models", action="store_true", help="include model weights (manifests always are)")
    restore = commands.add_parser("restore", help="restore a backup archive (the service must be stopped)")
    restore.add_argument("archive", type=_path, metavar="FILE")
    restore.add_argument("--check", action="store_true", help="only verify the archive; change nothing")
    restore.add_argument(
        "--with-config", action="store_true", help="also put back the archived config file (and secret, if archived)"
    )

    model = commands.add_parser("models", help="list, add, choose and verify models")
    model_commands = model.add_subparsers(dest="action", required=True)
    model_commands.add_parser("list", help="every known model, where its file is, which ones are in use")
    add_model = model_commands.add_parser("add", help="copy a GGUF into the models folder and write its manifest")
    add_model.add_argument("path", type=_path, metavar="PATH")
    add_model.add_argument("--name", help="manifest name (default: from the file name)")
    add_model.add_argument(
        "--prompt-style",
        choices=["chat", "completion"],
        help="default: chat when the GGUF has a chat template, else completion",
    )
    use_model = model_commands.add_parser("use", help="make NAME the default LLM (sets llm_model in the config file)")
    use_model.add_argument("name", metavar="NAME")
    model_commands.add_parser("verify", help="re-check the sha256 of every model file")

    doctor = commands.add_parser("doctor", help="check config, permissions, disk, models, stores and service")
    doctor.add_argument(
        "--repair", action="store_true", help="also fix what can be fixed (the service must be stopped)"
    )

    audit = commands.add_parser("audit", help="who changed accounts, courses, memberships, documents or data")
    audit.add_argument("--limit", type=_positive, default=50, help="how many of the newest entries (default 50)")
    audit.add_argument("--json", action="store_true", help="print JSON, newest first")

    tls = commands.add_parser("tls", help="the box's own HTTPS certificate authority and server certificate")
    tls_commands = tls.add_subparsers(dest="action", required=True)
    init = tls_commands.add_parser(
        "init", help="make the CA (once) and a server certificate for this box; renew it when < 30 days are left"
    )
    init.add_argument("--dir", type=_path, help="where to keep them (default: DATA_DIR/tls)")
    init.add_argument("--name", action="append", help="a name or address to certify (default: this box's own)")

    commands.add_parser("setup", help="assemble and verify the models, then test one generation")
    commands.add_parser("smoke-test", help="generate a few tokens (setup runs this in a child process)")
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    configure_process()  # before the commands import the libraries that read it
    # What the command writes is closed to other users (group read, as the machine install's 0750): a checkout's
    # usual umask 022 left the database, with its password hashes, readable by anyone. A stricter one stays; the
    # caller's is back afterwards (a test or an installer calling `main` in its own process).
    previous = os.umask(0o027)
    os.umask(previous | 0o027)
    try:
        status = _run(args)
        sys.stdout.flush()  # here, where a closed pipe can be told apart, not in the interpreter's exit
    except BrokenPipeError:  # `ragbot audit | head`: the reader has what it wanted; "[Errno 32] Broken pipe" is noise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's own flush must not fail again
        status = 128 + 13  # what a shell reports for a command ended by SIGPIPE
    finally:
        os.umask(previous)
    sys.exit(status or 0)


def _run(args: argparse.Namespace) -> int | None:
    """Run the command, a clear one-line error instead of a traceback; its exit status."""
    settings = None
    try:
        overrides = {"host": getattr(args, "host", None), "port": getattr(args, "port", None)}
        settings = load_settings(args.config, **overrides)
        from appliance.cli import commands

        commands.need_data(settings, args)
        return getattr(commands, args.command.replace("-", "_"))(settings, args)
    except RagbotError as error:
        print(f"ragbot: error: {error.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # not the command's failure: main() ends quietly
    except sqlite3.DatabaseError as error:  # a page damaged since the database opened (`ragbot search`)
        if not (damaged := damaged_database(error, f"in {settings.data_path}" if settings else "")):
            raise
        print(f"ragbot: error: {damaged.message}", file=sys.stderr)
        return 1
    except OSError as error:  # unreadable file, full disk...: a message, not a traceback
        in_data = settings and isinstance(error.filename, str) and files.within(error.filename, settings.data_path)
        print(f"ragbot: error: {os_refusal(error, DATA_HINT if in_data else '').message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
