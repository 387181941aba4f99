"""Turn an uploaded file into pages of clean text, split into sections under a heading path."""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import PurePath
from typing import cast

import filetype

from appliance.errors import InvalidInput, UnsupportedFile
from appliance.ingest import markup
from appliance.ingest.document import FORMATS, Caps, Page, Parsed, Section, check_chars
from appliance.ingest.formats.container import container_kind, unpack
from appliance.ingest.formats.delimited import read_delimited
from appliance.ingest.formats.ebook import read_epub
from appliance.ingest.formats.notebook import looks_like_notebook, read_ipynb
from appliance.ingest.formats.ocr import recognise
from appliance.ingest.formats.opendocument import read_odp, read_odt
from appliance.ingest.formats.render import render_page
from appliance.ingest.formats.slides import read_pptx
from appliance.ingest.formats.webpage import read_html
from appliance.ingest.formats.word import read_docx
from appliance.ingest.formats.words import split_words
from appliance.ingest.hyphenation import rejoin
from appliance.ingest.pdf import PdfText, read_pdf

TEXT_KINDS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".rst": "rst",
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".csv": "csv",
    ".tsv": "csv",
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
PDF_TITLE_WORDS = 16  # a PDF's first line longer than this is the start of its text
# What a PDF's maker writes as its /Title when the author gave none: the file's name or path, as Acrobat's
# "Microsoft Word - handout3.docx" or a print driver's "C:\Users\ana\handout3.docx".
FILE_NAME = re.compile(
    r"^Microsoft \w+ - |\.(?:docx?|odt|rtf|pptx?|odp|xlsx?|pdf|tex|txt|md|html?|pages|key)$|^(?:[a-z]:)?[\\/]|\\", re.I
)
# A letterhead: who issued a handout, above what it is about ("Department of Applied Optics").
LETTERHEAD = re.compile(
    r"(?:the\s+)?(?:department|school|faculty|division|institute|college|university)\s+(?:of|for)\s", re.I
)
TITLE_SIZE = 1.2  # a title is set clearly larger than most of the page; a line a point or two larger is emphasis
WORD = re.compile(r"\w+")
SUPPORTED = f"upload {', '.join(FORMATS[:-1])} or {FORMATS[-1]} files"  # as the web app's drop zone says it
# A refused file's kind as a teacher knows it (filetype's extension for it); else its MIME type's family, in words.
KIND_WORDS = {
    "exe": "a Windows program",
    "elf": "a Linux program",
    "zip": "a ZIP archive",
    "xls": "an Excel spreadsheet (save it as CSV)",
    "xlsx": "an Excel spreadsheet (save it as CSV)",
    "ods": "a spreadsheet (save it as CSV)",
    "doc": "an old Word document (save it as .docx)",
    "ppt": "an old PowerPoint file (save it as .pptx)",
    "rtf": "a rich-text document (save it as .docx)",
}
FAMILY_WORDS = {"image": "an image", "video": "a video", "audio": "a sound recording", "font": "a font"}
HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S
)
GLYPH_BULLET = re.compile(r"^([ \t]*)[\ue000-\uf8ff][ \t]*", re.MULTILINE)  # Unicode's private use area
NO_TEXT = "the PDF has no text to read: its pages hold neither text nor a scanned image"
SCAN_WITHOUT_OCR = (
    "the PDF has no text layer (a scan?) and OCR is off on this appliance, so nothing in it can be read; upload a "
    "PDF with text (saved or exported from the original document), or ask the lab admin to turn OCR on (setting ocr)"
)
# Control characters a PDF's fonts map their glyphs to (TeX math fonts: "\x0f", "\x14"): shown as empty boxes.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Ligatures a PDF's fonts set as one glyph ("ﬁ", "ﬃ", pdfTeX's and word processors'), spelt out: "Oﬃcial" is no
# match for "official" in search, nor in the words an answer is checked against.
LIGATURES = str.maketrans({chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)})
# A page's printed number alone on its first or last line: "3", "Page 3", "- 3 -", "3 / 12", "iv".
PAGE_NUMBER = re.compile(
    r"(?:page\s+)?[-\u2013\u2014]?\s*(\w{1,6})\s*[-\u2013\u2014]?(?:\s*(?:/|of)\s*\d+)?", re.IGNORECASE
)
OCR_BELOW_WORDS = 5  # an image page with fewer words has no real text layer: a scan, or a scan with a page number
READERS: dict[str, Callable[[bytes], tuple[str, list[Page]]]] = {
    "docx": read_docx,
    "pptx": read_pptx,
    "odt": read_odt,
    "odp": read_odp,
    "epub": read_epub,
    "ipynb": read_ipynb,
    "html": read_html,
}
DEFAULT_CAPS = Caps()
CONTAINERS = {"docx", "pptx", "odt", "odp", "epub"}
Progress = Callable[..., None]


