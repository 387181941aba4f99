"""The local LLM: llama.cpp through llama-cpp-python, the only module that imports it."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from appliance.inference.prompting import COMPLETION_STOP, strip_spelled


def open_llama(path: Path, *, context_length: int, threads: int) -> "llama_cpp.Llama":
    """A llama.cpp context as the appliance opens it (the benchmarks use it bare, as a baseline)."""
    return llama_cpp.Llama(
        model_path=str(path),
        n_ctx=context_length,
        n_threads=threads or os.cpu_count(),
        n_batch=512,
        seed=0,
        verbose=False,
    )


def bare_completion(
    llama: "llama_cpp.Llama", prompt: str, *, max_tokens: int, temperature: float, stop: list[str] | None
) -> Iterator[str]:
    """Text pieces straight from llama-cpp-python, nothing around it: the streaming baseline."""
    yield from _texts(
        llama.create_completion(prompt, max_tokens=max_tokens, temperature=temperature, stop=stop, stream=True)
    )


def _texts(pieces: object) -> Iterator[str]:
    """The text of each piece of a streamed completion (stream=True always returns an iterator)."""
    for piece in cast("Iterator[llama_cpp.CreateCompletionStreamResponse]", pieces):
        yield piece["choices"][0]["text"]


class LlamaCppModel:
    """A GGUF model run in-process. Not thread-safe: callers serialize access (see answer/model_queue.py)."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        context_length: int,
        threads: int,
        prompt_style: str,
        repeat_penalty: float = 1.0,
    ):
        self.name = name
        self.repeat_penalty = repeat_penalty
        self._llama = open_llama(path, context_length=context_length, threads=threads)
        self.context_length = self._llama.n_ctx()
        self._vocab = llama_cpp.llama_model_get_vocab(self._llama.model)
        template = self._llama.metadata.get("tokenizer.chat_template")
        self._chat = None
        if prompt_style == "chat" and template:
            vocab = self._llama
            self._chat = Jinja2ChatFormatter(
                template=template,
                eos_token=vocab.detokenize([vocab.token_eos()]).decode(errors="ignore"),
                bos_token=vocab.detokenize([vocab.token_bos()]).decode(errors="ignore"),
            )
        self.prompt_style = "chat" if self._chat else "completion"

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` under this model's tokenizer."""
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def ping(self) -> bool:
        """True when the model answers (it runs here: when it tokenizes)."""
        return self.count_tokens("ok") > 0

    def render(self, instructions: str, request: str) -> str:
        """The full prompt: the chat template for instruct models, plain completion text for base models."""
        # The prompt is tokenized with special tokens on (the chat template needs them), so the request
        # (course material and the question: user-supplied text) must not spell any.
        request = self.without_control_tokens(request)
        if self._chat:
            messages: list[llama_cpp.ChatCompletionRequestMessage] = [
                {"role": "system", "content": instructions},
                {"role": "user", "content": request},
            ]
            return self._chat(messages=messages).prompt
        return f"{instructions}\n\n{request}"

    def without_control_tokens(self, text: str) -> str:
        """`text` with every spelling of a control token ("<end_of_turn>", "<eos>") taken out."""
        return strip_spelled(text, self._control_spellings)

    def _control_spellings(self, text: str) -> set[str]:
        tokens = self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        return {self._vocab_text(t) for t in tokens if llama_cpp.llama_vocab_is_control(self._vocab, t)}

    def _vocab_text(self, token: int) -> str:
        return llama_cpp.llama_vocab_get_text(self._vocab, token).decode("utf-8", errors="ignore")

    def stream(
        self, prompt: str, *, max_tokens: int, temperature: float, stop: list[str] | None = None
    ) -> Iterator[str]:
        """Generate text pieces as they are sampled, until a `stop` string. Closing the iterator stops generation."""
        if stop is None:
            stop = None if self._chat else COMPLETION_STOP
        pieces = self._llama.create_completion(
            prompt,
            max_tokens=max_tokens,
            temperature=temperature,
            stop=stop,
            stream=True,
            repeat_penalty=self.repeat_penalty,
        )
        for text in _texts(pieces):
            if text:
                yield text


def describe_gguf(path: Path) -> dict:
    """Load a GGUF (proving llama.cpp can run it) and return what a manifest needs from its metadata."""
    llama = llama_cpp.Llama(model_path=str(path), n_ctx=256, n_threads=1, verbose=False)
    try:
        meta = llama.metadata
        architecture = meta.get("general.architecture", "")
        context = meta.get(f"{architecture}.context_length") or llama._model.n_ctx_train()
        return {
            "architecture": architecture,
            "title": meta.get("general.name", ""),
            "context_length": int(context),
            "chat_template": bool(meta.get("tokenizer.chat_template")),
            "licence": meta.get("general.license", ""),
        }
    finally:
        llama.close()
