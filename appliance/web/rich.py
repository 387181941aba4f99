"""Markdown (answers, source passages, pages) as a tree of safe nodes: raw HTML stays text, equations become MathML.

A node is a string (text) or `[tag, {attributes}, *children]`; the browser (static/js/rich.js) builds it with
createElement and textContent, so nothing in material or answers is ever interpreted as HTML.

A page's tree also says where its text is in the page: `["span", {"data-at": n}, text]` is the page's text from
offset n, `["span", {"class": "math", "data-at": a, "data-to": b}, math]` an equation written at [a, b), and
`["span", {"class": "line-end", "data-at": n}, "\n"]` a line break shown as one (around a line standing alone)
where the rest of a page's line breaks read as spaces. The reader highlights evidence and maps a selection back to
the page by these offsets, and `clip` cuts a passage out of it.
"""

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

from appliance.answer.evidence import lone_lines
from appliance.store.text import names_things
from appliance.web.mathml import math_nodes

# allow_space/allow_digits off: "$5 to $10" is money, "$x$" is maths.
PARSER = (
    MarkdownIt("commonmark", {"html": False, "linkify": False})
    .enable("table")
    .enable("strikethrough")
    .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    .use(texmath_plugin, delimiters="brackets")
)
SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#|/(?!/))", re.I)  # as static/js/rich.js
TAGS = {
    "paragraph": "p",
    "bullet_list": "ul",
    "ordered_list": "ol",
    "list_item": "li",
    "blockquote": "blockquote",
    "em": "em",
    "strong": "strong",
    "s": "s",
    "table": "table",
    "thead": "thead",
    "tbody": "tbody",
    "tr": "tr",
    "th": "th",
    "td": "td",
}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table", "hr", "div"}
MATH = {"math_inline", "math_inline_double", "math_single", "math_block", "math_block_eqno"}
MARKDOWN_KINDS = {"markdown", "docx", "pptx", "odt", "odp", "epub", "ipynb", "html", "csv"}
OPENERS = ("$$", "\\[", "\\(", "$")  # longest first
CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}
# A line break that no wrapping makes: one beside a blank line (a text file's paragraphs), or one before a list
# item ("2. Press the red button", "- spare fuses"), which a text file's or a PDF's list starts on a line of its own.
BREAK = re.compile(r"\n(?=\n|[ \t]*(?:\d{1,2}[.)]|[-*+•◦▪‣])[ \t])|(?<=\n)\n")
NEARBY = 64  # how far on a character of rewritten text (an entity, an escape, de-indented code) is looked for
SKIPPED = 4096  # how much markup (a link's address, a fence's line) may come before the next text


def to_nodes(text: str) -> list:
    """The node tree of a Markdown text."""
    return _Builder(_Unplaced()).children(SyntaxTreeNode(PARSER.parse(text)))


def page_nodes(kind: str, text: str) -> list:
    """A page as nodes placed in its text: Markdown formats with their structure, code as one block, the rest plain."""
    if kind in MARKDOWN_KINDS:
        # Length-kept for the parser, which would turn \r\n into \n and shift every offset after it.
        return _Builder(_Placer(text)).children(SyntaxTreeNode(PARSER.parse(text.replace("\r", " "))))
    if kind == "code":
        return [["pre", {}, ["code", {}, ["span", {"data-at": 0}, text] if text else ""]]]
    return _plain(text) if text else [""]


def _plain(text: str) -> list:
    """A plain page (a PDF's, a text file's) as spans at their offsets, its line ends that show as breaks apart."""
    out: list = []
    at = 0
    for end in _line_ends(text):
        out += [["span", {"data-at": at}, text[at:end]]] if end > at else []
        out.append(["span", {"class": "line-end", "data-at": end}, "\n"])
        at = end + 1
    return [*out, ["span", {"data-at": at}, text[at:]]] if at < len(text) else out


def _line_ends(text: str) -> list[int]:
    """The line breaks a page shows as breaks: before and after each line standing alone (a heading, a title, a
    "Weight 1.4 kg" line), around a blank line and before a list item. A PDF keeps its layout's lines and a Markdown
    paragraph may be wrapped by hand: the lines of a wrapped paragraph read as running text (answer/evidence.py
    tells them apart, for its sentences)."""
    ends = lone_lines(text)
    breaks = {found.start() for found in BREAK.finditer(text)}
    return sorted(({text.rfind("\n", 0, end) for end in ends} | set(ends) | breaks) - {-1, len(text)})


