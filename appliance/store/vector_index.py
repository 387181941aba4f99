"""Arrays for the embedder, the vector store and the keyword index: the only module that imports numpy."""

from typing import Any

import numpy as np


def token_batch(rows: list[list[int]], pad: int) -> dict:
    """A transformer's inputs for token-id rows, padded to the longest: ids, attention mask, token types."""
    ids = np.full((len(rows), max(len(r) for r in rows)), pad, dtype=np.int64)
    mask = np.zeros_like(ids)
    for n, row in enumerate(rows):
        ids[n, : len(row)] = row
        mask[n, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def rocchio(vector, stored: list):
    """The query vector plus the mean of the feedback vectors, back to unit length (the query when none); an
    array, which the vector store's search reads as it is (a list of 384 floats was made and read back)."""
    if not stored:
        return vector
    moved = np.asarray(vector, dtype=np.float64) + np.mean(np.asarray(stored, dtype=np.float64), axis=0)
    norm = np.linalg.norm(moved)
    return moved / norm if norm else vector


def cosine(a, b) -> float:
    """Cosine similarity of two vectors (0 when either is zero)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm else 0.0


def among(values, wanted) -> np.ndarray:
    """Which of `values` are in `wanted`: one comparison per wanted value, for the few courses a search names
    (np.isin sorts both: ~90 µs for 4,383 chunks against 3 µs, two or four times a search)."""
    found = np.zeros(len(values), dtype=bool)
    for value in set(wanted):
        found |= values == value
    return found


class VectorIndex:
    """Unit vectors with an id and a course each, searched exactly; changes return a new index, so readers
    in other threads keep a consistent one without locks."""

    def __init__(self, ids: list[str], vectors, courses: list[int]):
        # An empty library has no vectors to learn the width from (reshape(0, -1) is ambiguous).
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1) if ids else np.zeros((0, 0), np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        # Kept one dimension per row (the vectors as columns): OpenBLAS scans that layout in half the time when
        # the matrix is not in cache, as after a query embedding (ROS 2 docs, 4,383 x 384: 1.0 -> 0.5 ms).
        self.columns = np.ascontiguousarray((matrix / np.where(norms > 0, norms, 1)).T)
        self.columns.flags.writeable = False  # `vectors` hands out views of it
        self.ids = list(ids)
        self.courses = np.asarray(courses, dtype=np.int64)
        self.rows = {cid: n for n, cid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def nearest(self, vector, k: int, courses: list[int] | None = None) -> list[tuple[str, float]]:
        """The k ids most similar (cosine) to `vector` among the given courses (all when None), best first."""
        if not self.ids:
            return []
        query = np.asarray(vector, dtype=np.float32)
        scores = (query / (np.linalg.norm(query) or 1)) @ self.columns
        if courses is not None:
            scores = np.where(among(self.courses, courses), scores, -np.inf)
        k = min(k, int(np.isfinite(scores).sum()))
        if k < 1:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return _named(self.ids, top, scores)

    def vectors(self, ids: list[str]) -> dict[str, Any]:
        """Stored (unit) vectors of those ids that are present: read-only views of the index's arrays (a list of
        384 floats each cost more than the arithmetic the feedback pass does with them)."""
        return {cid: self.columns[:, self.rows[cid]] for cid in ids if cid in self.rows}

    def without(self, ids: list[str]) -> "VectorIndex":
        gone = set(ids)
        keep = [n for n, cid in enumerate(self.ids) if cid not in gone]
        return VectorIndex([self.ids[n] for n in keep], self.columns[:, keep].T, self.courses[keep].tolist())

    def plus(self, ids: list[str], vectors, courses: list[int]) -> "VectorIndex":
        """This index with these vectors added; an id already present is replaced."""
        rest = self.without(ids)
        added = np.asarray(vectors, dtype=np.float32)
        return VectorIndex(
            rest.ids + list(ids),
            np.vstack([rest.columns.T, added]) if rest.ids else added,
            rest.courses.tolist() + list(courses),
        )


def _named(ids: list[str], top, scores) -> list[tuple[str, float]]:
    """(id, score) of the rows `top`, in order: the scores converted to Python floats in one call, not one by one."""
    return list(zip([ids[n] for n in top.tolist()], scores[top].tolist(), strict=True))


def _counts(term, places) -> tuple:
    """Per (term, row): ((term, row) arrays, count in the text, count in the heading), from sorted places."""
    cell = places >> 32  # row * 2 + column
    row = cell >> 1
    new = np.concatenate(([True], (term[1:] != term[:-1]) | (row[1:] != row[:-1]))) if len(row) else row.astype(bool)
    first = np.flatnonzero(new)
    heading = (cell & 1).astype(np.float64)
    in_heading = np.add.reduceat(heading, first) if len(first) else heading
    total = np.diff(np.append(first, len(row))).astype(np.float64)
    return (term[first], row[first]), total - in_heading, in_heading


_NONE = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))

# FTS5's bm25() constants (fts5_aux.c); the in-memory ranking must give the scores SQLite would.
BM25_K1 = 1.2
BM25_B = 0.75
# Phrases kept looked up and scored per index (a single word's rows are views of its arrays; past that number
# all are forgotten at once).
PHRASES_KEPT = 20_000


class TermPostings:
    """Every token of an FTS5 index by term, row, column (text 0, heading 1) and offset, for BM25 in memory.

    `rank` gives FTS5's own bm25() scores, so the ranking matches SQLite's without computing it there row
    by row. Offsets are kept so that a phrase (a word FTS5 splits, like "ament_cmake") is counted exactly.
    """

    def __init__(self, rowids: list[int], ids: list[str], courses: list[int], tokens: list[tuple[str, int, int, int]]):
        order = np.argsort(np.asarray(rowids, dtype=np.int64), kind="stable")
        self.rowids = np.asarray(rowids, dtype=np.int64)[order]
        self.ids = [ids[n] for n in order]
        self.courses = np.asarray(courses, dtype=np.int64)[order]
        names = sorted({t[0] for t in tokens})
        self.terms = {name: n for n, name in enumerate(names)}
        term = np.fromiter((self.terms[t[0]] for t in tokens), np.int64, len(tokens))
        row = np.searchsorted(self.rowids, np.fromiter((t[1] for t in tokens), np.int64, len(tokens)))
        column = np.fromiter((t[2] for t in tokens), np.int64, len(tokens))
        offset = np.fromiter((t[3] for t in tokens), np.int64, len(tokens))
        length = np.bincount(row, minlength=len(self.ids)).astype(np.float64)  # tokens per row
        average = float(length.sum() / len(self.ids)) if self.ids else 1.0
        self.norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average)  # bm25's length normalisation per row
        # A token's place as one sortable number, (row, column, offset), grouped by term and in order.
        places = (row * 2 + column) << 32 | offset
        order = np.lexsort((places, term))
        self.places, term = places[order], term[order]
        self.starts = np.searchsorted(term, np.arange(len(names) + 1))
        # Each term's rows with its count in the text and in the heading, what a one-word phrase is scored by.
        self.rows, self.text, self.heading = _counts(term, self.places)
        self.row_starts = np.searchsorted(self.rows[0], np.arange(len(names) + 1))
        self.rows = self.rows[1]
        self._phrases: dict[tuple, tuple] = {}

    def scored(self, tokens: tuple[str, ...], heading_weight: float) -> tuple:
        """The rows holding `tokens` one after the other, with the phrase's bm25 share of each row's score.
        Kept per phrase and heading weight: the index never changes (a new copy is built), and the feedback
        pass's twenty words are mostly the same few hundred, looked up and scored again search after search."""
        key = tokens, heading_weight
        found = self._phrases.get(key)
        if found is None:
            if len(self._phrases) >= PHRASES_KEPT:
                self._phrases.clear()
            found = self._phrases[key] = self._scored(self._phrase(tokens), heading_weight)
        return found

    def _scored(self, phrase: tuple, heading_weight: float) -> tuple:
        """A phrase's rows and its share of their bm25 scores (FTS5's formula, term by term as `rank` adds them)."""
        rows, text, heading = phrase
        idf = np.log((len(self.ids) - len(rows) + 0.5) / (len(rows) + 0.5))
        frequency = text + heading_weight * heading
        return rows, (idf if idf > 0 else 1e-6) * frequency * (BM25_K1 + 1) / (frequency + self.norm[rows])

    def _phrase(self, tokens: tuple[str, ...]) -> tuple:
        """The rows holding `tokens` one after the other, with the phrase's count in the text and the heading."""
        if any(token not in self.terms for token in tokens):
            return _NONE
        numbers = [self.terms[token] for token in tokens]
        if len(numbers) == 1:
            span = slice(self.row_starts[numbers[0]], self.row_starts[numbers[0] + 1])
            return self.rows[span], self.text[span], self.heading[span]
        found = [self.places[self.starts[n] : self.starts[n + 1]] for n in numbers]
        places = found[0]
        for step, following in enumerate(found[1:], 1):
            places = places[np.isin(places + step, following, assume_unique=True)]
        (_, rows), text, heading = _counts(np.zeros(len(places), np.int64), places)
        return rows, text, heading

    def rank(self, phrases: list[tuple], k: int, courses: list[int] | None = None) -> list[tuple[str, float]]:
        """The k best rows matching any phrase (`scored`), by FTS5's bm25 (higher is better), among the given
        courses."""
        found = [phrase for phrase in phrases if len(phrase[0])]
        if not found:
            return []
        # Every phrase's rows at once: one sum per row (np.bincount adds in phrase order, as a loop would).
        rows = np.concatenate([phrase[0] for phrase in found])
        part = np.concatenate([phrase[1] for phrase in found])
        scores = np.bincount(rows, weights=part, minlength=len(self.ids))
        matched = np.zeros(len(self.ids), dtype=bool)
        matched[rows] = True
        if courses is not None:
            matched &= among(self.courses, courses)
        candidates = np.flatnonzero(matched)
        k = min(k, len(candidates))
        if k < 1:
            return []
        top = candidates[np.argpartition(-scores[candidates], k - 1)[:k]] if k < len(candidates) else candidates
        top = top[np.lexsort((top, -scores[top]))]
        return _named(self.ids, top, scores)
