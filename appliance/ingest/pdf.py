"""PDF text extraction with pypdf, the only module that imports it."""

import io
import logging
from collections.abc import Callable

import pypdf
from pypdf.errors import FileNotDecryptedError, PdfReadError

from appliance.errors import InvalidInput
from appliance.ingest.document import Caps, check_chars

ENCRYPTED = "the PDF is encrypted; remove its password and upload it again"
READ_ERRORS = (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError)


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


def count_pages(data: bytes, caps: Caps) -> int:
    """Pages of a PDF, checking on the way that it opens, is not encrypted and is within the page cap."""
    pages = _guarded(lambda reader: len(reader.pages), data)
    if not pages:
        raise InvalidInput("the PDF has no pages")
    if pages > caps.pages:
        raise InvalidInput(f"the PDF has {pages} pages, more than the limit of {caps.pages} (max_pages)")
    return pages


def read_pdf(data: bytes, caps: Caps) -> list[tuple[str, str | None, bool]]:
    """Text, printed label (from /PageLabels, else None) and whether it draws an image, of every page, within caps."""
    count_pages(data, caps)

    def read(reader: pypdf.PdfReader):
        has_labels = "/PageLabels" in reader.root_object
        labels = reader.page_labels if has_labels else [None] * len(reader.pages)
        pages, total = [], 0
        for number, (page, label) in enumerate(zip(reader.pages, labels, strict=True), 1):
            # One small compressed stream shared by every page can decompress to gigabytes of text: each page
            # and the whole are measured as they are read, and reading stops at the first one over its cap.
            text = page.extract_text() or ""
            total += len(text)
            check_chars(f"page {number}", len(text), total, caps)
            pages.append((text, label, _draws_image(page)))
        return pages

    return _guarded(read, data)


def _draws_image(page: pypdf.PageObject) -> bool:
    """Whether the page's resources hold an image: a scan is one, a page of vector text is not."""
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources else None
    if not objects:
        return False
    return any(item.get_object().get("/Subtype") == "/Image" for item in objects.get_object().values())
