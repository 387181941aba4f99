"""Sliding-window rate limits kept in memory (per user for questions, per address for sign-ins)."""

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

    def hit(self, key: str, limit: int, what: str) -> None:
        """Count one event, or raise TooManyRequests saying when the oldest one leaves the window."""
        if not limit:
            return
        now = self.clock()
        with self.lock:
            events = self.events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= limit:
                retry = max(1, math.ceil(events[0] + self.window - now))
                raise TooManyRequests(f"{what} limit reached ({limit}); try again in {retry} s", retry_after=retry)
            events.append(now)
