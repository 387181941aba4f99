"""Sentence embeddings with sentence-transformers, the only module that imports it (and torch)."""

import os
from functools import lru_cache
from pathlib import Path

# Weights come from the models directory or a package on disk; never ask a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402


class Embedder:
    """A local sentence-transformers model producing unit-length vectors."""

    def __init__(self, path: Path, *, name: str, threads: int = 0):
        if threads:
            torch.set_num_threads(threads)
        self.name = name
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._tokenizer = self._model.tokenizer
        self.dimensions = self._model.get_embedding_dimension()
        self.max_tokens = self._model.max_seq_length
        self.embed_query = lru_cache(maxsize=1024)(self._embed_query)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`, without special tokens."""
        return len(self._tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        """Vectors for passages, batched."""
        with torch.inference_mode():
            vectors = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return vectors.tolist()

    def _embed_query(self, text: str) -> tuple[float, ...]:
        """One query's vector; cached because students ask the same questions."""
        return tuple(self.embed([text])[0])
