"""Hybrid retrieval: dense (vector store) and keyword (FTS5 BM25) candidates fused by reciprocal rank."""

import os
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from appliance import metrics
from appliance.search.shapes import Passage
from appliance.settings import Settings
from appliance.store.database import Database
from appliance.store.keywords import KeywordIndex
from appliance.store.text import STOPWORDS, WORD
from appliance.store.vector_index import cosine, rocchio
from appliance.vocabulary import SearchMode


def fuse(rankings: list[tuple[float, list[str]]], rrf_k: int) -> dict[str, float]:
    """Weighted reciprocal rank fusion: each list adds weight / (rrf_k + rank) to its ids."""
    scores: dict[str, float] = {}
    get = scores.get
    for weight, ids in rankings:
        for cid, share in zip(ids, _shares(weight, rrf_k, len(ids)), strict=True):
            scores[cid] = get(cid, 0.0) + share
    return scores


@lru_cache(maxsize=64)
def _shares(weight: float, rrf_k: int, n: int) -> tuple[float, ...]:
    """What ranks 1..n of a list add under `fuse` (the same few lists' shares are needed search after search)."""
    return tuple(weight / (rrf_k + rank) for rank in range(1, n + 1))


class Retriever:
    """Finds the passages that best answer a query."""

    def __init__(self, settings: Settings, database: Database, vectors, embedder, keywords: KeywordIndex | None = None):
        self.settings = settings
        self.database = database
        self.vectors = vectors
        self.embedder = embedder
        # Retrievers with other settings (benchmarks) share one in-memory keyword index by passing it.
        memory = settings.keyword_backend == "memory"
        self.keywords: KeywordIndex | Database = keywords or (KeywordIndex(database) if memory else database)
        # No more searches at once than cores: most of a search is Python, which runs one thread at a time, and
        # eight request threads taking turns on the GIL cost more CPU per search and left a core idle (BENCHMARKS.md,
        # "Search over HTTP, sixth round"); the others wait here in turn.
        self._slots = threading.BoundedSemaphore(os.cpu_count() or 1)

    @metrics.timed_retrieval
    def search(
        self,
        query: str,
        k: int,
        mode: SearchMode = "hybrid",
        courses: list[int] | None = None,
        first_best: int = 0,
        vector: Sequence[float] | None = None,
    ) -> list[Passage]:
        """The top k passages for `query` from the given courses (all when None), best first, each chunk once; then
        the first pass's best `first_best` passages by words alone, by meaning alone and by fused rank, where the
        final ranking left them out. `vector`: the query's, when the caller has it already."""
        with self._slots:
            return self._search(query, k, mode, courses, first_best, vector)

    def search_at_once(
        self, query: str, k: int, mode: SearchMode, courses: list[int] | None, vector: Sequence[float]
    ) -> list[Passage] | None:
        """`search` with the query's vector, or None when it would have to wait: for a slot, or for the vector store
        (a copy being loaded or written to, or a store across the network), or for SQLite's keyword ranking (the
        `sqlite` keyword backend: tens of milliseconds). The web app runs it on its event loop. (While the in-memory
        keyword copy is rebuilt, a few seconds after an ingestion, SQLite ranks here too.)"""
        memory = isinstance(self.keywords, KeywordIndex)
        if not memory or not self.vectors.at_hand() or not self._slots.acquire(blocking=False):
            return None
        try:
            with metrics.RETRIEVAL.time():
                return self._search(query, k, mode, courses, 0, vector)
        finally:
            self._slots.release()

    def _search(
        self,
        query: str,
        k: int,
        mode: SearchMode,
        courses: list[int] | None,
        first_best: int,
        vector: Sequence[float] | None,
    ) -> list[Passage]:
        """The search itself (`search`, in a slot)."""
        n = max(self.settings.candidates, k)
        if vector is None:
            vector = self.embedder.embed_query(query)
        dense = self.vectors.query(vector, n, courses) if mode != "keyword" else []
        heading = self.settings.heading_weight
        keyword = self.keywords.keyword_search(query, n, courses, heading_weight=heading) if mode != "dense" else []
        scores = self._fuse(dense, keyword)
        asked = dict(dense)  # similarity to the question as asked, whatever the second pass finds
        # The feedback pass can move a passage both retrievers ranked high out of the top k (the query vector drawn
        # towards the textbook's URDF "cylinder" elements, away from the handout's pneumatic cylinder): the first
        # pass's best stay available to whoever asks for them.
        firsts = self._first_best(dense, keyword, scores, first_best) if first_best else []
        if mode == "hybrid" and self.settings.feedback_chunks and scores and self._unsure(dense, keyword):
            # Pseudo-relevance feedback: the first pass's best passages say, in the course's own words,
            # what the question is about. Search again with the query vector moved towards them
            # (Rocchio) and the keyword query widened with their most frequent words.
            feedback = sorted(scores, key=scores.__getitem__, reverse=True)[: self.settings.feedback_chunks]
            dense = self.vectors.query(rocchio(vector, list(self.vectors.vectors(feedback).values())), n, courses)
            if self.settings.feedback_terms:
                texts = [row["text"] for row in self.database.chunks(feedback, courses).values()]
                words = expansion_words(query, texts, self.settings.feedback_terms)
                keyword = self.keywords.keyword_search(query, n, courses, expansion=words, heading_weight=heading)
            scores = self._fuse(dense, keyword)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        # SQLite is the source of truth: a vector whose chunk is gone (mid-replace, mid-delete) is skipped.
        rows = self.database.chunks(ranked[: k * 2] + firsts, courses)
        top = [cid for cid in ranked if cid in rows][:k]
        top += [cid for cid in firsts if cid in rows and cid not in top]
        similarity = {cid: asked[cid] for cid in top if cid in asked}
        missing = [cid for cid in top if cid not in similarity]
        for cid, stored in self.vectors.vectors(missing).items():
            similarity[cid] = cosine(vector, stored)
        return [_passage(rows[cid], scores.get(cid, 0.0), similarity.get(cid, 0.0)) for cid in top]

    def document_passages(self, document_ids: list[str], courses: list[int] | None = None) -> list[Passage]:
        """Every passage of the documents, in order, unscored: for what a search cannot rank, such as the words an
        abbreviation stands for."""
        return [_passage(row, 0.0, 0.0) for row in self.database.document_chunks(document_ids, courses)]

    def spelling_out(self, abbreviation: str, courses: list[int] | None = None) -> list[Passage]:
        """The first passages writing the abbreviation in brackets beside its words, unscored: a search for "OG"
        ranks a textbook's code full of "og." above the one handout line saying "original gravity (OG)"."""
        return [_passage(row, 0.0, 0.0) for row in self.database.chunks_spelling_out(abbreviation, courses)]

    @staticmethod
    def _first_best(
        dense: list[tuple[str, float]], keyword: list[tuple[str, float]], scores: dict[str, float], n: int
    ) -> list[str]:
        """The first pass's best n passages by words alone, by meaning alone, then its best n fused, each once."""
        fused = sorted(scores, key=scores.__getitem__, reverse=True)[:n]
        return list(dict.fromkeys([cid for cid, _ in keyword[:n]] + [cid for cid, _ in dense[:n]] + fused))

    def _unsure(self, dense: list[tuple[str, float]], keyword: list[tuple[str, float]]) -> bool:
        """Whether a first hybrid pass needs the feedback pass: always, or (`feedback_when = "disagree"`) only
        when dense and keyword search put different documents first. Two retrievers that agree from different
        evidence (meaning, words) rarely both err; where they agree, feedback changed little (BENCHMARKS.md)."""
        if self.settings.feedback_when == "always" or not dense or not keyword:
            return True
        return document_of(dense[0][0]) != document_of(keyword[0][0])

    def _fuse(self, dense: list[tuple[str, float]], keyword: list[tuple[str, float]]) -> dict[str, float]:
        rankings = [
            (self.settings.dense_weight, [cid for cid, _ in dense]),
            (self.settings.keyword_weight, [cid for cid, _ in keyword]),
        ]
        return fuse(rankings, self.settings.rrf_k)