def inline(nodes: list) -> list:
    """Nodes to show within a sentence: a lone paragraph's content, else the blocks themselves."""
    only = nodes[0] if len(nodes) == 1 else None
    return only[2:] if isinstance(only, list) and only[0] == "p" else nodes


def has_blocks(nodes: list) -> bool:
    """Whether the nodes hold a block (a paragraph, table, code or a displayed equation): not for inside a line."""
    return any(
        isinstance(node, list) and (node[0] in BLOCKS or node[1].get("display") == "block" or has_blocks(node[2:]))
        for node in nodes
    )


def clip(nodes: list, start: int, end: int) -> list:
    """The part of a page's tree that shows its text [start, end): a quoted table row keeps the table's head, a
    quoted list item its number."""
    return _clip_children(nodes, start, end)


def _clip_children(children: list, start: int, end: int) -> list:
    return _joined(children, _parts(children, start, end))


def _parts(children: list, start: int, end: int) -> list:
    """Each child clipped (None for text the markup made and an element holding none: a line break, a rule, no
    part of the page's text)."""
    return [None if isinstance(child, str) or len(child) == 2 else _clip(child, start, end) for child in children]


def _joined(children: list, parts: list) -> list:
    """The clipped children in order, with the markup-made ones between kept text."""
    kept = [i for i, part in enumerate(parts) if part]
    out: list = []
    for i, (child, part) in enumerate(zip(children, parts, strict=True)):
        if part is None and kept and kept[0] < i < kept[-1]:
            out.append(child)  # between kept text: a hard line break keeps "Room 4" off the line "Address" is on
        elif part:
            out += part
    return out


def _clip(node: list, start: int, end: int) -> list:
    tag, attrs, *children = node
    if "data-to" in attrs:
        return [node] if attrs["data-at"] < end and attrs["data-to"] > start else []
    if "data-at" in attrs:
        at, text = attrs["data-at"], children[0]
        low, high = max(start, at), min(end, at + len(text))
        return [[tag, attrs | {"data-at": low}, text[low - at : high - at]]] if low < high else []
    parts = _parts(children, start, end)
    kept = _joined(children, parts)
    if tag == "table" and kept and kept[0][0] != "thead" and children[0][0] == "thead":
        kept = [children[0], *_named(children, kept)]
    if tag == "ol" and kept:
        # A list cut to its third item starts at 3: the item keeps the number the page gives it.
        skipped = next(i for i, part in enumerate(parts) if part)
        attrs = attrs | {"start": int(attrs.get("start", 1)) + skipped} if skipped else attrs
    return [[tag, attrs, *kept]] if kept else []


def _named(children: list, kept: list) -> list:
    """A table's clipped body with the rows naming its columns before its kept rows, when its columns are things
    (its head's first cell empty): "What it is | kettle | glycol chiller" says whose "Weight | 41 kg | 62 kg" is."""
    head, body = children[0], children[-1]
    cells = [cell for row in head[2:] for cell in row[2:] if isinstance(cell, list)]
    if body[0] != "tbody" or kept[-1][0] != "tbody" or not cells or _text(cells[0]).strip():
        return kept
    rows = [row for row in body[2:] if isinstance(row, list) and row not in kept[-1][2:]]
    names = [row for row in rows if names_things(" | ".join(_text(cell) for cell in row[2:]))]
    return [*kept[:-1], [*kept[-1][:2], *names, *kept[-1][2:]]] if names else kept


def _text(node: list | str) -> str:
    """A node's text, its markup's aside."""
    return node if isinstance(node, str) else "".join(_text(child) for child in node[2:])


class _Unplaced:
    """Text with no page behind it (an answer): nodes as they are."""

    def enter(self, node: SyntaxTreeNode) -> tuple[int, int]:
        return 0, 0

    def leave(self, saved: tuple[int, int]) -> None:
        """Nothing to restore."""

    def text(self, text: str) -> list:
        return [text] if text else []

    def line_end(self) -> list:
        return ["\n"]

    def atom(self, latex: str, shown: list) -> list:
        return shown


