"""Serialized access to the model, and streaming a blocking generator from a thread into async code."""

import asyncio
import itertools
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from contextlib import closing, contextmanager

from appliance.errors import Busy, TooManyRequests

END = object()


class Cancelled(Exception):
    """The client went away before its turn or during its generation."""


class ModelGate:
    """One llama.cpp context is not thread-safe: one generation at a time (`slots` at once for an inference
    server with that many parallel slots), a bounded and fair line of waiters.

    Fair means round-robin by user: the next turn goes to the waiting user served longest ago, so one
    student sending 20 questions delays each other student by at most one generation. Bounded means
    both at most `max_queue` waiting in all and at most `per_user` waiting or generating per user
    (0 = no per-user cap), so one student's flood cannot fill the line and turn the class away.

    With `quotes` (grounded answers that can quote their evidence instead), a full line refuses nobody: a
    ticket gives up its wait at once (`hold` with a patience) and its question is answered from quotes; what
    is refused then is a question arriving while `max_preparing` others are still being searched and weighed,
    the work no answer can skip. A ticket that gives up keeps its user's place in the rotation, so that
    user's next turn comes sooner.
    """

    def __init__(
        self,
        max_queue: int,
        retry_after: int = 5,
        per_user: int = 0,
        slots: int = 1,
        max_preparing: int = 1000,
        quotes: bool = False,
    ):
        self.max_queue = max_queue
        self.max_preparing = max_preparing
        self.quotes = quotes
        self.slots = slots
        self.generating = 0
        self.retry_after = retry_after
        self.per_user = per_user
        self._active: dict[str, int] = {}  # user -> tickets not yet finished (waiting or generating)
        self._cond = threading.Condition()
        self._line: list[Ticket] = []
        self._served: dict[str, int] = {}
        self._turns = itertools.count()
        self._arrivals = itertools.count()
        self.waiting = 0  # tickets not yet holding a slot: being prepared, or in line

    def reserve(self, user: str = "") -> "Ticket":
        """A place in line, or Busy at once when the line (or, with quotes, the preparation) is full: never hang."""
        with self._cond:
            if self.per_user and user and self._active.get(user, 0) >= self.per_user:
                raise TooManyRequests(
                    f"you already have {self.per_user} questions being answered; wait for one to finish",
                    retry_after=self.retry_after,
                )
            if self.waiting - len(self._line) >= self.max_preparing:
                raise Busy(
                    "too many questions are being looked up at once; try again shortly", retry_after=self.retry_after
                )
            if not self.quotes and self.waiting >= self.max_queue:
                raise Busy("the model is busy with other questions; try again shortly", retry_after=self.retry_after)
            self.waiting += 1
            self._active[user] = self._active.get(user, 0) + 1
            return Ticket(self, user, next(self._arrivals))

    @property
    def in_line(self) -> int:
        """Tickets waiting for their turn at the model right now (not the one holding it)."""
        with self._cond:
            return len(self._line)

    @property
    def busy(self) -> bool:
        """True while every slot generates."""
        return self.generating >= self.slots

    def _next(self) -> "Ticket":
        return min(self._line, key=lambda t: (self._served.get(t.user, -1), t.arrival))


class Ticket:
    """A reserved place in the model's line; `hold()` waits for its turn and holds the model."""

    def __init__(self, gate: ModelGate, user: str, arrival: int):
        self.gate = gate
        self.user = user
        self.arrival = arrival
        self.left = False
        self.had_turn = False
        self.finished = False

    def leave(self) -> None:
        """Give back the place in line; a ticket that never got the model also gives back its user's slot."""
        with self.gate._cond:
            if not self.left:
                self.left = True
                self.gate.waiting -= 1
            if not self.had_turn:
                self._finish()

    def _finish(self) -> None:
        """Give back the user's slot, once (the caller holds the gate's lock)."""
        if not self.finished:
            self.finished = True
            active = self.gate._active
            active[self.user] -= 1
            if not active[self.user]:
                del active[self.user]

    def __del__(self) -> None:
        # A request that ends before its stream ever starts (the client left at once) drops its ticket
        # unused; giving the place back here keeps the line from filling with ghosts.
        self.leave()

    @contextmanager
    def hold(self, cancelled: Callable[[], bool], patience: float | None = None) -> Iterator[bool]:
        """Wait for this ticket's turn (giving up if the client leaves), hold the model, release it. The value is
        whether the turn came: False once `patience` seconds passed first, and the model was never held."""
        gate = self.gate
        turn = self._wait_turn(cancelled, None if patience is None else time.monotonic() + patience)
        self.leave()
        if not turn:
            yield False
            return
        try:
            yield True
        finally:
            with gate._cond:
                gate.generating -= 1
                self._finish()
                gate._cond.notify_all()

    def _wait_turn(self, cancelled: Callable[[], bool], give_up: float | None) -> bool:
        """Stand in line until a slot is this ticket's (True) or until `give_up` (False); either way, leave the line."""
        gate = self.gate
        with gate._cond:
            if give_up is not None and len(gate._line) >= gate.max_queue:
                give_up = time.monotonic()  # a full line: no use waiting, unless a slot is free right now
            gate._line.append(self)
            try:
                while gate.busy or gate._next() is not self:
                    if cancelled():
                        raise Cancelled()
                    left = 0.1 if give_up is None else min(0.1, give_up - time.monotonic())
                    if left <= 0:
                        return False
                    gate._cond.wait(left)
                gate.generating += 1
                self.had_turn = True
                gate._served[self.user] = next(gate._turns)
                return True
            finally:
                gate._line.remove(self)
                gate._cond.notify_all()


def stream_from_thread(produce: Callable[[threading.Event], Generator]) -> AsyncGenerator:
    """Run `produce(cancel)` in its own thread, started now, and yield its items; leaving early sets `cancel`.

    Started at once, not on the first read: a response that is never streamed (the client left first)
    still runs its producer, which then stops at `cancel` or finishes, and so always gives back what it holds.
    """
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
    consumer = _consume(queue, cancel)
    # A consumer dropped unread runs no `finally`: its collection stops the producer instead.
    weakref.finalize(consumer, cancel.set)
    return consumer


async def _consume(queue: asyncio.Queue, cancel: threading.Event) -> AsyncGenerator:
    try:
        while (item := await queue.get()) is not END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancel.set()
