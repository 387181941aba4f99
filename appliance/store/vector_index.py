"""Arrays for the embedder and the vector store: the only module that imports numpy."""

import numpy as np


def token_batch(rows: list[list[int]], pad: int) -> dict:
    """A transformer's inputs for token-id rows, padded to the longest: ids, attention mask, token types."""
    ids = np.full((len(rows), max(len(r) for r in rows)), pad, dtype=np.int64)
    mask = np.zeros_like(ids)
    for n, row in enumerate(rows):
        ids[n, : len(row)] = row
        mask[n, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


class VectorIndex:
    """Unit vectors with an id and a course each, searched exactly; changes return a new index, so readers
    in other threads keep a consistent one without locks."""

    def __init__(self, ids: list[str], vectors, courses: list[int]):
        # An empty library has no vectors to learn the width from (reshape(0, -1) is ambiguous).
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1) if ids else np.zeros((0, 0), np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix = matrix / np.where(norms > 0, norms, 1)
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
        scores = self.matrix @ (query / (np.linalg.norm(query) or 1))
        if courses is not None:
            scores = np.where(np.isin(self.courses, list(courses)), scores, -np.inf)
        k = min(k, int(np.isfinite(scores).sum()))
        if k < 1:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[n], float(scores[n])) for n in top]

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored (unit) vectors of those ids that are present."""
        return {cid: self.matrix[self.rows[cid]].tolist() for cid in ids if cid in self.rows}

    def without(self, ids: list[str]) -> "VectorIndex":
        gone = set(ids)
        keep = [n for n, cid in enumerate(self.ids) if cid not in gone]
        return VectorIndex([self.ids[n] for n in keep], self.matrix[keep], self.courses[keep].tolist())

    def plus(self, ids: list[str], vectors, courses: list[int]) -> "VectorIndex":
        """This index with these vectors added; an id already present is replaced."""
        rest = self.without(ids)
        added = np.asarray(vectors, dtype=np.float32)
        return VectorIndex(
            rest.ids + list(ids),
            np.vstack([rest.matrix, added]) if rest.ids else added,
            rest.courses.tolist() + list(courses),
        )
