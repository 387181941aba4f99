"""The shape a retrieved passage has on the wire: search results and chat sources both carry these fields."""

import msgspec


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
