"""Answers to repeated questions, kept per course state so new material is never answered from stale text."""

import hashlib
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec

from appliance.answer.events import Done, Timings
from appliance.store.database import Database


def normalise(question: str) -> str:
    """Case, spacing and end punctuation do not make a different question."""
    return re.sub(r"\s+", " ", question).strip().lower().rstrip("?!. ")


def _answer_only(done: Done) -> Done:
    """The answer without what belongs to one particular asking (its conversation, timings, cache flag)."""
    return msgspec.structs.replace(done, timings=Timings(), cached=False, conversation_id=None, interaction_id=None)


BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str:
    """This boot of the machine: a monotonic clock counts from boot, so its times compare only within one."""
    try:
        return BOOT_ID.read_text().strip()
    except OSError:  # not Linux: this process's own id, its times then compare only within it
        return uuid.uuid4().hex


class AnswerCache:
    """Cached `Done` answers keyed by question, level, selection, answer mode and the courses' versions.

    Lifetimes run on a monotonic clock: on the wall clock, one set back (by hand, or by a box without a clock
    battery finding the time) kept answers for as long again, and one set forward dropped them all.
    """

    def __init__(
        self, database: Database, ttl: int, clock: Callable[[], float] = time.monotonic, boot: str | None = None
    ):
        self.database = database
        self.ttl = ttl
        self.clock = clock
        self.boot = boot or boot_id()

    def key(
        self, question: str, courses: list[int], level: str, selected: str | None, mode: str, origin: dict | None = None
    ) -> str:
        """Same question, courses at the same versions, level, selection (and where it is from) and answer mode: the
        same answer."""
        versions = self.database.course_versions(courses)
        parts = [normalise(question), sorted(courses), versions, level, (selected or "").strip(), origin or {}, mode]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def get(self, key: str) -> Done | None:
        if not self.ttl:
            return None
        body = self.database.cached_answer(key, self.boot, self.clock() - self.ttl)
        return msgspec.json.decode(body, type=Done) if body else None

    def put(self, key: str, courses: list[int], done: Done) -> None:
        """Keep a covered answer the model was free to give (an uncovered one may be covered by tomorrow's upload,
        one quoted while the model was busy deserves the model's answer next time; both are cheap anyway)."""
        if not self.ttl or not done.covered or done.model_busy or not courses:
            return
        body = msgspec.json.encode(_answer_only(done)).decode()
        self.database.cache_answer(key, min(courses), body, self.boot, self.clock())

    def replay(self, cached: Done, started: float) -> Iterator[tuple[str, object]]:
        """The cached answer as the same events a generation sends, marked as cached."""
        yield "sources", cached.sources
        yield "token", cached.answer
        timings = Timings(cache_ms=round((time.perf_counter() - started) * 1000, 1))
        yield "done", msgspec.structs.replace(cached, cached=True, timings=timings)

    def storing(self, events: Iterator, key: str, courses: list[int]) -> Iterator[tuple[str, object]]:
        """Pass a generation's events through, caching its finished answer."""
        for event, data in events:
            if event == "done":
                self.put(key, courses, data)
            yield event, data
