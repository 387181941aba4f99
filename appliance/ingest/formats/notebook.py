"""Jupyter notebooks with nbformat: markdown cells with their headings, code as code, text outputs; a cell per page."""

import warnings

from nbformat import NBFormatError, ValidationError, reads
from nbformat.reader import NotJSONError

from appliance.errors import InvalidInput
from appliance.ingest.document import Page
from appliance.ingest.formats.layout import code_lines
from appliance.ingest.markup import MD_HEADING, Outline

TEXT_OUTPUTS = ("stream", "execute_result", "display_data", "error")
# What nbformat raises for a file that is no notebook, or one that breaks its schema (no "metadata", say).
UNREADABLE = (NotJSONError, NBFormatError, ValidationError, UnicodeDecodeError, ValueError, KeyError, AttributeError)


def looks_like_notebook(data: bytes) -> bool:
    """A JSON object whose first keys are a notebook's (the extension alone does not make one)."""
    head = data[:4096].lstrip()
    return head.startswith(b"{") and b'"cells"' in data[: 1 << 20] and b'"nbformat"' in data


def read_ipynb(data: bytes) -> tuple[str, list[Page]]:
    """The notebook's first heading and one page per non-empty cell, numbered as the cells are."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns of fields that older notebooks lack
            notebook = reads(data.decode("utf-8"), as_version=4)
    except UNREADABLE as error:
        raise InvalidInput(f"the notebook cannot be read ({str(error)[:200]})") from None
    language = notebook.metadata.get("kernelspec", {}).get("language", "") or ""
    pages: list[Page] = []
    path: tuple[tuple[int, str], ...] = ()
    for number, cell in enumerate(notebook.cells, 1):
        out = Outline(path)
        if cell.cell_type == "markdown":
            _markdown(cell.source, out)
        elif cell.cell_type == "code":
            _code(cell, language, out)
        text, sections = out.finish()
        path = tuple(out.path)
        if text.strip():
            pages.append(Page(text=text, number=number, label=f"cell {number}", sections=sections))
    title = next((s.heading.split(" > ")[0] for page in pages for s in page.sections if s.heading), "")
    return title, pages


def _markdown(source: str, out: Outline) -> None:
    fenced = False
    for line in source.split("\n"):
        fenced ^= line.lstrip().startswith(("```", "~~~"))
        if not fenced and (match := MD_HEADING.match(line)):
            out.heading(len(match.group(1)), match.group(2))
        else:
            out.line(line.rstrip())


def _code(cell, language: str, out: Outline) -> None:
    for line in code_lines(cell.source, language):
        out.line(line)
    for output in cell.get("outputs", []):
        if output.output_type not in TEXT_OUTPUTS:
            continue
        text = output.get("text") or output.get("data", {}).get("text/plain") or ""
        if output.output_type == "error":
            text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
        if text.strip():
            out.line("Output:")
            for line in code_lines(text if isinstance(text, str) else "".join(text)):
                out.line(line)
