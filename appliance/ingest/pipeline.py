"""Upload → parse → chunk → embed → store, all or nothing for each file."""

import hashlib
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from appliance.errors import DiskFull, InvalidInput
from appliance.ingest import isolate
from appliance.ingest.chunk import chunk
from appliance.ingest.document import Caps
from appliance.settings import Settings
from appliance.store.database import Database, now
from appliance.store.text import embedding_text
from appliance.vocabulary import DEFAULT_COURSE

EMBED_BATCH = 32

Progress = Callable[..., None]


@dataclass
class Outcome:
    """What ingesting one file did: `added`, `replaced` or `unchanged`."""

    document: dict
    outcome: str


def clean_source(name: str) -> str:
    """A safe display/source name: a relative POSIX path with no parent steps."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    if not parts:
        raise InvalidInput("the file has no name")
    return "/".join(parts)[-255:]


class Ingestor:
    """Turns files into searchable documents; identical content is a no-op, a changed file replaces its old self."""

    def __init__(self, settings: Settings, database: Database, vectors, embedder):
        self.settings = settings
        self.database = database
        self.vectors = vectors
        self.embedder = embedder
        self.caps = Caps.of(settings)
        self.limits = isolate.Limits(settings.parse_seconds, settings.parse_memory_mb << 20)

    def check(self, data: bytes, source: str) -> tuple[str, int]:
        """Type and caps of a file before it is queued, read in a child process; returns its kind and page count."""
        return isolate.run("appliance.ingest.parse:precheck", (data, source, self.caps), self.limits)

    def ingest(
        self, data: bytes, source: str, progress: Progress | None = None, course_id: int = DEFAULT_COURSE
    ) -> Outcome:
        """Ingest one file's bytes into a course under a source name (e.g. `notes/week1.md`)."""
        report = progress or (lambda **_: None)
        source = clean_source(source)
        sha = hashlib.sha256(data).hexdigest()
        if existing := self.database.find(course_id, sha256=sha):
            report(
                pages_total=existing["pages"],
                pages_done=existing["pages"],
                chunks_total=existing["chunks"],
                chunks_done=existing["chunks"],
            )
            return Outcome(existing, "unchanged")
        parsed = isolate.run("appliance.ingest.parse:parse", (data, source, self.caps), self.limits, report)
        report(pages_total=len(parsed.pages), pages_done=len(parsed.pages))
        chunks = chunk(parsed, self.embedder.count_tokens, self.settings.chunk_tokens, self.settings.chunk_overlap)
        self._need_room(data, chunks)
        document_id = uuid.uuid4().hex
        ids = [f"{document_id}:{n}" for n in range(len(chunks))]
        report(chunks_total=len(chunks), chunks_done=0)
        try:
            # Vectors go in first under fresh ids; searches only see chunks SQLite knows, so nothing
            # shows until the single transaction below swaps the new version in.
            for start in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[start : start + EMBED_BATCH]
                vectors = self.embedder.embed([embedding_text(c.heading, c.text) for c in batch])
                self.vectors.add(ids[start : start + EMBED_BATCH], vectors, [(document_id, course_id)] * len(batch))
                report(chunks_done=start + len(batch))
            document = {
                "id": document_id,
                "source": source,
                "filename": source,
                "title": parsed.title,
                "kind": parsed.kind,
                "sha256": sha,
                "bytes": len(data),
                "pages": len(parsed.pages),
                "chunks": len(chunks),
                "created_at": now(),
                "course_id": course_id,
            }
            pages = [
                {
                    "document_id": document_id,
                    "number": page.number or 1,
                    "label": page.label,
                    "text": page.text,
                    "ocr": int(page.ocr),
                }
                for page in parsed.pages
            ]
            rows = [
                {
                    "id": cid,
                    "document_id": document_id,
                    "ordinal": n,
                    "page": c.page,
                    "page_label": c.page_label,
                    "heading": c.heading,
                    "start": c.start,
                    "end": c.end,
                    "tokens": c.tokens,
                    "text": c.text,
                    "lead": c.lead,
                }
                for n, (cid, c) in enumerate(zip(ids, chunks, strict=True))
            ]
            replaced = self.database.replace_document(document, pages, rows)
        except BaseException:
            self.vectors.delete(ids)
            raise
        self.vectors.delete(replaced)
        return Outcome(document, "replaced" if replaced else "added")

    def _need_room(self, data: bytes, chunks: list) -> None:
        """Refuse before anything is written when storing the file would leave less than min_free_mb free.

        Chroma wedges after a write that fills the disk (its later writes hang), so it must not be the one to
        find the disk full. Per chunk: its vector with Chroma's log and index, its text in SQLite and FTS.
        """
        needed = len(data) + sum(len(c.text) * 4 + self.embedder.dimensions * 16 for c in chunks)
        free = shutil.disk_usage(self.settings.data_path).free
        if free - needed < self.settings.min_free_mb << 20:
            raise DiskFull(
                f"the appliance's disk is too full to store this file ({free >> 20} MB free, "
                f"min_free_mb = {self.settings.min_free_mb}); free some space and upload it again"
            )

    def delete(self, document_id: str) -> None:
        """Remove a document from SQLite (first, so searches stop seeing it) and then its vectors."""
        self.vectors.delete(self.database.delete_document(document_id))
