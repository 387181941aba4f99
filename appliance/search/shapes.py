"""The shape a retrieved passage has on the wire: search results and chat sources both carry these fields."""

from typing import Annotated, Any

import msgspec
from msgspec import Meta

# The web layer fills these in as it sends an answer or a passage (appliance/web/rich.py, appliance/web/shown.py).
Nodes = Annotated[list[Any] | None, Meta(description="Safe rich-text nodes: a string, or [tag, {attributes}, *nodes].")]


class PassageView(msgspec.Struct, kw_only=True):
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
    snippet: str
    ocr: Annotated[bool, Meta(description="Its page was read from a scan by OCR.")] = False
    nodes: Nodes = None  # the passage as its page shows it
