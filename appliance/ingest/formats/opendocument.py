"""OpenDocument text (.odt) and presentations (.odp) with odfpy."""

import io

from odf import teletype
from odf.dc import Title
from odf.namespaces import DRAWNS, PRESENTATIONNS, TABLENS, TEXTNS
from odf.opendocument import load
from odf.table import TableRow

from appliance.ingest.document import Page
from appliance.ingest.formats.layout import table_lines
from appliance.ingest.markup import Outline


def read_odt(data: bytes) -> tuple[str, list[Page]]:
    """A text document as one page, sectioned by its outline-level headings."""
    document = load(io.BytesIO(data))
    out = Outline()
    _blocks(document.text, out)
    text, sections = out.finish()
    return _title(document, sections), [Page(text=text, sections=sections)]


def read_odp(data: bytes) -> tuple[str, list[Page]]:
    """A presentation, one page per slide, the title frame as heading and the notes marked."""
    document = load(io.BytesIO(data))
    slides = [node for node in document.presentation.childNodes if node.qname == (DRAWNS, "page")]
    pages = []
    for number, slide in enumerate(slides, 1):
        out = Outline()
        title = next((_text(f) for f in _frames(slide) if _class(f) == "title"), "") or f"Slide {number}"
        out.heading(1, title)
        for frame in _frames(slide):
            if _class(frame) not in ("title", "notes"):
                _blocks(frame, out)
        notes = [node for node in slide.childNodes if node.qname == (PRESENTATIONNS, "notes")]
        if notes and (note_text := _text(notes[0]).strip()):
            out.heading(2, "Speaker notes")
            out.line(note_text)
        text, sections = out.finish()
        pages.append(Page(text=text, number=number, label=f"slide {number}", sections=sections))
    return _title(document, [s for page in pages[:1] for s in page.sections]), pages


def _blocks(node, out: Outline) -> None:
    """Headings, paragraphs, list items and tables under `node`, in document order."""
    for child in node.childNodes:
        name = getattr(child, "qname", None)
        if name == (TEXTNS, "h"):
            level = int(child.getAttrNS(TEXTNS, "outline-level") or 1)
            out.heading(level + 1, _text(child))
        elif name == (TEXTNS, "p"):
            out.block(_text(child))
        elif name == (TEXTNS, "list-item"):
            out.line("- " + _text(child))
        elif name == (TABLENS, "table"):
            rows = child.getElementsByType(TableRow)
            for i, line in enumerate(table_lines([_text(cell) for cell in row.childNodes] for row in rows)):
                (out.line if i else out.block)(line)
        elif name is not None:
            _blocks(child, out)


def _frames(slide):
    return [node for node in slide.childNodes if node.qname == (DRAWNS, "frame")]


def _class(frame) -> str:
    return frame.getAttrNS(PRESENTATIONNS, "class") or ""


def _text(node) -> str:
    return " ".join(teletype.extractText(node).split())


def _title(document, sections) -> str:
    titles = document.meta.getElementsByType(Title)
    found = _text(titles[0]) if titles else ""
    return found or next((s.heading.split(" > ")[0] for s in sections if s.heading), "")
