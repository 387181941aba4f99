"""In-memory rate limits: sliding windows (questions per user, sign-ins per address), backoff per account."""

import math
import threading
import time
from collections import defaultdict, deque

from appliance.errors import TooManyRequests


class SlidingWindow:
    """At most `limit` events per key in any `window` seconds; 0 means no limit."""

    def __init__(self, window: float, clock=time.monotonic):
        self.window = window
        self.clock = clock
        self.events: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()
        self.swept = clock()

    def hit(self, key: str, limit: int, what: str) -> None:
        """Count one event, or raise TooManyRequests saying when the oldest one leaves the window."""
        if not limit:
            return
        now = self.clock()
        with self.lock:
            self._forget_idle(now)
            events = self.events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= limit:
                retry = max(1, math.ceil(events[0] + self.window - now))
                raise TooManyRequests(f"{what} limit reached ({limit}); try again in {retry} s", retry_after=retry)
            events.append(now)

    def _forget_idle(self, now: float) -> None:
        """Once a window, drop keys with no event inside it, so addresses seen once do not pile up forever."""
        if now < self.swept + self.window:
            return
        self.swept = now
        for key in [k for k, events in self.events.items() if not events or events[-1] <= now - self.window]:
            del self.events[key]


class AccountBackoff:
    """Per-account sign-in backoff: after `free` failures in a row each try waits twice as long, up to `longest`.

    The cap keeps a stranger guessing at a teacher's name from locking the teacher out for more than a minute
    or so, while still holding a guesser to about one try per `longest` seconds. Success, or `idle` seconds
    without a failure, forgets the account.
    """

    def __init__(self, free: int, longest: float, idle: float = 900, clock=time.monotonic):
        self.free, self.longest, self.idle = free, longest, idle
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}  # key -> (failures in a row, time of the last)
        self.lock = threading.Lock()
        self.swept = clock()

    def check(self, account: str) -> None:
        """Raise TooManyRequests while the account must still wait before its next try."""
        now = self.clock()
        with self.lock:
            count, last = self.failures.get(account.lower(), (0, now))
            if last <= now - self.idle:
                count = 0
            wait = self._delay(count) - (now - last)
        if wait > 0:
            retry = math.ceil(wait)
            raise TooManyRequests(
                f"too many failed sign-ins for this account; try again in {retry} s", retry_after=retry
            )

    def failed(self, account: str) -> None:
        """Count one more failure in a row."""
        now = self.clock()
        with self.lock:
            if now >= self.swept + self.idle:
                self.swept = now
                for key in [k for k, (_, last) in self.failures.items() if last <= now - self.idle]:
                    del self.failures[key]
            count, last = self.failures.get(account.lower(), (0, now))
            self.failures[account.lower()] = (1 if last <= now - self.idle else count + 1, now)

    def succeeded(self, account: str) -> None:
        """Forget the account's failures."""
        with self.lock:
            self.failures.pop(account.lower(), None)

    def _delay(self, count: int) -> float:
        return 0.0 if count < self.free else min(self.longest, 2.0 ** min(count - self.free, 32))
