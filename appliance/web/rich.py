"""Markdown (answers, source passages, pages) as a tree of safe nodes: raw HTML stays text, equations become MathML.

A node is a string (text) or `[tag, {attributes}, *children]`; the browser (static/js/rich.js) builds it with
createElement and textContent, so nothing in material or answers is ever interpreted as HTML.
"""

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

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
MARKDOWN_KINDS = {"markdown", "docx", "pptx", "odt", "odp", "epub", "ipynb", "html"}


def to_nodes(text: str) -> list:
    """The node tree of a Markdown text."""
    return _children(SyntaxTreeNode(PARSER.parse(text)))


def page_nodes(kind: str, text: str) -> list | None:
    """A page's text as nodes when its format writes Markdown (tables, code), code as one block; else None."""
    if kind in MARKDOWN_KINDS:
        return to_nodes(text)
    if kind == "code":
        return [["pre", {}, ["code", {}, text]]]
    return None


def _children(node: SyntaxTreeNode) -> list:
    return [out for child in node.children for out in _node(child)]


def _node(node: SyntaxTreeNode) -> list:
    kind = node.type
    if kind == "text":
        return [node.content]
    if kind == "softbreak":
        return ["\n"]
    if kind == "hardbreak":
        return [["br", {}]]
    if kind in ("code_inline", "html_inline", "html_block"):
        return [["code", {}, node.content]] if kind == "code_inline" else [node.content]
    if kind in ("fence", "code_block"):
        language = node.info.split()[0] if node.info.strip() else ""
        return [["pre", {}, ["code", {"class": f"language-{language}"} if language else {}, node.content]]]
    if kind in ("math_inline", "math_inline_double", "math_single", "math_block", "math_block_eqno"):
        return [math_nodes(node.content.strip(), display=kind.startswith("math_block") or kind.endswith("double"))]
    if kind == "heading":
        return [[node.tag, {}, *_children(node)]]
    if kind == "hr":
        return [["hr", {}]]
    if kind == "link":
        href = str(node.attrs.get("href", ""))
        return [["a", {"href": href}, *_children(node)]] if SAFE_LINK.match(href) else _children(node)
    if kind == "image":
        return [f"[image: {node.content or node.attrs.get('alt', '')}]"]  # nothing is loaded from outside the box
    if kind == "inline":
        return _children(node)
    attrs = {"start": node.attrs["start"]} if kind == "ordered_list" and "start" in node.attrs else {}
    return [[TAGS.get(kind, "div"), attrs, *_children(node)]]
