"""Hybrid retrieval: dense (vector store) and keyword (FTS5 BM25) candidates fused by reciprocal rank."""

import math
from dataclasses import asdict, dataclass
from typing import Literal

from appliance import metrics
from appliance.database import Database
from appliance.settings import Settings

Mode = Literal["hybrid", "dense", "keyword"]
SNIPPET_CHARS = 300


@dataclass
class Passage:
    """A retrieved chunk with where it comes from; chat sources use the same shape."""

    chunk_id: str
    document_id: str
    filename: str
    page: int | None
    page_label: str | None
    heading: str
    text: str
    start: int
    end: int
    score: float
    similarity: float

    @property
    def snippet(self) -> str:
        return self.text if len(self.text) <= SNIPPET_CHARS else self.text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"

    def to_dict(self) -> dict:
        return asdict(self) | {"snippet": self.snippet}


def fuse(rankings: list[tuple[float, list[str]]], rrf_k: int) -> dict[str, float]:
    """Weighted reciprocal rank fusion: each list adds weight / (rrf_k + rank) to its ids."""
    scores: dict[str, float] = {}
    for weight, ids in rankings:
        for rank, cid in enumerate(ids, 1):
            scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank)
    return scores


class Retriever:
    """Finds the passages that best answer a query."""

    def __init__(self, settings: Settings, database: Database, vectors, embedder):
        self.settings = settings
        self.database = database
        self.vectors = vectors
        self.embedder = embedder

    @metrics.timed_retrieval
    def search(self, query: str, k: int, mode: Mode = "hybrid", courses: list[int] | None = None) -> list[Passage]:
        """The top k passages for `query` from the given courses (all when None), best first, each chunk once."""
        n = max(self.settings.candidates, k)
        vector = self.embedder.embed_query(query)
        dense = self.vectors.query(vector, n, courses) if mode != "keyword" else []
        keyword = self.database.keyword_search(query, n, courses) if mode != "dense" else []
        rankings = [
            (self.settings.dense_weight, [cid for cid, _ in dense]),
            (self.settings.keyword_weight, [cid for cid, _ in keyword]),
        ]
        scores = fuse(rankings, self.settings.rrf_k)
        ranked = sorted(scores, key=scores.get, reverse=True)
        # SQLite is the source of truth: a vector whose chunk is gone (mid-replace, mid-delete) is skipped.
        rows = self.database.chunks(ranked[: k * 2], courses)
        top = [cid for cid in ranked if cid in rows][:k]
        similarity = dict(dense)
        missing = [cid for cid in top if cid not in similarity]
        for cid, stored in self.vectors.vectors(missing).items():
            similarity[cid] = _cosine(vector, stored)
        return [_passage(rows[cid], scores[cid], similarity.get(cid, 0.0)) for cid in top]


def _cosine(a, b) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _passage(row: dict, score: float, similarity: float) -> Passage:
    return Passage(
        chunk_id=row["id"], document_id=row["document_id"], filename=row["filename"], page=row["page"],
        page_label=row["page_label"], heading=row["heading"] or "", text=row["text"], start=row["start"],
        end=row["end"], score=round(score, 6), similarity=round(similarity, 4),
    )
