"""The vector store: Chroma embedded on disk, the only module that imports chromadb."""

import os
from pathlib import Path

# Chroma reads this before its settings; the appliance must never phone home.
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import chromadb  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402

from appliance.locks import VECTORS_LOCK, locked  # noqa: E402

COLLECTION = "chunks"


class ChromaStore:
    """Chunk vectors by chunk id, searched by cosine similarity."""

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        # Writes hold this shared so that a backup (exclusive) copies the files between writes.
        self._write_lock = path.parent / VECTORS_LOCK
        self._client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        )
        self._collection = self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    def add(self, ids: list[str], vectors: list[list[float]], owners: list[tuple[str, int]]) -> None:
        """Store vectors with their (document id, course id); re-adding an id overwrites it."""
        for start in range(0, len(ids), 1000):
            end = start + 1000
            with locked(self._write_lock, shared=True):
                self._collection.upsert(
                    ids=ids[start:end],
                    embeddings=vectors[start:end],
                    metadatas=[{"document_id": d, "course_id": c} for d, c in owners[start:end]],
                )

    def delete(self, ids: list[str]) -> None:
        """Remove vectors by chunk id (unknown ids are ignored)."""
        for start in range(0, len(ids), 1000):
            with locked(self._write_lock, shared=True):
                self._collection.delete(ids=ids[start:start + 1000])

    def query(self, vector: list[float], k: int, courses: list[int] | None = None) -> list[tuple[str, float]]:
        """The k nearest chunk ids (of the given courses, all when None) with their cosine similarity."""
        if k < 1 or self.count() == 0 or courses == []:
            return []
        where = {"course_id": {"$in": list(courses)}} if courses is not None else None
        found = self._collection.query(
            query_embeddings=[list(vector)], n_results=k, where=where, include=["distances"]
        )
        return [(cid, 1.0 - dist) for cid, dist in zip(found["ids"][0], found["distances"][0])]

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors of the given chunk ids."""
        if not ids:
            return {}
        found = self._collection.get(ids=ids, include=["embeddings"])
        return {cid: list(vec) for cid, vec in zip(found["ids"], found["embeddings"])}

    def ids(self) -> set[str]:
        """Every chunk id in the store."""
        return set(self._collection.get(include=[])["ids"])

    def count(self) -> int:
        return self._collection.count()

    def close(self) -> None:
        """Release the store; Chroma shares one client per path in a process until the last one closes."""
        self._client.close()

    def ping(self) -> bool:
        """True when the store answers."""
        self._client.heartbeat()
        return True
