"""Word documents with python-docx: headings from the heading styles, tables as Markdown rows."""

import io
import re

import docx
from docx.table import Table

from appliance.ingest.document import Page
from appliance.ingest.formats.layout import table_lines
from appliance.ingest.markup import Outline

HEADING_STYLE = re.compile(r"^Heading (\d)$")
LIST_STYLE = re.compile(r"^List")


def read_docx(data: bytes) -> tuple[str, list[Page]]:
    """The document's title and its whole text as one page, sectioned by its headings."""
    document = docx.Document(io.BytesIO(data))
    out = Outline()
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines = table_lines([cell.text for cell in row.cells] for row in block.rows)
            for i, line in enumerate(lines):
                (out.line if i else out.block)(line)
            continue
        style = block.style.name if block.style is not None else ""
        text = block.text.strip()
        if not text:
            out.line("")
        elif style == "Title":
            out.heading(1, text)
        elif match := HEADING_STYLE.match(style):
            out.heading(int(match.group(1)) + 1, text)
        elif LIST_STYLE.match(style):
            out.line("- " + text)
        else:
            out.block(text)
    text, sections = out.finish()
    title = document.core_properties.title or next((s.heading.split(" > ")[0] for s in sections if s.heading), "")
    return title, [Page(text=text, sections=sections)]
