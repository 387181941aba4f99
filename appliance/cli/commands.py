"""What each `ragbot` subcommand does; cli.py parses the arguments."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import msgspec
from tqdm import tqdm

from appliance import services
from appliance.answer.chat import Ask
from appliance.answer.events import Done
from appliance.classroom.audit import course_target
from appliance.errors import InvalidInput, NotFound, RagbotError, Unavailable
from appliance.inference import manifests
from appliance.search.shapes import PassageView, snippet, view
from appliance.settings import Settings, config_path

SMOKE_PROMPT = "The three primary colours are"


def smoke_test_subprocess(config: str | None) -> bool:
    """Generate once in a child process: a bad llama.cpp build dies there (SIGILL/GPF), not in the caller."""
    command = [sys.executable, "-m", "appliance"] + (["--config", config] if config else []) + ["smoke-test"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        return False
    print(result.stdout.strip())
    return True


# Commands that only read the data: run on a folder that is not there (a typo in RAGBOT_DATA_DIR or data_dir) they
# made a new one, with the sample course and no accounts, and `users list` printed nothing at all.
READING = {
    "search",
    "ask",
    "audit",
    "documents list",
    "users list",
    "courses list",
    "courses export-questions",
    "keys list",
}


def need_data(settings: Settings, args) -> None:
    """Refuse a command that only reads the data when the data folder is not there, naming it."""
    command = " ".join(filter(None, (args.command, getattr(args, "action", None))))
    if command in READING and not settings.data_path.exists():
        raise InvalidInput(
            f"there is no data folder at {settings.data_path}: check RAGBOT_DATA_DIR, or data_dir in the config "
            "file (`ragbot doctor` names the file); a new appliance starts with `ragbot setup`"
        )


def print_json(value) -> None:
    print(json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False))


def serve(settings: Settings, args) -> int:
    from appliance.web import server

    server.serve(settings)
    return 0


def tls(settings: Settings, args) -> int:
    from appliance.ops import tls as certificates

    names = args.name or certificates.box_names(settings.mdns_name)
    # Absolute: the lines printed go into the settings file, which refuses a relative path.
    issued = certificates.ensure((args.dir or settings.tls_path).absolute(), names, strict=bool(args.name))
    print(f"{'new' if issued.renewed else 'current'} server certificate {issued.cert} for {', '.join(issued.names)}")
    if issued.left_out:  # the box renamed since its CA was made: the rest stays trusted, this name is not certified
        print(
            f"note: not certified: {', '.join(issued.left_out)}, which the box's CA ({issued.ca}) may not vouch for; "
            "students use the names above (for another name, serve a certificate of your own: tls_cert_file)",
            file=sys.stderr,
        )
    print(f'tls_cert_file = "{issued.cert}"\ntls_key_file = "{issued.key}"\nCA for student devices: {issued.ca}')
    return 0


def _files(paths: list[Path]) -> list[tuple[Path, str]]:
    """Every file under the given paths, with its source name (folder name + relative path for folders)."""
    found = []
    for path in paths:
        if path.is_dir():
            found += _folder_files(path)
        elif path.is_file():
            found.append((path, path.name))
        elif path.exists():  # /dev/null was "no such file or folder"
            raise InvalidInput(f"{path} is neither a file nor a folder (a device or a pipe): give the material's own")
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    return found


def _folder_files(folder: Path) -> list[tuple[Path, str]]:
    """The files under `folder` but hidden ones (a leading dot), with their source names. A folder this user may not
    read, or one with nothing in it, was "0 of 0 files ingested", and the command succeeded: both are refused."""

    def refuse(error: OSError) -> None:
        raise error

    found = []
    for root, dirs, names in os.walk(folder, onerror=refuse):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found += [Path(root, name) for name in names if not name.startswith(".") and Path(root, name).is_file()]
    if not found:
        raise InvalidInput(f"{folder} holds no files to ingest (those whose names start with a dot are left out)")
    return [(path, f"{folder.resolve().name}/{path.relative_to(folder)}") for path in sorted(found)]


def _writing_vectors(settings: Settings, instead: str) -> services.Services:
    """The stores, for a command that writes vectors: refused beside another process on Chroma in DATA_DIR, whose
    files take one writer (the service's own copy of them failed every search with "Error finding id", or missed
    what the command added, until it was restarted); `instead` is what to do in the web app."""
    app = services.build(settings, with_llm=False)
    if app.database.alone or settings.vector_backend == "chroma_http":
        return app
    app.close()
    raise Unavailable(
        f"ragbot is running on {settings.data_path} (the service or another command), and its vector store takes "
        f"one process's writes: {instead} in the web app instead, or stop the service (sudo systemctl stop ragbot), "
        "run this again, then start it"
    )


def ingest(settings: Settings, args) -> int:
    files = _files(args.paths)
    app = _writing_vectors(settings, "upload")
    app.courses.require_open(args.course, "uploads")
    failed = 0
    with tqdm(files, unit="file", desc="ingesting", file=sys.stderr) as bar:
        for path, source in bar:
            bar.set_postfix_str(source[-40:])
            try:
                content = path.read_bytes()
            except OSError as error:  # one unreadable file (a teacher's 0600, a bad sector) stopped the whole run
                failed += 1
                bar.write(f"{'failed':9} {source}: cannot read it ({error.strerror or error})")
                continue
            try:
                outcome = app.ingestor.ingest(content, source, course_id=args.course)
                if outcome.outcome != "unchanged":  # as for uploads: a copy of what is there changed nothing
                    app.audit.by_cli("document.upload", source, course=args.course, outcome=outcome.outcome)
                bar.write(f"{outcome.outcome:9} {source} ({outcome.document['chunks']} chunks)")
            except RagbotError as error:
                failed += 1
                bar.write(f"{'failed':9} {source}: {error.message}")
    app.close()
    print(f"{len(files) - failed} of {len(files)} files ingested", file=sys.stderr)
    return 1 if failed else 0


def _course_of(app: services.Services, document_id: str) -> str:
    """The course a passage's document is in, as the audit log names it ("course 2 (RX-214 Robotics Lab)"); a
    document removed while the answer was written (the service runs beside the CLI) is in none any more."""
    try:
        return course_target(app.courses.get(app.database.document(document_id)["course_id"]))
    except NotFound:
        return "removed since"


def search(settings: Settings, args) -> int:
    """Search as the system, in one course or every one, with the same course scope as the HTTP search."""
    if not args.query.strip():  # as the HTTP search refuses it
        raise InvalidInput("the query is empty")
    app = services.build(settings, with_llm=False)
    try:
        courses = app.courses.system_scope(args.course)
        passages = app.retriever.search(args.query, args.k or settings.search_k, args.mode, courses)
        if args.json:
            print_json({"results": [view(p, PassageView) for p in passages]})
        for n, p in enumerate(passages if not args.json else [], 1):
            where = f"page {p.page_label or p.page}" if p.page else p.heading
            course = _course_of(app, p.document_id)
            print(f"[{n}] {p.filename} — {where} — {course} (score {p.score:.4f})\n    {snippet(p.text)}\n")
    finally:
        app.close()
    return 0


def ask(settings: Settings, args) -> int:
    """Ask as the system (one course, or every one) through the same chat service as the web app."""
    if args.course:  # before the model loads (a minute for a big one) only to be told "no course with id 9"
        _course_exists(settings, args.course)
    app = services.build(settings)
    try:
        for event, data in app.chat.ask(Ask(args.question, course_id=args.course)):
            if event == "token" and not args.json:
                print(data, end="", flush=True)
            elif event == "done":
                _print_done(app, data, args.json)
    finally:
        app.close()
    return 0


def _course_exists(settings: Settings, course_id: int) -> None:
    """NotFound, naming the course, unless it exists."""
    from appliance.classroom.courses import Courses
    from appliance.store.database import open_database

    database = open_database(settings.data_path)
    try:
        Courses(database).get(course_id)
    finally:
        database.close()


def _print_done(app: services.Services, done: Done, as_json: bool) -> None:
    """The finished answer: all of it as JSON, or the sources, with their courses, under the streamed text."""
    if as_json:
        print_json(done)
        return
    print()
    if not done.covered:
        print("Related reading (the material does not answer this):")
    for source in done.sources:
        where = f", page {source.page_label or source.page}" if source.page else ""
        print(f"[{source.n}] {source.filename}{where} — {source.heading} — {_course_of(app, source.document_id)}")


def documents(settings: Settings, args) -> int:
    if args.action == "list":
        return _list_documents(settings, args.course)
    app = _writing_vectors(settings, "delete it")
    try:
        _remove(app, args.ids)
    finally:
        app.close()
    return 0


def _list_documents(settings: Settings, course: int | None) -> int:
    """The database alone: the list loaded the embedding model and the vector store first, and failed with the
    embedder's own words when its model was missing or broken."""
    from appliance.classroom.courses import Courses
    from appliance.store.database import open_database

    database = open_database(settings.data_path)
    try:
        if course:  # `--course 999` listed nothing, as if the course were there and empty
            Courses(database).get(course)
        listed = database.documents([course] if course else None)
        for doc in listed:
            print(
                f"{doc['id']}  course {doc['course_id']:<3} {doc['pages']:4} pages {doc['chunks']:5} chunks  "
                f"{doc['filename']}"
            )
        if not listed:  # on stderr, as `users list` says it: a script counting the lines still reads none
            print(f"no documents{f' in course {course}' if course else ''} yet: `ragbot ingest PATH`", file=sys.stderr)
    finally:
        database.close()
    return 0


