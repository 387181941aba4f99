"""What a parsed document looks like: pages of text split into sections."""

from dataclasses import dataclass, field


@dataclass
class Section:
    """A run of text under one heading path, located on a page by character offsets."""

    text: str
    heading: str = ""
    start: int = 0


@dataclass
class Page:
    """One page of a PDF, or the whole text of any other document (number None)."""

    text: str
    number: int | None = None
    label: str | None = None
    sections: list[Section] = field(default_factory=list)


@dataclass
class Parsed:
    """A document as the chunker sees it."""

    kind: str
    title: str
    pages: list[Page]
