"""Words as search, ingestion and answering all see them, and the text embedded for a chunk."""

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


def embedding_text(heading: str, text: str) -> str:
    """Embed the heading path with the text: a passage under 'PID > Tuning' is about PID tuning."""
    return f"{heading}\n{text}" if heading else text


def table_header(text: str, at: int) -> str:
    """The header row (its cells, outer bars stripped) of the Markdown table whose line holding `at` lies below the
    header and its rule line; "" when that line is the header or no table's."""
    line = text.rfind("\n", 0, at) + 1
    if not text.startswith("|", len(text) - len(text[line:].lstrip(" \t"))):
        return ""
    header = line
    while header and text[text.rfind("\n", 0, header - 1) + 1 : header].lstrip().startswith("|"):
        header = text.rfind("\n", 0, header - 1) + 1
    end = text.find("\n", header)
    # A text may start inside a table: its first row is a header only when the |---| rule follows it.
    return text[header:end].strip(" |") if header != line and end >= 0 and TABLE_RULE.match(text, end + 1) else ""
