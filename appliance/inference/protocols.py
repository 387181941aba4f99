"""What the rest of the appliance needs from a model; the packaged ones and the tests' fakes both provide it."""

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

# runtime_checkable: the web layer's dependency check (an isinstance) accepts any object that has these members.


@runtime_checkable
class EmbeddingModel(Protocol):
    """Turns text into unit-length vectors."""

    name: str
    dimensions: int
    max_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]: ...

    def embed_query(self, text: str) -> Sequence[float]: ...


@runtime_checkable
class LanguageModel(Protocol):
    """Generates answers; an HTTP inference server could provide it too."""

    name: str
    context_length: int
    prompt_style: str

    def count_tokens(self, text: str) -> int: ...

    def ping(self) -> bool: ...

    def render(self, instructions: str, request: str) -> str: ...

    def stream(
        self, prompt: str, *, max_tokens: int, temperature: float, stop: list[str] | None = None
    ) -> Iterator[str]: ...

    def close(self) -> None: ...
