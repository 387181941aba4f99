"""Turn an uploaded file into pages of clean text, split into sections under a heading path."""

import re
from pathlib import PurePath

import filetype

from appliance.errors import InvalidInput, UnsupportedFile
from appliance.ingest import markup
from appliance.ingest.document import Page, Parsed, Section
from appliance.ingest.pdf import count_pages, read_pdf

TEXT_KINDS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".rst": "rst",
    ".txt": "text",
    ".text": "text",
    "": "text",
}
CODE_SUFFIXES = {
    ".py",
    ".c",
    ".h",
    ".cpp",
    ".hpp",
    ".cc",
    ".js",
    ".ts",
    ".java",
    ".rs",
    ".go",
    ".sh",
    ".yaml",
    ".yml",
    ".toml",
    ".json",
    ".xml",
    ".urdf",
    ".xacro",
    ".launch",
    ".cmake",
    ".ini",
    ".cfg",
    ".m",
}
TITLE_CHARS = 200  # a longer first line is prose, not a title


def detect_kind(data: bytes, filename: str) -> str:
    """Type a file by its content; the extension only picks among kinds of text."""
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise InvalidInput("the file is empty")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if suffix == ".pdf":
        raise UnsupportedFile("the file is named .pdf but its content is not a PDF")
    guess = filetype.guess(data)
    if guess is not None or b"\x00" in data[:8192]:
        found = guess.mime if guess else "binary data"
        raise UnsupportedFile(f"unsupported file type ({found}); upload PDF, Markdown, reStructuredText, text or code")
    if suffix in CODE_SUFFIXES:
        return "code"
    if suffix in TEXT_KINDS:
        return TEXT_KINDS[suffix]
    raise UnsupportedFile(f"unsupported file extension '{suffix}' for a text file")


def precheck(data: bytes, filename: str) -> int:
    """Cheap checks before queueing a file: its type, and for a PDF that it opens; returns its page count."""
    kind = detect_kind(data, filename)
    if kind == "pdf":
        return count_pages(data)
    decode_text(data[:65536])
    return 1


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), falling back to Latin-1 only for text that is clearly not binary."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if sum(ch.isprintable() or ch.isspace() for ch in text) < 0.95 * len(text):
        raise UnsupportedFile("the file is not readable text")
    return text


def parse(data: bytes, filename: str) -> Parsed:
    """Parse a file of any supported kind; raises InvalidInput with the reason if it cannot."""
    kind = detect_kind(data, filename)
    stem = PurePath(filename).stem
    if kind == "pdf":
        pages = [Page(text=_tidy(text), number=n, label=label) for n, (text, label) in enumerate(read_pdf(data), 1)]
        for page in pages:
            page.sections = [Section(page.text)] if page.text.strip() else []
        title = stem
    else:
        source = decode_text(data)
        if kind == "markdown":
            title, text, sections = markup.markdown(source)
        elif kind == "rst":
            title, text, sections = markup.rst(source)
        elif kind == "code":
            text = _tidy(source)
            title, sections = "", [Section(text, PurePath(filename).name)]
        else:
            text = _tidy(source)
            # Every chunk carries the title as its heading, as Markdown chunks carry theirs: a passage from
            # the middle of "PID tuning notes" is about PID tuning even where it never says so.
            title = text_title(text)
            sections = [Section(text, title)]
        pages = [Page(text=text, sections=[s for s in sections if s.text.strip()])]
        title = title or stem
    if not any(page.sections for page in pages):
        raise InvalidInput("no text could be extracted from the file (is it a scanned image?)")
    return Parsed(kind=kind, title=title, pages=pages)


def text_title(text: str) -> str:
    """A plain-text file's first line when it stands alone as a short paragraph, as a title does; else ''."""
    first, blank, rest = text.strip().partition("\n\n")
    first = first.strip()
    return first if blank and rest.strip() and "\n" not in first and len(first) <= TITLE_CHARS else ""


def _tidy(text: str) -> str:
    """Normalise line endings and strip trailing spaces, keeping line structure."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"(?<![ \t])[ \t]+\n", "\n", text).strip("\n")  # starts only at a run, so linear
