"""EPUB e-books with ebooklib: each chapter of the reading order is a page, headed by its title."""

import io
import warnings

import ebooklib
from ebooklib import epub

from appliance.errors import InvalidInput
from appliance.ingest.document import Page
from appliance.ingest.formats.webpage import outline


def read_epub(data: bytes) -> tuple[str, list[Page]]:
    """The book's title and one page per chapter in reading order."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ebooklib warns about options of its own future
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    except (epub.EpubException, KeyError, ValueError, AttributeError) as error:
        raise InvalidInput(f"the EPUB cannot be read ({str(error)[:200]})") from None
    titles = book.get_metadata("DC", "title")
    title = titles[0][0] if titles else ""
    pages: list[Page] = []
    for item_id, _ in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        text, sections = outline(item.get_content())
        if text.strip():
            pages.append(Page(text=text, number=len(pages) + 1, label=f"chapter {len(pages) + 1}", sections=sections))
    return title, pages
