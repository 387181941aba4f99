"""SQLite through sqlite-utils: the source of truth for documents, pages, chunks and jobs."""

import queue
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from appliance.errors import NotFound, RagbotError, Unavailable, damaged_database
from appliance.store import locks
from appliance.store.migrations import MIGRATIONS, migrate
from appliance.store.text import STOPWORDS, WORD

DATABASE_FILE = "ragbot.db"
RESTORE_ASIDE = ".restore-old-"  # where a restore moves ragbot's current files until the archive's are in place
KEYWORD_STATE = (
    "SELECT (SELECT COALESCE(SUM(version), 0) FROM courses), (SELECT COUNT(*) FROM chunks), "
    "(SELECT COALESCE(MAX(rowid), 0) FROM chunks)"
)
# A course's analytics are its students' questions: a teacher's or admin's own tries (and `ragbot ask`, asked by no
# account) would be counted as the class's and crowd its most frequent and not-answered lists.
# A course's students' questions that were answered: one its asker stopped has no answer to count (nor a time), and
# a greeting or thanks (mode `small_talk`) asked nothing of the material.
BY_STUDENTS = (
    "WHERE course_id = ? AND mode NOT IN ('stopped', 'small_talk') "
    "AND user_id IN (SELECT id FROM users WHERE role = 'student')"
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


RUN_TOGETHER = re.compile(r"([^\W\d_]+)(\d+)")


def query_words(text: str, expansion: Iterable[str] = ()) -> list[str]:
    """The phrases of a keyword query: the question's distinct content words, any of them matching.

    With `expansion` words (from feedback) added, the question's own words are listed twice: bm25()
    sums over every phrase of the query, so they keep double the weight of the added ones.
    """
    words = list(dict.fromkeys(w for w in WORD.findall(text.lower()) if w not in STOPWORDS))
    # A code typed run together ("mv9") is the material's "MV-9" as well, which FTS5 indexes as two terms: the
    # phrase of its letters and its number finds it.
    words += [
        split for w in words if (code := RUN_TOGETHER.fullmatch(w)) and (split := f"{code[1]} {code[2]}") not in words
    ]
    extra = [w for w in dict.fromkeys(expansion) if WORD.fullmatch(w) and w not in STOPWORDS and w not in words]
    return words * 2 + extra if extra else words


def fts_query(text: str, expansion: Iterable[str] = ()) -> str:
    """A safe FTS5 query: `query_words`, each quoted."""
    return " OR ".join(f'"{w}"' for w in query_words(text, expansion))


# A chunk with its document's filename, title and course and whether OCR read its page.
CHUNK_ROWS = (
    "SELECT chunks.*, documents.filename, COALESCE(documents.title, '') AS title, documents.course_id, "
    "COALESCE(pages.ocr, 0) AS ocr FROM chunks "
    "JOIN documents ON documents.id = chunks.document_id "
    "LEFT JOIN pages ON pages.document_id = chunks.document_id AND pages.number = COALESCE(chunks.page, 1)"
)


def _in(column: str, values: list[int] | None) -> tuple[str, list]:
    """A `column IN (...)` filter; None means no filter, an empty list matches nothing."""
    if values is None:
        return "", []
    return f"{column} IN ({','.join('?' * len(values))})" if values else "0", list(values)


def interrupted_restore(data: Path) -> Path | None:
    """The folder holding the data from before a restore that never finished (killed, or a power cut, while it
    swapped the data), the newest if several; None if there is none (an empty one was killed before it moved any)."""
    found = [p for p in data.glob(f"{RESTORE_ASIDE}*") if p.is_dir() and any(p.iterdir())] if data.is_dir() else []
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def restore_again(data: Path, aside: Path) -> str:
    """What to do about an interrupted restore: finish it, or go back to the data from before it."""
    return (
        f"with the service stopped, run the restore again (`ragbot restore ARCHIVE`), then delete {aside}; or, to go "
        f"back to the data from before it, move what is in {aside} into {data}"
    )


def open_database(data: Path, *, read_only: bool = False, lock_held: bool = False) -> "Database":
    """The appliance's database in `data`, the one way to open it: under the data lock, so that a restore
    cannot swap it out meanwhile. The lock is taken shared here and released on close, unless the caller
    holds it already (`lock_held`: a repair's exclusive one). `read_only` neither migrates nor writes."""
    data.mkdir(mode=0o750, parents=True, exist_ok=True)  # closed to other users: see `ops/doctor.py`
    data_lock, alone = (None, False) if lock_held else locks.use_data(data)
    try:
        _refuse_half_restored(data)
        return Database(data / DATABASE_FILE, data_lock, alone=alone, read_only=read_only)
    except BaseException as error:
        if data_lock:
            data_lock.release()
        if damaged := damaged_database(error, data / DATABASE_FILE):
            raise damaged from None
        raise


def _refuse_half_restored(data: Path) -> None:
    """A restore killed while it swapped the data in left no database: the service started on a new, empty one (the
    sample course, no accounts) beside the real data, hidden in .restore-old-..."""
    aside = interrupted_restore(data)
    if aside and not (data / DATABASE_FILE).exists():
        raise Unavailable(
            f"{data} has no database: a restore was interrupted while it swapped the data, and the data from before "
            f"it is in {aside}; {restore_again(data, aside)}"
        )


class _Writing(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock as they begin. Begun deferred, one that read
    and then wrote failed at once with "database is locked" when another process (`ragbot users add` beside the
    service, two commands at once) had written since its read: SQLite cannot wait for a snapshot gone stale."""

    @contextmanager
    def atomic(self) -> Iterator["_Writing"]:
        """A transaction holding the write lock from its start (waiting busy_timeout for it); nested, a savepoint."""
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


class Database:
    """One shared connection; a lock serializes access because the app calls in from worker threads."""

    def __init__(self, path: Path, data_lock: locks.Lock | None, *, alone: bool, read_only: bool):
        if read_only:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(str(path), check_same_thread=False)
        self._db = sqlite_utils.Database(conn) if read_only else _Writing(conn)
        self._lock = threading.RLock()
        # Whether this process was alone with the data when it opened it: then what a previous run left
        # in progress (jobs, uploads) is over.
        self.alone = alone
        self._data_lock = data_lock
        self._path = path
        # Read-only connections lent to one read at a time, whichever thread: worker threads come and go (an idle
        # one exits after seconds), so a connection per thread, kept for closing, grew by one with every new
        # thread, three descriptors each, for as long as the service ran.
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._reader_connections: list[sqlite3.Connection] = []
        self._db.execute("PRAGMA busy_timeout=5000")
        if read_only:
            return
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._lock:
            migrate(self._db)

    def pending_migrations(self) -> int:
        """Schema migrations not yet applied (a database opened read-only is left as it is)."""
        with self._lock:
            if not self._db.table("migrations").exists():
                return len(MIGRATIONS)
            return len(MIGRATIONS) - self._db.table("migrations").count

    def insert_row(self, table: str, row: dict) -> int:
        """Insert one row, inside the caller's transaction, and return its rowid."""
        rowid = self._db.table(table).insert(row).last_rowid
        if rowid is None:  # sqlite-utils leaves it unset only when nothing was written
            raise RagbotError(f"no row was written to {table}")
        return rowid

    def close(self) -> None:
        for connection in self._reader_connections:
            connection.close()
        self._db.close()
        if self._data_lock:
            self._data_lock.release()

    def _read(self, sql: str, args: list) -> list[sqlite3.Row]:
        """Rows from a read-only connection of its own: searches on both cores at once, not queued on `lock`
        behind each other (WAL lets readers run beside the writer; they see committed data)."""
        try:
            connection = self._readers.get_nowait()
        except queue.Empty:  # as many as reads ever ran at once, no more
            connection = sqlite3.connect(
                f"{self._path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=5
            )
            connection.row_factory = sqlite3.Row
            with self._lock:
                self._reader_connections.append(connection)
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            self._readers.put(connection)

    def _read_one(self, sql: str, args: list) -> dict | None:
        """The first row of a read as a dict, or None. Lookups every request makes (the caller's account, their
        courses, the pages of the results shown) read this way: one statement, where sqlite-utils' table() asked
        the schema twice more first, and not behind the writer's lock."""
        rows = self._read(sql, args)
        return dict(rows[0]) if rows else None

    # Documents -------------------------------------------------------------------------------

    def documents(self, courses: list[int] | None = None) -> list[dict]:
        """Documents, newest first, of the given courses (all when None)."""
        where, args = _in("course_id", courses)
        with self._lock:
            return list(
                self._db.table("documents").rows_where(where or None, args, order_by="created_at desc, filename")
            )

    def document(self, document_id: str) -> dict:
        document = self._read_one("SELECT * FROM documents WHERE id = ?", [document_id])
        if document is None:
            raise NotFound(f"no document with id '{document_id}'")
        return document

    def find(self, course_id: int, *, sha256: str | None = None, source: str | None = None) -> dict | None:
        """The course's document with this content hash or this source name, if any."""
        column, value = ("sha256", sha256) if sha256 else ("source", source)
        with self._lock:
            return next(
                self._db.table("documents").rows_where(f"course_id = ? AND {column} = ?", [course_id, value], limit=1),
                None,
            )

    def replace_document(self, document: dict, pages: list[dict], chunks: list[dict]) -> list[str]:
        """In one transaction, drop the document with the same source and insert this one, first added when that one
        was; returns dropped chunk ids."""
        with self._lock, self._db.atomic():
            if not self._db.table("courses").count_where("id = ?", [document["course_id"]]):  # deleted meanwhile
                raise NotFound(f"course {document['course_id']} was deleted while the file was being ingested")
            old = self.find(document["course_id"], source=document["source"])
            dropped = self._delete(old["id"]) if old else []
            self._changed(document["course_id"])
            added = old["added_at"] if old else document["created_at"]
            self._db.table("documents").insert(document | {"added_at": added})
            self._db.table("pages").insert_all(pages)
            self._db.table("chunks").insert_all(chunks, batch_size=500)
        return dropped

    def delete_document(self, document_id: str) -> list[str]:
        """Delete a document with its pages and chunks; returns the chunk ids to drop from the vector store."""
        document = self.document(document_id)
        with self._lock, self._db.atomic():
            self._changed(document["course_id"])
            return self._delete(document_id)

    def _changed(self, course_id: int) -> None:
        """A course's material changed: bump its version and drop its cached answers."""
        self._db.execute("UPDATE courses SET version = version + 1 WHERE id = ?", [course_id])
        self._db.execute("DELETE FROM answer_cache WHERE course_id = ?", [course_id])

    def _delete(self, document_id: str) -> list[str]:
        ids = [row["id"] for row in self._db.table("chunks").rows_where("document_id = ?", [document_id], select="id")]
        self._db.execute("DELETE FROM chunks WHERE document_id = ?", [document_id])
        self._db.execute("DELETE FROM pages WHERE document_id = ?", [document_id])
        self._db.execute("DELETE FROM documents WHERE id = ?", [document_id])
        return ids

    def page(self, document_id: str, number: int) -> dict:
        page = self._read_one("SELECT * FROM pages WHERE document_id = ? AND number = ?", [document_id, number])
        if page is None:
            raise NotFound(f"document '{document_id}' has no page {number}")
        return page

    # Chunks ----------------------------------------------------------------------------------

    def chunks(self, ids: list[str], courses: list[int] | None = None) -> dict[str, dict]:
        """Chunks by id with their document's filename, title and course and whether OCR read their page; ids gone or
        outside `courses` are absent."""
        if not ids:
            return {}
        where, args = _in("documents.course_id", courses)
        sql = f"{CHUNK_ROWS} WHERE chunks.id IN ({','.join('?' * len(ids))})" + (f" AND {where}" if where else "")
        return {row["id"]: dict(row) for row in self._read(sql, ids + args)}

    def document_chunks(self, document_ids: list[str], courses: list[int] | None = None) -> list[dict]:
        """Every chunk of the documents, in the shape `chunks` gives, each document's in order."""
        if not document_ids:
            return []
        where, args = _in("documents.course_id", courses)
        sql = (
            f"{CHUNK_ROWS} WHERE chunks.document_id IN ({','.join('?' * len(document_ids))})"
            + (f" AND {where}" if where else "")
            + " ORDER BY chunks.document_id, chunks.ordinal"
        )
        return [dict(row) for row in self._read(sql, document_ids + args)]

    def chunks_spelling_out(self, abbreviation: str, courses: list[int] | None = None, limit: int = 3) -> list[dict]:
        """The first chunks (in the shape `chunks` gives) writing the abbreviation in brackets after its words or
        before them, as typed or in capitals: "original gravity (OG)", "OG (original gravity)"."""
        forms = list(dict.fromkeys([abbreviation, abbreviation.upper()]))
        # GLOB is case-sensitive, as an abbreviation is: "og." in code is no "(OG)". Its letters hold no wildcard.
        # Before its brackets it starts a word ("CATALOG (" writes no OG), or the text.
        patterns = [p for form in forms for p in (f"*({form})*", f"*[^A-Za-z0-9]{form} (*", f"{form} (*")]
        where, args = _in("documents.course_id", courses)
        sql = (
            f"{CHUNK_ROWS} WHERE ({' OR '.join(['chunks.text GLOB ?'] * len(patterns))})"
            + (f" AND {where}" if where else "")
            + " ORDER BY chunks.document_id, chunks.ordinal LIMIT ?"
        )
        return [dict(row) for row in self._read(sql, [*patterns, *args, limit])]

    def chunk_ids(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT id FROM chunks").fetchall()}

    def keyword_search(
        self,
        text: str,
        k: int,
        courses: list[int] | None = None,
        expansion: Iterable[str] = (),
        heading_weight: float = 1.0,
    ) -> list[tuple[str, float]]:
        """Chunk ids of the given courses ranked by BM25 over text and heading (higher score is better).

        `heading_weight` scales a word's occurrences in the heading against those in the text (BM25F-style).
        """
        query = fts_query(text, expansion)
        if not query or k < 1:
            return []
        where, args = _in("documents.course_id", courses)
        sql = (
            "SELECT chunks.id, -bm25(chunks_fts, 1.0, ?) AS score FROM chunks_fts "
            "JOIN chunks ON chunks.rowid = chunks_fts.rowid JOIN documents ON documents.id = chunks.document_id "
            "WHERE chunks_fts MATCH ?" + (f" AND {where}" if where else "") + " ORDER BY score DESC LIMIT ?"
        )
        return [(row[0], row[1]) for row in self._read(sql, [heading_weight, query, *args, k])]

    def keyword_state(self) -> tuple:
        """Changes whenever chunks do: every upload or deletion bumps its course's version."""
        return tuple(self._read(KEYWORD_STATE, [])[0])

    def keyword_tokens(self) -> tuple[tuple, list[tuple], list[tuple]]:
        """The FTS5 index as rows: (keyword_state, [(rowid, chunk id, course)], [(term, rowid, in heading,
        offset)]), read in one transaction, on a connection of its own, so that the three agree."""
        connection = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            connection.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, chunks_fts, instance)")
            connection.execute("BEGIN")
            state = connection.execute(KEYWORD_STATE).fetchone()
            rows = connection.execute(
                "SELECT chunks.rowid, chunks.id, documents.course_id FROM chunks "
                "JOIN documents ON documents.id = chunks.document_id"
            ).fetchall()
            tokens = connection.execute("SELECT term, doc, col = 'heading', offset FROM temp.terms").fetchall()
        finally:
            connection.close()
        return tuple(state), rows, tokens

    # Jobs ------------------------------------------------------------------------------------

    def create_job(self, job_id: str, filename: str, **fields) -> dict:
        job = {
            "id": job_id,
            "filename": filename,
            "kind": None,
            "status": "queued",
            "pages_total": 0,
            "pages_done": 0,
            "chunks_total": 0,
            "chunks_done": 0,
            "document_id": None,
            "outcome": None,
            "error": None,
            "created_at": now(),
            "updated_at": now(),
            **fields,
        }
        with self._lock, self._db.atomic():
            self._db.table("jobs").insert(job)
        return job

    def update_job(self, job_id: str, **changes) -> None:
        with self._lock, self._db.atomic():
            self._db.table("jobs").update(job_id, {**changes, "updated_at": now()})

    def job(self, job_id: str) -> dict:
        with self._lock:
            rows = list(self._db.table("jobs").rows_where("id = ?", [job_id]))
        if not rows:
            raise NotFound(f"no job with id '{job_id}'")
        return rows[0]

    def open_jobs(self, user_id: int) -> int:
        """Jobs of one user still queued or running."""
        sql = "SELECT count(*) FROM jobs WHERE user_id = ? AND status IN ('queued', 'running')"
        with self._lock:
            return self._db.execute(sql, [user_id]).fetchone()[0]

    def abandon_jobs(self) -> int:
        """Mark jobs cut off by a restart as failed, so no client waits on them forever."""
        with self._lock, self._db.atomic():
            cursor = self._db.execute(
                "UPDATE jobs SET status = 'failed', error = 'interrupted by a restart; upload the file again', "
                "updated_at = ? WHERE status IN ('queued', 'running')",
                [now()],
            )
            return cursor.rowcount

    # Courses -------------------------------------------------------------------------------

    def add_course(self, row: dict, teacher_id: int | None) -> int:
        """A new course's id; its teacher, if given, joins it in the same transaction."""
        with self._lock, self._db.atomic():
            course_id = self.insert_row("courses", row)
            if teacher_id is not None:
                self._db.table("memberships").insert({"course_id": course_id, "user_id": teacher_id, "role": "teacher"})
        return course_id

    def course(self, *, course_id: int | None = None, join_code: str | None = None) -> dict | None:
        """The course with this id or this join code."""
        where, value = ("id = ?", course_id) if join_code is None else ("join_code = ?", join_code)
        return self._read_one(f"SELECT * FROM courses WHERE {where}", [value])

    def update_course(self, course_id: int, fields: dict) -> None:
        """Change a course's columns in one write."""
        with self._lock, self._db.atomic():
            self._db.table("courses").update(course_id, fields)

    def courses_of(self, user_id: int | None) -> list[dict]:
        """Courses with the user's role in each (`member_role`); every course, as teacher, for None."""
        if user_id is None:
            rows = self._read("SELECT *, 'teacher' AS member_role FROM courses ORDER BY id", [])
        else:
            rows = self._read(
                "SELECT courses.*, memberships.role AS member_role FROM courses JOIN memberships "
                "ON memberships.course_id = courses.id WHERE memberships.user_id = ? ORDER BY courses.id",
                [user_id],
            )
        return [dict(row) for row in rows]

    def add_member(self, course_id: int, user_id: int, role: str) -> bool:
        """Make the user a member with this role; a teacher of the course stays one. Whether anything changed."""
        with self._lock, self._db.atomic():
            current = self._db.execute(
                "SELECT role FROM memberships WHERE course_id = ? AND user_id = ?", [course_id, user_id]
            ).fetchone()
            if current and current[0] in ("teacher", role):
                return False
            self._db.table("memberships").upsert(
                {"course_id": course_id, "user_id": user_id, "role": role}, pk=("course_id", "user_id")
            )
            return True

    def remove_member(self, course_id: int, user_id: int, keep_a_teacher: bool) -> str | None:
        """End a membership: the role it had, None if there was none, "last_teacher" if `keep_a_teacher` kept it.
        The count and the removal share one transaction, so two teachers removed at once cannot both go."""
        with self._lock, self._db.atomic():
            found = self._db.execute(
                "SELECT role FROM memberships WHERE course_id = ? AND user_id = ?", [course_id, user_id]
            ).fetchone()
            if found is None:
                return None
            teachers = self._db.table("memberships").count_where("course_id = ? AND role = 'teacher'", [course_id])
            if keep_a_teacher and found[0] == "teacher" and teachers == 1:
                return "last_teacher"
            self._db.execute("DELETE FROM memberships WHERE course_id = ? AND user_id = ?", [course_id, user_id])
            return found[0]

    def delete_course(self, course_id: int) -> tuple[dict[str, int], list[str]] | None:
        """Delete a course with all it holds, in one transaction: its documents (pages, chunks and their FTS rows),
        conversations and questions, cached answers, jobs and memberships, and the course with its join code. What
        went, counted, and its chunk ids to drop from the vector store; None, deleting nothing, while files are being
        ingested into it (their documents would land in no course)."""
        documents = "SELECT id FROM documents WHERE course_id = ?"
        with self._lock, self._db.atomic():
            if self._db.table("jobs").count_where("course_id = ? AND status IN ('queued', 'running')", [course_id]):
                return None
            chunks = self._db.execute(f"SELECT id FROM chunks WHERE document_id IN ({documents})", [course_id])
            ids = [row[0] for row in chunks]
            gone = {
                table: self._db.table(table).count_where("course_id = ?", [course_id])
                for table in ("documents", "conversations", "interactions", "memberships")
            }
            self._db.execute(f"DELETE FROM chunks WHERE document_id IN ({documents})", [course_id])
            self._db.execute(f"DELETE FROM pages WHERE document_id IN ({documents})", [course_id])
            for table in ("documents", "interactions", "conversations", "answer_cache", "jobs", "memberships"):
                self._db.execute(f"DELETE FROM {table} WHERE course_id = ?", [course_id])
            self._db.execute("DELETE FROM courses WHERE id = ?", [course_id])
        return gone, ids

    def members(self, course_id: int) -> list[dict]:
        sql = (
            "SELECT users.id, users.username, memberships.role FROM memberships "
            "JOIN users ON users.id = memberships.user_id WHERE course_id = ? ORDER BY username"
        )
        with self._lock:
            return list(self._db.query(sql, [course_id]))

    def state_counts(self) -> tuple[list, int, int, int]:
        """(status, jobs, pages done) per job status, documents, chunks and cached answers: for /metrics."""
        with self._lock:
            jobs = self._db.execute(
                "SELECT status, count(*), coalesce(sum(pages_done), 0) FROM jobs GROUP BY status"
            ).fetchall()
            documents, chunks = self._db.execute("SELECT count(*), coalesce(sum(chunks), 0) FROM documents").fetchone()
            cached = self._db.execute("SELECT count(*) FROM interactions WHERE cached = 1").fetchone()[0]
        return jobs, documents, chunks, cached

    # Users and sessions ----------------------------------------------------------------------

    def add_user(self, row: dict) -> int | None:
        """A new user's id, or None when the username is taken."""
        with self._lock, self._db.atomic():
            if self.user_named(row["username"]):
                return None
            return self.insert_row("users", row)

    def user_named(self, username: str) -> dict | None:
        """The account of that name in any case ("Sam" signs in as "sam"); the one spelt so first, where two older
        accounts differ only in case."""
        return self._read_one(
            "SELECT * FROM users WHERE username = ? COLLATE NOCASE ORDER BY username = ? DESC LIMIT 1",
            [username, username],
        )

    def user(self, user_id: int) -> dict | None:
        return self._read_one("SELECT * FROM users WHERE id = ?", [user_id])

    def admin_exists(self, besides: int | None = None) -> bool:
        """Whether an admin account that is not disabled exists (`besides` one user's): one row looked up, not every
        account read."""
        found = self._read_one(
            "SELECT 1 AS found FROM users WHERE role = 'admin' AND NOT disabled AND id IS NOT ? LIMIT 1", [besides]
        )
        return found is not None

    def users(self) -> list[dict]:
        with self._lock:
            return list(self._db.table("users").rows_where(order_by="username"))

    def update_user(self, user_id: int, changes: dict) -> None:
        with self._lock, self._db.atomic():
            self._db.table("users").update(user_id, changes)

    def add_refresh_token(self, row: dict) -> None:
        with self._lock, self._db.atomic():
            self._db.table("refresh_tokens").insert(row)

    def spend_refresh_token(self, token_hash: str) -> tuple[dict | None, bool]:
        """The token's row and whether it was already used; reusing one revokes its family, a revoked one stays."""
        with self._lock, self._db.atomic():
            row = next(self._db.table("refresh_tokens").rows_where("token_hash = ?", [token_hash]), None)
            if row is None:
                return None, False
            if row["used"]:
                # Someone replayed a spent token: assume it was stolen and end every session of this family.
                self._db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE family = ?", [row["family"]])
                return row, True
            if not row["revoked"]:  # a revoked token is refused as it is (the caller reads `revoked`)
                self._db.table("refresh_tokens").update(token_hash, {"used": 1})
            return row, False

    def revoke_family_of(self, token_hash: str) -> None:
        with self._lock, self._db.atomic():
            self._db.execute(
                "UPDATE refresh_tokens SET revoked = 1 WHERE family IN "
                "(SELECT family FROM refresh_tokens WHERE token_hash = ?)",
                [token_hash],
            )

    def delete_user(self, user_id: int) -> dict[str, int]:
        """Delete an account with all it holds (sessions, keys, memberships, conversations, questions); its uploads
        stay the course's. What went, counted."""
        owned = {"conversations": "user_id", "interactions": "user_id", "api_keys": "user_id"}
        with self._lock, self._db.atomic():
            gone = {
                table: self._db.table(table).count_where(f"{column} = ?", [user_id]) for table, column in owned.items()
            }
            for table in (*owned, "refresh_tokens", "memberships"):
                self._db.execute(f"DELETE FROM {table} WHERE user_id = ?", [user_id])
            self._db.execute("UPDATE jobs SET user_id = NULL WHERE user_id = ?", [user_id])
            self._db.execute("DELETE FROM users WHERE id = ?", [user_id])
        return gone

    def revoke_user_tokens(self, user_id: int) -> None:
        with self._lock, self._db.atomic():
            self._db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?", [user_id])

    # API keys (classroom/api_keys.py) -----------------------------------------------------------

    def add_api_key(self, row: dict) -> int:
        with self._lock, self._db.atomic():
            return self.insert_row("api_keys", row)

    def api_key(self, key_hash: str) -> dict | None:
        """The live (unrevoked) key with this hash, marked as used now; None when there is none."""
        with self._lock, self._db.atomic():
            row = next(self._db.table("api_keys").rows_where("key_hash = ? AND revoked_at IS NULL", [key_hash]), None)
            if row:
                self._db.table("api_keys").update(row["id"], {"last_used_at": now()})
            return row

    def api_keys(self, user_id: int | None) -> list[dict]:
        """The live keys of a user (of everyone when None), oldest first; never their hashes."""
        where = "revoked_at IS NULL" + ("" if user_id is None else " AND user_id = ?")
        with self._lock:
            return list(
                self._db.query(
                    "SELECT api_keys.id, user_id, username, name, prefix, api_keys.created_at, last_used_at "
                    f"FROM api_keys JOIN users ON users.id = user_id WHERE {where} ORDER BY api_keys.id",
                    [] if user_id is None else [user_id],
                )
            )

    def revoke_api_key(self, key_id: int, user_id: int | None) -> dict | None:
        """Revoke a key (only the user's own unless `user_id` is None); the key as it was (its `revoked_at` set if
        it was revoked before), or None."""
        with self._lock, self._db.atomic():
            row = next(self._db.table("api_keys").rows_where("id = ?", [key_id]), None)
            if row is None or user_id not in (None, row["user_id"]):
                return None
            if row["revoked_at"] is None:
                self._db.table("api_keys").update(key_id, {"revoked_at": now()})
            return row

    def ping(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1").fetchone()[0] == 1

    # Conversations and the answer cache (answer/conversations.py, answer/cache.py) ------------

    def add_conversation(self, row: dict) -> None:
        with self._lock, self._db.atomic():
            self._db.table("conversations").insert(row)

    def conversation(self, user_id: int, conversation_id: str) -> dict | None:
        """The user's conversation with this id; None when it is missing or someone else's."""
        with self._lock:
            return next(
                self._db.table("conversations").rows_where("id = ? AND user_id = ?", [conversation_id, user_id]), None
            )

    def conversations(self, user_id: int) -> list[dict]:
        """The user's conversations, most recently used first."""
        with self._lock:
            return list(
                self._db.table("conversations").rows_where("user_id = ?", [user_id], order_by="updated_at desc")
            )

    def rename_conversation(self, conversation_id: str, title: str) -> None:
        with self._lock, self._db.atomic():
            self._db.table("conversations").update(conversation_id, {"title": title, "updated_at": now()})

    def delete_conversation(self, conversation_id: str) -> None:
        """Drop a conversation; its interactions stay (for the course's analytics), detached from it."""
        with self._lock, self._db.atomic():
            self._db.execute(
                "UPDATE interactions SET conversation_id = NULL WHERE conversation_id = ?", [conversation_id]
            )
            self._db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])

    def interactions(self, conversation_id: str) -> list[dict]:
        """A conversation's questions and answers, oldest first."""
        with self._lock:
            return list(
                self._db.table("interactions").rows_where(
                    "conversation_id = ?", [conversation_id], order_by="created_at"
                )
            )

    def add_interaction(self, row: dict) -> None:
        """Record an answered question and mark its conversation as just used, in one transaction."""
        with self._lock, self._db.atomic():
            self._db.table("interactions").insert(row)
            self._db.table("conversations").update(row["conversation_id"], {"updated_at": now()})

    def rate_interaction(self, user_id: int, interaction_id: str, rating: int) -> bool:
        """Store the asker's rating of an answer; False when it is not theirs or missing."""
        with self._lock, self._db.atomic():
            return bool(
                self._db.execute(
                    "UPDATE interactions SET feedback = ? WHERE id = ? AND user_id = ?",
                    [rating, interaction_id, user_id],
                ).rowcount
            )

    def course_versions(self, courses: list[int]) -> list[int]:
        """The material versions of these courses, in course id order."""
        with self._lock:
            sql = f"SELECT version FROM courses WHERE id IN ({','.join('?' * len(courses))}) ORDER BY id"
            return [row[0] for row in self._db.execute(sql, courses)]

    def cached_answer(self, key: str, boot: str, since: float) -> str | None:
        """The cached answer body under this key if stored in this boot after `since` (on its monotonic clock)."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM answer_cache WHERE key = ? AND boot = ? AND created_at >= ?", [key, boot, since]
            )
            found = row.fetchone()
        return found[0] if found else None

    def cache_answer(self, key: str, course_id: int, body: str, boot: str, created_at: float) -> None:
        with self._lock, self._db.atomic():
            row = {"key": key, "course_id": course_id, "body": body, "boot": boot, "created_at": created_at}
            self._db.table("answer_cache").upsert(row, pk="key")

    # Analytics and the audit log ----------------------------------------------------------------------

    def course_activity(self, course_id: int) -> tuple[list[dict], list[tuple[str, str, int, str]], tuple, list[float]]:
        """A course's students' questions per local day, (question, as searched, covered, selected text) rows oldest
        first, (up, down) feedback sums and latencies."""
        with self._lock:
            db = self._db
            per_day = list(
                db.query(
                    # The school's days, the box's time zone: by UTC a class at 9 in Sydney asked the day before.
                    "SELECT substr(datetime(created_at, 'localtime'), 1, 10) AS day, count(*) AS count "
                    f"FROM interactions {BY_STUDENTS} GROUP BY day ORDER BY day",
                    [course_id],
                )
            )
            asked = db.execute(
                f"SELECT question, search_query, covered, selected_text FROM interactions {BY_STUDENTS} "
                "ORDER BY created_at, rowid",  # stamped to the second: two in one second, as stored
                [course_id],
            )
            feedback = db.execute(
                f"SELECT sum(feedback = 1), sum(feedback = -1) FROM interactions {BY_STUDENTS}", [course_id]
            ).fetchone()
            latencies = db.execute(
                # The whole wait the student saw ("Answered in"), a place in the model's queue with it; the sum of
                # the steps only where it was not recorded (cached, or stored before it was).
                "SELECT coalesce(total_ms, coalesce(retrieval_ms, 0) + coalesce(generation_ms, 0)) "
                f"FROM interactions {BY_STUDENTS}",
                [course_id],
            )
            return per_day, asked.fetchall(), feedback, [row[0] for row in latencies.fetchall()]

    def cited_documents(self, course_id: int, limit: int = 10) -> list[dict]:
        """The documents a course's students' answers cited, by file name, with how many answers cited each."""
        with self._lock:
            return list(
                self._db.query(
                    "SELECT json_extract(source.value, '$.filename') AS filename, count(DISTINCT interactions.id) "
                    f"AS count FROM interactions, json_each(interactions.sources) AS source {BY_STUDENTS} "
                    "AND json_extract(source.value, '$.cited') GROUP BY filename ORDER BY count DESC, filename LIMIT ?",
                    [course_id, limit],
                )
            )

    def course_interactions(self, course_id: int) -> list[dict]:
        """Every question a course's students asked in it, with the asker's username, oldest first."""
        with self._lock:
            return list(
                self._db.query(
                    "SELECT interactions.*, users.username FROM interactions JOIN users "
                    f"ON users.id = interactions.user_id {BY_STUDENTS} ORDER BY interactions.created_at",
                    [course_id],
                )
            )

    def add_audit(self, row: dict) -> None:
        with self._lock, self._db.atomic():
            self._db.table("audit").insert(row)

    def audit_entries(self, limit: int, before: int | None) -> list[dict]:
        """Audit entries newest first, `limit` at a time, below entry id `before` when given."""
        with self._lock:
            return list(
                self._db.query("SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?", [before or 2**62, limit])
            )

    def has_user(self, username: str) -> bool:
        return self.user_named(username) is not None
