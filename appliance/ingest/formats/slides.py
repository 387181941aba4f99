"""PowerPoint slides with python-pptx: the slide number is the page, its title the heading, notes marked as such."""

import io

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from appliance.ingest.document import Page
from appliance.ingest.formats.layout import table_lines
from appliance.ingest.markup import Outline


def read_pptx(data: bytes) -> tuple[str, list[Page]]:
    """The presentation's title and one page per slide."""
    presentation = Presentation(io.BytesIO(data))
    pages = [_slide(number, slide) for number, slide in enumerate(presentation.slides, 1)]
    return presentation.core_properties.title or (pages[0].sections[0].heading if pages else ""), pages


def _slide(number: int, slide) -> Page:
    title_shape = slide.shapes.title
    title = " ".join(title_shape.text_frame.text.split()) if title_shape is not None else ""
    out = Outline()
    out.heading(1, title or f"Slide {number}")
    for shape in _shapes(slide.shapes):
        if title_shape is not None and shape.shape_id == title_shape.shape_id:
            continue
        for i, line in enumerate(_shape_lines(shape)):
            (out.line if i else out.block)(line)
    if slide.has_notes_slide and (notes := slide.notes_slide.notes_text_frame.text.strip()):
        out.heading(2, "Speaker notes")
        for line in notes.splitlines():
            out.line(line)
    text, sections = out.finish()
    return Page(text=text, number=number, label=f"slide {number}", sections=sections)


def _shapes(shapes):
    """Every shape in reading order, the members of groups included."""
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _shape_lines(shape) -> list[str]:
    """A shape's text as lines: a frame of several paragraphs is a list of points, each an item (nested by its
    level), as a slide shows them: run together, a slide's points read as one sentence without a full stop."""
    if shape.has_text_frame:
        paragraphs = [p for p in shape.text_frame.paragraphs if p.text.strip()]
        points = len(paragraphs) > 1
        return ["  " * p.level + "- " + p.text if p.level or points else p.text for p in paragraphs]
    if getattr(shape, "has_table", False) and shape.has_table:
        return table_lines([cell.text for cell in row.cells] for row in shape.table.rows)
    return []
