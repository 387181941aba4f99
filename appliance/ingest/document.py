"""What a parsed document looks like: pages of text split into sections."""

from dataclasses import dataclass, field

from appliance.errors import InvalidInput

# What a teacher may upload, as people name it: the refusal of any other file and the web app's drop zone both say
# this, and parse.detect_kind (which types a file by its content) reads each of them. Light to import: the service
# names them without loading any parser.
FORMATS = (
    "PDF",
    "Word",
    "PowerPoint",
    "OpenDocument",
    "EPUB",
    "notebooks",
    "web pages",
    "Markdown",
    "text",
    "CSV",
    "code",
)
SCANS = "scanned PDF (read by OCR)"


@dataclass
class Section:
    """A run of text under one heading path, located on a page by character offsets."""

    text: str
    heading: str = ""
    start: int = 0


@dataclass
class Page:
    """One page, slide, notebook cell or chapter, or the whole text of a plain document (number None)."""

    text: str
    number: int | None = None
    label: str | None = None
    sections: list[Section] = field(default_factory=list)
    ocr: bool = False


@dataclass
class Parsed:
    """A document as the chunker sees it."""

    kind: str
    title: str
    pages: list[Page]


@dataclass(frozen=True)
class Caps:
    """How much a parser may read from one file; defaults match config/ragbot.toml."""

    pages: int = 2000
    page_chars: int = 200_000
    document_chars: int = 10_000_000
    archive_entries: int = 5000
    unpacked_bytes: int = 500 << 20
    compression_ratio: int = 200
    ocr: bool = True
    ocr_page_seconds: int = 60
    ocr_max_pixels: int = 25_000_000

    @classmethod
    def of(cls, settings) -> "Caps":
        """The caps a Settings object sets."""
        return cls(
            pages=settings.max_pages,
            page_chars=settings.max_page_chars,
            document_chars=settings.max_document_chars,
            archive_entries=settings.max_archive_entries,
            unpacked_bytes=settings.max_unpacked_mb << 20,
            compression_ratio=settings.max_compression_ratio,
            ocr=settings.ocr,
            ocr_page_seconds=settings.ocr_page_seconds,
            ocr_max_pixels=settings.ocr_max_pixels,
        )


def check_chars(where: str, chars: int, total: int, caps: Caps) -> None:
    """Refuse a page (`where`: "page 3", "cell 2"), or a document so far, yielding more text than the caps allow."""
    if chars > caps.page_chars:
        raise InvalidInput(
            f"{where} yields {chars} characters, more than the limit of {caps.page_chars} (max_page_chars)"
        )
    if total > caps.document_chars:
        raise InvalidInput(f"the document yields more than {caps.document_chars} characters (max_document_chars)")


def accepted_formats(caps: Caps) -> list[str]:
    """The kinds of file these caps let a teacher upload: scanned PDFs only while OCR is on."""
    return [FORMATS[0], *([SCANS] if caps.ocr else []), *FORMATS[1:]]