def _remove(app: services.Services, ids: list[str]) -> None:
    """Remove documents, every id checked first: `rm GOOD TYPO` (or `rm ID ID`) removed one, then failed half-way."""
    ids = list(dict.fromkeys(ids))
    known = {doc["id"] for doc in app.database.documents()}
    missing = [document_id for document_id in ids if document_id not in known]
    if missing:
        raise NotFound(
            f"no document with id {', '.join(map(repr, missing))}, so nothing was removed: `ragbot documents list` "
            "shows each document's id"
        )
    for document_id in ids:
        app.ingestor.delete(document_id)
        app.audit.by_cli("document.delete", document_id)
        print(f"removed {document_id}")


def _password(args) -> str:
    """From standard input with --password-stdin (for scripts), else prompted twice without echo."""
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:  # nothing piped in (a script's forgotten `<`) was "passwords need at least 8 characters"
            raise InvalidInput("--password-stdin read nothing: give the password on standard input (`... < FILE`)")
        return line.rstrip("\n")
    import getpass
    import warnings

    with warnings.catch_warnings():
        # Without a terminal getpass would read standard input, echoed, or die on its end: refuse instead.
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            first, again = getpass.getpass("password: "), getpass.getpass("again: ")
        except (getpass.GetPassWarning, EOFError):
            raise InvalidInput("no terminal to read the password from; pipe it with --password-stdin") from None
    if first != again:
        raise InvalidInput("the passwords differ")
    return first


