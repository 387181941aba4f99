"""Structure written as Markdown lines, so the reader and answers can show tables and code as such."""

import re
from collections.abc import Iterable

BACKTICKS = re.compile(r"`+")


def table_lines(rows: Iterable[Iterable[str]]) -> list[str]:
    """A Markdown pipe table: the first row is the header; cell line breaks become spaces."""
    cells = [[" ".join(cell.split()).replace("|", "\\|") for cell in row] for row in rows]
    cells = [row for row in cells if any(row)]
    if not cells:
        return []
    width = max(len(row) for row in cells)
    lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in cells]
    return [lines[0], "|" + " --- |" * width, *lines[1:], ""]


def code_lines(code: str, language: str = "") -> list[str]:
    """A fenced code block, its fence longer than any backtick run inside."""
    fence = "`" * max(3, 1 + max((len(run) for run in BACKTICKS.findall(code)), default=0))
    return [fence + language, *code.rstrip().split("\n"), fence, ""]
