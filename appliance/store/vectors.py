"""The vector store: Chroma embedded on disk or a Chroma server, the only module that imports chromadb."""

import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import chromadb
import chromadb.errors
from chromadb.api.client import Client as ChromaClient
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import AuthorizationError, ChromaAuthError

from appliance.errors import ConfigError, Damaged, Unavailable, disk_full
from appliance.store.locks import VECTORS_LOCK, locked
from appliance.store.vector_index import VectorIndex

COLLECTION = "chunks"
BATCH = 1000
# What Chroma raises when its files are damaged: the Rust core's errors, or SQLite's from Python.
DAMAGE = (chromadb.errors.ChromaError, sqlite3.DatabaseError)


def _open_collection(client, name: str = COLLECTION):
    return client.get_or_create_collection(name, embedding_function=None, metadata={"hnsw:space": "cosine"})


def _owners(owners: list[tuple[str, int]]) -> list[dict]:
    return [{"document_id": d, "course_id": c} for d, c in owners]


@contextmanager
def _damage_named(path: Path, opening: bool = False):
    """Chroma's own errors about its files (a truncated or garbled SQLite file) become Damaged."""
    try:
        yield
    except Exception as error:
        if opening:
            # chromadb caches a path's system before starting it, so one that failed to start would be
            # handed to every later client of that path in this process (a rebuilt store too): drop it.
            SharedSystemClient._identifier_to_system.pop(str(path), None)
        # chromadb's clean-up after a failed start raises AttributeErrors, the real error deep in their context.
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, DAMAGE):
            cause = cause.__context__
        if cause is None:
            raise
        if full := disk_full(cause):  # SQLite says so when it cannot write: the files are sound, the disk is not
            raise full from error
        raise Damaged(
            f"the vector store in {path} is damaged ({cause}); `ragbot doctor --repair` rebuilds it from the database"
        ) from error


class _Chroma(ABC):
    """What both stores do alike through their chromadb client: batched writes, the guards of a query, counts."""

    _client: ChromaClient
    _collection: Any

    def add(self, ids: list[str], vectors: list[list[float]], owners: list[tuple[str, int]]) -> None:
        """Store vectors with their (document id, course id); re-adding an id overwrites it."""
        for start in range(0, len(ids), BATCH):
            end = start + BATCH
            self._upsert(ids[start:end], vectors[start:end], owners[start:end])

    def delete(self, ids: list[str]) -> None:
        """Remove vectors by chunk id (unknown ids are ignored)."""
        for start in range(0, len(ids), BATCH):
            self._delete(ids[start : start + BATCH])

    def query(self, vector, k: int, courses: list[int] | None = None) -> list[tuple[str, float]]:
        """The k nearest chunk ids (of the given courses, all when None) with their cosine similarity."""
        return self._nearest(vector, k, courses) if k >= 1 and courses != [] else []

    def vectors(self, ids: list[str]) -> dict[str, Sequence[float]]:
        """Stored (unit) vectors of the given chunk ids."""
        return self._stored(ids) if ids else {}

    def ids(self) -> set[str]:
        """Every chunk id in the store."""
        return set(self._collection.get(include=[])["ids"])

    def count(self) -> int:
        return self._collection.count()

    def close(self) -> None:
        """Release the store; Chroma shares one embedded client per path in a process until the last one closes."""
        self._client.close()

    def ping(self) -> bool:
        """True when the store answers."""
        self._client.heartbeat()
        return True

    def at_hand(self) -> bool:
        """Whether a query would be answered without waiting (for a lock, a load, the network): not by a server."""
        return False

    def _upsert(self, ids: list[str], vectors: list[list[float]], owners: list[tuple[str, int]]) -> None:
        self._collection.upsert(ids=ids, embeddings=cast(list, vectors), metadatas=_owners(owners))

    def _delete(self, ids: list[str]) -> None:
        self._collection.delete(ids=ids)

    @abstractmethod
    def _nearest(self, vector, k: int, courses: list[int] | None) -> list[tuple[str, float]]:
        """The k nearest, with k ≥ 1 and courses not empty."""

    @abstractmethod
    def _stored(self, ids: list[str]) -> dict[str, Sequence[float]]:
        """The stored vectors of a non-empty list of ids."""


