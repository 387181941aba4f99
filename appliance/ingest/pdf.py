"""PDF text extraction with pypdf, the only module that imports it."""

import io
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pypdf
from pypdf.errors import FileNotDecryptedError, PdfReadError

from appliance.errors import InvalidInput
from appliance.ingest.document import Caps, check_chars

ENCRYPTED = "the PDF is encrypted; remove its password and upload it again"
READ_ERRORS = (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError)


@dataclass
class PdfText:
    """What a PDF says: each page's text, printed label and whether it draws an image, and what may name it."""

    pages: list[tuple[str, str | None, bool]]
    title: str  # the /Title its maker wrote in its document information, often junk ("Microsoft Word - a.docx")
    lines: list[tuple[str, float]]  # the first page's lines, each with the font size most of it is set in
    count: int  # pages in the file: more than `pages` when reading stopped early


def _guarded(read: Callable[[pypdf.PdfReader], object], data: bytes):
    """Open the PDF and run `read` on it, turning every way a bad file fails into one clear message."""
    # pypdf quietly rebuilds a file cut short; a half-uploaded PDF must be refused, not half-read.
    if b"%%EOF" not in data[-2048:]:
        raise InvalidInput("the PDF is truncated (it has no end-of-file marker); upload the whole file")
    # pypdf logs every recoverable oddity of real-world files; the appliance reports outcomes itself.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput(ENCRYPTED)
        return read(reader)
    except FileNotDecryptedError:
        raise InvalidInput(ENCRYPTED) from None
    except READ_ERRORS as error:
        raise InvalidInput(f"the PDF is damaged and cannot be read ({error})") from None


def _count_pages(reader: pypdf.PdfReader, caps: Caps) -> int:
    """Pages of an open PDF, checking that it has some and is within the page cap."""
    pages = len(reader.pages)
    if not pages:
        raise InvalidInput("the PDF has no pages")
    if pages > caps.pages:
        raise InvalidInput(f"the PDF has {pages} pages, more than the limit of {caps.pages} (max_pages)")
    return pages


def read_pdf(data: bytes, caps: Caps, until: Callable[[str], bool] | None = None) -> PdfText:
    """Every page's text, printed label (from /PageLabels, else None) and whether it draws an image, within caps;
    with the document's /Title and the first page's lines with their font sizes. With `until`, reading stops after
    the first page whose text it holds for."""

    def read(reader: pypdf.PdfReader):
        count = _count_pages(reader, caps)  # before any page is read: the cap bounds the work
        pages, runs = [], list[tuple[str, float]]()
        for text, label, image in _pages(reader, caps, runs):
            pages.append((text, label, image))
            if until and until(text):
                break
        return PdfText(pages, _title(reader), _lines(runs), count)

    return _guarded(read, data)


def _pages(
    reader: pypdf.PdfReader, caps: Caps, runs: list[tuple[str, float]]
) -> Iterator[tuple[str, str | None, bool]]:
    """Each page's text, label and whether it draws an image, in order; the first page's runs of text into `runs`."""
    has_labels = "/PageLabels" in reader.root_object
    labels = reader.page_labels if has_labels else [None] * len(reader.pages)
    total = 0
    for number, (page, label) in enumerate(zip(reader.pages, labels, strict=True), 1):
        # One small compressed stream shared by every page can decompress to gigabytes of text: each page
        # and the whole are measured as they are read, and reading stops at the first one over its cap.
        text = page.extract_text(visitor_text=_sizes(runs) if number == 1 else None) or ""
        total += len(text)
        check_chars(f"page {number}", len(text), total, caps)
        yield text, label, _draws_image(page)


def _title(reader: pypdf.PdfReader) -> str:
    """The document information's /Title, '' when it has none: a broken one is no reason to refuse a readable PDF."""
    try:
        title = reader.metadata.title if reader.metadata else None
    except READ_ERRORS:
        return ""
    return " ".join(title.split()) if isinstance(title, str) else ""


def _sizes(runs: list[tuple[str, float]]) -> Callable[..., None]:
    """A pypdf text visitor keeping each run of text with the size it is drawn at on the page."""

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        # The size a run is set in is its font size scaled by the text and page matrices: Cairo writes every font
        # at size 1 and scales the text matrix, Chrome scales the page by 0.75.
        matrix = pypdf.mult(tm, cm)
        runs.append((text, abs(size) * math.hypot(matrix[2], matrix[3])))

    return visit


def _lines(runs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The page's lines from its runs of text, each with the size most of its characters are set in."""
    lines: list[list[tuple[str, float]]] = [[]]
    for run, size in runs:
        for index, part in enumerate(run.split("\n")):
            if index:
                lines.append([])
            lines[-1].append((part, size))
    return [(text, _most_set_in(parts)) for parts in lines if (text := "".join(part for part, _ in parts).strip())]


def _most_set_in(parts: list[tuple[str, float]]) -> float:
    """The size most of a line's characters are set in."""
    sizes = Counter[float]()
    for part, size in parts:
        sizes[round(size, 1)] += len(part.strip())
    return sizes.most_common(1)[0][0]


def _draws_image(page: pypdf.PageObject) -> bool:
    """Whether the page's resources hold an image: a scan is one, a page of vector text is not."""
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources else None
    if not objects:
        return False
    return any(item.get_object().get("/Subtype") == "/Image" for item in objects.get_object().values())
