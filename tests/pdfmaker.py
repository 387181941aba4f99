"""Build small, valid PDF files in memory for tests (standard library only)."""

from __future__ import annotations

import io
from collections.abc import Sequence

FONT_SIZE = 12
LEADING = 16
# A bullet set in a symbol font, as PowerPoint and Word set theirs: its ToUnicode map gives a private-use character.
SYMBOL_BULLET = "\uf0b7"
SYMBOL_CMAP = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /SymbolBullet def\n"
    b"1 begincodespacerange <00> <FF> endcodespacerange\n1 beginbfchar <B7> <F0B7> endbfchar\n"
    b"endcmap CMapName currentdict /CMap defineresource pop end end"
)


# Ligatures set as one glyph each, as TeX and word processors set "ffi": codes WinAnsi leaves unused, named in the
# font's /Differences, so a text layer gives them as U+FB00-FB04 ("Oﬃcial"), as real PDFs do.
LIGATURES = str.maketrans({"\ufb01": "\x01", "\ufb02": "\x02", "\ufb00": "\x03", "\ufb03": "\x04", "\ufb04": "\x05"})
ENCODING = b"<< /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl /ff /ffi /ffl] >>"


def _escape(text: str) -> bytes:
    """Encode text as WinAnsi (ligatures as their glyphs' codes) and escape it for a PDF literal string."""
    raw = text.translate(LIGATURES).encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(text: str | list[tuple[str, int]]) -> bytes:
    """Return a page content stream that draws each line of text, or each (line, font size) pair."""
    if isinstance(text, list):
        return _sized(text)
    ops = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LEADING, b"72 720 Td"]
    for index, line in enumerate(text.split("\n")):
        bullet = b"/F2 %d Tf (\xb7) Tj /F1 %d Tf " % (FONT_SIZE, FONT_SIZE) if line.startswith(SYMBOL_BULLET) else b""
        line = line.removeprefix(SYMBOL_BULLET)
        ops.append((b"T* " if index else b"") + bullet + b"(" + _escape(line) + b") Tj")
    ops.append(b"ET")
    return b"\n".join(ops)


def _sized(lines: list[tuple[str, int]]) -> bytes:
    """Return a content stream drawing each line at its size, as Cairo does: a font of size 1 and a scaled matrix."""
    ops, y = [], 740
    for line, size in lines:
        y -= size * 4 // 3
        ops.append(b"BT /F1 1 Tf %d 0 0 %d 72 %d Tm (%s) Tj ET" % (size, size, y, _escape(line)))
    return b"\n".join(ops)


def _string(text: str) -> bytes:
    """Return a PDF literal string object."""
    return b"(" + _escape(text) + b")"


def _page_labels(labels: list[dict]) -> bytes:
    """Return a /PageLabels number tree dictionary."""
    nums = []
    for label in sorted(labels, key=lambda item: item["start"]):
        entries = []
        if label.get("style"):
            entries.append(b"/S /" + label["style"].encode("ascii"))
        if label.get("prefix"):
            entries.append(b"/P " + _string(label["prefix"]))
        if label.get("first") is not None:
            entries.append(b"/St %d" % label["first"])
        nums.append(b"%d << %s >>" % (label["start"], b" ".join(entries)))
    return b"<< /Nums [" + b" ".join(nums) + b"] >>"


def make_pdf(
    pages: Sequence[str | list[tuple[str, int]]], page_labels: list[dict] | None = None, title: str = ""
) -> bytes:
    """Return a PDF with one Helvetica text page per string (or list of lines with their sizes) in pages, and the
    title, if any, in its document information. A line starting with SYMBOL_BULLET starts with a Symbol bullet."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    # Objects 1-3 are catalog, page tree and font; each page then takes two ids (page, content).
    page_ids = [4 + 2 * i for i in range(len(pages))]
    symbol = 4 + 2 * len(pages)  # the Symbol font, then its ToUnicode map
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if page_labels:
        catalog += b" /PageLabels " + _page_labels(page_labels)
    objects = [
        catalog + b" >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % pid for pid in page_ids), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding %s >>" % ENCODING,
    ]
    for pid, text in zip(page_ids, pages, strict=True):
        stream = _content(text)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>" % (symbol, pid + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Symbol /ToUnicode %d 0 R >>" % (symbol + 1))
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(SYMBOL_CMAP), SYMBOL_CMAP))
    if title:
        objects.append(b"<< /Title " + _string(title) + b" >>")
    info = b" /Info %d 0 R" % len(objects) if title else b""

    out = io.BytesIO()
    # The binary comment line marks the file as binary for transfer tools.
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref))
    return out.getvalue()


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """Return a copy of data encrypted with password (RC4-128, needs only pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncate(data: bytes, keep: float = 0.5) -> bytes:
    """Return the first keep fraction of data, e.g. to simulate a cut-off upload."""
    return data[: int(len(data) * keep)]