class ChromaStore(_Chroma):
    """Chunk vectors by chunk id, searched by cosine similarity.

    Chroma keeps them on disk; searches read a copy in memory (VectorIndex: 7 MB for 4,800 chunks), because
    an exact scan of it costs ~0.3 ms where Chroma's course-filtered query costs ~10 ms of CPU. This
    process's writes update the copy; a change of Chroma's files that this process did not make (a
    `ragbot ingest` beside the service) makes the next search reload it.
    """

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self._files = path / "chroma.sqlite3"
        self._index: VectorIndex | None = None
        self._seen: tuple | None = None  # _signature() when the copy was last known to match the files
        self._index_lock = threading.Lock()
        # Writes hold this shared so that a backup (exclusive) copies the files between writes.
        self._write_lock = path.parent / VECTORS_LOCK
        with _damage_named(path, opening=True):
            # PersistentClient is declared as the abstract ClientAPI, which lacks the close() every client has.
            self._client = cast(
                ChromaClient,
                chromadb.PersistentClient(
                    path=str(path),
                    settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),  # and configure_process
                ),
            )
            self._collection = _open_collection(self._client)
        self._path = path

    def _upsert(self, ids: list[str], vectors: list[list[float]], owners: list[tuple[str, int]]) -> None:
        with locked(self._write_lock, shared=True), self._changing() as index:
            super()._upsert(ids, vectors, owners)
            if index is not None:
                self._index = index.plus(ids, vectors, [c for _, c in owners])

    def _delete(self, ids: list[str]) -> None:
        with locked(self._write_lock, shared=True), self._changing() as index:
            super()._delete(ids)
            if index is not None:
                self._index = index.without(ids)

    def _nearest(self, vector, k: int, courses: list[int] | None) -> list[tuple[str, float]]:
        return self._current().nearest(vector, k, courses)

    def _stored(self, ids: list[str]) -> dict[str, Sequence[float]]:
        return self._current().vectors(ids)

    def _signature(self) -> tuple:
        """Size and time of Chroma's SQLite file, which every write to the collection changes."""
        stat = os.stat(self._files)
        return stat.st_size, stat.st_mtime_ns

    def at_hand(self) -> bool:
        """The copy is loaded, matches the files and no write of this process is under way: a query reads it
        at once (a write that starts during a search still makes its next query wait for it)."""
        return self._index is not None and not self._index_lock.locked() and self._signature() == self._seen

    def _current(self) -> VectorIndex:
        """The in-memory copy, (re)loaded from Chroma when missing or when the files changed under it."""
        index = self._index
        if index is not None and self._signature() == self._seen:
            return index
        with self._index_lock:
            if self._index is None or self._signature() != self._seen:
                self._seen = self._signature()  # before reading: a write during the read forces another
                found = self._collection.get(include=["embeddings", "metadatas"])
                self._index = VectorIndex(
                    found["ids"], found["embeddings"], [cast(int, m["course_id"]) for m in found["metadatas"] or []]
                )
            return self._index

    @contextmanager
    def _changing(self):
        """Around one write of this process: yields the copy to update (None when it must be reloaded)."""
        with self._index_lock:
            if self._index is not None and self._signature() != self._seen:
                self._index = None  # someone else wrote since: reload rather than patch
            yield self._index
            self._seen = self._signature()

    def ids(self) -> set[str]:
        """Every chunk id in the store."""
        with _damage_named(self._path):
            return super().ids()


# What a call gone wrong in this process raises; a server that is gone, refuses or answers garbage raises others.
MISTAKES = (TypeError, AttributeError, KeyError, IndexError, NameError, AssertionError)


class ChromaHttpStore(_Chroma):
    """Chunk vectors on a Chroma server (`chroma run`), shared by several app boxes or kept on a bigger one.

    Searches use Chroma's own course-filtered query: the server holds the index, so there is no copy here to
    keep in step with writes other boxes make. SQLite on the app box stays the source of truth; the start-up
    consistency check and `ragbot doctor --repair` bring the server back in step with it.
    """

    def __init__(self, url: str, token: str = "", collection: str = COLLECTION):
        where = urlsplit(url)
        tls = where.scheme == "https"
        try:
            # Declared as the abstract ClientAPI, which lacks the close() every client has.
            self._client = cast(
                ChromaClient,
                chromadb.HttpClient(
                    host=where.hostname or "",
                    port=where.port or (443 if tls else 8000),
                    ssl=tls,
                    headers={"Authorization": f"Bearer {token}"} if token else None,
                    settings=ChromaSettings(anonymized_telemetry=False),
                ),
            )
            self._collection = _open_collection(self._client, collection)
        except (AuthorizationError, ChromaAuthError) as error:
            raise ConfigError(f"chroma_url {url}: the Chroma server refused chroma_token ({error})") from None
        except Exception as error:  # chromadb raises plain ValueError/httpx errors for an unreachable server
            raise ConfigError(
                f"chroma_url {url}: cannot use the Chroma server ({type(error).__name__}: {error})"
            ) from None
        self._url = url

    @contextmanager
    def _answering(self):
        """A server gone after start-up is Unavailable, saying which: it was 'internal error' and a traceback."""
        try:
            yield
        except MISTAKES:
            raise  # our own code's fault, not the server's: reported as one, with its traceback
        except Exception as error:  # chromadb lets httpx's errors through, and raises plain ones of its own
            raise Unavailable(
                f"the vector server (chroma_url {self._url}) is not answering ({type(error).__name__}); "
                "searches work again as soon as it is back"
            ) from error

    def _upsert(self, ids: list[str], vectors: list[list[float]], owners: list[tuple[str, int]]) -> None:
        with self._answering():
            super()._upsert(ids, vectors, owners)

    def _delete(self, ids: list[str]) -> None:
        with self._answering():
            super()._delete(ids)

    def ids(self) -> set[str]:
        with self._answering():
            return super().ids()

    def count(self) -> int:
        with self._answering():
            return super().count()

    def _nearest(self, vector, k: int, courses: list[int] | None) -> list[tuple[str, float]]:
        where = None if courses is None else {"course_id": {"$in": list(courses)}}
        with self._answering():
            found = self._collection.query(
                query_embeddings=[list(vector)], n_results=k, where=where, include=["distances"]
            )
        return [(cid, 1.0 - distance) for cid, distance in zip(found["ids"][0], found["distances"][0], strict=True)]

    def _stored(self, ids: list[str]) -> dict[str, Sequence[float]]:
        # As unit vectors, as the embedded store gives them.
        with self._answering():
            found = self._collection.get(ids=ids, include=["embeddings"])
        return VectorIndex(found["ids"], found["embeddings"], [0] * len(found["ids"])).vectors(ids)