def detect_kind(data: bytes, filename: str) -> str:
    """Type a file by its content; the extension only picks among kinds of text."""
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise InvalidInput("the file is empty")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if suffix == ".pdf":
        raise UnsupportedFile("the file is named .pdf but its content is not a PDF")
    if kind := container_kind(data):
        return kind
    guess = filetype.guess(data)
    if guess is not None or b"\x00" in data[:8192]:
        raise UnsupportedFile(f"{_refused_kind(guess, suffix)}, which cannot be read here; {SUPPORTED}")
    if looks_like_notebook(data):
        return "ipynb"
    if HTML_START.match(data[:1024]):
        return "html"
    if suffix in CODE_SUFFIXES:
        return "code"
    if suffix in TEXT_KINDS:
        return TEXT_KINDS[suffix]
    raise UnsupportedFile(f"unsupported file extension '{suffix}' for a text file")


def known_kind(data: bytes) -> str | None:
    """What a file's first bytes say it is, in words ("a ZIP archive (.zip)"), or None for no kind known."""
    guess = filetype.guess(data)
    return _refused_kind(guess, "").removeprefix("the file is ") if guess else None


def _refused_kind(guess: filetype.Type | None, suffix: str) -> str:
    """What a refused file is, in a teacher's words rather than a MIME type: "the file is a Windows program (.exe)";
    content of no known kind is binary data, named with the file's own extension."""
    if guess is None:
        return f"the file is binary data ({suffix})" if suffix else "the file is binary data"
    words = KIND_WORDS.get(guess.extension) or FAMILY_WORDS.get(guess.mime.split("/")[0], "a kind of file")
    return f"the file is {words} (.{guess.extension})"


def precheck(
    data: bytes, filename: str, caps: Caps = DEFAULT_CAPS, progress: Progress | None = None
) -> tuple[str, int]:
    """Read a file before it is queued as ingesting will, so a file queued goes in; returns its kind and pages."""
    kind = detect_kind(data, filename)
    if kind == "pdf":
        return kind, _precheck_pdf(data, caps)
    return kind, len(parse(data, filename, caps).pages)


def _precheck_pdf(data: bytes, caps: Caps) -> int:
    """A PDF's pages, refusing one that ingesting would find no text in; never OCR, which costs as much as ingesting."""
    # One page with text is enough for ingesting to keep the file: reading on (117 pages of a book take seconds)
    # would hold the upload for what ingesting reads anyway.
    read = read_pdf(data, caps, until=_has_text)
    if any(_has_text(text) for text, _, _ in read.pages):
        return read.count
    if not any(_scanned(text, image) for text, _, image in read.pages):
        raise InvalidInput(NO_TEXT)
    if not caps.ocr:
        raise UnsupportedFile(SCAN_WITHOUT_OCR)
    return read.count


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), falling back to Latin-1 only for text that is clearly not binary."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if sum(ch.isprintable() or ch.isspace() for ch in text) < 0.95 * len(text):
        raise UnsupportedFile("the file is not readable text")
    return text


def parse(data: bytes, filename: str, caps: Caps = DEFAULT_CAPS, progress: Progress | None = None) -> Parsed:
    """Parse a file of any supported kind within the caps; raises InvalidInput with the reason if it cannot."""
    report = progress or (lambda **_: None)
    kind = detect_kind(data, filename)
    stem = PurePath(filename).stem
    if kind == "pdf":
        title, pages = _pdf(data, caps, report)
    elif kind in READERS:
        title, pages = READERS[kind](unpack(data, caps) if kind in CONTAINERS else data)
    elif kind == "csv":
        title, pages = read_delimited(decode_text(data), stem, tabs=filename.lower().endswith(".tsv"))
    else:
        title, pages = _text(kind, decode_text(data), filename)
    _check(pages, caps)
    if not any(page.sections for page in pages):
        raise InvalidInput("no text could be extracted from the file")
    return Parsed(kind=kind, title=title or stem, pages=pages)


def _text(kind: str, source: str, filename: str) -> tuple[str, list[Page]]:
    """Markdown, reStructuredText, code or plain text as one page."""
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
    return title, [Page(text=text, sections=[s for s in sections if s.text.strip()])]


def _pdf(data: bytes, caps: Caps, report: Progress) -> tuple[str, list[Page]]:
    """A PDF's title and pages from their text layer; a page with (almost) none is read by OCR when that is on."""
    read = read_pdf(data, caps)
    pages = [
        Page(text=_unnumbered(_tidy(_bullets(text)), {str(n), label or str(n)}), number=n, label=label)
        for n, (text, label, _) in enumerate(read.pages, 1)
    ]
    images = {n for n, (text, _, image) in enumerate(read.pages, 1) if _scanned(text, image)}
    scanned = [page for page in pages if page.number in images] if caps.ocr else []
    report(pages_total=len(pages), pages_done=len(pages) - len(scanned))
    for done, page in enumerate(scanned, len(pages) - len(scanned)):
        report(budget=caps.ocr_page_seconds, step=f"OCR of page {page.number}")
        # The recogniser often drops the spaces of English lines ("Fillin afaultcard"); no question matches those.
        text = split_words(_tidy(recognise(render_page(data, cast(int, page.number), caps.ocr_max_pixels))))
        if len(text) > len(page.text):
            page.text, page.ocr = text, True
        report(pages_done=done + 1)
    for page, text in zip(pages, rejoin([page.text for page in pages]), strict=True):
        page.text = text
    # Every page carries the title as its heading, as Markdown sections carry theirs: page 2 of a handout on
    # the TC-90 is about the TC-90 where it never says so.
    title = pdf_title(read, pages[0].text) if pages else ""
    for page in pages:
        page.sections = [Section(page.text, title)] if _has_text(page.text) else []
    return title, pages