def users(settings: Settings, args) -> int:
    from appliance.classroom.accounts import Accounts
    from appliance.classroom.audit import AuditLog
    from appliance.classroom.courses import Courses
    from appliance.store.database import open_database

    database = open_database(settings.data_path)
    accounts, audit = Accounts(database), AuditLog(database)
    if args.action == "add":
        courses = Courses(database)
        courses.get(args.course)  # before the account exists: a missing course leaves nothing half made
        user = accounts.add(args.name, _password(args), args.role)
        courses.add_member(args.course, user)
        audit.by_cli("account.create", f"user {args.name}", role=args.role, course=args.course)
        print(f"added {args.role} {args.name}")
    elif args.action == "delete":
        _delete_user(accounts, audit, args)
    elif args.action == "list":
        listed = accounts.list()
        for user in listed:
            state = "disabled" if user["disabled"] else "active"
            print(f"{user['username']:24} {user['role']:8} {state:8} last sign-in {user['last_sign_in_at'] or 'never'}")
        if not listed:  # said on stderr: a script counting the lines still reads none
            print("no accounts yet: make one with `ragbot users add NAME --role admin`", file=sys.stderr)
    else:
        _change_user(accounts, audit, args)
    database.close()
    return 0


def _change_user(accounts, audit, args) -> None:
    """passwd, role, enable, disable: named and audited as the account is spelt ("sam" for `disable SAM`), so the
    log lists one account under one name."""
    user = accounts.named(args.name)
    name = user["username"]
    if already := _already(user, args):
        print(f"{name} is already {already}; nothing changed")
        return
    if args.action == "passwd":
        accounts.update(user["id"], password=_password(args))
        audit.by_cli("account.password", f"user {name}")
        print(f"password changed for {name}; their sessions are signed out")
    elif args.action == "role":
        accounts.update(user["id"], role=args.role)
        audit.by_cli("account.role", f"user {name}", role=args.role, was=user["role"])
        print(f"{name} is now a {args.role}")
    elif args.action == "enable":
        accounts.update(user["id"], disabled=0)
        audit.by_cli("account.enable", f"user {name}")
        print(f"enabled {name}; they can sign in again")
    else:
        accounts.update(user["id"], disabled=1)
        audit.by_cli("account.disable", f"user {name}")
        print(f"disabled {name}")


