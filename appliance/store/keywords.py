"""Keyword search by BM25 over an in-memory copy of the FTS5 index, scored as SQLite's bm25() scores it.

FTS5 computes bm25() for every row that matches any word of the query; a question with a common word
("ros", "node") and the feedback pass's twenty added words match most of the library, which made keyword
search most of a search's CPU (15 + 40 ms of 80 ms on the ROS 2 docs). The same scores from arrays cost
about a millisecond. SQLite stays the source of truth: the copy is rebuilt when the chunks change (every
upload or deletion bumps its course's version), and a search that finds it being rebuilt asks SQLite.
"""

import logging
import sqlite3
import threading
from typing import cast

from appliance.store.database import Database, query_words
from appliance.store.migrations import FTS_TOKENIZER
from appliance.store.vector_index import TermPostings

log = logging.getLogger(__name__)
_tokenizers = threading.local()


KEPT_WORDS = 20_000  # words whose terms are kept; all are forgotten at once past that (a course's vocabulary fits)
_terms: dict[str, tuple[str, ...]] = {}


def fts_tokens(words: list[str]) -> list[tuple[str, ...]]:
    """The terms FTS5 indexes for each word (stemmed, diacritics removed; "ament_cmake" is two).

    Words not seen before go through FTS5's own tokenizer together, in one transaction of an in-memory
    table: one at a time, the feedback pass's twenty new words cost ~2 ms of a search."""
    known = {word: _terms.get(word) for word in dict.fromkeys(words)}
    missing = [word for word, terms in known.items() if terms is None]
    if missing:
        tokenized = dict(zip(missing, _tokenized(missing), strict=True))
        known |= tokenized  # read from here: another thread may empty the shared dict meanwhile
        if len(_terms) + len(missing) > KEPT_WORDS:
            _terms.clear()
        _terms.update(tokenized)
    return [cast(tuple, known[word]) for word in words]


def _tokenized(words: list[str]) -> list[tuple[str, ...]]:
    """FTS5's terms for each of `words`, through a thread's own in-memory FTS5 table."""
    connection = getattr(_tokenizers, "connection", None)
    if connection is None:
        connection = sqlite3.connect(":memory:")
        connection.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize='{FTS_TOKENIZER}')")
        connection.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(words, instance)")
        _tokenizers.connection = connection
    found: list[list[str]] = [[] for _ in words]
    with connection:
        connection.executemany("INSERT INTO words(rowid, word) VALUES (?, ?)", enumerate(words, 1))
        for row, term in connection.execute("SELECT doc, term FROM terms ORDER BY doc, offset"):
            found[row - 1].append(term)
        connection.execute("DELETE FROM words")
    return [tuple(terms) for terms in found]


class KeywordIndex:
    """`Database.keyword_search` answered from memory: same arguments, same ranking."""

    def __init__(self, database: Database):
        self.database = database
        self._copy: tuple[tuple, TermPostings] | None = None  # (keyword_state it was read at, the copy)
        # Held while a build runs. The first search starts the first one, so commands that never search
        # (`ragbot users add`, ...) do not read the index for nothing.
        self._building = threading.Lock()

    def keyword_search(
        self,
        text: str,
        k: int,
        courses: list[int] | None = None,
        expansion=(),
        heading_weight: float = 1.0,
    ) -> list[tuple[str, float]]:
        """Chunk ids of the given courses ranked by BM25 over text and heading (higher score is better)."""
        words = query_words(text, expansion)
        if not words or k < 1:
            return []
        postings = self._current()
        if postings is None:  # the copy is being rebuilt: SQLite answers meanwhile
            return self.database.keyword_search(text, k, courses, expansion, heading_weight)
        tokens = [terms for terms in fts_tokens(words) if terms]
        # The question's own words come twice when feedback adds words: look each phrase up once.
        found = {terms: postings.scored(terms, heading_weight) for terms in dict.fromkeys(tokens)}
        return postings.rank([found[terms] for terms in tokens], k, courses)

    def _current(self) -> TermPostings | None:
        """The copy if it matches the chunks; else None, and a rebuild starts in the background (a few seconds
        for 4,000 chunks), so that no search waits for it."""
        copy = self._copy
        if copy is not None and self.database.keyword_state() == copy[0]:
            return copy[1]
        if self._building.acquire(blocking=False):
            threading.Thread(target=self._rebuild, name="keyword-index", daemon=True).start()
        return None

    def _rebuild(self) -> None:
        """Read the FTS5 index into memory; runs with `_building` held and releases it."""
        try:
            self.refresh()
        except Exception as error:  # the database closed under it, or a write raced it: the next search retries
            log.warning("keyword index not rebuilt: %s", error)
        finally:
            self._building.release()

    def refresh(self) -> None:
        """Make the copy match the chunks now (at start, and in benchmarks before they time searches)."""
        state, rows, tokens = self.database.keyword_tokens()
        self._copy = state, TermPostings([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], tokens)
