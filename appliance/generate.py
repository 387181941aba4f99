"""Serialized access to the model, and streaming a blocking generator from a thread into async code."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing, contextmanager

from appliance.errors import Busy

END = object()


class Cancelled(Exception):
    """The client went away before its turn or during its generation."""


class ModelGate:
    """One llama.cpp context is not thread-safe: one generation at a time, a bounded line of waiters."""

    def __init__(self, max_queue: int, retry_after: int = 5):
        self.max_queue = max_queue
        self.retry_after = retry_after
        self._model = threading.Lock()
        self._count = threading.Lock()
        self.waiting = 0
        self.busy = False

    def reserve(self) -> "Ticket":
        """A place in line, or Busy at once when the line is full (never hang)."""
        with self._count:
            if self.waiting >= self.max_queue:
                raise Busy("the model is busy with other questions; try again shortly", retry_after=self.retry_after)
            self.waiting += 1
        return Ticket(self)


class Ticket:
    """A reserved place in the model's line; `hold()` waits for the model and holds it."""

    def __init__(self, gate: ModelGate):
        self.gate = gate
        self.left = False

    def leave(self) -> None:
        if not self.left:
            self.left = True
            with self.gate._count:
                self.gate.waiting -= 1

    @contextmanager
    def hold(self, cancelled: Callable[[], bool]):
        """Wait for the model (giving up if the client leaves), hold it for one generation, release it."""
        gate = self.gate
        try:
            while not gate._model.acquire(timeout=0.1):
                if cancelled():
                    raise Cancelled()
        finally:
            self.leave()
        gate.busy = True
        try:
            yield
        finally:
            gate.busy = False
            gate._model.release()


async def stream_from_thread(produce: Callable[[threading.Event], Iterator]) -> AsyncIterator:
    """Run `produce(cancel)` in its own thread and yield its items; leaving early sets `cancel`."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    cancel = threading.Event()

    def put(item) -> None:
        if not cancel.is_set():  # once the consumer has left, its loop may be gone too
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def work() -> None:
        try:
            with closing(produce(cancel)) as items:
                for item in items:
                    put(item)
                    if cancel.is_set():
                        break
        except BaseException as error:  # handed to the consumer, which decides how to report it
            put(error)
        finally:
            put(END)

    # A dedicated thread, not the shared executor: a queued generation must never hold up searches.
    threading.Thread(target=work, name="generation", daemon=True).start()
    try:
        while (item := await queue.get()) is not END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancel.set()
