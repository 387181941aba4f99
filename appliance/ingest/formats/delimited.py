"""CSV and TSV files (a schedule, a parts list) as Markdown tables under their header row, a page per run of rows."""

import csv
import io
import itertools

from appliance.errors import InvalidInput
from appliance.ingest.document import Page, Section
from appliance.ingest.formats.layout import table_lines

DELIMITERS = ",;\t|"  # Excel writes ";" where the decimal mark is a comma
SNIFF_LINES = 20  # the lines a delimiter is chosen on
MAX_COLUMNS = 100  # a wider "table" is not one a student can read, nor a row a passage can hold
PAGE_ROWS = 50  # the rows cited as a page ("rows 2–51", numbered as a spreadsheet numbers them)
# A page's rows go in tables of about this many characters, each under the header row, so that a passage cut from
# a long table still says what its cells are.
TABLE_CHARS = 600


def read_delimited(text: str, title: str, tabs: bool = False) -> tuple[str, list[Page]]:
    """A CSV's (with `tabs`, a TSV's) rows as Markdown tables under its first row; a page per PAGE_ROWS rows."""
    rows = _rows(text, "\t" if tabs else _delimiter(text))
    if len(rows) < 2:
        raise InvalidInput("the CSV file has no rows below its header row")
    header, body = rows[0], rows[1:]
    if len(body) <= PAGE_ROWS:
        return title, [_page(header, body, title)]
    pages = []
    for number, start in enumerate(range(0, len(body), PAGE_ROWS), 1):
        part = body[start : start + PAGE_ROWS]
        pages.append(_page(header, part, title, number, f"rows {start + 2}–{start + len(part) + 1}"))
    return title, pages


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number of cells, the most of them; else a comma."""
    head = "".join(itertools.islice(io.StringIO(text), SNIFF_LINES))

    def fit(delimiter: str) -> int:
        widths = {len(row) for row in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter) if row}
        return widths.pop() if len(widths) == 1 else 0

    return max(DELIMITERS, key=fit) if any(fit(d) > 1 for d in DELIMITERS) else ","


def _rows(text: str, delimiter: str) -> list[list[str]]:
    """The file's non-empty rows; refused, with the line at fault, when they are no table."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise InvalidInput(f"the CSV file cannot be read as a table (line {reader.line_num}: {error})") from None
    for number, row in enumerate(rows, 1):
        if len(row) > MAX_COLUMNS:
            raise InvalidInput(
                f"row {number} of the CSV file has {len(row)} cells; a table may have at most {MAX_COLUMNS} columns"
            )
    return rows


def _page(header: list[str], rows: list[list[str]], title: str, number: int | None = None, label: str = "") -> Page:
    """Rows as tables of about TABLE_CHARS each, every one under the header row, as one page."""
    lines: list[str] = []
    block: list[list[str]] = []
    size = 0
    for row in rows:
        block.append(row)
        size += sum(len(cell) + 3 for cell in row)
        if size >= TABLE_CHARS:
            lines += table_lines([header, *block])
            block, size = [], 0
    lines += table_lines([header, *block]) if block else []
    text = "\n".join(lines).rstrip()
    return Page(text=text, number=number, label=label or None, sections=[Section(text, title)])
