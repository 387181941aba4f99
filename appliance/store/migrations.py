"""Numbered SQLite migrations; each runs once, in order, recorded in the `migrations` table."""

import json
from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from appliance.errors import Unavailable
from appliance.join_codes import new_code
from appliance.store.text import table_header, table_lead
from appliance.vocabulary import DEFAULT_COURSE

# How FTS5 splits and stems words; store/keywords.py tokenizes questions with the same one.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]):
    """Register a migration; its position in this file is its number."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_documents_chunks_jobs(db: sqlite_utils.Database) -> None:
    db.table("documents").create(
        {
            "id": str,
            "source": str,
            "filename": str,
            "title": str,
            "kind": str,
            "sha256": str,
            "bytes": int,
            "pages": int,
            "chunks": int,
            "created_at": str,
        },
        pk="id",
    )
    db.table("documents").create_index(["source"], unique=True)
    db.table("documents").create_index(["sha256"])
    db.table("pages").create(
        {"document_id": str, "number": int, "label": str, "text": str},
        pk=("document_id", "number"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("chunks").create(
        {
            "id": str,
            "document_id": str,
            "ordinal": int,
            "page": int,
            "page_label": str,
            "heading": str,
            "start": int,
            "end": int,
            "tokens": int,
            "text": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("chunks").create_index(["document_id"])
    # Porter stemming lets "controllers" match "controller"; triggers keep the index in step with the table.
    db.table("chunks").enable_fts(["text", "heading"], tokenize=FTS_TOKENIZER, create_triggers=True)
    db.table("jobs").create(
        {
            "id": str,
            "filename": str,
            "status": str,
            "pages_total": int,
            "pages_done": int,
            "chunks_total": int,
            "chunks_done": int,
            "document_id": str,
            "outcome": str,
            "error": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )


@migration
def m002_classroom(db: sqlite_utils.Database) -> None:
    db.table("users").create(
        {
            "id": int,
            "username": str,
            "password_hash": str,
            "role": str,
            "disabled": int,
            "software_level": str,
            "hardware_level": str,
            "created_at": str,
        },
        pk="id",
    )
    db.table("users").create_index(["username"], unique=True)
    db.table("refresh_tokens").create(
        {"token_hash": str, "user_id": int, "family": str, "used": int, "revoked": int, "expires_at": str},
        pk="token_hash",
    )
    db.table("refresh_tokens").create_index(["family"])
    db.table("courses").create({"id": int, "name": str, "join_code": str, "version": int, "created_at": str}, pk="id")
    db.table("courses").create_index(["join_code"], unique=True)
    db.table("memberships").create({"course_id": int, "user_id": int, "role": str}, pk=("course_id", "user_id"))
    # Every install starts with one course, so a single-class lab needs no set-up; existing documents join it.
    db.table("courses").insert(
        {
            "id": DEFAULT_COURSE,
            "name": "Default course",
            "join_code": new_code(),  # installs made before readable codes keep the one they were given
            "version": 0,
            "created_at": datetime.now(UTC).isoformat(),
        }
    )
    db.table("documents").add_column("course_id", int, not_null_default=DEFAULT_COURSE)
    db.execute("DROP INDEX idx_documents_source")
    db.table("documents").create_index(["course_id", "source"], unique=True)
    db.table("conversations").create(
        {"id": str, "user_id": int, "course_id": int, "title": str, "created_at": str, "updated_at": str}, pk="id"
    )
    db.table("interactions").create(
        {
            "id": str,
            "conversation_id": str,
            "user_id": int,
            "course_id": int,
            "question": str,
            "search_query": str,
            "answer": str,
            "sources": str,
            "covered": int,
            "cached": int,
            "level": str,
            "retrieval_ms": float,
            "generation_ms": float,
            "tokens": int,
            "feedback": int,
            "created_at": str,
        },
        pk="id",
    )
    db.table("interactions").create_index(["conversation_id"])
    db.table("interactions").create_index(["course_id", "created_at"])
    db.table("jobs").add_column("course_id", int)
    db.table("jobs").add_column("user_id", int)
    db.table("answer_cache").create({"key": str, "course_id": int, "body": str, "created_at": float}, pk="key")


@migration
def m003_checked_answers(db: sqlite_utils.Database) -> None:
    """What an answer needs to come back exactly as it was shown: each sentence's check and the answer mode."""
    db.table("interactions").add_column("sentences", str, not_null_default="[]")
    db.table("interactions").add_column("mode", str, not_null_default="generative")