def _unnumbered(text: str, numbers: set[str]) -> str:
    """A page's text without the number printed in its footer or header ("3", "Page 3", "- 3 -", "3 / 12"): it
    is no word of the sentence the page's text ends with ("... it should be written\n3" quoted to a student)."""
    lines = text.split("\n")
    for end in (-1, 0):
        found = PAGE_NUMBER.fullmatch(lines[end].strip()) if len(lines) > 1 else None
        if found and found.group(1).lower() in numbers:
            del lines[end]
    return "\n".join(lines).strip("\n")


def _has_text(text: str) -> bool:
    """Whether a PDF page's text gives it a section: a file with none is refused, at upload or at ingest."""
    return bool(text.strip())


def _scanned(text: str, image: bool) -> bool:
    """Whether a PDF page is read by OCR when that is on: it draws an image and has (almost) no text layer."""
    return image and len(text.split()) < OCR_BELOW_WORDS


def pdf_title(read: PdfText, first_page: str) -> str:
    """A PDF's title: the /Title it was given, else its first page's line set largest, else that page's first line."""
    # A word processor's handout often opens with its department's or course's name above its title: its first
    # line names who wrote it, not what it is about.
    return _given_title(read.title, first_page) or _largest_line(read.lines) or _first_line(first_page)


def _given_title(title: str, first_page: str) -> str:
    """The /Title when it names the document: no file name or path, and every word of it printed on the first page
    (a template's or an older version's title, or a placeholder like 'Untitled', is not)."""
    words = _words(title)
    printed = words and words <= _words(first_page) and len(title) <= TITLE_CHARS
    return title if printed and not FILE_NAME.search(title) else ""


def _largest_line(lines: list[tuple[str, float]]) -> str:
    """The first page's line set in its largest font, with the lines it wraps onto, when that is clearly larger than
    most of its text and reads as a title; else ''."""
    if not lines:
        return ""
    body = Counter[float]()
    for text, size in lines:
        body[size] += len(text)
    largest = max(size for _, size in lines)
    if largest < TITLE_SIZE * body.most_common(1)[0][0]:
        return ""
    start = next(n for n, (_, size) in enumerate(lines) if size == largest)
    end = next((n for n, (_, size) in enumerate(lines[start:], start) if size != largest), len(lines))
    return _titled(" ".join(text for text, _ in lines[start:end]))


def _first_line(page: str) -> str:
    """A page's first line when it reads as a title, or the next when the first is a letterhead above one; else ''."""
    first, second = ([line.strip() for line in page.splitlines() if line.strip()] + ["", ""])[:2]
    if LETTERHEAD.match(first) and _titled(second):
        return second
    return _titled(first)


def _titled(line: str) -> str:
    """The line when it reads as a title (a few words, no full stop); else ''."""
    words = line.split()
    titled = 2 <= len(words) <= PDF_TITLE_WORDS and not line.endswith((".", ",", ";", ":"))
    return line if titled and len(line) <= TITLE_CHARS and any(c.isalpha() for c in line) else ""


def _words(text: str) -> set[str]:
    """A text's words, in one case and with ligatures ('ﬁ') spelled out."""
    return set(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _check(pages: list[Page], caps: Caps) -> None:
    """Refuse a document with more pages or text than the caps allow, whatever its format."""
    if len(pages) > caps.pages:
        raise InvalidInput(f"the document has {len(pages)} pages, more than the limit of {caps.pages} (max_pages)")
    total = 0
    for index, page in enumerate(pages, 1):
        total += len(page.text)
        named = page.label if page.label and " " in page.label else ""  # "cell 3", "slide 2"; not a PDF's "iv"
        check_chars(named or f"page {page.number or index}", len(page.text), total, caps)


def text_title(text: str) -> str:
    """A plain-text file's first line when it stands alone as a short paragraph, as a title does; else ''."""
    first, blank, rest = text.strip().partition("\n\n")
    first = first.strip()
    return first if blank and rest.strip() and "\n" not in first and len(first) <= TITLE_CHARS else ""


def _bullets(text: str) -> str:
    """A PDF's bullets as bullets: one set in a symbol font (Symbol, Wingdings), as slides and word processors set
    theirs, comes out of its text layer as a private-use character that shows as a box and marks no list."""
    return GLYPH_BULLET.sub("\\1\u2022 ", text)


def _tidy(text: str) -> str:
    """Normalise line endings, spell out ligatures and strip trailing spaces and control characters, keeping line
    structure."""
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).translate(LIGATURES)
    return re.sub(r"(?<![ \t])[ \t]+\n", "\n", text).strip("\n")  # starts only at a run, so linear