class _Placer:
    """Finds each piece of rendered text in the page, in order, within the lines of the block it is in."""

    def __init__(self, source: str):
        self.source = source
        self.lines = [0] + [m.end() for m in re.finditer("\n", source)]
        self.at, self.limit = 0, len(source)
        self.ends = set(_line_ends(source))

    def enter(self, node: SyntaxTreeNode) -> tuple[int, int]:
        """Look within a block's lines (markdown-it maps each block to them); the old bounds to restore after."""
        saved = self.at, self.limit
        if not node.is_root and node.map:
            first, last = node.map
            self.at = max(self.at, self._offset(first))
            self.limit = self._offset(last)
        return saved

    def leave(self, saved: tuple[int, int]) -> None:
        self.limit = saved[1]

    def _offset(self, line: int) -> int:
        return self.lines[line] if line < len(self.lines) else len(self.source)

    def text(self, text: str) -> list:
        """Text as spans at its offsets: one when the page has it verbatim, else a span per run of characters found."""
        found = self.source.find(text, self.at, min(self.limit, self.at + SKIPPED + len(text))) if text else -1
        if found >= 0:
            self.at = found + len(text)
            return [["span", {"data-at": found}, text]]
        out: list = []
        for char in text:
            hit = self.source.find(char, self.at, min(self.limit, self.at + NEARBY))
            last = out[-1] if out else None
            if hit < 0:
                out.append(char) if not isinstance(last, str) else out.__setitem__(-1, last + char)
                continue
            if isinstance(last, list) and last[1]["data-at"] + len(last[2]) == hit:
                last[2] += char
            else:
                out.append(["span", {"data-at": hit}, char])
            self.at = hit + 1
        return out

    def line_end(self) -> list:
        """A paragraph's line break, marked to show as a break where a line stands alone."""
        placed, at = self.text("\n"), self.at - 1
        if placed == [["span", {"data-at": at}, "\n"]] and at in self.ends:
            return [["span", {"class": "line-end", "data-at": at}, "\n"]]
        return placed

    def atom(self, latex: str, shown: list) -> list:
        """An equation as one piece of the page, its delimiters included."""
        found = self.source.find(latex, self.at, self.limit)
        if found < 0:
            return shown
        before = self.source[max(0, found - NEARBY) : found].rstrip()
        opener = next((o for o in OPENERS if before.endswith(o)), "")
        start = found - (min(found, NEARBY) - len(before)) - len(opener) if opener else found
        end = found + len(latex)
        after = self.source[end : end + NEARBY]
        closer = CLOSERS.get(opener, "")
        if opener and after.lstrip().startswith(closer):
            end += len(after) - len(after.lstrip()) + len(closer)
        self.at = end
        return [["span", {"class": "math", "data-at": start, "data-to": end}, *shown]]


class _Builder:
    """The node tree of a markdown-it syntax tree, its text placed (or not) by `place`."""

    def __init__(self, place: _Placer | _Unplaced):
        self.place = place

    def children(self, node: SyntaxTreeNode) -> list:
        saved = self.place.enter(node)
        out = [built for child in node.children for built in self.node(child)]
        self.place.leave(saved)
        return out

    def node(self, node: SyntaxTreeNode) -> list:
        kind = node.type
        if kind in ("text", "html_inline", "html_block"):
            return self.place.text(node.content)
        if kind == "softbreak":
            return self.place.line_end()
        if kind == "hardbreak":
            return [["br", {}]]
        if kind == "code_inline":
            return [["code", {}, *self.place.text(node.content)]]
        if kind in ("fence", "code_block"):
            saved = self.place.enter(node)
            code = self.place.text(node.content)
            self.place.leave(saved)
            language = node.info.split()[0] if node.info.strip() else ""
            return [["pre", {}, ["code", {"class": f"language-{language}"} if language else {}, *code]]]
        if kind in MATH:
            saved = self.place.enter(node)
            latex = node.content.strip()
            shown = [math_nodes(latex, display=kind.startswith("math_block") or kind.endswith("double"))]
            atom = self.place.atom(latex, shown)
            self.place.leave(saved)
            return atom
        if kind == "heading":
            return [[node.tag, {}, *self.children(node)]]
        if kind == "hr":
            return [["hr", {}]]
        if kind == "link":
            href = str(node.attrs.get("href", ""))
            return [["a", {"href": href}, *self.children(node)]] if SAFE_LINK.match(href) else self.children(node)
        if kind == "image":
            return [f"[image: {node.content or node.attrs.get('alt', '')}]"]  # nothing is loaded from outside the box
        if kind == "inline":
            return self.children(node)
        attrs = {"start": node.attrs["start"]} if kind == "ordered_list" and "start" in node.attrs else {}
        return [[TAGS.get(kind, "div"), attrs, *self.children(node)]]
