"""A retrieved passage: as the retriever finds it, and as search results and chat sources carry it on the wire."""

from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta

SNIPPET_CHARS = 300

# The web layer fills these in as it sends an answer or a passage (appliance/web/rich.py, appliance/web/shown.py).
Nodes = Annotated[list[Any] | None, Meta(description="Safe rich-text nodes: a string, or [tag, {attributes}, *nodes].")]


class Passage(msgspec.Struct):
    """A retrieved passage and where it comes from; start and end index its page's text."""

    chunk_id: str
    document_id: str
    filename: str
    page: int | None
    page_label: str | None
    heading: str
    text: str
    start: int
    end: int
    score: float
    similarity: float
    ocr: Annotated[bool, Meta(description="Its page was read from a scan by OCR.")] = False
    lead: Annotated[
        str,
        Meta(
            description="The header row of the table the passage starts inside, when the passage lacks it, then the "
            "rows naming its columns when they are things, one per line."
        ),
    ] = ""
    title: Annotated[
        str, Meta(description="Its document's title, as read from the file (a deck's first slide title).")
    ] = ""


class PassageView(Passage, kw_only=True):
    """A passage as it is sent: with a short snippet of its text and, once the web layer renders it, its nodes."""

    snippet: str
    nodes: Nodes = None  # the passage as its page shows it


View = TypeVar("View", bound=PassageView)


def snippet(text: str) -> str:
    """The text cut at a word boundary to about SNIPPET_CHARS."""
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


def view(passage: Passage, shape: type[View], **extra: Any) -> View:
    """The passage as `shape` (a search result, a chat source), its snippet filled in."""
    return shape(**msgspec.structs.asdict(passage), snippet=snippet(passage.text), **extra)