def _delete_user(accounts, audit, args) -> None:
    """A student's data on request, or an account at the end of a term: there was no way to remove one but SQL."""
    user = accounts.named(args.name)
    name = user["username"]
    if not args.yes and not _confirmed(f"delete {name} with their conversations, questions and API keys?"):
        raise InvalidInput(f"{name} not deleted: answer y, or give --yes")
    gone = accounts.delete(user["id"])
    audit.by_cli("account.delete", f"user {name}", **gone)
    print(f"deleted {name} ({_counted(gone)}); the audit log keeps the name")


def _counted(gone: dict[str, int]) -> str:
    """What a deletion took, in words: "2 conversations, 5 interactions"."""
    return ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in gone.items())


def _confirmed(question: str) -> bool:
    """Whether the person at the terminal answers y; no terminal is no answer."""
    if not sys.stdin.isatty():
        raise InvalidInput("no terminal to ask on; give --yes to delete")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _already(user: dict, args) -> str:
    """What the account already is when the change asked for is none ("" otherwise): `users enable` of an active
    account said "enabled" and was logged as enabling it; the admin screen logs only a change."""
    if args.action == "role" and user["role"] == args.role:
        return f"a {args.role}"
    if args.action == "enable" and not user["disabled"]:
        return "active, able to sign in"
    if args.action == "disable" and user["disabled"]:
        return "disabled"
    return ""


def courses(settings: Settings, args) -> int:
    """`ragbot courses ...`: an admin at the box manages courses and their members, as the web app does."""
    from appliance.store.database import open_database

    if args.action == "delete":
        return _delete_course(settings, args)
    database = open_database(settings.data_path)
    try:
        COURSE_ACTIONS[args.action](database, args)
    finally:
        database.close()
    return 0


def _delete_course(settings: Settings, args) -> int:
    """A course for good, through the service the web app's admin uses: its vectors with it, so not beside the
    running service."""
    app = _writing_vectors(settings, "delete it on the Courses screen")
    try:
        course = app.courses.named(args.name)
        target = course_target(course)
        if not args.yes and not _confirmed(
            f"delete {target} for good, with its documents, conversations and questions?"
        ):
            raise InvalidInput(f"{target} not deleted: answer y, or give --yes")
        gone = app.courses.delete(course["id"], course["name"], app.vectors)
        app.audit.by_cli("course.delete", target, **gone)
    finally:
        app.close()
    print(f"deleted {target} ({_counted(gone)}); the audit log keeps its name")
    return 0