@migration
def m004_audit(db: sqlite_utils.Database) -> None:
    # Who changed accounts, courses, memberships, documents or the data itself, and when (classroom/audit.py).
    db.table("audit").create(
        {"id": int, "at": str, "actor_id": int, "actor": str, "action": str, "target": str, "detail": str}, pk="id"
    )
    db.table("audit").create_index(["at"])


@migration
def m005_page_ocr(db: sqlite_utils.Database) -> None:
    """Pages read by OCR are marked, so the API and the reader can say so."""
    db.table("pages").add_column("ocr", int, not_null_default=0)


@migration
def m006_api_keys(db: sqlite_utils.Database) -> None:
    """Per-user API keys for the OpenAI-compatible endpoint, stored as keyed hashes (classroom/api_keys.py)."""
    db.table("api_keys").create(
        {
            "id": int,
            "user_id": int,
            "name": str,
            "prefix": str,
            "key_hash": str,
            "created_at": str,
            "last_used_at": str,
            "revoked_at": str,
        },
        pk="id",
    )
    db.table("api_keys").create_index(["key_hash"], unique=True)
    db.table("api_keys").create_index(["user_id"])


@migration
def m007_model_busy(db: sqlite_utils.Database) -> None:
    """Answers quoted because the model was busy are marked, for the student and the course's analytics."""
    db.table("interactions").add_column("model_busy", int, not_null_default=0)


# How an answer stored before m008 told a sentence that stands for no model sentence, or repeats one: by its reason
# (the answerer's words at the time, kept here as they were).
REPEAT_REASON = "it repeats an earlier sentence"
QUOTE_REASONS = {"the next best evidence, quoted with the one before", "nothing the model wrote was supported"}


@migration
def m008_sentences_stand_for(db: sqlite_utils.Database) -> None:
    """Each stored sentence says what it stands for (answer/events.py, `stands_for`), so a reopened answer's note
    counts the model's unconfirmed sentences as the live one does. Cached answers are made again, with it."""
    for row in list(db.query("SELECT id, mode, model_busy, sentences FROM interactions WHERE sentences != '[]'")):
        quotes_only = row["mode"] == "extractive" or bool(row["model_busy"])
        sentences = json.loads(row["sentences"])
        for sentence in sentences:
            sentence.setdefault("stands_for", _stood_for(sentence, quotes_only))
        stored = json.dumps(sentences, ensure_ascii=False)
        db.execute("UPDATE interactions SET sentences = ? WHERE id = ?", [stored, row["id"]])
    db.execute("DELETE FROM answer_cache")


@migration
def m009_answer_time(db: sqlite_utils.Database) -> None:
    """How long each answer took, so a reopened answer says "Answered in 2.4 s" as the live one did (none before)."""
    if "total_ms" not in db.table("interactions").columns_dict:  # `ragbot doctor --repair` may run it again
        db.table("interactions").add_column("total_ms", float)


@migration
def m010_last_sign_in(db: sqlite_utils.Database) -> None:
    """When each account last signed in with its password, for the admin screen (none before: null, "never")."""
    if "last_sign_in_at" not in db.table("users").columns_dict:  # `ragbot doctor --repair` may run it again
        db.table("users").add_column("last_sign_in_at", str)


@migration
def m011_usernames_in_any_case(db: sqlite_utils.Database) -> None:
    """One account per name in any case: "SAM" beside "sam" let one student pass for another in the teacher's lists
    and the audit log. Names that already differ only in case keep their accounts and go without the index."""
    clashes = db.execute("SELECT 1 FROM users GROUP BY username COLLATE NOCASE HAVING COUNT(*) > 1 LIMIT 1")
    if clashes.fetchone() is None:
        db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_users_username_nocase ON users (username COLLATE NOCASE)")


@migration
def m012_selected_text(db: sqlite_utils.Database) -> None:
    """The passage a question was about ("Ask about this"), so a reopened conversation and the teacher's figures
    show what "why?" asked of (none before: '')."""
    if "selected_text" not in db.table("interactions").columns_dict:  # `ragbot doctor --repair` may run it again
        db.table("interactions").add_column("selected_text", str, not_null_default="")


@migration
def m013_answer_cache_boot(db: sqlite_utils.Database) -> None:
    """Cached answers' times are on the monotonic clock of a boot (answer/cache.py): those on the wall clock go."""
    db.execute("DELETE FROM answer_cache")
    if "boot" not in db.table("answer_cache").columns_dict:  # `ragbot doctor --repair` may run it again
        db.table("answer_cache").add_column("boot", str, not_null_default="")


@migration
def m014_archived_courses(db: sqlite_utils.Database) -> None:
    """When a course was archived at the end of its term (null: open), classroom/courses.py."""
    if "archived_at" not in db.table("courses").columns_dict:  # `ragbot doctor --repair` may run it again
        db.table("courses").add_column("archived_at", str)