def document_of(chunk_id: str) -> str:
    """The document a chunk id belongs to (ids are "<document id>:<n>", `ingest.pipeline`)."""
    return chunk_id.rsplit(":", 1)[0]


def expansion_words(query: str, texts: list[str], n: int) -> list[str]:
    """The n words weighing most in `texts` (each text's share of each word, summed), the query's own left out."""
    asked = set(WORD.findall(query.lower()))
    weight: dict[str, float] = defaultdict(float)
    for text in texts:
        for word, share in word_shares(text):
            if word not in asked:
                weight[word] += share
    return sorted(weight, key=weight.__getitem__, reverse=True)[:n]


@lru_cache(maxsize=1024)
def word_shares(text: str) -> tuple[tuple[str, float], ...]:
    """Each word's share of a passage's words (stopwords, numbers and short words left out), in first-seen order.
    Kept per text: the feedback pass reads the same best passages for many questions, and splitting and counting
    them was most of its Python time; keyed by the text itself, so an edited passage is counted afresh."""
    words = [w for w in WORD.findall(text.lower()) if len(w) > 2 and not w.isdigit() and w not in STOPWORDS]
    return tuple((word, count / len(words)) for word, count in Counter(words).items())


def _passage(row: dict, score: float, similarity: float) -> Passage:
    return Passage(
        chunk_id=row["id"],
        document_id=row["document_id"],
        filename=row["filename"],
        page=row["page"],
        page_label=row["page_label"],
        heading=row["heading"] or "",
        text=row["text"],
        start=row["start"],
        end=row["end"],
        score=round(score, 6),
        similarity=round(similarity, 4),
        ocr=bool(row["ocr"]),
        lead=row["lead"],
        title=row["title"],
    )
