"""Split sections into overlapping chunks under a token budget, at paragraph, sentence or word bounds."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from appliance.ingest.document import Parsed
from appliance.store.text import table_lead

PARAGRAPH = re.compile(r"\S(?:.*?)(?=\n\s*\n|\Z)", re.S)
SENTENCE = re.compile(r"\S.*?(?:[.!?:;](?=\s)|\n|\Z)", re.S)
WORD = re.compile(r"\S+")


@dataclass
class Chunk:
    """A contiguous span of one page's text, with where it came from."""

    text: str
    heading: str
    page: int | None
    page_label: str | None
    start: int
    end: int
    tokens: int
    lead: str = ""  # the header row (and column names) of the table the chunk starts inside below it


def _units(text: str, budget: int, count: Callable[[str], int]) -> Iterator[tuple[int, int, int]]:
    """(start, end, tokens) spans of `text`: paragraphs, broken into sentences, then words, to fit the budget."""
    for para in PARAGRAPH.finditer(text):
        tokens = count(para.group())
        if tokens <= budget:
            yield para.start(), para.end(), tokens
            continue
        for sent in SENTENCE.finditer(para.group()):
            base = para.start() + sent.start()
            tokens = count(sent.group())
            if tokens <= budget:
                yield base, base + len(sent.group()), tokens
                continue
            words = list(WORD.finditer(sent.group()))
            step = max(1, len(words) * budget // (tokens + 1))
            for i in range(0, len(words), step):
                part = words[i : i + step]
                span = sent.group()[part[0].start() : part[-1].end()]
                yield base + part[0].start(), base + part[-1].end(), count(span)


def _pack(units: list[tuple[int, int, int]], budget: int, overlap: int) -> Iterator[tuple[int, int, int]]:
    """Greedily join consecutive units into windows of at most `budget` tokens, stepping back `overlap`."""
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + units[j][2] <= budget):
            total += units[j][2]
            j += 1
        yield units[i][0], units[j - 1][1], total
        if j >= len(units):
            return
        # Start the next window a few units back so a fact split across the boundary is in both.
        back, carried = j, 0
        while back - 1 > i and carried + units[back - 1][2] <= overlap:
            back -= 1
            carried += units[back][2]
        i = back


def chunk(parsed: Parsed, count: Callable[[str], int], budget: int, overlap: int) -> list[Chunk]:
    """Every chunk of a parsed document, in reading order."""
    chunks = []
    for page in parsed.pages:
        for section in page.sections:
            units = list(_units(section.text, budget, count))
            for start, end, tokens in _pack(units, budget, overlap):
                a, b = section.start + start, section.start + end
                lead = table_lead(page.text, a)
                chunks.append(Chunk(page.text[a:b], section.heading, page.number, page.label, a, b, tokens, lead))
    return chunks