@migration
def m015_table_leads(db: sqlite_utils.Database) -> None:
    """The header row of the table each chunk starts inside below it, so rows cut off from their header in a long
    table are read with it ("| Digital multimeter | MM-7 | 10 |" with "item | code | quantity"); found in each such
    chunk's page for the chunks stored before."""
    if "lead" in db.table("chunks").columns_dict:  # `ragbot doctor --repair` may run it again
        return
    db.table("chunks").add_column("lead", str, not_null_default="")
    _read_leads(db, table_header)


def _read_leads(db: sqlite_utils.Database, lead_of: Callable[[str, int], str]) -> None:
    """Each chunk's lead as `lead_of` reads it from its page's text at the chunk's start, where it changes."""
    # Each page with a table once, however many chunks it has: a plain document is one long page.
    pages = db.execute("SELECT document_id, number, text FROM pages WHERE instr(text, '|') > 0").fetchall()
    for document_id, number, text in pages:
        chunks = db.execute(
            "SELECT id, start, lead FROM chunks WHERE document_id = ? AND COALESCE(page, 1) = ?", [document_id, number]
        ).fetchall()
        for chunk_id, start, lead in chunks:
            if (read := lead_of(text, start)) != lead:
                db.execute("UPDATE chunks SET lead = ? WHERE id = ?", [read, chunk_id])


@migration
def m016_job_kind(db: sqlite_utils.Database) -> None:
    """The kind of file each ingestion job reads (pdf, pptx...), so its progress names slides or pages as the file
    has them (null: a file refused before it was read, or a job from before)."""
    if "kind" not in db.table("jobs").columns_dict:  # `ragbot doctor --repair` may run it again
        db.table("jobs").add_column("kind", str)


@migration
def m017_document_added_at(db: sqlite_utils.Database) -> None:
    """When each document's first version was added, kept as a newer upload of the same name replaces it
    (`created_at` is the version's), so the material list says "updated". A version the jobs record as replacing
    another was first added with the earliest upload of its name to its course; any other, when it was stored."""
    if "added_at" in db.table("documents").columns_dict:  # `ragbot doctor --repair` may run it again
        return
    db.table("documents").add_column("added_at", str)
    db.execute(
        "UPDATE documents SET added_at = COALESCE((SELECT MIN(jobs.created_at) FROM jobs WHERE jobs.course_id = "
        "documents.course_id AND jobs.filename = documents.source AND jobs.status = 'done' AND documents.id IN "
        "(SELECT document_id FROM jobs WHERE outcome = 'replaced')), created_at)"
    )


@migration
def m018_table_column_names(db: sqlite_utils.Database) -> None:
    """The rows naming the columns of a table whose columns are things ("What it is | mash tun | glycol chiller")
    in the lead of each chunk starting inside it below them, as chunks are now stored (store/text.table_lead), so
    its rows cut off from them are still asked of by those names. Running it again changes nothing."""
    _read_leads(db, table_lead)


def _stood_for(sentence: dict, quotes_only: bool) -> str:
    """What a sentence stored before m008 stands for; `quotes_only`: its answer quoted the material alone."""
    reason = sentence.get("reason", "")
    if reason == REPEAT_REASON:
        return "repeat"
    return "material" if quotes_only or reason in QUOTE_REASONS else "model"


NEWER_FIX = "install that version again, or restore a backup this version made (ragbot restore FILE)"


def newer_schema(schema: int) -> str:
    """What to say of a database a newer ragbot has migrated."""
    return f"the database was upgraded by a newer ragbot (schema {schema}; this one knows {len(MIGRATIONS)})"


def migrate(db: sqlite_utils.Database) -> int:
    """Apply pending migrations; returns the schema version."""
    db.table("migrations").create({"number": int, "name": str, "applied_at": str}, pk="number", if_not_exists=True)
    done = {row["number"] for row in db.table("migrations").rows}
    if max(done, default=0) > len(MIGRATIONS):  # rolled back after an upgrade: it would run on a schema it never knew
        raise Unavailable(f"{newer_schema(max(done))}: {NEWER_FIX}")
    for number, fn in enumerate(MIGRATIONS, 1):
        if number not in done:
            with db.atomic():
                if db.table("migrations").count_where("number = ?", [number]):
                    continue  # another process opening the database applied it while this one waited
                fn(db)
                db.table("migrations").insert(
                    {"number": number, "name": fn.__name__, "applied_at": datetime.now(UTC).isoformat()}
                )
    return len(MIGRATIONS)
