"""Build real files of every supported format, and hostile ones, in memory for tests."""

import io
import json
import zipfile
import zlib
from collections.abc import Sequence

import docx
from ebooklib import epub
from odf.draw import Frame, Page, TextBox
from odf.opendocument import OpenDocumentPresentation, OpenDocumentText
from odf.style import MasterPage, PageLayout
from odf.text import H, P
from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation

EXCEL_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10))
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def zip_of(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip container holding `parts`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


# A deck of two slides, each with one fact.
TWO_SLIDES = [("Pumps", ["The P-9 pump weighs 2 kilograms."], ""), ("Drives", ["The D-3 takes 24 V."], "")]


def make_pptx(slides: list[tuple[str, list[str], str]]) -> bytes:
    """Slides of (title, bullet lines, speaker notes) on the title-and-content layout."""
    presentation = Presentation()
    for title, bullets, notes in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = "\n".join(bullets)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


# One block of a Word section: a paragraph, a (style, text) paragraph such as ("List Bullet", "Goggles"), or a
# table as rows of cells, in the section where it stands.
DocxBlock = str | tuple[str, str] | list[list[str]]


def make_docx(
    title: str, sections: Sequence[tuple[str, Sequence[DocxBlock]]], table: list[list[str]] | None = None
) -> bytes:
    """A Word document: a Title, then Heading 1 sections of blocks (paragraphs, styled paragraphs such as
    bulleted list items, tables), then an optional table."""
    document = docx.Document()
    document.add_heading(title, level=0)

    def add_table(rows: list[list[str]]) -> None:
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(grid.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value

    for heading, blocks in sections:
        document.add_heading(heading, level=1)
        for block in blocks:
            if isinstance(block, list):
                add_table(block)
            elif isinstance(block, tuple):
                document.add_paragraph(block[1], style=block[0])
            else:
                document.add_paragraph(block)
    if table:
        add_table(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_macro_enabled(docx_bytes: bytes) -> bytes:
    """The same document as a .docm: macro-enabled main part and a (dummy) macro project."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    parts["word/vbaProject.bin"] = b'Attribute VB_Name = "AutoOpen"\nShell "rm -rf /"\n'
    return zip_of(parts)


def make_odt(heading: str, paragraphs: list[str]) -> bytes:
    """An OpenDocument text with one heading and its paragraphs."""
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_odp(slides: list[tuple[str, str]]) -> bytes:
    """An OpenDocument presentation of (title, body) slides."""
    document = OpenDocumentPresentation()
    layout = PageLayout(name="layout")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="master", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    for title, body in slides:
        page = Page(masterpagename=master)
        for kind, text in (("title", title), ("outline", body)):
            frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm", attributes={"class": kind})
            box = TextBox()
            box.addElement(P(text=text))
            frame.addElement(box)
            page.addElement(frame)
        document.presentation.addElement(page)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_notebook(cells: list[tuple[str, str, str]]) -> bytes:
    """A notebook of (kind, source, text output) cells, written as the JSON it is."""
    body = []
    for kind, source, output in cells:
        cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            outputs = [{"output_type": "stream", "name": "stdout", "text": output}] if output else []
            cell.update(execution_count=1, outputs=outputs)
        body.append(cell)
    notebook = {
        "cells": body,
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook).encode()


def make_html(title: str, body: str) -> bytes:
    """A saved web page with navigation, a script and a style around a main element."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title><style>p {{color: red}}</style>"
        f"<script>var tracking = 'script text';</script></head><body>"
        f"<nav><a href='/'>Home menu link</a></nav><main>{body}</main><footer>Footer copyright</footer></body></html>"
    ).encode()


def make_epub(title: str, chapters: list[tuple[str, str]]) -> bytes:
    """An EPUB of (chapter title, paragraph) chapters, written by ebooklib."""
    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title(title)
    book.set_language("en")
    items = []
    for number, (heading, text) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=heading, file_name=f"chapter{number}.xhtml", lang="en")
        item.content = f"<html><body><h1>{heading}</h1><p>{text}</p></body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def scanned_pdf(lines: list[str], width: int = 1240, height: int = 1754) -> bytes:
    """A page of text drawn onto an image (A4 at 150 dpi) saved as a PDF with no text layer."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    for index, line in enumerate(lines):
        draw.text((100, 150 + 70 * index), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def giant_page_pdf() -> bytes:
    """A small image on a page 200 inches square: rendered for OCR it would be 40000 pixels a side."""
    out = io.BytesIO()
    Image.new("L", (200, 200), 255).save(out, "PDF", resolution=1)
    return out.getvalue()


def pdf_bomb(pages: int = 300, chars: int = 300_000) -> bytes:
    """One small compressed content stream of `chars` characters drawn by every one of `pages` pages."""
    stream = zlib.compress(b"BT /F1 1 Tf (" + b"A" * chars + b") Tj ET", 9)
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
    page += b"/Contents 4 0 R >>"
    objects += [page] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


# Notes with an equation, a table and a code block, each on the Quillon spring: asked about with quotes of evidence.
QUILLON_NOTES = """# The Quillon spring

The Quillon spring stores an energy of $E = \\frac{1}{2} k x^2$ when it is stretched by a length x.

The Quillon spring stiffness of each size is listed in this table:

| Quillon spring size | stiffness k |
|---|---|
| small Quillon spring | 120 N/m |
| large Quillon spring | 480 N/m |

The Quillon spring energy is computed by this Python function:

```python
def quillon_energy(k, x):
    return 0.5 * k * x ** 2
```

It costs $5 to $10 and <b>raw HTML</b> stays text.
"""
QUILLON_CODE = "What is the formula and the Python function for the Quillon spring energy?"
QUILLON_TABLE = "What is the stiffness of the large Quillon spring?"
QUILLON_EQUATION = "What energy does the Quillon spring store?"
