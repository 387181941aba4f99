"""Keep the vector store in step with SQLite, the source of truth: drop stray vectors, re-embed missing ones."""

import logging
from dataclasses import dataclass

from appliance.store.database import Database
from appliance.store.text import embedding_text

log = logging.getLogger(__name__)
BATCH = 64


@dataclass
class Report:
    """What a consistency check found (and fixed, when asked to)."""

    stray_vectors: int
    missing_vectors: int
    repaired: bool

    @property
    def consistent(self) -> bool:
        return not (self.stray_vectors or self.missing_vectors)


def check(database: Database, vectors, embedder=None, repair: bool = True, strays: bool = True) -> Report:
    """Compare chunk ids in both stores; with `repair`, make the vector store match SQLite (dropping stray vectors
    only with `strays`: beside another process they may be a file it is ingesting, whose chunks come next)."""
    chunk_ids = database.chunk_ids()
    vector_ids = vectors.ids()
    stray = sorted(vector_ids - chunk_ids) if strays or not repair else []
    missing = sorted(chunk_ids - vector_ids)
    if repair and (stray or missing):
        log.warning("repairing vector store: %d stray, %d missing vectors", len(stray), len(missing))
        vectors.delete(stray)
        for start in range(0, len(missing), BATCH):
            rows = database.chunks(missing[start : start + BATCH])
            ids = list(rows)
            texts = [embedding_text(rows[i]["heading"], rows[i]["text"]) for i in ids]
            vectors.add(ids, embedder.embed(texts), [(rows[i]["document_id"], rows[i]["course_id"]) for i in ids])
    return Report(len(stray), len(missing), repair and bool(stray or missing))