def _add_course(database, args) -> None:
    from appliance.classroom.accounts import Accounts
    from appliance.classroom.audit import AuditLog
    from appliance.classroom.courses import Courses

    teacher = Accounts(database).named(args.teacher) if args.teacher else None
    if teacher and teacher["role"] == "student":
        raise InvalidInput(f"{args.teacher} is a student: first `ragbot users role {args.teacher} teacher`")
    course = Courses(database).create(args.name, teacher["id"] if teacher else None)
    AuditLog(database).by_cli("course.create", course_target(course), name=course["name"])
    print(f"added course {course['id']} ({course['name']}), join code {course['join_code']}")


def _list_courses(database, args) -> None:
    documents = Counter(d["course_id"] for d in database.documents())
    for course in database.courses_of(None):
        members = len(database.members(course["id"]))
        print(
            f"{course['id']:>4}  {course['join_code']:12} {members:>4} members "
            f"{documents[course['id']]:>4} documents  {course['name']}{' (archived)' if course['archived_at'] else ''}"
        )


def _remove_member(database, args) -> None:
    from appliance.classroom.accounts import Accounts
    from appliance.classroom.audit import AuditLog
    from appliance.classroom.courses import Courses

    courses = Courses(database)
    user = Accounts(database).named(args.username)
    role = courses.remove_member(args.course, user, args.last_teacher)
    course = courses.get(args.course)
    AuditLog(database).by_cli("membership.remove", course_target(course), user=user["username"], role=role)
    print(f"removed {user['username']} ({role}) from course {course['id']} ({course['name']})")


def _change_course(database, args) -> None:
    """`rename`, `archive` and `unarchive`, as an admin (no teacher's own courses to keep names apart from)."""
    from appliance.classroom.audit import AuditLog, course_changes
    from appliance.classroom.courses import Courses

    courses = Courses(database)
    name = args.name if args.action == "rename" else None
    archived = None if args.action == "rename" else args.action == "archive"
    was, fields = courses.change(args.course, None, name, archived)
    course = courses.get(args.course)
    for action, detail in course_changes(was, fields):
        AuditLog(database).by_cli(action, course_target(course), **detail)
    state = "archived" if course["archived_at"] else "open"
    print(f"course {course['id']} ({course['name']}) is {state}{'' if fields else ', as it already was'}")


