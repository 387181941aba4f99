"""Request bodies and the JSON shapes of documents and jobs."""

from typing import Annotated

import msgspec
from msgspec import Meta

from appliance.vocabulary import Level, SearchMode


class SearchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """POST /api/v1/search."""

    query: Annotated[str, Meta(min_length=1, max_length=2000, description="What to look for.")]
    k: Annotated[int, Meta(ge=1, le=200, description="How many passages to return.")] = 5
    mode: SearchMode = "hybrid"
    course_id: Annotated[int, Meta(ge=1, description="Search one course; default: all of yours.")] | None = None


class ChatRequest(msgspec.Struct, forbid_unknown_fields=True):
    """POST /api/v1/chat."""

    message: Annotated[str, Meta(min_length=1, max_length=4000, description="The question.")]
    selected_text: Annotated[str, Meta(max_length=8000, description="A passage to ask about.")] | None = None
    selected_document_id: Annotated[str, Meta(max_length=64, description="Document the selection is from.")] | None = (
        None
    )
    selected_page: Annotated[int, Meta(ge=1, description="Page the selection is from.")] | None = None
    stream: Annotated[bool, Meta(description="Answer as Server-Sent Events.")] = False
    course_id: Annotated[int, Meta(ge=1, description="Ask one course; default: all of yours.")] | None = None
    conversation_id: Annotated[str, Meta(max_length=64, description="Continue this conversation.")] | None = None
    level: Annotated[Level, Meta(description="Override your background for this answer.")] | None = None


DOCUMENT_FIELDS = ("id", "filename", "title", "kind", "pages", "chunks", "sha256", "bytes", "created_at")


def document_view(row: dict) -> dict:
    return {field: row[field] for field in DOCUMENT_FIELDS}


def job_view(row: dict) -> dict:
    """A job as clients see it: status, a 0–1 progress figure and the counts behind it."""
    pages = row["pages_done"] / row["pages_total"] if row["pages_total"] else 0.0
    chunks = row["chunks_done"] / row["chunks_total"] if row["chunks_total"] else 0.0
    # Parsing is quick next to embedding, so pages weigh a tenth of the bar.
    progress = 1.0 if row["status"] == "done" else round(0.1 * pages + 0.9 * chunks, 3)
    return {
        "id": row["id"],
        "filename": row["filename"],
        "status": row["status"],
        "progress": progress,
        "pages_done": row["pages_done"],
        "pages_total": row["pages_total"],
        "chunks_done": row["chunks_done"],
        "chunks_total": row["chunks_total"],
        "document_id": row["document_id"],
        "outcome": row["outcome"],
        "error": row["error"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
