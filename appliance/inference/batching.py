"""Continuous batching: several answers decoded together in one model context, one step at a time.

Each step puts into one batch the next token of every answer that is generating and a chunk of the prompt of
each answer still being read, decodes it once, and samples a token for every answer that asked for one.
A new answer joins between steps; a cancelled one gives its sequence back before the next step. The start
the prompts share (the fixed instructions) is kept in a sequence of its own and copied into each new
answer instead of being read again (copied: each answer keeps a KV stream of its own, so what it attends
to, and so its answer, does not depend on the others). The scheduler knows nothing of llama.cpp: a
`Decoder` does the model work (inference/llm.py gives the real one, the tests a fake).
"""

import queue
import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from appliance.errors import InvalidInput, Unavailable

SHARED_SEQ = 0  # the sequence that keeps the shared prompt start; answers use 1..parallel
# A common start shorter than this is not worth keeping: copying it saves less than it costs to track.
MIN_SHARED = 32
# Prompt tokens read per step while other answers stream: each step delays every streaming answer by the
# time its prompt chunk takes (about 0.4 s for 128 tokens on two cores), so a long prompt never freezes them.
INTERLEAVED_CHUNK = 128
CLOSED = "the model was unloaded"

# One token in a batch: (token, position, sequence, whether its logits are wanted).
Entry = tuple[int, int, int, bool]


class Decoder(Protocol):
    """The model work the scheduler needs: one context with `sequences` + 1 sequences."""

    def decode(self, entries: Sequence[Entry]) -> None: ...

    def start(self, seq: int, temperature: float) -> None: ...

    def sample(self, seq: int, index: int) -> int: ...

    def copy(self, source: int, target: int, length: int) -> None: ...

    def free(self, seq: int) -> None: ...

    def is_end(self, token: int) -> bool: ...

    def piece(self, token: int) -> bytes: ...


@dataclass
class Job:
    """One answer to generate: its prompt tokens, limits, and where its text goes."""

    tokens: list[int]
    max_tokens: int
    temperature: float
    stop: list[str]
    out: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)  # text pieces, then an error or None
    cancelled: threading.Event = field(default_factory=threading.Event)


class _Text:
    """The generated text as it may be shown: whole UTF-8 characters, cut before the first stop string,
    holding back an end that could still become one."""

    def __init__(self, stop: list[str]):
        self.stop = [s for s in stop if s]
        self.raw = b""
        self.sent = 0
        self.stopped = False

    def add(self, piece: bytes) -> str:
        """What can be shown now of the text so far with `piece` added."""
        self.raw += piece
        try:
            text = self.raw.decode("utf-8")
        except UnicodeDecodeError:  # a character split across tokens: wait for the rest of it
            return ""
        return self._show(text, final=False)

    def rest(self) -> str:
        """What is left to show at the end (nothing after a stop string)."""
        return "" if self.stopped else self._show(self.raw.decode("utf-8", errors="ignore"), final=True)

    def _show(self, text: str, final: bool) -> str:
        ends = [text.find(s) for s in self.stop if s in text]
        if ends:
            self.stopped = True
            end = min(ends)
        else:
            end = len(text) if final else len(text) - self._held(text)
        shown, self.sent = text[self.sent : end], max(self.sent, end)
        return shown

    def _held(self, text: str) -> int:
        """Length of the longest end of `text` that begins a stop string."""
        return max((n for s in self.stop for n in range(1, len(s)) if text.endswith(s[:n])), default=0)


@dataclass
class _Slot:
    """An answer holding a sequence: the prompt still to read, then the last token sampled."""

    job: Job
    seq: int
    pending: list[int]
    pos: int = 0
    last: int | None = None
    generated: int = 0
    builds: int = 0  # once the prompt is read this far, that start is copied into the shared sequence
    text: _Text = field(init=False)

    def __post_init__(self) -> None:
        self.text = _Text(self.job.stop)


