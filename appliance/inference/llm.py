"""The local LLM: llama.cpp through llama-cpp-python, the only module that imports it."""

import ctypes
import logging
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import llama_cpp
from llama_cpp import _internals
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from appliance.errors import Unavailable
from appliance.inference.batching import CLOSED, Entry, Job, Scheduler
from appliance.inference.prompting import COMPLETION_STOP, strip_spelled

BATCH = 512  # tokens per llama_decode call, as open_llama's n_batch
log = logging.getLogger(__name__)
# ggml's log levels (ggml.h: 1 debug, 2 info, 3 warn, 4 error, 5 a line continued) as the appliance logs them.
# llama-cpp-python's own callback reads them as an older ggml numbered them: it printed warnings raw on stderr (a
# line that was no JSON among the service's logs, and the only line but the answer on `ragbot ask`'s terminal) and
# dropped errors. Its warnings are notes on settings the appliance chose (a full-size SWA cache): info.
GGML_LEVELS = {3: logging.INFO, 4: logging.ERROR}


@llama_cpp.llama_log_callback
def _llama_log(level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
    """llama.cpp's log lines into the appliance's log, at their own level (debug, info and continuations dropped)."""
    if level in GGML_LEVELS and (line := text.decode(errors="replace").strip()):
        log.log(GGML_LEVELS[level], "llama.cpp: %s", line)


llama_cpp.llama_log_set(_llama_log, ctypes.c_void_p(0))  # after `import llama_cpp`, which set its own
PENALTY_LAST_N = 64  # tokens the repeat penalty looks back over: llama-cpp-python's default


def open_llama(path: Path, *, context_length: int, threads: int) -> "llama_cpp.Llama":
    """A llama.cpp context as the appliance opens it (the benchmarks use it bare, as a baseline)."""
    return llama_cpp.Llama(
        model_path=str(path),
        n_ctx=context_length,
        n_threads=threads or os.cpu_count(),
        n_batch=512,
        seed=0,
        flash_attn=False,
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
    """A GGUF model run in-process, `parallel` answers decoded together (inference/batching.py). Thread-safe:
    `stream` only queues a job for the scheduler's thread, which alone touches the llama.cpp context."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        context_length: int,
        threads: int,
        prompt_style: str,
        repeat_penalty: float = 1.0,
        parallel: int = 1,
    ):
        self.name = name
        self.context_length = context_length
        self._context = _Context(path, context_length, threads, parallel, repeat_penalty)
        self._model = self._context.model
        self._vocab = self._model.vocab
        self._scheduler = Scheduler(self._context, parallel=parallel, context_length=context_length, batch_tokens=BATCH)
        template = self._model.metadata().get("tokenizer.chat_template")
        self._chat = None
        if prompt_style == "chat" and template:
            self._chat = Jinja2ChatFormatter(
                template=template,
                eos_token=self._context.piece(self._model.token_eos()).decode(errors="ignore"),
                bos_token=self._context.piece(self._model.token_bos()).decode(errors="ignore"),
            )
        self.prompt_style = "chat" if self._chat else "completion"
        self._users = 0  # request threads tokenizing right now: close() waits for them before freeing the model
        self._closed = False
        self._idle = threading.Condition()

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` under this model's tokenizer."""
        return len(self._tokenize(text, add_bos=False))

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
        with self._in_use():
            tokens = self._model.tokenize(text.encode("utf-8"), add_bos=False, special=True)
            return {self._vocab_text(t) for t in tokens if llama_cpp.llama_vocab_is_control(self._vocab, t)}

    def _tokenize(self, text: str, *, add_bos: bool) -> list[int]:
        with self._in_use():
            return self._model.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        """Hold the model open while a request thread reads it (a freed model would crash the process)."""
        with self._idle:
            if self._closed:
                raise Unavailable(CLOSED)
            self._users += 1
        try:
            yield
        finally:
            with self._idle:
                self._users -= 1
                self._idle.notify_all()

    def _vocab_text(self, token: int) -> str:
        return llama_cpp.llama_vocab_get_text(self._vocab, token).decode("utf-8", errors="ignore")

    def stream(
        self, prompt: str, *, max_tokens: int, temperature: float, stop: list[str] | None = None
    ) -> Iterator[str]:
        """Generate text pieces as they are sampled, until a `stop` string. Closing the iterator stops generation."""
        if stop is None:
            stop = [] if self._chat else COMPLETION_STOP
        # BOS first where the model wants one, as llama-cpp-python's create_completion puts it.
        tokens = self._tokenize(prompt, add_bos=True)
        job = Job(tokens, max_tokens=max_tokens, temperature=temperature, stop=stop)
        return self._scheduler.stream(job)

    def close(self) -> None:
        """End every answer, stop the batching thread and free the model's memory. Idempotent."""
        with self._idle:
            self._closed = True
            self._idle.wait_for(lambda: self._users == 0)
        self._scheduler.close()
        self._context.close()


class _Context:
    """One llama.cpp context whose KV cache holds a sequence per answer plus the shared prompt start: the
    `batching.Decoder` on llama-cpp-python's low-level API."""

    def __init__(self, path: Path, context_length: int, threads: int, parallel: int, repeat_penalty: float):
        # As llama.cpp's penalties sampler holds it (a C float), so a penalised logit is the same to the bit.
        self.repeat_penalty = ctypes.c_float(repeat_penalty).value
        model_params = llama_cpp.llama_model_default_params()
        # No repacked weights: their kernels take one path for a single row and another for several, so an
        # answer's logits would depend on how many others share its step. Plain quantized dot products are
        # the same for every batch size (four streams at temperature 0 then match each alone, see
        # tests/test_real_batching.py); at this model's size the speed is within noise (BENCHMARKS.md).
        model_params.use_extra_bufts = False
        self.model = _internals.LlamaModel(path_model=str(path), params=model_params, verbose=False)
        params = llama_cpp.llama_context_default_params()
        # A stream of context_length per answer, and one for the shared start.
        params.n_ctx = context_length * (parallel + 1)
        params.n_seq_max = parallel + 1
        params.n_batch = params.n_ubatch = BATCH
        params.n_threads = params.n_threads_batch = threads or os.cpu_count() or 1
        # A KV stream per sequence, not one unified cache: an answer attends over its own stream only (with a
        # unified cache the other answers' masked cells change the summation order, and near ties flip). Answers
        # decoded in one batch still come out a little apart from each alone at times (one of the four test
        # prompts at the logit level, its tokens the same; BENCHMARKS.md, twentieth round).
        params.kv_unified = False
        params.swa_full = True  # Gemma 3's sliding-window layers keep every position, so a copied start is whole
        # No flash attention (llama.cpp's "auto" turns it on): its CPU kernel gives a prompt read in two pieces, or
        # after a start copied from the shared sequence, logits some 0.2 away from the same prompt read whole, so a
        # near tie answered a question otherwise the second time it was asked. Without it every way of reading a
        # prompt gives the same logits to the bit, at no measured cost at this model's size (BENCHMARKS.md).
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.no_perf = True
        self.context = llama_cpp.llama_init_from_model(self.model.model, params)
        if not self.context:
            raise Unavailable(f"llama.cpp could not make a context of {params.n_ctx} tokens for {path.name}")
        self.memory = llama_cpp.llama_get_memory(self.context)
        self.batch = llama_cpp.llama_batch_init(BATCH, 0, 1)
        self.samplers: dict[int, llama_cpp.llama_sampler_p] = {}
        self.recent: dict[int, deque[int]] = {}  # each sequence's last PENALTY_LAST_N sampled tokens
        self._buffer = ctypes.create_string_buffer(64)
        self.seed = 0  # as open_llama: the same prompt at the same temperature gives the same answer

    def close(self) -> None:
        """Free the samplers, the batch, the context and then the model (llama.cpp needs that order)."""
        for seq in list(self.samplers):
            self._drop_sampler(seq)
        if self.context:
            llama_cpp.llama_batch_free(self.batch)
            llama_cpp.llama_free(self.context)
            self.context = None
        self.model.close()

    def decode(self, entries: Sequence[Entry]) -> None:
        """Evaluate one batch of (token, position, sequences, logits wanted)."""
        batch = self.batch
        for i, (token, pos, seq, logits) in enumerate(entries):
            batch.token[i], batch.pos[i], batch.logits[i] = token, pos, logits
            batch.n_seq_id[i], batch.seq_id[i][0] = 1, seq
        batch.n_tokens = len(entries)
        status = llama_cpp.llama_decode(self.context, batch)
        if status:
            raise Unavailable(f"llama_decode failed with status {status}")

    def start(self, seq: int, temperature: float) -> None:
        """A fresh sampler chain for sequence `seq`, the settings llama-cpp-python's create_completion uses (its
        repeat penalty applied by `sample`)."""
        self._drop_sampler(seq)
        chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
        self.recent[seq] = deque(maxlen=PENALTY_LAST_N)
        links = []
        if temperature == 0:
            links.append(llama_cpp.llama_sampler_init_greedy())
        else:
            links = [
                llama_cpp.llama_sampler_init_top_k(40),
                llama_cpp.llama_sampler_init_typical(1.0, 1),
                llama_cpp.llama_sampler_init_top_p(0.95, 1),
                llama_cpp.llama_sampler_init_min_p(0.05, 1),
                llama_cpp.llama_sampler_init_temp(temperature),
                llama_cpp.llama_sampler_init_dist(self.seed),
            ]
        for link in links:
            llama_cpp.llama_sampler_chain_add(chain, link)
        self.samplers[seq] = chain

    def sample(self, seq: int, index: int) -> int:
        """Sample the next token of `seq` from batch row `index`, its recent tokens penalised first."""
        recent = self.recent[seq]
        self._penalise(index, set(recent))
        token = llama_cpp.llama_sampler_sample(self.samplers[seq], self.context, index)
        recent.append(token)
        return token

    def _penalise(self, index: int, tokens: set[int]) -> None:
        """llama.cpp's repeat penalty on batch row `index`'s logits of `tokens`, written in place."""
        # Done here on the few recent tokens: llama.cpp's penalties sampler looks up every one of the 262k
        # vocabulary entries in its table of recent tokens: half the time of each sample (2.0 -> 1.0 ms, BENCHMARKS.md).
        if self.repeat_penalty == 1.0 or not tokens:
            return
        logits = llama_cpp.llama_get_logits_ith(self.context, index)
        for token in tokens:
            value = logits[token]
            logits[token] = value * self.repeat_penalty if value <= 0 else value / self.repeat_penalty

    def copy(self, source: int, target: int, length: int) -> None:
        """Give `target` the first `length` positions of `source`."""
        # Between streams llama.cpp copies only whole sequences (a range asserts), so copy all, then cut.
        llama_cpp.llama_memory_seq_cp(self.memory, source, target, -1, -1)
        llama_cpp.llama_memory_seq_rm(self.memory, target, length, -1)

    def free(self, seq: int) -> None:
        """Drop everything `seq` holds in the KV cache, and its sampler."""
        llama_cpp.llama_memory_seq_rm(self.memory, seq, -1, -1)
        self._drop_sampler(seq)
        self.recent.pop(seq, None)

    def _drop_sampler(self, seq: int) -> None:
        chain = self.samplers.pop(seq, None)
        if chain is not None:
            llama_cpp.llama_sampler_free(chain)

    def is_end(self, token: int) -> bool:
        return bool(llama_cpp.llama_vocab_is_eog(self.model.vocab, token))

    def piece(self, token: int) -> bytes:
        """The bytes of `token` as text (control tokens spell nothing)."""
        n = llama_cpp.llama_token_to_piece(self.model.vocab, token, self._buffer, len(self._buffer), 0, False)
        return self._buffer.raw[:n]


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
