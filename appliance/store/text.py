"""Words as search, ingestion and answering all see them, and the text embedded for a chunk."""

import itertools
import re

# Words too common to help a keyword match; FTS5 would otherwise rank on them.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "also",
        "any",
        "more",
        "most",
        "other",
        "over",
        "under",
        "up",
        "very",
    ]
)
WORD = re.compile(r"\w+", re.UNICODE)
# The start of a Markdown table's rule line under its header row: "| --- |", "|:--".
TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-{3,}")
# A table whose columns are things has no header over its column of labels ("| | Stallard HK-60 | Thewlis GC-3 |"),
# and a cell of words alone (no digit, no dash for "none") may name one as a student does: "glycol chiller".
THINGS_HEADER = re.compile(r"[ \t]*\|[ \t]*\|")
NAMING_CELL = re.compile(r"(?=\D*[^\W\d_]{3})[^\d\u2013\u2014]+")
LINE = re.compile(r"^.*$", re.MULTILINE)


def embedding_text(heading: str, text: str) -> str:
    """Embed the heading path with the text: a passage under 'PID > Tuning' is about PID tuning."""
    return f"{heading}\n{text}" if heading else text


def table_header(text: str, at: int) -> str:
    """The header row (its cells, outer bars stripped) of the Markdown table whose line holding `at` lies below the
    header and its rule line; "" when that line is the header or no table's."""
    line = text.rfind("\n", 0, at) + 1
    header = _header_line(text, line)
    return text[header : text.find("\n", header)].strip(" |") if header is not None else ""


def column_names(text: str, at: int) -> str:
    """The rows saying what each column is, one per line, of the table whose line holding `at` lies below its header,
    when its columns are things: each of their cells is words alone ("What it is | mash tun | glycol chiller")."""
    header = _header_line(text, text.rfind("\n", 0, at) + 1)
    if header is None or not THINGS_HEADER.match(text, header):
        return ""
    lines = (line.group() for line in LINE.finditer(text, header))
    rows = itertools.takewhile(lambda row: row.lstrip().startswith("|"), itertools.islice(lines, 2, None))
    return "\n".join(row.strip() for row in rows if names_things(row))


def names_things(row: str) -> bool:
    """Whether each cell of a table row after its label is words alone, naming a thing ("glycol chiller")."""
    values = row.strip().strip("|").split("|")[1:]
    return bool(values) and all(NAMING_CELL.fullmatch(cell.strip()) for cell in values)


def table_lead(text: str, at: int) -> str:
    """What rows cut off from their table's top are read with: its header row, then the rows naming its columns
    (see column_names)."""
    return "\n".join(filter(None, (table_header(text, at), column_names(text, at))))


def _header_line(text: str, line: int) -> int | None:
    """Where the header row starts of the Markdown table whose row starts at `line`, when that row lies below the
    header and its rule line."""
    if not text.startswith("|", len(text) - len(text[line:].lstrip(" \t"))):
        return None
    header = line
    while header and text[text.rfind("\n", 0, header - 1) + 1 : header].lstrip().startswith("|"):
        header = text.rfind("\n", 0, header - 1) + 1
    end = text.find("\n", header)
    # A text may start inside a table: its first row is a header only when the |---| rule follows it.
    return header if header != line and end >= 0 and TABLE_RULE.match(text, end + 1) else None
