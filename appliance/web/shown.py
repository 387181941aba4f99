"""Answers and passages as the web app shows them: each with its safe rich-text nodes (web/rich.py).

Passages and quoted evidence are cut out of their page's rendering, so a quoted table row is a row of its table,
a quoted line of code stays code and an equation is typeset; the model's own sentences are rendered as written.
"""

import re
from functools import lru_cache
from typing import TypeVar

import msgspec

from appliance.answer.events import Done, Evidence, Message, Sentence, Source
from appliance.answer.evidence import quote_of
from appliance.errors import NotFound
from appliance.search.shapes import PassageView
from appliance.store.database import Database
from appliance.web.rich import clip, has_blocks, inline, page_nodes, to_nodes

# The model's own [n] markers are not shown: verification names the source (as static/js/views/chat.js).
MARKERS = re.compile(r"\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\]")
# What may stand between a line's start and a sentence on it, shown with a quote of the sentence: a list marker or
# section number ("3.", "2.1", "a)", "-", "•"), a heading's or code comment's "#", a table's "|", emphasis marks.
# Evidence begins after it (answer/evidence.py: "3" is no number the material states); its quote shows the line as
# the page does ("3. Turn off the main valve.", "# set the gain to 5").
# Each piece is matched once (atomic): "2024" is never tried as "20" and "24", whatever the line.
LEAD = re.compile(r"[ \t]*((?>(?:[-*+>|•◦▪‣–]|#+|\d+(?:\.\d+)*[.)]?|\(?[A-Za-z]\)|[A-Za-z]\.)[ \t]*|\*\*|__|`)*)")
P = TypeVar("P", bound=PassageView)
A = TypeVar("A", Done, Message)


# Pages kept rendered per process: the same few pages hold the best passages search after search.
PAGES_KEPT = 256


class Shown:
    """Renders for one response, each page looked up once."""

    def __init__(self, database: Database):
        self.database = database
        self.pages: dict[tuple[str, int], tuple[str, list] | None] = {}

    def _page(self, document_id: str, number: int | None) -> tuple[str, list] | None:
        """A page's text and placed nodes; None when it is gone."""
        key = (document_id, number or 1)
        if key not in self.pages:
            try:
                # Read every time: a deleted document's page is gone, however recently it was rendered.
                kind = self.database.document(document_id)["kind"]
                self.pages[key] = placed_page(self.database, kind, *key)
            except NotFound:
                self.pages[key] = None
        return self.pages[key]

    def _cut(self, passage: PassageView, pieces: list[Evidence]) -> list:
        """The page from the first piece's start (with its line's marker) to the last one's end as the page shows
        it, when the page still holds each piece's text there; else the pieces' text rendered on its own."""
        page = self._page(passage.document_id, passage.page) if passage.document_id else None
        if page and all(page[0][p.start : p.end] == p.text for p in pieces):
            return clip(page[1], quote_start(page[0], pieces[0].start), pieces[-1].end)
        return to_nodes(" ".join(p.text for p in pieces))

    def passage(self, passage: P) -> P:
        """A passage with its nodes."""
        whole = Evidence(passage.start, passage.end, passage.text, 0.0)
        return msgspec.structs.replace(passage, nodes=self._cut(passage, [whole]))

    def source(self, source: Source) -> Source:
        """A chat source with the nodes of its passage and of each evidence sentence."""
        evidence = [msgspec.structs.replace(e, nodes=self._cut(source, [e])) for e in source.evidence]
        outdated = bool(source.document_id) and self._page(source.document_id, source.page) is None
        return msgspec.structs.replace(self.passage(source), evidence=evidence, outdated=outdated)

    def sentence(self, sentence: Sentence, sources: dict[int, Source]) -> Sentence:
        """A sentence's nodes; a quote of evidence (extractive, or for an unsupported sentence) as its page shows it."""
        if sentence.status == "dropped":
            return sentence
        shown = MARKERS.sub("", sentence.shown).strip()
        source = sources.get(sentence.source or 0)
        run = _quoted_run(shown, source.evidence) if source else []
        if source is None or not run:
            return msgspec.structs.replace(sentence, nodes=inline(to_nodes(shown)))
        before, _, after = shown.partition(quote_of(run))
        quoted = inline(self._cut(source, run))
        if has_blocks(quoted):  # a table, code or a displayed equation: quoted as a block, not in quotation marks
            before, quoted, after = before.rstrip(" “"), [["blockquote", {}, *quoted]], _after_block(after)
        return msgspec.structs.replace(sentence, nodes=[part for part in (before, *quoted, after) if part])

    def answer(self, answer: A) -> A:
        """An answer (`done`, or a stored message) with the nodes of its sources, evidence and sentences, or of its
        text when it has no checked sentences."""
        if isinstance(answer, Message) and answer.role == "user":
            return answer
        sources = [self.source(s) for s in answer.sources]
        numbered = {s.n: s for s in sources}
        sentences = [self.sentence(s, numbered) for s in answer.sentences]
        text = answer.answer if isinstance(answer, Done) else answer.content
        nodes = None if sentences else to_nodes(text)
        return msgspec.structs.replace(answer, sources=sources, sentences=sentences, nodes=nodes)


def _quoted_run(shown: str, evidence: list[Evidence]) -> list[Evidence]:
    """The longest run of a source's evidence sentences (in page order) that `shown` quotes, joined as a quote joins
    a sentence and the neighbours it brought (table rows each on a line); [] when it quotes none."""
    runs = (evidence[i:j] for i in range(len(evidence)) for j in range(i + 1, len(evidence) + 1))
    quoted = [run for run in runs if all(e.text for e in run) and quote_of(run) in shown]
    return max(quoted, key=len, default=[])


def _after_block(after: str) -> str:
    """What follows a quoted block in its sentence, without the closing quotation mark, nor a full stop alone: the
    block ends the sentence ("LoRa 868 MHz, ~7 km." of a slide's point was the point, then "." on a line)."""
    after = after.lstrip("” ")
    return "" if not after.strip(" .;,!?") else after


def quote_start(text: str, start: int) -> int:
    """Where a quote of the text at `start` begins: at its line's marker when only markup stands before it."""
    line = text.rfind("\n", 0, start) + 1
    lead = LEAD.fullmatch(text, line, start)
    return lead.start(1) if lead and lead.group(1) else start


@lru_cache(maxsize=PAGES_KEPT)
def placed_page(database: Database, kind: str, document_id: str, number: int) -> tuple[str, list]:
    """A page's text and its nodes placed in it, read and rendered once per process: what is stored under a
    document id never changes (a replaced file is stored under a new id, ingest/pipeline.py), and a page that is
    gone raises NotFound, which is not kept. Callers share the nodes and must not change them (clip makes new lists)."""
    text = database.page(document_id, number)["text"]
    return text, page_nodes(kind, text)