def _export_questions(database, args) -> None:
    """Names, not pseudonyms: an admin's export (the web app's shows a teacher pseudonyms when so set)."""
    from appliance.classroom import analytics
    from appliance.classroom.courses import Courses

    rows = analytics.questions_csv(database, Courses(database).get(args.course)["id"], None)
    if args.output is None:
        sys.stdout.writelines(rows)
        return
    if not args.output.parent.is_dir():  # else the error would name the hidden file written first
        raise InvalidInput(f"there is no folder {args.output.parent} to write {args.output.name} in")
    # Written beside it and moved into place whole: a failure (a full disk) leaves no half a file under its name.
    part = args.output.with_name(f".{args.output.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline="") as out:
            out.writelines(rows)
        part.replace(args.output)
    finally:
        part.unlink(missing_ok=True)
    print(f"wrote the questions of course {args.course} to {args.output}", file=sys.stderr)


COURSE_ACTIONS = {
    "add": _add_course,
    "list": _list_courses,
    "remove-member": _remove_member,
    "rename": _change_course,
    "archive": _change_course,
    "unarchive": _change_course,
    "export-questions": _export_questions,
}


def keys(settings: Settings, args) -> int:
    from appliance.classroom.accounts import Accounts
    from appliance.classroom.audit import AuditLog
    from appliance.store.database import open_database

    database = open_database(settings.data_path)
    api_keys, audit = services.api_keys(settings, database), AuditLog(database)
    try:
        if args.action == "create":
            account = Accounts(database).named(args.name)
            row, key = api_keys.create(account, args.label)
            audit.by_cli("api_key.create", f"api key {row['id']}", name=row["name"], user=account["username"])
            print(f"API key {row['id']} for {account['username']} ({row['name']}); it is shown only now:\n{key}")
            if account["disabled"]:  # a key made for Moodle's disabled account was refused, 401, with no word why
                name = account["username"]
                print(f"note: {name} is disabled: the key works once `ragbot users enable {name}`", file=sys.stderr)
        elif args.action == "list":
            owner = Accounts(database).named(args.name)["id"] if args.name else None
            listed = api_keys.list(owner)
            for row in listed:
                used = row["last_used_at"] or "never used"
                print(f"{row['id']:5} {row['username']:24} {row['prefix']}…  {row['name']:24} {used}")
            if not listed:
                print(f"no API keys{f' of {args.name}' if args.name else ''}", file=sys.stderr)
        else:
            row = api_keys.revoke(args.id, None)
            audit.by_cli("api_key.revoke", f"api key {args.id}", name=row["name"], user_id=row["user_id"])
            print(f"revoked API key {args.id} ({row['name']})")
    finally:
        database.close()
    return 0


def backup(settings: Settings, args) -> int:
    from appliance.ops import backup as backups

    written = backups.backup(
        settings,
        config_path(args.config),
        args.to,
        keep=args.keep,
        with_secrets=args.with_secrets,
        with_models=args.with_models,
    )
    print(f"wrote {written.path} ({written.documents} documents, {written.chunks} chunks, {written.files} files)")
    for path in written.pruned:
        print(f"pruned {path}")
    return 0


def restore(settings: Settings, args) -> int:
    from appliance.ops import backup as backups

    done = backups.restore(
        settings, args.archive, config_path(args.config), check_only=args.check, with_config=args.with_config
    )
    manifest = done.manifest
    what = f"{manifest['documents']} documents, {manifest['chunks']} chunks, made {manifest['created']}"
    if args.check:
        print(f"{args.archive} is complete and every checksum matches ({what})")
        return 0
    _audit_restore(settings, args.archive, manifest)
    print(f"restored {args.archive} into {settings.data_path} ({what})")
    for path in done.config_restored:
        print(f"restored {path}")
    if done.lost_keys:
        print(
            f"note: {args.archive} was made on a box with another token secret: its {done.lost_keys} API keys "
            "(Moodle's, say) no longer work here, and everyone signs in again. To keep them, restore an archive made "
            "with `ragbot backup --with-secrets`, with --with-config; or make new keys (`ragbot keys create`)",
            file=sys.stderr,
        )
    print("start the service (e.g. `sudo systemctl start ragbot`); it checks the stores against each other on start")
    return 0


def _audit_restore(settings: Settings, archive: Path, manifest: dict) -> None:
    """Recorded in the restored database, so the log says what its data came back from."""
    from appliance.classroom.audit import AuditLog
    from appliance.store.database import open_database

    database = open_database(settings.data_path)
    AuditLog(database).by_cli("data.restore", str(archive), created=manifest["created"])
    database.close()


def audit(settings: Settings, args) -> int:
    from appliance.classroom.audit import AuditLog
    from appliance.store.database import open_database

    database = open_database(settings.data_path)
    entries = AuditLog(database).entries(args.limit)
    database.close()
    if args.json:
        print_json(entries)
    for entry in [] if args.json else reversed(entries):
        detail = " ".join(f"{k}={v}" for k, v in entry["detail"].items())
        print(f"{entry['at']}  {entry['actor'] or '-':16} {entry['action']:17} {entry['target']}  {detail}".rstrip())
    if not entries:  # on stderr, as the other lists say it: an admin read nothing as a broken command
        print(
            "no audit entries yet: accounts, courses, documents and restores are recorded as they change",
            file=sys.stderr,
        )
    return 0


def models(settings: Settings, args) -> int:
    from appliance.ops import model_admin

    if args.action == "list":
        for row in model_admin.rows(settings):
            size = f"{row['size'] / 1e6:8.1f} MB" if row["size"] else "           "
            state = "present" if row["present"] else "MISSING"
            print(f"{'*' if row['default'] else ' '} {row['name']:28} {row['kind']:9} {state:7} {size}  {row['path']}")
        print("\n* = in use (llm_model, embed_model)")
    elif args.action == "add":
        manifest = model_admin.add(settings, args.path, args.name, args.prompt_style)
        print(
            f"added {manifest.name}: {settings.models_path / manifest.file} (context {manifest.context_length}, "
            f"{manifest.prompt_style} prompts, sha256 {manifest.sha256[:12]}...)"
        )
        print(f"make it the default with: ragbot models use {manifest.name}")
    elif args.action == "use":
        config = model_admin.use(settings, config_path(args.config), args.name)
        print(
            f'llm_model = "{args.name}" written to {config}; restart the service to load it '
            "(sudo systemctl restart ragbot)"
        )
        if os.environ.get("RAGBOT_LLM_MODEL"):
            print("note: RAGBOT_LLM_MODEL is set in this environment and overrides the config file", file=sys.stderr)
    else:
        results = model_admin.verify(settings)
        for name, problem in results:
            print(f"{'ok' if problem is None else 'BAD':4} {name}" + (f": {problem}" if problem else ""))
        return 1 if any(problem for _, problem in results) else 0
    return 0


def doctor(settings: Settings, args) -> int:
    from appliance.ops import doctor as checks

    findings = checks.run(settings, config_path(args.config), args.repair)
    for found in findings:
        label = "fixed" if found.fixed else "PROBLEM" if found.problem else "ok"
        print(f"{label:8} {found.check:12} {found.detail}")
        if found.problem and not found.fixed:
            print(f"{'':21} fix: {found.fix}")
    left = sum(found.problem and not found.fixed for found in findings)
    print(f"\n{left} problem{'s' * (left != 1)} found" if left else "\nno problems found")
    return 1 if left else 0


def _first_admin(settings: Settings) -> None:
    """A fresh install gets one admin: password from RAGBOT_ADMIN_PASSWORD, or generated and shown once."""
    from appliance.classroom.accounts import Accounts, one_time_password
    from appliance.classroom.courses import Courses
    from appliance.store.database import open_database
    from appliance.vocabulary import DEFAULT_COURSE

    database = open_database(settings.data_path)
    accounts = Accounts(database)
    if not accounts.list():
        chosen = os.environ.get("RAGBOT_ADMIN_PASSWORD")
        password = chosen or one_time_password()
        try:
            admin = accounts.add("admin", password, "admin")
        except InvalidInput as error:  # "passwords need at least 8 characters" named no password the admin gave
            raise InvalidInput(
                f"RAGBOT_ADMIN_PASSWORD is refused ({error.message}): set one that is not, or unset it and a "
                "password is made and shown once; then run this again"
            ) from None
        Courses(database).add_member(DEFAULT_COURSE, admin)
        # An empty variable chooses nothing: the generated password must be shown, or nobody can sign in.
        shown = "(from RAGBOT_ADMIN_PASSWORD)" if chosen else password
        print(f"first account: admin / {shown}  (shown once; change it with `ragbot users passwd admin`)")
    database.close()


def setup(settings: Settings, args) -> int:
    from appliance.web import secret

    secret.load_or_create(settings.secret_path)
    print(f"token secret: {settings.secret_path} (mode 0600)")
    _first_admin(settings)
    for name in (settings.llm_model, settings.embed_model):
        manifest = manifests.find_manifest(settings, name)
        path = manifests.assemble(settings, manifest)
        print(f"model {name}: {path} verified")
    if settings.evidence_synonyms:
        print(f"synonyms: {len(services.load_kin(settings))} words from WordNet")
    return 0 if smoke_test_subprocess(args.config) else 1


def smoke_test(settings: Settings, args) -> int:
    model = services.load_llm(settings)
    text = "".join(model.stream(SMOKE_PROMPT, max_tokens=8, temperature=0.0))
    if not text.strip():
        print("the model generated nothing", file=sys.stderr)
        return 1
    print(f"generation works: {SMOKE_PROMPT!r} → {text.strip()!r} ({os.cpu_count()} cores)")
    return 0
