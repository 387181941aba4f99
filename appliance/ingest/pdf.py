"""PDF text extraction with pypdf, the only module that imports it."""

import io
import logging
from collections.abc import Callable

import pypdf
from pypdf.errors import FileNotDecryptedError, PdfReadError

from appliance.errors import InvalidInput

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


def count_pages(data: bytes) -> int:
    """Pages of a PDF, checking on the way that it opens and is not encrypted."""
    pages = _guarded(lambda reader: len(reader.pages), data)
    if not pages:
        raise InvalidInput("the PDF has no pages")
    return pages


def read_pdf(data: bytes) -> list[tuple[str, str | None]]:
    """Text and printed label (from /PageLabels, else None) of every page."""

    def read(reader: pypdf.PdfReader):
        has_labels = "/PageLabels" in reader.root_object
        labels = reader.page_labels if has_labels else [None] * len(reader.pages)
        return [(page.extract_text() or "", label) for page, label in zip(reader.pages, labels, strict=True)]

    return _guarded(read, data)