class Scheduler:
    """Runs up to `parallel` answers at once on `decoder`, in a thread of its own."""

    def __init__(self, decoder: Decoder, *, parallel: int, context_length: int, batch_tokens: int = 512):
        self.decoder = decoder
        self.context_length = context_length
        self.batch_tokens = batch_tokens
        self._cond = threading.Condition()
        self._waiting: list[Job] = []
        self._slots: list[_Slot] = []
        self._free = list(range(1, parallel + 1))
        self._shared: list[int] = []  # the tokens the shared sequence holds
        self._last: list[int] = []  # the prompt admitted before, to find the start prompts share
        self._building: _Slot | None = None
        self._candidate: list[int] = []
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="batching", daemon=True)
        self._thread.start()

    def stream(self, job: Job) -> Generator[str]:
        """Queue `job` and yield its text as it is generated; closing the iterator cancels the job."""
        if len(job.tokens) >= self.context_length:
            raise InvalidInput(
                f"the prompt has {len(job.tokens)} tokens; the model's context holds {self.context_length}"
            )
        job.max_tokens = min(job.max_tokens, self.context_length - len(job.tokens))
        with self._cond:
            if self._closed:
                raise Unavailable(CLOSED)
            self._waiting.append(job)
            self._cond.notify()
        try:
            while (item := job.out.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            job.cancelled.set()
            with self._cond:
                self._cond.notify()

    @property
    def running(self) -> int:
        """Answers holding a sequence right now."""
        return len(self._slots)

    def close(self) -> None:
        """Stop the thread after its step; every answer waiting or running ends with Unavailable. Idempotent."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()
        with self._cond:
            for job in self._waiting:
                job.out.put(Unavailable(CLOSED))
            self._waiting.clear()
            for slot in list(self._slots):
                slot.job.out.put(Unavailable(CLOSED))
                self._release(slot)

    def _run(self) -> None:
        while not self._closed:
            try:
                self._turn()
            except Exception as error:  # the model failed: every answer running ends with the error
                self._fail(error)

    def _turn(self) -> None:
        """Admit what waits into free sequences, then decode one step (or sleep until there is work)."""
        with self._cond:
            self._drop_cancelled()
            if self._closed:
                return
            while self._free and self._waiting:
                self._admit(self._waiting.pop(0), self._free.pop(0))
            if not self._slots:
                self._cond.wait()
                return
        self._step()

    def _drop_cancelled(self) -> None:
        self._waiting = [job for job in self._waiting if not job.cancelled.is_set()]
        for slot in [s for s in self._slots if s.job.cancelled.is_set()]:
            self._release(slot)

    def _admit(self, job: Job, seq: int) -> None:
        """Give `job` sequence `seq`, copying in the shared start its prompt begins with."""
        tokens = job.tokens
        slot = _Slot(job, seq, list(tokens))
        self._slots.append(slot)  # first: should the decoder fail below, the job still hears of it
        shared = _common(tokens, self._shared)
        if shared >= MIN_SHARED:
            self.decoder.copy(SHARED_SEQ, seq, shared)
            slot.pos, slot.pending = shared, list(tokens[shared:])
        elif self._building is None and (common := _common(tokens, self._last)) >= MIN_SHARED:
            # Two prompts in a row start alike: once this answer has read that start, keep a copy of it.
            self.decoder.free(SHARED_SEQ)
            self._shared, self._candidate, self._building = [], tokens[:common], slot
            slot.builds = common
        self._last = tokens
        self.decoder.start(seq, job.temperature)

    def _release(self, slot: _Slot) -> None:
        """Give the slot's sequence back (its KV cache freed at once)."""
        if slot is self._building:  # it had not read the start to share yet
            self._building = None
        self.decoder.free(slot.seq)
        self._slots.remove(slot)
        self._free.append(slot.seq)

    def _step(self) -> None:
        """Decode one batch: a token of each generating answer and prompt chunks; sample what is due."""
        entries: list[Entry] = []
        due: list[tuple[_Slot, int]] = []
        for slot in self._slots:
            if slot.last is not None:
                due.append((slot, len(entries)))
                entries.append((slot.last, slot.pos, slot.seq, True))
                slot.pos += 1
        budget = (INTERLEAVED_CHUNK if entries else self.batch_tokens) - len(entries)
        for slot in self._slots:
            if slot.pending and budget > 0:
                chunk, slot.pending = slot.pending[:budget], slot.pending[budget:]
                budget -= len(chunk)
                entries += [(token, slot.pos + i, slot.seq, False) for i, token in enumerate(chunk)]
                slot.pos += len(chunk)
                if not slot.pending:  # the prompt is read: its last token gives the first answer token
                    due.append((slot, len(entries) - 1))
                    entries[-1] = (*entries[-1][:3], True)
        self.decoder.decode(entries)
        if (building := self._building) is not None and building.pos >= building.builds:
            self.decoder.copy(building.seq, SHARED_SEQ, building.builds)
            self._shared, self._building = self._candidate, None
        for slot, index in due:
            self._emit(slot, self.decoder.sample(slot.seq, index))

    def _emit(self, slot: _Slot, token: int) -> None:
        """Show what `token` adds; finish the answer at its end, a stop string or its token limit."""
        job = slot.job
        if not self.decoder.is_end(token):
            slot.generated += 1
            if text := slot.text.add(self.decoder.piece(token)):
                job.out.put(text)
            if not slot.text.stopped and slot.generated < job.max_tokens:
                slot.last = token
                return
        if text := slot.text.rest():
            job.out.put(text)
        job.out.put(None)
        with self._cond:
            self._release(slot)

    def _fail(self, error: Exception) -> None:
        with self._cond:
            for slot in list(self._slots):
                slot.job.out.put(Unavailable(f"the model failed mid-answer: {error}"))
                self._release(slot)


def _common(tokens: list[int], other: list[int]) -> int:
    """Length of the start `tokens` shares with `other`, leaving at least one token of `tokens` to read."""
    n = 0
    for a, b in zip(tokens[:-1], other, strict=False):
        if a != b:
            break
        n += 1
    return n
