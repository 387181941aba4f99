"""Web pages and EPUB chapters with lxml: the main content with its headings; scripts, styles, navigation dropped."""

import re

import lxml.html
from lxml import etree

from appliance.errors import InvalidInput
from appliance.ingest.document import Page, Section
from appliance.ingest.formats.layout import code_lines, table_lines
from appliance.ingest.markup import Outline

DROPPED = ("script", "style", "nav", "header", "footer", "aside", "noscript", "template", "iframe", "form", "svg")
HEADING = re.compile(r"^h([1-6])$")
INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup"}
INLINE |= {"time", "u", "var", "br", "img", "label", "bdi", "bdo", "data", "dfn", "samp"}
BLOCKS = {"p", "dt", "dd", "figcaption", "caption", "blockquote", "address"}
LANGUAGE = re.compile(r"(?:language|lang)-([\w+-]+)")
DEPTH_LIMIT = "Excessive depth"  # libxml2 stops at 256 levels and says so


def read_html(data: bytes) -> tuple[str, list[Page]]:
    """The page's title and its main content as one page."""
    root = parse_html(data)
    out = Outline()
    _walk(main_content(root), out)
    text, sections = out.finish()
    titles = root.xpath("//title")
    title = " ".join(titles[0].text_content().split()) if titles else ""
    title = title or next((s.heading.split(" > ")[0] for s in sections if s.heading), "")
    return title, [Page(text, sections=sections)]


def outline(data: bytes, path: tuple[tuple[int, str], ...] = ()) -> tuple[str, list[Section]]:
    """A chapter's text and sections, its headings under `path`."""
    out = Outline(path)
    _walk(main_content(parse_html(data)), out)
    return out.finish()


def parse_html(data: bytes):
    """The page as a tree, refused when its tags nest deeper than a page ever needs."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InvalidInput(f"the web page cannot be read ({error})") from None
    if any(DEPTH_LIMIT in entry.message for entry in parser.error_log):
        raise InvalidInput("the web page nests its tags more than 256 deep; no real page does")
    for node in root.xpath("|".join(f"//{tag}" for tag in DROPPED)):
        node.drop_tree()
    return root


def main_content(root):
    """The page's main element or article when it marks one, else its body."""
    for path in ("//main", "//*[@role='main']", "//article", "//body"):
        if found := root.xpath(path):
            return found[0]
    return root


def _walk(node, out: Outline) -> None:
    """Blocks under `node` in order; runs of text and inline elements between them become one line each."""
    run = [node.text]
    for child in node:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in INLINE or not tag:
            run += [child.text_content() if tag else "", child.tail]
            continue
        _flush(run, out)
        _block(child, tag, out)
        run = [child.tail]
    _flush(run, out)


def _block(child, tag: str, out: Outline) -> None:
    if match := HEADING.match(tag):
        out.heading(int(match.group(1)), _words(child))
    elif tag in BLOCKS:
        out.line(_words(child))
        out.line("")
    elif tag == "li":
        out.line(_marker(child) + _words(child))
    elif tag == "pre":
        language = LANGUAGE.search(" ".join(child.xpath(".//@class")))
        for line in code_lines(child.text_content(), language.group(1) if language else ""):
            out.line(line)
    elif tag == "table":
        rows = [[_words(cell) for cell in row.xpath("./th|./td")] for row in child.xpath(".//tr")]
        for line in table_lines(rows):
            out.line(line)
    else:
        _walk(child, out)


def _marker(item) -> str:
    """A list item's mark: its number in an ordered list ("6. ", from the list's `start` or the item's `value`),
    which "what is step 6?" asks by; else a bullet."""
    parent = item.getparent()
    if parent is None or not isinstance(parent.tag, str) or parent.tag.lower() != "ol":
        return "- "
    number = _number(parent.get("start"), 1) - 1
    for sibling in parent.iterchildren("li"):
        number = _number(sibling.get("value"), number + 1)
        if sibling is item:
            break
    return f"{number}. "


def _number(value: str | None, default: int) -> int:
    """An HTML list number attribute, or `default` when it is missing or no integer (pages write "a" or "")."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _flush(run: list[str | None], out: Outline) -> None:
    text = " ".join("".join(part or "" for part in run).split())
    if text:
        out.line(text)


def _words(node) -> str:
    return " ".join(node.text_content().split())
