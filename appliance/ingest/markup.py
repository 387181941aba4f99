"""Markdown/MDX and reStructuredText to clean text, with each section's heading path and offset."""

import re

from appliance.ingest.document import Section

# Every pattern here runs on uploaded text while holding the GIL, so each must be linear: no two
# quantifiers may compete for the same characters, and no scan may run past the next place a match
# could start (so "[[[[..." or a line of spaces costs one pass, not one pass per character).
FENCE = re.compile(r"^\s*(```|~~~)")
MD_HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
FRONT_TITLE = re.compile(r"^title:(.*)$", re.M)
JSX_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s(?:[^<>{}]|\{[^{}]*\})*)?/?>")
COMMENTS = (("{/*", "*/}"), ("<!--", "-->"))
LINK_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # one level of parentheses, as in wiki URLs
MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]" + LINK_TARGET)
MD_LINK = re.compile(r"\[([^\[\]]+)\]" + LINK_TARGET)
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")

LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")  # a Markdown list item's line

RST_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")
RST_ROLE = re.compile(r":[\w:.-]{1,60}:`([^`<]*)(?:<[^`>]*>)?`")
RST_LINK = re.compile(r"`([^`<]+)<[^`>]*>`__?")
RST_LITERAL = re.compile(r"``(.+?)``")
RST_DIRECTIVE = re.compile(r"^\s*\.\.\s")
RST_OPTION = re.compile(r"^\s+:[\w-]+:")
# Directives whose argument is prose a student should be able to find.
RST_PROSE = {"note", "warning", "tip", "important", "caution", "attention", "hint", "danger", "seealso", "topic"}


class Outline:
    """Collects clean lines and opens a section at every heading; `path` carries headings over from a page before."""

    def __init__(self, path: tuple[tuple[int, str], ...] = ()):
        self.lines: list[str] = []
        self.offset = 0
        self.path: list[tuple[int, str]] = list(path)
        self.sections: list[Section] = [Section("", " > ".join(t for _, t in path), 0)]

    def line(self, text: str) -> None:
        if not text.strip() and self.lines and not self.lines[-1].strip():
            return  # removed markup leaves runs of blank lines; one is enough
        self.lines.append(text)
        self.offset += len(text) + 1

    def block(self, text: str) -> None:
        """A line that is a block of its own (a heading, a Word paragraph, a table's first row): a list before it
        ends, else Markdown reads it as its last item's lazy continuation, and the reader shows it in that item."""
        self._end_list()
        self.line(text)

    def _end_list(self) -> None:
        if self.lines and LIST_ITEM.match(self.lines[-1]):
            self.line("")

    def heading(self, level: int, title: str) -> None:
        self._end_list()  # the heading's section starts after the blank line ending the list
        self.path = [(lvl, t) for lvl, t in self.path if lvl < level] + [(level, title)]
        self.sections.append(Section("", " > ".join(t for _, t in self.path), self.offset))
        self.line(title)

    def finish(self) -> tuple[str, list[Section]]:
        text = "\n".join(self.lines)
        ends = [s.start for s in self.sections[1:]] + [len(text)]
        for section, end in zip(self.sections, ends, strict=True):
            section.text = text[section.start : end].rstrip()
        # A heading with nothing under it before the next ("# The Tidewell Pressure Rig" over "## Overview") is no
        # passage: it answers nothing, and its title is in every heading under it.
        return text, [s for s in self.sections if s.text.strip() not in ("", s.heading.rsplit(" > ", 1)[-1])]


def markdown(source: str) -> tuple[str, str, list[Section]]:
    """Markdown or MDX: front matter, imports, JSX/HTML tags and link targets removed."""
    source = source.replace("\r\n", "\n")
    title = ""
    if match := FRONT_MATTER.match(source):
        if found := FRONT_TITLE.search(match.group(1)):
            title = found.group(1).strip().strip("'\"").strip()
        source = source[match.end() :]
    for opening, closing in COMMENTS:
        source = _drop_comments(source, opening, closing)
    out, in_code = Outline(), False
    for raw in source.split("\n"):
        if FENCE.match(raw):
            in_code = not in_code
            out.line(raw.rstrip())
        elif in_code:
            out.line(raw.rstrip())
        elif re.match(r"^(import|export)\s", raw):
            continue
        elif match := MD_HEADING.match(raw):
            out.heading(len(match.group(1)), _inline_md(_heading_title(match.group(2))))
        else:
            out.line(_inline_md(JSX_TAG.sub("", raw)).rstrip())
    text, sections = out.finish()
    return title or _first_heading(sections), text, sections


def _drop_comments(source: str, opening: str, closing: str) -> str:
    """The source without its comments; an unclosed one is kept, as the old regex did, in one pass."""
    kept, at = [], 0
    while (start := source.find(opening, at)) >= 0 and (end := source.find(closing, start + len(opening))) >= 0:
        kept.append(source[at:start])
        at = end + len(closing)
    return "".join(kept) + source[at:]


def _heading_title(body: str) -> str:
    """An ATX heading's text without its optional closing run of '#' (which needs a space before it)."""
    body = body.rstrip()
    bare = body.rstrip("#")
    return bare.rstrip() if bare != body and bare[-1:].isspace() else body


def _inline_md(text: str) -> str:
    return MD_EMPHASIS.sub(r"\2", MD_LINK.sub(r"\1", MD_IMAGE.sub(r"\1", text)))


def rst(source: str) -> tuple[str, str, list[Section]]:
    """reStructuredText: headings by adornment order, directives and role markup removed."""
    lines = source.replace("\r\n", "\n").split("\n")
    styles: list[tuple[str, bool]] = []
    out, i = Outline(), 0
    while i < len(lines):
        line = lines[i]
        overline = bool(RST_ADORNMENT.match(line)) and i + 2 < len(lines) and lines[i + 2] == line
        title_at = i + 1 if overline else i
        under = lines[title_at + 1] if title_at + 1 < len(lines) else ""
        title = lines[title_at].strip()
        if title and not RST_ADORNMENT.match(title) and RST_ADORNMENT.match(under) and len(under) >= len(title):
            style = (under[0], overline)
            if style not in styles:
                styles.append(style)
            out.heading(styles.index(style) + 1, _inline_rst(title))
            i = title_at + 2
            continue
        if RST_DIRECTIVE.match(line) or (RST_OPTION.match(line) and out.lines and not out.lines[-1].strip()):
            # Directive markers and their options say how to render, not what the page says.
            name, _, body = line.strip()[3:].partition("::")
            out.line(_inline_rst(body.strip()) if name.strip() in RST_PROSE else "")
        elif not RST_ADORNMENT.match(line):
            out.line(_inline_rst(line.rstrip()))
        i += 1
    text, sections = out.finish()
    return _first_heading(sections), text, sections


def _inline_rst(text: str) -> str:
    text = RST_LINK.sub(_label, RST_ROLE.sub(_label, text))
    return RST_LITERAL.sub(r"\1", text)


def _label(match: re.Match) -> str:
    """A role's or link's visible text; the space before its '<target>' is trimmed here, not by the regex."""
    return match.group(1).rstrip()


def _first_heading(sections: list[Section]) -> str:
    return next((s.heading.split(" > ")[0] for s in sections if s.heading), "")
